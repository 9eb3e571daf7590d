//! `--plain` on a dumb terminal (`TERM=dumb`): numbered choices, answers
//! typed as lines, and not one escape byte from start to finish.

use crate::prompts::{Prompts, TERMINAL};
use crate::tmux::Pane;
use crate::{assert_same_files, generate_out_dir};

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:1.4.0";
const ARN: &str = "arn:aws:ssm:us-east-1:123456789012:parameter/datadog/api-key";

#[test]
fn a_whole_run_writes_no_escape_byte() {
    let Some(pane) = Pane::start_recorded(TERMINAL, &["--plain"], &[("TERM", "dumb")]) else {
        return;
    };
    pane.pick("Where do the app's tasks run?", "");
    pane.pick("Which Datadog agent version?", "7.17");
    pane.pick("Which language is the app written in?", "PHP");
    pane.pick("How does the tracer get into the app?", "");
    pane.pick("What is the app's image based on?", "Alpine");
    pane.pick("Which tracer version?", "");
    pane.pick("How does the app reach the agent?", "metadata file");
    pane.answer("How does the app start?", "");
    pane.answer("Container name", "checkout");
    pane.answer("Image", IMAGE);
    pane.answer("Service (DD_SERVICE)", "checkout");
    pane.answer("Environment (DD_ENV)", "prod");
    pane.answer("Version (DD_VERSION)", "");
    pane.pick("Datadog site", "datadoghq.eu");
    pane.pick("API key", "secret ARN");
    pane.answer("ARN of the secret", "arn:aws:s3:::not-a-secret");
    pane.wait_for("error: invalid api key secret ARN");
    pane.answer("ARN of the secret", ARN);
    super::default_features(&pane, ddecs_wizard::core::Language::Php, Pane::pick);
    pane.pick("What now?", "Save them");
    pane.answer("Save into which directory?", "");
    pane.wait_for("--task-definition checkout");
    pane.pick("What now?", "Copy one");
    pane.pick("Copy which artifact?", "App container");
    pane.wait_for("no OSC 52");
    // Quit: the program ends, so there is no next prompt to wait for.
    pane.wait_until("the menu after the copy", |text| {
        text.rfind("choose 1-5") > text.rfind("no OSC 52")
    });
    pane.type_text("5");
    pane.press(&["Enter"]);
    assert_eq!(pane.exit_status(), 0);

    let output = pane.output();
    let text = String::from_utf8_lossy(&output);
    assert!(
        text.contains("  1) EC2 (agent as a DAEMON service)"),
        "{text}"
    );
    assert!(
        text.contains("Next steps (run them in ./ddecs-wizard-out)"),
        "{text}"
    );
    assert!(
        !output.contains(&0x1b),
        "an escape byte was written:\n{text:?}"
    );
    let expected = generate_out_dir(&[
        "--agent-version",
        "7.17",
        "--language",
        "php",
        "--base-image",
        "alpine",
        "--imds",
        "metadata-file",
        "--app-name",
        "checkout",
        "--app-image",
        IMAGE,
        "--service",
        "checkout",
        "--env",
        "prod",
        "--site",
        "datadoghq.eu",
        "--api-key-secret-arn",
        ARN,
    ]);
    assert_same_files(
        &pane.work_dir().join("ddecs-wizard-out"),
        &expected.path().join("out"),
    );
}
