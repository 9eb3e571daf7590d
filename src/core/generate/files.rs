//! What `generate --out-dir` and the wizards' save write: every applicable
//! artifact that has a file, and NEXT-STEPS.md; and what `generate` prints
//! without `--output`. One list, so the CLI, the TUI and `--plain` write
//! and count the same files.

use crate::core::generate::artifact::{render, Artifact};
use crate::core::generate::next_steps;
use crate::core::Config;

/// The name of the file that says how to register and deploy the others.
pub const NEXT_STEPS_FILE: &str = "NEXT-STEPS.md";

/// The names of the files `config` writes, in order, without rendering any.
pub fn file_names(config: &Config) -> Vec<&'static str> {
    Artifact::applicable(config)
        .into_iter()
        .filter_map(|artifact| artifact.file_name(config.language))
        .chain([NEXT_STEPS_FILE])
        .collect()
}

/// The files `config` writes, each with its text.
pub fn artifact_files(config: &Config) -> Vec<(&'static str, String)> {
    let mut files: Vec<(&'static str, String)> = Artifact::applicable(config)
        .into_iter()
        .filter_map(|artifact| {
            let name = artifact.file_name(config.language)?;
            let text = render(config, artifact).expect("applicable artifacts render");
            Some((name, text))
        })
        .collect();
    files.push((NEXT_STEPS_FILE, next_steps::render(config)));
    files
}

/// Every applicable artifact, each after a `==> name <==` header line, as
/// `generate` prints them without `--output`.
pub fn render_all(config: &Config) -> String {
    let mut text = String::new();
    for (i, artifact) in Artifact::applicable(config).into_iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&format!("==> {artifact} <==\n"));
        text.push_str(&render(config, artifact).expect("applicable artifacts render"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{LaunchType, Transport};

    #[test]
    fn the_names_are_those_of_the_files() {
        for launch_type in LaunchType::ALL {
            for transport in Transport::ALL {
                let config = Config {
                    launch_type,
                    transport,
                    ..Config::default()
                };
                let names: Vec<&str> = artifact_files(&config).iter().map(|(n, _)| *n).collect();
                assert_eq!(file_names(&config), names);
            }
        }
    }
}
