//! The full-screen wizard's own text (the questions themselves live in the
//! front-end-neutral `wizard` module), in one place, so wording is reviewed
//! together and tests can refer to the same constants the screen uses.

pub const APP_NAME: &str = "ddecs-wizard";

/// The refusal when there is no terminal; names the scriptable command.
pub const NEEDS_TERMINAL: &str = "the wizard needs a terminal; for scripts use `ddecs-wizard generate` (see `ddecs-wizard generate --help`)";

/// The refusal on a terminal that cannot move its cursor.
pub const NEEDS_CURSOR: &str = "this terminal (TERM is dumb or unset) cannot show the full-screen wizard; use `ddecs-wizard --plain` for line-by-line questions";

pub const DEFAULT_SAVE_DIR: &str = "./ddecs-wizard-out";

pub const NOT_NEEDED: &str = "not needed:";
pub const CONFLICT: &str = "does not fit the other answers:";

pub const REVIEW_SAVE_HINT: &str = "Enter or s saves every file into a directory you choose.";
pub const REVIEW_READY: &str = "ready to save";
pub const REVIEW_PLACEHOLDERS: &str = "Placeholders left in the files:";
pub const REVIEW_SAME_AS: &str = "The same without questions:";

pub const PREVIEW_NOT_APPLICABLE: &str = "Not used for this app";
pub const PREVIEW_BLOCKED: &str = "Not shown while an answer is invalid";
pub const PREVIEW_SCRIPT_NOTE: &str =
    "The third entryPoint item (the sh -c script) as plain shell text; the App tab holds the JSON.";

// Status line messages.
pub const FIRST_STEP: &str = "this is the first step";

pub fn pasted_joined(lines: usize) -> String {
    format!("pasted {lines} lines as one command, joined with && (shown in the field): check it")
}

pub fn fix_before_next(problem: &str) -> String {
    format!("fix this first: {problem}")
}

pub fn cannot_save(label: &str, problem: &str) -> String {
    format!("cannot save: {label}: {problem}")
}

pub fn cannot_copy(tab: &str, why: &str) -> String {
    format!("cannot copy {tab}: {why}")
}

pub fn saved(count: usize, dir: &str) -> String {
    format!(
        "saved {count} file{} in {dir} (printed again on exit, with the next steps)",
        plural(count)
    )
}

pub fn overwrite_question(count: usize) -> String {
    format!("overwrite {count} existing file{}? y/n", plural(count))
}

pub fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

// Dialogs.
pub const SAVE_TITLE: &str = " Save ";
pub const SAVE_DIR_LABEL: &str = "Directory (created if missing):";
pub const SAVE_WILL_WRITE: &str = "Writes";
pub const QUIT_TITLE: &str = " Quit ";
pub const QUIT_QUESTION: &str = "Quit without saving? y/n";
pub const QUIT_EXPLAIN: &str = "Your answers have not been saved since they last changed.";
pub const HELP_TITLE: &str = " Keys ";
pub const HELP_CHANGED: &str = "▌ in the preview marks lines changed since you entered this step; ↪ starts a row that continues the line above.";
pub const HELP_CLOSE: &str = "↑↓ PgUp PgDn scroll · any other key closes";

// The exit screen.
pub const NEXT_STEPS: &str = "Next steps";

pub fn too_small(need_w: u16, need_h: u16, have_w: u16, have_h: u16) -> String {
    format!("terminal too small: need at least {need_w}x{need_h}, have {have_w}x{have_h}; enlarge it, or quit (q, Ctrl-C)")
}
