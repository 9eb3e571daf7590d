//! The application container: the entryPoint that sets DD_AGENT_HOST, and
//! unified service tagging as env vars and Docker labels.

use serde_json::{json, Map, Value};

use super::agent::env_var;
use super::config::Config;
use super::container::TAG_FIELDS;
use super::entrypoint::build_entry_point;

/// The tags the config sets, as (env var, label, value), in TAG_FIELDS order.
fn set_tags(config: &Config) -> Vec<(&'static str, &'static str, &str)> {
    let values = [&config.tags.env, &config.tags.service, &config.tags.version];
    TAG_FIELDS
        .into_iter()
        .zip(values)
        .filter_map(|((env, label), value)| value.as_deref().map(|v| (env, label, v)))
        .collect()
}

/// The application's container definition.
pub fn build_app_container(config: &Config) -> Value {
    let mut container = json!({
        "name": config.app_name,
        "image": config.app_image,
        "essential": true,
        "entryPoint": build_entry_point(config.imds, &config.startup_command),
    });
    let set = set_tags(config);
    if !set.is_empty() {
        container["environment"] =
            Value::Array(set.iter().map(|(env, _, v)| env_var(env, v)).collect());
        let labels: Map<String, Value> = set
            .iter()
            .map(|(_, label, v)| ((*label).to_owned(), Value::String((*v).to_owned())))
            .collect();
        container["dockerLabels"] = Value::Object(labels);
    }
    container
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Tags;

    #[test]
    fn no_tags_means_no_environment_or_labels() {
        let c = build_app_container(&Config::default());
        let keys: Vec<_> = c.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "image", "essential", "entryPoint"]);
    }

    #[test]
    fn tags_become_env_and_labels() {
        let config = Config {
            tags: Tags {
                service: Some("web".into()),
                env: Some("prod".into()),
                version: None,
            },
            ..Config::default()
        };
        let c = build_app_container(&config);
        assert_eq!(
            c["environment"],
            json!([{"name": "DD_ENV", "value": "prod"}, {"name": "DD_SERVICE", "value": "web"}])
        );
        assert_eq!(
            c["dockerLabels"],
            json!({"com.datadoghq.tags.env": "prod", "com.datadoghq.tags.service": "web"})
        );
    }
}
