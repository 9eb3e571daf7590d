//! Every rule `check` knows: ID, severity, summary and general fix.
//!
//! IDs are grouped: 000 the file itself, 00x the agent, 01x how apps reach
//! it, 02x ports, 03x hygiene, 04x the Unix socket and the Fargate sidecar,
//! 06x the tracer's init-container injection, 07x tracer features and the
//! task settings they bring, 08x log collection.
//! An ID is never reused for another meaning.
//!
//! Severities follow one principle: **error**, traces will not arrive or
//! the task definition will not register; **warning**, it works but is
//! fragile or unsafe; **info**, a suggestion. A rule's severity never
//! depends on anything else in the file, such as how many containers it has.

use crate::core::lint::report::{Rule, Severity};

macro_rules! rules {
    ($($name:ident = $id:literal, $severity:ident, $summary:literal, $help:literal;)*) => {
        $(pub static $name: Rule = Rule {
            id: $id,
            key: stringify!($name),
            severity: Severity::$severity,
            summary: $summary,
            help: $help,
        };)*
        /// Every rule, in ID order.
        pub static RULES: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    NOT_A_TASK_DEFINITION = "DDECS000", Error,
        "the file looks like a task definition but cannot be read as one (invalid JSON, a duplicate key, a field of the wrong type)",
        "correct the file at the line and column given; the message says what is wrong";
    AGENT_NO_APM_PORT = "DDECS001", Error,
        "the agent does not publish 8126/tcp on the host",
        "add {\"hostPort\": 8126, \"protocol\": \"tcp\", \"containerPort\": 8126} to the agent's portMappings (ddecs-wizard patch does this)";
    LEGACY_AGENT_NO_APM_ENV = "DDECS002", Error,
        "an agent 7.17 or lower lacks DD_APM_ENABLED / DD_APM_NON_LOCAL_TRAFFIC",
        "add DD_APM_ENABLED=true and DD_APM_NON_LOCAL_TRAFFIC=true to the agent's environment (ddecs-wizard patch does this)";
    APM_SWITCHED_OFF = "DDECS003", Error,
        "the agent has APM or non-local traffic switched off",
        "set it to true";
    DOGSTATSD_TCP = "DDECS004", Warning,
        "the agent maps 8125 as tcp only, but DogStatsD listens on udp",
        "set \"protocol\": \"udp\" on the 8125 mapping";
    AGENT_5 = "DDECS005", Warning,
        "the agent is Agent 5 (docker-dd-agent), which is retired",
        "run public.ecr.aws/datadog/agent:7 instead (its APM settings are DD_APM_*)";
    APP_NO_AGENT_HOST = "DDECS010", Error,
        "an app set up for tracing on EC2 does not set DD_AGENT_HOST",
        "wrap its start command in the DD_AGENT_HOST lookup (ddecs-wizard patch FILE --container NAME), or use the Unix socket (--transport uds)";
    AGENT_HOST_LOCALHOST = "DDECS011", Error,
        "DD_AGENT_HOST is localhost in bridge mode",
        "remove it and set DD_AGENT_HOST from the host's private IP (ddecs-wizard patch does this)";
    AGENT_HOST_FIXED = "DDECS012", Warning,
        "DD_AGENT_HOST is a fixed IP address or a placeholder",
        "remove it and look the host's IP up at start (ddecs-wizard patch does this)";
    AGENT_HOST_NOT_LOCAL = "DDECS013", Error,
        "DD_AGENT_HOST points away from the agent sidecar on localhost",
        "remove DD_AGENT_HOST and the lookup: the tracer's default, localhost, is right here";
    TRACE_AGENT_URL = "DDECS014", Warning,
        "DD_TRACE_AGENT_URL is a fixed TCP address for an agent on the EC2 host, and tracers prefer it to DD_AGENT_HOST",
        "remove it and let the start command set DD_AGENT_HOST (ddecs-wizard patch), or point it at the Unix socket (ddecs-wizard patch --transport uds)";
    UNSAFE_IMDS_CURL = "DDECS015", Warning,
        "curl reads IMDS without --fail or without a timeout",
        "use curl -fs --connect-timeout 1 --max-time 1 and check the answer is an IPv4 address (ddecs-wizard patch writes such a script)";
    IMDSV2_HOP_LIMIT = "DDECS016", Info,
        "IMDSv2 from bridge mode needs an instance metadata hop limit of 2",
        "set the instance metadata hop limit to 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2)";
    FARGATE_NO_AGENT = "DDECS017", Error,
        "an app set up for tracing on Fargate has no agent sidecar",
        "add the agent as a sidecar: ddecs-wizard patch FILE --api-key-secret-arn ARN";
    NO_NETWORK = "DDECS018", Error,
        "networkMode none: apps cannot reach any agent",
        "use networkMode bridge (EC2), host or awsvpc";
    UNTRACED_APP_NO_AGENT_HOST = "DDECS019", Info,
        "an app with no Datadog settings on EC2 does not set DD_AGENT_HOST",
        "if it should send traces, wrap its start command in the DD_AGENT_HOST lookup: ddecs-wizard patch FILE --container NAME";
    APM_PORT_UDP = "DDECS020", Error,
        "port 8126 is mapped as udp",
        "set \"protocol\": \"tcp\" on the 8126 mapping";
    APP_PUBLISHES_AGENT_PORT = "DDECS021", Warning,
        "an app publishes 8126 or 8125 on the host",
        "remove that mapping from the app";
    SH_PID_1 = "DDECS030", Warning,
        "sh -c stays PID 1: its last command is not exec'd",
        "start the last command with exec";
    UNIFIED_TAGGING = "DDECS031", Warning,
        "unified service tags are incomplete or disagree",
        "set DD_ENV, DD_SERVICE and DD_VERSION and the same values as com.datadoghq.tags.* labels (ddecs-wizard patch --env --service --service-version)";
    QUOTED_TAG = "DDECS032", Warning,
        "a tag value is wrapped in quotes",
        "remove the quotes around the value";
    PLACEHOLDER = "DDECS033", Warning,
        "a placeholder was never filled in",
        "replace it with the real value before registering the task definition";
    API_KEY_PLAIN = "DDECS034", Warning,
        "the API key is a plain environment value",
        "store it in Secrets Manager or SSM and reference it from secrets (ddecs-wizard generate --api-key-secret-arn)";
    ALPINE_CURL = "DDECS035", Info,
        "an Alpine image looks up IMDS with curl, which Alpine does not ship",
        "add curl to the image (apk add --no-cache curl), or use the metadata file: ddecs-wizard patch FILE --imds metadata-file";
    NO_FAMILY = "DDECS036", Error,
        "the task definition has no family, which register-task-definition requires",
        "add \"family\": \"NAME\" (the name every revision of this task definition shares)";
    NULL_FIELDS = "DDECS037", Error,
        "fields are null, which register-task-definition rejects",
        "remove the null fields (ddecs-wizard patch drops them)";
    APP_SOCKET_NOT_MOUNTED = "DDECS040", Error,
        "an app sends traces to a Unix socket in a directory it does not mount",
        "mount the dd-sockets volume at /var/run/datadog in the app (ddecs-wizard patch --transport uds)";
    AGENT_SOCKET_NOT_SHARED = "DDECS041", Error,
        "an app mounts the socket directory, but the agent does not share it",
        "mount the same volume at /var/run/datadog in the agent; for an agent daemon on the host, make it a host volume (host.sourcePath /var/run/datadog)";
    AGENT_SOCKET_READ_ONLY = "DDECS042", Error,
        "the agent mounts the socket directory read-only, so it cannot create its sockets",
        "set \"readOnly\": false on the agent's /var/run/datadog mount";
    FARGATE_AGENT_NOT_FARGATE = "DDECS043", Error,
        "a Fargate agent sidecar lacks ECS_FARGATE=true",
        "add ECS_FARGATE=true to the agent's environment";
    FARGATE_AGENT_APM_IMPLICIT = "DDECS044", Warning,
        "a Fargate agent sidecar does not set DD_APM_ENABLED=true",
        "add DD_APM_ENABLED=true to the agent's environment";
    FARGATE_APP_NO_DEPENDS_ON = "DDECS045", Warning,
        "an app on Fargate does not wait for the agent sidecar (no dependsOn)",
        "add \"dependsOn\": [{\"containerName\": \"datadog-agent\", \"condition\": \"HEALTHY\"}] and give the agent a healthCheck (agent health)";
    FARGATE_APP_DEPENDS_ON_START = "DDECS046", Info,
        "an app waits for the agent sidecar to start, not to be healthy",
        "use condition HEALTHY and give the agent a healthCheck (agent health), so that no trace is sent before the agent listens";
    AGENT_URL_HOST_DISAGREE = "DDECS047", Warning,
        "DD_TRACE_AGENT_URL and DD_AGENT_HOST are both set and disagree",
        "keep one: tracers use DD_TRACE_AGENT_URL, so remove DD_AGENT_HOST or make the URL name the same host";
    SOCKET_INSTEAD_OF_LOOKUP = "DDECS048", Info,
        "the Unix socket would spare this app its IMDS lookup (Alpine has no curl; IMDSv2 from bridge mode needs hop limit 2)",
        "use Datadog's recommended Unix socket: ddecs-wizard patch FILE --transport uds (no curl, no IMDS, no hop limit)";
    FARGATE_UNTRACED_NO_AGENT = "DDECS049", Info,
        "an app with no Datadog settings on Fargate has no agent sidecar",
        "if it should send traces, add the agent as a sidecar: ddecs-wizard patch FILE --api-key-secret-arn ARN";
    SOCKET_HOST_DIR = "DDECS050", Error,
        "the socket volume maps a host directory other than /var/run/datadog, where the agent daemon creates its sockets",
        "set the volume's host.sourcePath to /var/run/datadog";
    AGENT_NAME_OTHER_IMAGE = "DDECS051", Error,
        "a container named like the Datadog agent runs another image",
        "rename it, or run the agent image (public.ecr.aws/datadog/agent:7)";
    AGENT_SOCKET_ELSEWHERE = "DDECS052", Error,
        "an app sends traces to a socket the agent does not listen on",
        "make DD_TRACE_AGENT_URL name the agent's DD_APM_RECEIVER_SOCKET through the shared volume, or remove DD_APM_RECEIVER_SOCKET (default /var/run/datadog/apm.socket)";
    TRACER_NOT_MOUNTED = "DDECS060", Error,
        "an app's loader variables point into /datadog-lib, but nothing is mounted there",
        "mount the tracer volume at /datadog-lib in the app: {\"sourceVolume\": \"datadog-tracer\", \"containerPath\": \"/datadog-lib\", \"readOnly\": false}";
    TRACER_NOT_AWAITED = "DDECS061", Error,
        "an app loads the injected tracer without waiting for its init container to succeed",
        "add {\"containerName\": \"datadog-tracer\", \"condition\": \"SUCCESS\"} to the app's dependsOn";
    TRACER_INIT_ESSENTIAL = "DDECS062", Error,
        "the tracer init container is essential, so the task stops when its copy ends",
        "set \"essential\": false on the init container (ECS takes a SUCCESS dependency only on a non-essential container)";
    LOADER_VAR_OVERWRITTEN = "DDECS063", Error,
        "a loader variable is set twice, or also in secrets: one overwrites the other instead of being appended",
        "keep one plain entry that holds both values, joined as the variable expects (ddecs-wizard patch --tracer inject merges into the existing one)";
    TRACER_INIT_OTHER_LANGUAGE = "DDECS064", Error,
        "the init image is for another language than the app's loader variables",
        "use the init image of the app's language (public.ecr.aws/datadog/dd-lib-<language>-init), or that language's loader variables";
    PROFILING_WITHOUT_TRACER = "DDECS070", Warning,
        "DD_PROFILING_ENABLED is on, but the app's start command runs python, node, java or dotnet without loading a Datadog tracer",
        "load the tracer (ddtrace-run, --require dd-trace/init, -javaagent:dd-java-agent.jar, the CLR profiler variables) or inject it (ddecs-wizard patch --tracer inject); the variable alone starts no profiler";
    SAMPLE_RATE_OUT_OF_RANGE = "DDECS071", Warning,
        "DD_TRACE_SAMPLE_RATE is not a number from 0 to 1",
        "set it to a rate from 0 (keep none) to 1 (keep all), such as 0.25; tracers ignore other values";
    PID_MODE_TASK_WITH_EXEC = "DDECS072", Warning,
        "pidMode is task in a task prepared for ECS Exec (initProcessEnabled): ECS Exec reaches only one container of a shared PID namespace",
        "drop pidMode (process collection then sees only the agent's own processes), or use ECS Exec on one container only";
    FIRELENS_WITHOUT_ROUTER = "DDECS080", Error,
        "a container logs through awsfirelens, but no container of the task is a FireLens log router",
        "add the log router (a container with firelensConfiguration, such as public.ecr.aws/aws-observability/aws-for-fluent-bit:stable; ddecs-wizard patch --log-collection adds it), or use another log driver";
    FIRELENS_DATADOG_WITHOUT_KEY = "DDECS081", Error,
        "an awsfirelens route to Datadog has no API key: neither an apikey option nor an apikey secretOption",
        "add {\"name\": \"apikey\", \"valueFrom\": \"<secret ARN>\"} to the logConfiguration's secretOptions (the execution role must read it)";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_ordered() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn summaries_are_one_lower_case_line() {
        for rule in RULES {
            assert!(!rule.summary.contains('\n') && !rule.help.contains('\n'));
            // Lower case, but for names like IMDSv2 and DD_AGENT_HOST.
            let mut chars = rule.summary.chars();
            let capitalised = chars.next().is_some_and(char::is_uppercase)
                && chars.next().is_some_and(char::is_lowercase);
            assert!(!capitalised, "{}", rule.id);
        }
    }
}
