//! `ddecs-wizard patch FILE`: add APM tracing to an existing task
//! definition and print it, write it to `-o FILE`, replace FILE in place, or
//! show the change as a diff. What changed goes to stderr, one line each;
//! the JSON (or diff) alone goes to stdout, so it can be piped.

use std::io::Write;

use anyhow::Result;

use super::input::{self, Input};
use crate::cli::{PatchArgs, UsageError};
use crate::core::model::config::Tracer;
use crate::core::model::features::{Switch, DBM_ENV, SAMPLE_RATE_ENV};
use crate::core::model::field::Field;
use crate::core::model::given::{Given, GivenError};
use crate::core::patch::{patch, Injection, PatchOptions, TracerPlan};
use crate::core::taskdef::container::secret_values;
use crate::core::taskdef::document;
use crate::output::safe::Messages;
use crate::output::{diff, files};

/// Notes go to `err`, which escapes what they quote from the file.
pub fn run(args: &PatchArgs, out: &mut dyn Write, err: &mut Messages<dyn Write>) -> Result<()> {
    let mut options = options(&args.preset.given, &args.container)?;
    options.remove = args.remove;
    check_remove_alone(&options, &args.preset.given)?;
    if args.in_place && input::is_stdin(&args.file) {
        return Err(UsageError(
            "--in-place needs a file, not standard input: use -o FILE".to_owned(),
        )
        .into());
    }
    if args.in_place {
        // Before reading: a FIFO would block the read, and is not replaced.
        files::check_replaceable(&args.file)?;
    }
    let input = input::read(&args.file)?;
    let document = input::document(&input)?;
    let patched =
        patch(&document, &options).map_err(|e| UsageError(format!("{}: {e}", input.name)))?;
    let text = document::write(&document, &patched.value);
    // What was done is told only once it is done: a failed write exits
    // with its error and no notes of changes that did not happen.
    let mut done = None;
    if args.diff {
        // Shows what --in-place would do, so nothing when it would not write.
        if patched.changed {
            let mut secrets = secret_values(&document.value);
            secrets.extend(secret_values(&patched.value));
            let diff = diff::unified(&original_text(&input), &text, &input.name, &secrets);
            out.write_all(diff.as_bytes())?;
        }
    } else if let Some(path) = &args.output {
        files::write_atomic(path, text.as_bytes())?;
        done = Some(format!("wrote {}", path.display()));
    } else if args.in_place {
        if patched.changed {
            files::write_atomic(&args.file, text.as_bytes())?;
            done = Some(format!("updated {}", input.name));
        } else {
            done = Some(format!("left {} as it was", input.name));
        }
    } else {
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    for note in &patched.notes {
        err.say(note)?;
    }
    if let Some(line) = done {
        err.say(line)?;
    }
    Ok(())
}

/// The options patch (and apply) use, after checking every flag given:
/// what was given, read by the settings' own readers; the rest is what the
/// file already does.
pub fn options(given: &Given, containers: &[String]) -> Result<PatchOptions, GivenError> {
    let config = given.config()?;
    let some = |field: Field| given.has(field);
    let tracer = match some(Field::Tracer).then_some(config.tracer) {
        Some(Tracer::Inject) => Some(TracerPlan::Inject(Injection {
            version: config.tracer_version,
            base_image: some(Field::BaseImage).then_some(config.base_image),
        })),
        Some(Tracer::Present) => Some(TracerPlan::Present),
        Some(Tracer::Image) => {
            return Err(GivenError::Unused {
                field: Field::Tracer,
                why: "patch cannot put the tracer into the image: get the Dockerfile lines with generate --tracer image --output dockerfile, rebuild, then patch with --tracer present".to_owned(),
            })
        }
        None => None,
    };
    if !matches!(tracer, Some(TracerPlan::Inject(_))) {
        for field in [Field::TracerVersion, Field::BaseImage] {
            if some(field) {
                return Err(GivenError::Unused {
                    field,
                    why: "patch picks a tracer version and base image only for --tracer inject"
                        .to_owned(),
                });
            }
        }
    }
    Ok(PatchOptions {
        imds: config.imds,
        transport: some(Field::Transport).then_some(config.transport),
        launch_type: some(Field::LaunchType).then_some(config.launch_type),
        api_key_secret_arn: config.api_key_secret_arn.clone(),
        site: some(Field::Site).then_some(config.site),
        agent_version: some(Field::AgentVersion).then(|| config.agent_version.clone()),
        startup_command: some(Field::StartupCommand).then(|| config.startup_command.clone()),
        containers: containers.to_vec(),
        tags: config.tags,
        tracer,
        remove: false,
        features: given_features(given),
        log_collection: some(Field::LogCollection).then_some(config.log_collection),
    })
}

/// `--remove` (of patch and apply) takes out everything, in every
/// container: a setting or `--container` beside it would be ignored.
pub fn check_remove_alone(options: &PatchOptions, given: &Given) -> Result<(), UsageError> {
    if options.remove && (!given.is_empty() || !options.containers.is_empty()) {
        return Err(UsageError(
            "--remove takes out everything ddecs-wizard added, in every container: it takes no other setting or --container".to_owned(),
        ));
    }
    Ok(())
}

/// The feature flags given, as the app variables patch sets: a switch as
/// given (`--profiling=false` writes false, as Datadog's Terraform module
/// does), an empty mode or rate takes its variable out.
fn given_features(given: &Given) -> Vec<(&'static str, Option<String>)> {
    let mut features: Vec<(&'static str, Option<String>)> = Switch::ALL
        .into_iter()
        .filter_map(|s| given.get(s.field()).map(|v| (s.env(), Some(v.to_owned()))))
        .collect();
    for (field, env) in [
        (Field::DbmPropagation, DBM_ENV),
        (Field::TraceSampleRate, SAMPLE_RATE_ENV),
    ] {
        if let Some(value) = given.get(field) {
            features.push((env, (!value.is_empty()).then(|| value.to_owned())));
        }
    }
    features
}

/// The input as text, without the byte order mark `read` stripped.
fn original_text(input: &Input) -> String {
    let bytes = input
        .bytes
        .strip_prefix(&[0xEF, 0xBB, 0xBF])
        .unwrap_or(&input.bytes);
    String::from_utf8_lossy(bytes).into_owned()
}
