//! NEXT-STEPS.md: the exact commands that register and deploy what
//! `generate --out-dir` wrote, for the chosen launch type. The wizards print
//! the same text on their exit screen.

use std::fmt::Write;

use crate::core::model::config::{
    Config, Imds, Language, LaunchType, Tracer, Transport, APP_IMAGE_PLACEHOLDER,
};
use crate::core::model::datadog::API_KEY_PLACEHOLDER;
use crate::core::model::tracer::{init_image, loader_vars, INIT_CONTAINER_NAME, MOUNT_PATH};

/// The agent daemon's family in `assets/`, which the commands name.
const AGENT_FAMILY: &str = "datadog-agent-task";
/// The service (or daemon) name the commands give the agent.
const AGENT_SERVICE: &str = "datadog-agent";

/// What the tracer features and agent settings asked for need beyond the
/// variables the files set, one line each.
fn feature_needs(config: &Config) -> Vec<String> {
    let mut needs = Vec::new();
    let features = &config.features;
    if config.language == Language::Ruby && features.runtime_metrics {
        needs.push("Runtime metrics: add the `dogstatsd-ruby` gem to the app's Gemfile; the tracer sends them through it.".to_owned());
    }
    if config.language == Language::Go
        && (features.profiling || features.appsec || features.data_streams)
    {
        needs.push("Go: profiling, App and API Protection and Data Streams start from their variables only in a build made with Orchestrion (`orchestrion go build`, as Dockerfile.datadog does).".to_owned());
    }
    if config.agent.orchestrator_explorer {
        needs.push("Orchestrator Explorer: the agent's task role needs `ecs:ListClusters`, `ecs:ListContainerInstances` and `ecs:DescribeContainerInstances`.".to_owned());
    }
    if config.agent.process_collection && config.launch_type == LaunchType::Fargate {
        needs.push("Process collection: the task shares one PID namespace (`pidMode: task`), so ECS Exec can open a session into only one of its containers; leave process collection off where you rely on ECS Exec into several.".to_owned());
    }
    needs
}

/// The markdown text of NEXT-STEPS.md for `config`.
pub fn render(config: &Config) -> String {
    let mut out = String::new();
    let how = match (config.launch_type, config.transport) {
        (LaunchType::Fargate, Transport::Tcp) => "agent sidecar on localhost".to_owned(),
        (_, Transport::Uds) => "Unix socket in /var/run/datadog".to_owned(),
        (_, Transport::Tcp) => format!("host IP from {}", config.imds.label()),
    };
    let _ = writeln!(
        out,
        "# Next steps: Datadog APM on Amazon ECS ({}, {how})\n",
        config.launch_type.label()
    );
    out.push_str(
        "Run these from the directory that holds these files, after setting the first lines\n\
         to your own names. `ddecs-wizard register`, `apply` and `doctor` do the same with a\n\
         diff and a confirmation first.\n\n```sh\n",
    );
    out.push_str("CLUSTER=my-cluster        # your ECS cluster\n");
    out.push_str("SERVICE=my-service        # the ECS service that runs the app\n");
    if config.launch_type == LaunchType::ManagedInstances {
        out.push_str(
            "CAPACITY_PROVIDER_ARN=arn:aws:ecs:REGION:ACCOUNT:capacity-provider/NAME  # your Managed Instances capacity provider\n",
        );
    }
    out.push_str("```\n");
    let mut step = 0;
    let mut heading = |out: &mut String, title: &str| {
        step += 1;
        let _ = writeln!(out, "\n## {step}. {title}\n");
    };
    let placeholders = placeholders(config);
    if !placeholders.is_empty() {
        heading(&mut out, "Fill in what is still a placeholder");
        for line in placeholders {
            let _ = writeln!(out, "- {line}");
        }
    }
    if let Some(arn) = &config.api_key_secret_arn {
        heading(&mut out, "Let the task read the API key secret");
        let _ = writeln!(
            out,
            "The `executionRoleArn` in the task definition must name a role that may read\n\
             `{arn}` (`secretsmanager:GetSecretValue`, or `ssm:GetParameters` for a parameter)."
        );
    }
    match config.launch_type {
        LaunchType::Ec2 => {
            heading(
                &mut out,
                "Run the agent on every instance (a DAEMON service)",
            );
            let _ = write!(
                out,
                "```sh\n\
                 aws ecs register-task-definition --cli-input-json file://agent-task-definition.json\n\
                 aws ecs create-service --cluster \"$CLUSTER\" --service-name {AGENT_SERVICE} \\\n  \
                 --task-definition {AGENT_FAMILY} --scheduling-strategy DAEMON\n\
                 # later revisions: aws ecs update-service --cluster \"$CLUSTER\" --service {AGENT_SERVICE} --task-definition {AGENT_FAMILY}\n\
                 # or both, with a plan and a confirmation first:\n\
                 # ddecs-wizard register agent-task-definition.json --daemon-service {AGENT_SERVICE} --cluster \"$CLUSTER\"\n\
                 ```\n"
            );
        }
        LaunchType::ManagedInstances => {
            heading(&mut out, "Run the agent daemon on every Managed Instance");
            let _ = write!(
                out,
                "```sh\n\
                 ARN=$(aws ecs register-daemon-task-definition --cli-input-json file://agent-task-definition.json \\\n  \
                 --query 'daemonTaskDefinitionArn' --output text)\n\
                 aws ecs create-daemon --daemon-name {AGENT_SERVICE} --cluster \"$CLUSTER\" \\\n  \
                 --daemon-task-definition-arn \"$ARN\" --capacity-provider-arns \"$CAPACITY_PROVIDER_ARN\"\n\
                 # or both, with a plan and a confirmation first:\n\
                 # ddecs-wizard register agent-task-definition.json --daemon-service {AGENT_SERVICE} --cluster \"$CLUSTER\"\n\
                 ```\n"
            );
        }
        LaunchType::Fargate => {}
    }
    if config.wraps_entrypoint() && matches!(config.imds, Imds::V2 | Imds::Auto) {
        heading(
            &mut out,
            "Let bridge-mode containers reach IMDSv2 (hop limit 2)",
        );
        out.push_str(
            "Containers are one network hop further from IMDS than the instance; with the\n\
             default hop limit of 1 the token request never comes back.\n\n\
             ```sh\n\
             for ID in $(aws ecs list-container-instances --cluster \"$CLUSTER\" --query 'containerInstanceArns' --output text); do\n  \
             EC2=$(aws ecs describe-container-instances --cluster \"$CLUSTER\" --container-instances \"$ID\" \\\n    \
             --query 'containerInstances[0].ec2InstanceId' --output text)\n  \
             aws ec2 modify-instance-metadata-options --instance-id \"$EC2\" \\\n    \
             --http-put-response-hop-limit 2 --http-endpoint enabled\n\
             done\n\
             ```\n\n\
             For new instances, set `MetadataOptions.HttpPutResponseHopLimit` to 2 in the launch template.\n",
        );
    }
    let needs = feature_needs(config);
    if !needs.is_empty() {
        heading(&mut out, "What the features you switched on need");
        for line in needs {
            let _ = writeln!(out, "- {line}");
        }
    }
    if config.language == Language::Php {
        heading(&mut out, "Pass the Datadog variables through to PHP");
        out.push_str(
            "Add `apache-passenv.conf` to the Apache configuration (mod_php), or the lines of\n\
             `php-fpm-www.conf` to the PHP-FPM pool file (`www.conf`), in the app's image.\n",
        );
    }
    match config.tracer {
        Tracer::Inject => {
            heading(&mut out, "Check what the injected tracer needs");
            out.push_str(&injection_notes(config));
        }
        Tracer::Image => {
            heading(&mut out, "Build the app's image with the tracer");
            out.push_str(
                "Add the lines of `Dockerfile.datadog` to the app's Dockerfile where its comments say,\n\
                 then build and push the image and name it in the task definition (`--app-image`).\n",
            );
        }
        Tracer::Present => {
            heading(&mut out, "Check that the image loads its tracer");
            let _ = writeln!(
                out,
                "Nothing installs the tracer: the image must have it, and its start command load it\n\
                 (as in `{}`).",
                config.language.default_startup_command(Tracer::Present)
            );
        }
    }
    heading(&mut out, "Register the app and deploy it");
    let family = &config.app_name;
    let _ = write!(
        out,
        "```sh\n\
         aws ecs register-task-definition --cli-input-json file://app-task-definition.json\n\
         aws ecs update-service --cluster \"$CLUSTER\" --service \"$SERVICE\" --task-definition {family}\n\
         ```\n\n\
         An app that already has a task definition: merge `app-container.json` into it, or let\n\
         ddecs-wizard patch the live one (`ddecs-wizard apply FAMILY --service \"$SERVICE\" --cluster \"$CLUSTER\"`).\n"
    );
    heading(&mut out, "Check");
    let files = if config.has_daemon() {
        "agent-task-definition.json app-task-definition.json"
    } else {
        "app-task-definition.json"
    };
    let _ = write!(
        out,
        "```sh\n\
         ddecs-wizard check {files}\n\
         ddecs-wizard doctor --cluster \"$CLUSTER\"\n\
         ```\n"
    );
    out
}

/// What an injected tracer asks of the app and the task, per language.
fn injection_notes(config: &Config) -> String {
    let image = init_image(config.language, config.tracer_version()).unwrap_or_default();
    let vars: Vec<String> = loader_vars(config.language, config.base_image.libc())
        .iter()
        .map(|v| format!("`{}`", v.name))
        .collect();
    let mut out = format!(
        "At start, the non-essential `{INIT_CONTAINER_NAME}` container copies the tracer from\n\
         `{image}` into the task volume at `{MOUNT_PATH}`, and the app\n\
         waits for it (`dependsOn` SUCCESS); {} {} it. So:\n\n\
         - the app's image needs no tracer of its own: take it out (or use `--tracer present`);\n\
         - the task must be able to pull from public.ecr.aws (or from your mirror of the image);\n",
        vars.join(", "),
        if vars.len() == 1 { "loads" } else { "load" }
    );
    let language_note = match config.language {
        Language::Python => "- Python 3.9 to 3.14 (CPython): on others, or when the image already has ddtrace, the\n  injected tracer does nothing and the app runs untraced;\n",
        Language::Nodejs => "- Node.js 18 or later (dd-trace v5): on older ones the injected tracer does not start; an\n  app that has its own dd-trace uses that one;\n",
        Language::Java => "- a JVM 8 or later; Java 24 and later need an extra JVM flag for the agent (Datadog's\n  datadog-ci warns about it);\n",
        Language::Dotnet => "- x86_64 (X86_64 in `runtimePlatform.cpuArchitecture`, the default): the injected\n  profiler is the x64 build, and ARM64 tasks are not served; .NET tracer 3.0 or later;\n",
        Language::Ruby => "- a glibc image (Debian, Ubuntu): the injected Ruby tracer has no musl build;\n",
        Language::Php => "- `--base-image` matching the image's C library (the loader is in `linux-gnu` or\n  `linux-musl`), and a PHP version dd-trace-php supports;\n",
        Language::Go => "",
    };
    out.push_str(language_note);
    out.push_str("- none of these variables may come from `secrets` or be set twice (one would overwrite\n  the other): `ddecs-wizard check` finds both.\n");
    out
}

/// What the files still hold that the user must replace, one line each.
pub fn placeholders(config: &Config) -> Vec<String> {
    let mut left = Vec::new();
    if config.api_key_secret_arn.is_none() {
        left.push(format!(
            "`{API_KEY_PLACEHOLDER}`: your Datadog API key (better: store it in Secrets Manager and pass `--api-key-secret-arn`)"
        ));
    }
    if config.app_image == APP_IMAGE_PLACEHOLDER {
        left.push(format!(
            "`{APP_IMAGE_PLACEHOLDER}`: your app's image (`--app-image`)"
        ));
    }
    if config.api_key_secret_arn.is_some() {
        left.push(
            "`<EXECUTION_ROLE_THAT_CAN_READ_THE_DD_API_KEY_SECRET>`: the execution role's name"
                .to_owned(),
        );
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(launch_type: LaunchType, transport: Transport) -> Config {
        Config {
            launch_type,
            transport,
            ..Config::default()
        }
    }

    #[test]
    fn ec2_registers_a_daemon_service_and_raises_the_hop_limit() {
        let text = render(&Config::default());
        assert!(text.contains("--scheduling-strategy DAEMON"), "{text}");
        assert!(text.contains("--http-put-response-hop-limit 2"), "{text}");
        assert!(text.contains("file://app-task-definition.json"), "{text}");
        assert!(
            text.contains("ddecs-wizard register agent-task-definition.json"),
            "{text}"
        );
        assert!(text.contains("ddecs-wizard apply FAMILY"), "{text}");
        assert!(text.contains("ddecs-wizard doctor --cluster"), "{text}");
    }

    #[test]
    fn the_hop_limit_is_only_for_imdsv2_from_bridge_mode() {
        for (config, want) in [
            (
                Config {
                    imds: Imds::V1,
                    ..Config::default()
                },
                false,
            ),
            (config(LaunchType::Ec2, Transport::Uds), false),
            (config(LaunchType::Fargate, Transport::Tcp), false),
            (
                Config {
                    imds: Imds::Auto,
                    ..Config::default()
                },
                true,
            ),
        ] {
            assert_eq!(render(&config).contains("hop-limit"), want, "{config:?}");
        }
    }

    #[test]
    fn fargate_has_no_daemon_and_managed_instances_a_daemon_of_their_own() {
        let fargate = render(&config(LaunchType::Fargate, Transport::Tcp));
        assert!(!fargate.contains("agent-task-definition.json"), "{fargate}");
        assert!(!fargate.contains("DAEMON"), "{fargate}");
        let managed = render(&config(LaunchType::ManagedInstances, Transport::Uds));
        assert!(
            managed.contains("register-daemon-task-definition"),
            "{managed}"
        );
        assert!(managed.contains("aws ecs create-daemon"), "{managed}");
    }

    #[test]
    fn each_way_of_getting_the_tracer_says_what_to_check() {
        let text = render(&Config::default());
        assert!(
            text.contains("Check what the injected tracer needs"),
            "{text}"
        );
        assert!(
            text.contains("public.ecr.aws/datadog/dd-lib-python-init:v4"),
            "{text}"
        );
        assert!(text.contains("Python 3.9 to 3.14"), "{text}");
        let dotnet = render(&Config::for_language(Language::Dotnet));
        assert!(dotnet.contains("x86_64"), "{dotnet}");
        let node = render(&Config::for_language(Language::Nodejs));
        assert!(node.contains("Node.js 18 or later"), "{node}");
        let image = render(&Config {
            tracer: Tracer::Image,
            ..Config::default()
        });
        assert!(image.contains("`Dockerfile.datadog`"), "{image}");
        assert!(!image.contains("injected"), "{image}");
        let present = render(&Config {
            tracer: Tracer::Present,
            ..Config::default()
        });
        assert!(present.contains("the image must have it"), "{present}");
    }

    #[test]
    fn placeholders_are_listed_until_answered() {
        assert_eq!(placeholders(&Config::default()).len(), 2);
        let answered = Config {
            app_image: "nginx:1".into(),
            api_key_secret_arn: Some("arn:aws:ssm:us-east-1:1:parameter/dd".into()),
            ..Config::default()
        };
        let left = placeholders(&answered);
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(render(&answered).contains("ssm:GetParameters"));
    }

    #[test]
    fn switched_on_features_say_what_they_need() {
        let mut config = Config {
            launch_type: LaunchType::Fargate,
            ..Config::for_language(Language::Ruby)
        };
        assert!(!render(&config).contains("What the features"));
        config.features.runtime_metrics = true;
        config.agent.process_collection = true;
        let text = render(&config);
        assert!(text.contains("`dogstatsd-ruby` gem"), "{text}");
        assert!(
            text.contains("ECS Exec can open a session into only one"),
            "{text}"
        );
    }
}
