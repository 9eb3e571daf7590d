//! `ddecs-wizard generate`: print one artifact, all of them, or write them
//! as files.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::cli::{GenerateArgs, UsageError};
use crate::core::generate::next_steps;
use crate::core::{render, Artifact, Config};
use crate::output::files;
use crate::output::safe::printable;

/// The name of the file that says how to register and deploy the others.
pub const NEXT_STEPS_FILE: &str = "NEXT-STEPS.md";

/// The files `--out-dir` (and the wizards' save) write for `config`: every
/// applicable artifact that has a file name, with its rendered text, and
/// NEXT-STEPS.md.
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

/// Writes every artifact file into `dir`; the paths written, in order.
pub fn save(
    config: &Config,
    dir: &Path,
    force: bool,
) -> Result<Vec<std::path::PathBuf>, files::WriteError> {
    files::write_all(dir, &artifact_files(config), force)
}

pub fn run(args: &GenerateArgs, out: &mut dyn Write) -> Result<()> {
    let config = args.preset.to_config()?;
    if let Some(artifact) = args.output {
        let text = render(&config, artifact).map_err(|e| UsageError(format!("--output: {e}")))?;
        out.write_all(text.as_bytes())?;
    } else if let Some(dir) = &args.out_dir {
        for path in save(&config, dir, args.force)? {
            writeln!(out, "wrote {}", printable(&path.display().to_string()))?;
        }
    } else {
        for (i, artifact) in Artifact::applicable(&config).into_iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "==> {artifact} <==")?;
            out.write_all(render(&config, artifact)?.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}
