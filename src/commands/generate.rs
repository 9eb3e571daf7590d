//! `ddecs-wizard generate`: print one artifact, all of them, or write them
//! as files.

use std::io::Write;

use anyhow::Result;

use crate::cli::GenerateArgs;
use crate::core::generate::files::render_all;
use crate::core::render;
use crate::output::artifacts;
use crate::output::safe::printable;

pub fn run(args: &GenerateArgs, out: &mut dyn Write) -> Result<()> {
    let config = args.preset.given.config()?;
    if let Some(artifact) = args.output {
        out.write_all(render(&config, artifact)?.as_bytes())?;
    } else if let Some(dir) = &args.out_dir {
        for path in artifacts::save(&config, dir, args.force)? {
            writeln!(out, "wrote {}", printable(&path.display().to_string()))?;
        }
    } else {
        out.write_all(render_all(&config).as_bytes())?;
    }
    out.flush()?;
    Ok(())
}
