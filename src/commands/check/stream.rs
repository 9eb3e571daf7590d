//! Serialising a JSON document while it is still being produced: an array
//! whose items come from an iterator as serde reaches it, and a value
//! computed only when serde reaches it (totals after the items). A log of
//! ten thousand files is written as it goes, never held whole in memory,
//! and still built by serde_json rather than by pasting strings.

use std::cell::RefCell;

use serde::ser::{Error, Serialize, Serializer};

/// A JSON array of the iterator's items; it can be serialised once.
pub struct LazyArray<I>(RefCell<Option<I>>);

impl<I> LazyArray<I> {
    pub fn new(items: I) -> Self {
        LazyArray(RefCell::new(Some(items)))
    }
}

impl<I, T> Serialize for LazyArray<I>
where
    I: Iterator<Item = T>,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self
            .0
            .borrow_mut()
            .take()
            .ok_or_else(|| S::Error::custom("a lazy array is written only once"))?;
        serializer.collect_seq(items)
    }
}

/// A value computed when it is serialised.
pub struct Deferred<F>(pub F);

impl<F, T> Serialize for Deferred<F>
where
    F: Fn() -> T,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.0)().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn items_are_written_before_what_follows_is_computed() {
        #[derive(serde::Serialize)]
        struct Log<A, C> {
            items: A,
            count: C,
        }
        let seen = Cell::new(0);
        let items = (1..=3).inspect(|_| seen.set(seen.get() + 1));
        let count = || seen.get();
        let log = Log {
            items: LazyArray::new(items),
            count: Deferred(&count),
        };
        assert_eq!(
            serde_json::to_string(&log).unwrap(),
            r#"{"items":[1,2,3],"count":3}"#
        );
        assert!(serde_json::to_string(&log).is_err());
    }
}
