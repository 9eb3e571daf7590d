//! Log collection, as Datadog lays it out per launch type (docs
//! `containers/amazon_ecs/logs`, `integrations/ecs_fargate`, and the
//! Terraform module `terraform-aws-ecs-datadog` 1.1.1):
//!
//! - on EC2 the agent daemon tails every container's log files from the
//!   host (`DD_LOGS_ENABLED`, `DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL`, the
//!   containers' directory read-only and the pointer-file directory), and
//!   the app's `com.datadoghq.ad.logs` label names their source and
//!   service;
//! - on Fargate, and on ECS Managed Instances (whose page says its setup
//!   "is identical to ECS Fargate" and that Docker labels are not read
//!   there), a Fluent Bit log router in the task (FireLens) sends the
//!   app's output to Datadog's HTTP intake for the site.

use crate::core::model::config::Site;
use crate::core::model::language::Language;

/// The agent's variables that switch on container log collection.
pub const AGENT_ENV: [(&str, &str); 2] = [
    ("DD_LOGS_ENABLED", "true"),
    ("DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL", "true"),
];

/// Where the agent keeps how far it has read each log (so a restart does
/// not send them again): (volume, host path, container path).
pub const POINTER_VOLUME: (&str, &str, &str) = (
    "pointdir",
    "/opt/datadog-agent/run",
    "/opt/datadog-agent/run",
);

/// The containers' log files on the host, read-only in the agent: (volume,
/// host path as Datadog writes it, container path).
pub const CONTAINERS_VOLUME: (&str, &str, &str) = (
    "containers_root",
    "/var/lib/docker/containers/",
    "/var/lib/docker/containers",
);

/// The app's label that gives its logs a source and a service.
pub const LOGS_LABEL: &str = "com.datadoghq.ad.logs";

/// The FireLens log router container (the Terraform module's name).
pub const ROUTER_NAME: &str = "datadog-log-router";

/// AWS's Fluent Bit image, which has Datadog's output plugin.
pub const ROUTER_IMAGE: &str = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable";

/// The log driver that hands a container's output to the router.
pub const FIRELENS_DRIVER: &str = "awsfirelens";

/// The Fluent Bit output plugin a Datadog route names.
pub const DATADOG_OUTPUT: &str = "datadog";

/// The FireLens option and secret name that carries the API key.
pub const API_KEY_OPTION: &str = "apikey";

/// Datadog's log intake for the site: `http-intake.logs.` and the site
/// (the docs' region table; for US1-FED `http-intake.logs.ddog-gov.com`).
pub fn intake_host(site: Site) -> String {
    format!("http-intake.logs.{}", site.cli_name())
}

/// The `source` Datadog's log pipelines know the language's logs by.
pub fn log_source(language: Language) -> &'static str {
    match language {
        Language::Python => "python",
        Language::Nodejs => "nodejs",
        Language::Ruby => "ruby",
        Language::Go => "go",
        Language::Java => "java",
        Language::Dotnet => "csharp",
        Language::Php => "php",
    }
}

/// The reason a launch type takes no log collection, where it takes none.
pub const WINDOWS_REFUSAL: &str = "Datadog collects no logs from Windows containers on ECS (its Terraform module refuses log collection on Windows): send them with the awslogs driver and Datadog's Lambda log forwarder";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_intake_is_the_sites_own() {
        assert_eq!(intake_host(Site::Us1), "http-intake.logs.datadoghq.com");
        assert_eq!(intake_host(Site::Eu1), "http-intake.logs.datadoghq.eu");
        assert_eq!(intake_host(Site::Us1Fed), "http-intake.logs.ddog-gov.com");
        assert_eq!(intake_host(Site::Ap2), "http-intake.logs.ap2.datadoghq.com");
    }

    #[test]
    fn every_language_has_a_source() {
        for language in Language::ALL {
            assert!(!log_source(language).is_empty());
        }
        assert_eq!(log_source(Language::Dotnet), "csharp");
    }
}
