//! The files `check` reads, in order: each path named on the command line
//! as given, and under each named directory every `*.json` file (any case), depth
//! first in name order. The walk is lazy (an explicit stack holding only
//! the directories on the way down), so that a tree of any size costs no
//! more memory than its widest directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::output::files::kind_of;

/// One thing the walk yields.
#[derive(Debug)]
pub enum Item {
    /// A file or `-` named on the command line: every problem with it is
    /// the user's to fix (exit 2).
    Named(PathBuf),
    /// A `*.json` file found in a directory: it may be any JSON at all.
    Found(PathBuf),
    /// A directory that could not be listed.
    Unlisted(PathBuf, io::Error),
    /// A `*.json` entry that is no regular file (a FIFO would block the
    /// read, a device never end): what it is.
    NotRegular(PathBuf, &'static str),
}

pub struct Walk {
    /// What is left to visit, the next at the end.
    pending: Vec<Pending>,
}

enum Pending {
    Named(PathBuf),
    Found(PathBuf),
    Dir(PathBuf),
    NotRegular(PathBuf, &'static str),
}

/// Directories never worth entering: version-control internals.
const SKIPPED_DIRS: [&str; 1] = [".git"];

impl Walk {
    pub fn new(paths: &[PathBuf]) -> Walk {
        Walk {
            pending: paths.iter().rev().cloned().map(Pending::Named).collect(),
        }
    }

    /// Queues the entries of `dir`: sub-directories (not through symbolic
    /// links, which could loop) and `*.json` files (links to files count);
    /// a `*.json` that is something else is queued to be skipped with a
    /// note.
    fn enter(&mut self, dir: &Path) -> io::Result<()> {
        let mut entries: Vec<(PathBuf, Pending)> = Vec::new();
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                let skipped = entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| SKIPPED_DIRS.contains(&name));
                if !skipped {
                    entries.push((path.clone(), Pending::Dir(path)));
                }
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                let pending = match fs::metadata(&path) {
                    Ok(m) if m.is_file() => Pending::Found(path.clone()),
                    // A link to a directory is not followed; one that
                    // leads nowhere is not a file either.
                    Ok(m) if m.is_dir() => continue,
                    Err(_) if kind.is_symlink() => continue,
                    Ok(m) => Pending::NotRegular(path.clone(), kind_of(&m)),
                    Err(_) => Pending::Found(path.clone()),
                };
                entries.push((path, pending));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        self.pending
            .extend(entries.into_iter().rev().map(|(_, pending)| pending));
        Ok(())
    }
}

impl Iterator for Walk {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            match self.pending.pop()? {
                Pending::Named(path) if path.as_os_str() != "-" && path.is_dir() => {
                    if let Err(e) = self.enter(&path) {
                        return Some(Item::Unlisted(path, e));
                    }
                }
                Pending::Named(path) => return Some(Item::Named(path)),
                Pending::Found(path) => return Some(Item::Found(path)),
                Pending::NotRegular(path, kind) => return Some(Item::NotRegular(path, kind)),
                Pending::Dir(path) => {
                    if let Err(e) = self.enter(&path) {
                        return Some(Item::Unlisted(path, e));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_paths_in_order_and_directories_depth_first_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "b.json",
            "a/z.json",
            "a/y.txt",
            "a/c/x.json",
            ".git/h.json",
            "c.JSON",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "{}").unwrap();
        }
        let named = root.join("b.json");
        let walked: Vec<(bool, PathBuf)> =
            Walk::new(&[named.clone(), root.to_path_buf(), "-".into()])
                .map(|item| match item {
                    Item::Named(path) => (true, path),
                    Item::Found(path) => (false, path),
                    Item::Unlisted(path, e) => panic!("{}: {e}", path.display()),
                    Item::NotRegular(path, kind) => panic!("{}: {kind}", path.display()),
                })
                .collect();
        assert_eq!(
            walked,
            [
                (true, named),
                (false, root.join("a/c/x.json")),
                (false, root.join("a/z.json")),
                (false, root.join("b.json")),
                (false, root.join("c.JSON")),
                (true, "-".into()),
            ]
        );
    }
}
