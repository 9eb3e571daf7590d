//! Every piece of text the wizard shows, in one place, so wording is reviewed
//! together and tests can refer to the same constants the screen uses.

use crate::core::{Field, Imds, Language};

pub const APP_NAME: &str = "ddecs-wizard";

/// The refusal when there is no terminal; names the scriptable command.
pub const NEEDS_TERMINAL: &str = "the wizard needs a terminal; for scripts use `ddecs-wizard generate` (see `ddecs-wizard generate --help`)";

pub const DEFAULT_SAVE_DIR: &str = "./ddecs-wizard-out";

// Questions, one per step.
pub const Q_AGENT: &str = "Which Datadog agent version runs on the hosts?";
pub const Q_LANGUAGE: &str = "Which language is the app written in?";
pub const Q_IMDS: &str = "How does the app find its host's private IP?";
pub const Q_COMMAND: &str = "How does the app start?";
pub const Q_TAGS: &str = "Unified service tags (optional)";
pub const Q_REVIEW: &str = "Review, then save";

// Agent version choices: (label, one-line hint).
pub const AGENT_LATEST: (&str, &str) = ("latest (recommended)", "newest agent; APM on");
pub const AGENT_MAJOR_7: (&str, &str) = ("7", "the newest 7.x release");
pub const AGENT_LEGACY: (&str, &str) = ("7.17 or lower", "adds 2 env vars");
pub const AGENT_OTHER: (&str, &str) = ("another version…", "type it below");

pub const AGENT_LATEST_WHY: &str =
    "The newest agent accepts traces from other containers as soon as port 8126 is mapped.";
pub const AGENT_MAJOR_7_WHY: &str =
    "Follows the newest 7.x release (image tag 7), like latest but never a new major.";
pub const AGENT_LEGACY_WHY: &str = "Agents 7.17 and lower (and every 6.x) accept traces from other containers only with DD_APM_ENABLED=true and DD_APM_NON_LOCAL_TRAFFIC=true: both are added to the agent container.";
pub const AGENT_OTHER_WHY: &str =
    "A major (7), x.y (7.17) or x.y.z (7.17.1, 6.16.0); the image tag follows it exactly.";
pub const AGENT_TYPE_A_VERSION: &str = "type a version, e.g. 7.17.1";
pub const AGENT_LEGACY_NOTE: &str = "adds DD_APM_ENABLED and DD_APM_NON_LOCAL_TRAFFIC";

pub fn language_why(language: Language) -> String {
    let label = language.label();
    match language {
        Language::Php => format!(
            "{label} reads DD_AGENT_HOST at launch, so the entryPoint sets it; the Apache and PHP-FPM tabs pass it on to PHP."
        ),
        Language::Java | Language::Dotnet => format!(
            "{label} reads DD_AGENT_HOST at launch, so the entryPoint must set it before the app starts."
        ),
        _ => format!(
            "The entryPoint sets DD_AGENT_HOST before {label} starts; setting the host in code is an alternative (Code tab)."
        ),
    }
}

/// (label, one-line hint) for each IMDS choice.
pub fn imds_choice(imds: Imds) -> (&'static str, &'static str) {
    match imds {
        Imds::V2 => ("IMDSv2 (recommended)", "token first; hop limit 2"),
        Imds::V1 => ("IMDSv1", "no token"),
        Imds::MetadataFile => ("ECS container metadata file", "no network call"),
        Imds::Auto => ("auto", "metadata file, then IMDSv2, then IMDSv1"),
    }
}

pub fn imds_why(imds: Imds) -> &'static str {
    match imds {
        Imds::V2 => "Asks IMDS for a session token, then the address. Containers reach IMDSv2 only if the instance's metadata hop limit is 2 or more.",
        Imds::V1 => "A single request without a token. It fails on instances that require IMDSv2, the default on new instance types.",
        Imds::MetadataFile => "Reads HostPrivateIPv4Address from $ECS_CONTAINER_METADATA_FILE. The ECS agent must run with ECS_ENABLE_CONTAINER_METADATA=true.",
        Imds::Auto => "Reads the ECS container metadata file when ECS provides one (no network, no curl), else asks IMDSv2, else IMDSv1.",
    }
}

pub const COMMAND_WHY: &str = "Runs exactly as typed, after DD_AGENT_HOST is set. If the host cannot be found within 5 s, the app still starts.";
pub const COMMAND_DEFAULT: &str = "default for";
pub const COMMAND_EXEC: &str = "runs as";
pub const COMMAND_NOT_EXEC: &str =
    "not a single command: sh stays PID 1, so end it with `exec app` for SIGTERM to reach the app";

pub const TAG_LABELS: [&str; 3] = ["service", "env", "version"];
pub const TAG_ENV_VARS: [&str; 3] = ["DD_SERVICE", "DD_ENV", "DD_VERSION"];
pub const TAG_WHAT: [Field; 3] = [Field::Service, Field::Env, Field::ServiceVersion];
pub const TAGS_WHY: &str = "Set as DD_SERVICE, DD_ENV and DD_VERSION on the app container so traces, logs and metrics line up. Leave empty to skip.";

pub const REVIEW_SAVE_HINT: &str = "Enter or s saves every file into a directory you choose.";
pub const REVIEW_PRESET_HINT: &str =
    "App name, image, site and API key come from --app-name, --app-image, --site and --api-key-secret-arn.";
pub const REVIEW_READY: &str = "ready to save";
pub const REVIEW_SAME_AS: &str = "The same without questions:";
pub const UNSET: &str = "unset";

pub const PREVIEW_NOT_APPLICABLE: &str = "Not used for this app";
pub const PREVIEW_SCRIPT_NOTE: &str =
    "The third entryPoint item (the sh -c script) as plain shell text; the App tab holds the JSON.";

// Status line messages.
pub const NOTHING_TO_COPY: &str = "nothing to copy";
pub const FIRST_STEP: &str = "this is the first step";
pub const PASTE_JOINED: &str = "pasted several lines: joined them with spaces";

pub fn fix_before_next(problem: &str) -> String {
    format!("fix this first: {problem}")
}

pub fn cannot_save(step_title: &str, problem: &str) -> String {
    format!("cannot save: {step_title}: {problem}")
}

pub fn saved(count: usize, dir: &str) -> String {
    format!(
        "saved {count} file{} in {dir} (printed again on exit)",
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
pub const HELP_CHANGED: &str = "▌ in the preview marks lines changed since you entered this step.";
pub const HELP_CLOSE: &str = "↑↓ PgUp PgDn scroll · any other key closes";

pub fn too_small(need_w: u16, need_h: u16, have_w: u16, have_h: u16) -> String {
    format!("terminal too small: need at least {need_w}x{need_h}, have {have_w}x{have_h}")
}
