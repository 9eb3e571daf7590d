//! The text `--help` prints after the options: a few examples and the exit
//! codes of each command, as the contract (`cli.md`) defines them. Kept
//! apart from the argument types so that the examples read as a page.

use crate::core::lint::RULES;

pub const WIZARD: &str = "\
Examples:
  ddecs-wizard                                     the full-screen wizard
  ddecs-wizard --plain --language ruby             the same questions as prompts, language answered
  ddecs-wizard generate --output app-container     no questions: one artifact on stdout

Exit codes:
  0    success
  1    check found errors, or an I/O failure
  2    usage error or bad input (also: no terminal for the wizard)
  130  interrupted";

pub const GENERATE: &str = "\
Examples:
  ddecs-wizard generate --language java --output entrypoint
  ddecs-wizard generate --transport uds --output app-task-definition > app.json
  ddecs-wizard generate --launch-type fargate --api-key-secret-arn ARN --out-dir deploy/

Exit codes:
  0  printed or written
  1  a file could not be written
  2  usage error: a bad value, an option or artifact that does not apply, a file that exists
     (give --force)";

pub const PATCH: &str = "\
Examples:
  ddecs-wizard patch task.json --diff
  aws ecs describe-task-definition --task-definition web | ddecs-wizard patch - -o web.json
  ddecs-wizard patch task.json --container api --transport uds --in-place

Exit codes:
  0  patched, or nothing to change
  1  the result could not be written
  2  usage error or bad input (not JSON, a template, not a task definition); nothing is written";

pub const CHECK: &str = "\
Examples:
  ddecs-wizard check task.json
  ddecs-wizard check infra/ --format sarif > ddecs-wizard.sarif
  ddecs-wizard check . --format github --severity warning --ignore DDECS019,DDECS049

Exit codes:
  0  no errors (warnings and info allowed)
  1  errors found, or a file found in a directory could not be read
  2  usage error, or a file named on the command line is unreadable or not a task definition";

pub const COMPLETIONS: &str = "\
Examples:
  ddecs-wizard completions bash > ~/.local/share/bash-completion/completions/ddecs-wizard
  ddecs-wizard completions zsh > ~/.zfunc/_ddecs-wizard
  ddecs-wizard completions fish > ~/.config/fish/completions/ddecs-wizard.fish

Exit codes:
  0  printed
  2  unknown shell";

/// `check --help`: the examples, then every rule.
pub fn check_long() -> String {
    let mut text = String::from(CHECK);
    text.push_str("\n\nRules (error: traces will not arrive or the task will not register; warning: works but fragile or unsafe; info: a suggestion):\n");
    text.push_str(&rule_table("  "));
    text
}

/// One line per rule: ID, severity, summary.
pub fn rule_table(indent: &str) -> String {
    let mut table = String::new();
    for rule in RULES {
        table.push_str(&format!(
            "{indent}{}  {:<7}  {}\n",
            rule.id,
            rule.severity.label(),
            rule.summary
        ));
    }
    table
}
