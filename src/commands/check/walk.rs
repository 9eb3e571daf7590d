//! The files `check` reads, in order: each path named on the command line
//! as given, and under each named directory every `*.json` file (any case), depth
//! first in name order. The walk is lazy (an explicit stack holding only
//! the directories on the way down), so that a tree of any size costs no
//! more memory than its widest directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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
}

pub struct Walk {
    /// What is left to visit, the next at the end.
    pending: Vec<Pending>,
}

enum Pending {
    Named(PathBuf),
    Found(PathBuf),
    Dir(PathBuf),
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
    /// links, which could loop) and `*.json` files (links to files count).
    fn enter(&mut self, dir: &Path) -> io::Result<()> {
        let mut entries: Vec<(PathBuf, bool)> = Vec::new();
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
                    entries.push((path, true));
                }
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                && (kind.is_file() || (kind.is_symlink() && path.is_file()))
            {
                entries.push((path, false));
            }
        }
        entries.sort();
        self.pending
            .extend(entries.into_iter().rev().map(|(path, is_dir)| {
                if is_dir {
                    Pending::Dir(path)
                } else {
                    Pending::Found(path)
                }
            }));
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
