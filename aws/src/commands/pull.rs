//! `ddecs-wizard pull FAMILY[:REV]|ARN`: a registered task definition as
//! register input (read-only fields dropped, tags kept), on stdout or in
//! `-o FILE`, ready for `patch`, `check` or `register`. Read-only.

use std::io::Write;

use anyhow::Result;

use crate::connect::connect;
use crate::{raw, runtime, survey};
use ddecs_wizard::cli::{PullArgs, UsageError};
use ddecs_wizard::core::taskdef::document;
use ddecs_wizard::output::files;
use ddecs_wizard::output::safe::printable;

pub fn run(args: &PullArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    if args.task_definition.trim().is_empty() {
        return Err(UsageError(
            "TASK_DEFINITION is empty: give a family, FAMILY:REVISION or an ARN".to_owned(),
        )
        .into());
    }
    let described = runtime::block_on(async {
        let clients = connect(&args.aws).await?;
        anyhow::Ok(raw::describe_task_definition(&clients.ecs, &args.task_definition).await?)
    })??;
    let document = survey::read(&described).map_err(|e| {
        UsageError(format!(
            "{}: the registered task definition cannot be used: {e}",
            printable(&args.task_definition)
        ))
    })?;
    let text = document::render(&document.value, &document.layout);
    let arn = described["taskDefinition"]["taskDefinitionArn"]
        .as_str()
        .unwrap_or(&args.task_definition);
    match &args.output {
        Some(path) => {
            files::write_atomic(path, text.as_bytes())?;
            writeln!(
                err,
                "ddecs-wizard: wrote {} ({})",
                printable(&path.display().to_string()),
                printable(arn)
            )?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    out.flush()?;
    Ok(())
}
