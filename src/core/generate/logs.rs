//! The pieces of log collection ([`crate::core::model::logs`]): the agent
//! daemon's variables, volumes and mounts on EC2, the app's label, and on
//! Fargate and Managed Instances the FireLens router and the
//! `logConfiguration` that routes a container's output to Datadog.

use serde_json::{json, Map, Value};

use crate::core::model::config::{Config, Site};
use crate::core::model::datadog::API_KEY_PLACEHOLDER;
use crate::core::model::logs::{
    intake_host, log_source, API_KEY_OPTION, CONTAINERS_VOLUME, DATADOG_OUTPUT, FIRELENS_DRIVER,
    POINTER_VOLUME, ROUTER_IMAGE, ROUTER_NAME,
};

/// What a FireLens route tells Datadog about the logs it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route<'a> {
    pub site: Site,
    /// The secret (or parameter) holding the API key; `None` writes the
    /// placeholder as a plain option, which `check` flags.
    pub api_key_secret_arn: Option<&'a str>,
    pub service: &'a str,
    pub source: &'a str,
    /// `key:value` tags, such as `env:prod`.
    pub tags: Vec<String>,
}

impl<'a> Route<'a> {
    /// The app's route, from the answers: service and source, and the env
    /// and version as tags.
    pub fn for_app(config: &'a Config) -> Route<'a> {
        let mut tags = Vec::new();
        if let Some(env) = &config.tags.env {
            tags.push(format!("env:{env}"));
        }
        if let Some(version) = &config.tags.version {
            tags.push(format!("version:{version}"));
        }
        Route {
            site: config.site,
            api_key_secret_arn: config.api_key_secret_arn.as_deref(),
            service: config.tags.service.as_deref().unwrap_or(&config.app_name),
            source: log_source(config.language),
            tags,
        }
    }

    /// The `logConfiguration` of a container whose output goes to Datadog:
    /// the options Datadog's docs and Terraform module give the `datadog`
    /// Fluent Bit output.
    pub fn log_configuration(&self) -> Value {
        let mut options = Map::new();
        let mut put = |key: &str, value: &str| {
            options.insert(key.to_owned(), Value::String(value.to_owned()));
        };
        put("Name", DATADOG_OUTPUT);
        put("Host", &intake_host(self.site));
        put("TLS", "on");
        put("provider", "ecs");
        put("dd_service", self.service);
        put("dd_source", self.source);
        put("dd_message_key", "log");
        if !self.tags.is_empty() {
            put("dd_tags", &self.tags.join(","));
        }
        put("retry_limit", "2");
        let mut configuration = json!({ "logDriver": FIRELENS_DRIVER });
        match self.api_key_secret_arn {
            Some(arn) => {
                configuration["options"] = Value::Object(options);
                configuration["secretOptions"] =
                    json!([{ "name": API_KEY_OPTION, "valueFrom": arn }]);
            }
            None => {
                options.insert(
                    API_KEY_OPTION.to_owned(),
                    Value::String(API_KEY_PLACEHOLDER.to_owned()),
                );
                configuration["options"] = Value::Object(options);
            }
        }
        configuration
    }
}

/// The FireLens log router: AWS's Fluent Bit, with the task's metadata
/// added to each record. Non-essential as in Datadog's Terraform module (a
/// router that stops loses logs, not the app); ECS starts it before the
/// containers that log through it and stops it after them.
pub fn router_container() -> Value {
    json!({
        "name": ROUTER_NAME,
        "image": ROUTER_IMAGE,
        "essential": false,
        "user": "0",
        "memoryReservation": 50,
        "firelensConfiguration": {
            "type": "fluentbit",
            "options": { "enable-ecs-log-metadata": "true" }
        }
    })
}

/// The app's `com.datadoghq.ad.logs` label on EC2: a JSON array as text.
pub fn logs_label(config: &Config) -> String {
    let service = config.tags.service.as_deref().unwrap_or(&config.app_name);
    json!([{ "source": log_source(config.language), "service": service }]).to_string()
}

/// The EC2 daemon's two host volumes for log collection.
pub fn agent_volumes() -> [Value; 2] {
    [POINTER_VOLUME, CONTAINERS_VOLUME]
        .map(|(name, host, _)| json!({ "host": { "sourcePath": host }, "name": name }))
}

/// The EC2 daemon's mounts of [`agent_volumes`].
pub fn agent_mounts() -> [Value; 2] {
    [
        json!({ "containerPath": POINTER_VOLUME.2, "sourceVolume": POINTER_VOLUME.0, "readOnly": false }),
        json!({ "containerPath": CONTAINERS_VOLUME.2, "sourceVolume": CONTAINERS_VOLUME.0, "readOnly": true }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::config::Tags;

    #[test]
    fn a_route_names_the_site_service_source_and_tags_and_reads_the_key_from_the_secret() {
        let config = Config {
            site: Site::Eu1,
            api_key_secret_arn: Some("arn:aws:secretsmanager:eu-west-1:1:secret:dd".to_owned()),
            tags: Tags {
                service: Some("web".to_owned()),
                env: Some("prod".to_owned()),
                version: Some("1.2".to_owned()),
            },
            ..Config::default()
        };
        let lc = Route::for_app(&config).log_configuration();
        assert_eq!(lc["logDriver"], "awsfirelens");
        assert_eq!(lc["options"]["Host"], "http-intake.logs.datadoghq.eu");
        assert_eq!(lc["options"]["dd_service"], "web");
        assert_eq!(lc["options"]["dd_source"], "python");
        assert_eq!(lc["options"]["dd_tags"], "env:prod,version:1.2");
        assert!(lc["options"].get("apikey").is_none());
        assert_eq!(
            lc["secretOptions"],
            json!([{"name": "apikey", "valueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:dd"}])
        );
    }

    #[test]
    fn without_a_secret_the_key_is_the_placeholder_and_the_service_the_app() {
        let lc = Route::for_app(&Config::default()).log_configuration();
        assert_eq!(lc["options"]["apikey"], API_KEY_PLACEHOLDER);
        assert_eq!(lc["options"]["dd_service"], "app");
        assert!(lc["options"].get("dd_tags").is_none());
        assert!(lc.get("secretOptions").is_none());
    }

    #[test]
    fn the_label_is_a_json_array_in_a_string() {
        let label = logs_label(&Config::default());
        let parsed: Value = serde_json::from_str(&label).unwrap();
        assert_eq!(parsed, json!([{"source": "python", "service": "app"}]));
    }
}
