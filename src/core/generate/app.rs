//! The application container: how it reaches the agent (the entryPoint that
//! sets DD_AGENT_HOST, or the socket mount and URLs, or nothing at all next
//! to a Fargate sidecar), how it gets its tracer (with `--tracer inject`:
//! the library volume, the wait for its copy and the loader variables), and
//! unified service tagging as env vars and Docker labels, and the tracer
//! features switched on (`DD_PROFILING_ENABLED` and the others).

use serde_json::{json, Map, Value};

use crate::core::generate::agent::env_var;
use crate::core::generate::entrypoint::build_entry_point;
use crate::core::generate::inject::app_loader_env;
use crate::core::generate::logs::{logs_label, Route};
use crate::core::model::config::{Config, LaunchType, Tracer, Transport};
use crate::core::model::datadog::SIDECAR_NAME;
use crate::core::model::datadog::TAG_FIELDS;
use crate::core::model::logs::LOGS_LABEL;
use crate::core::model::socket;
use crate::core::model::tracer;

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
    });
    if config.wraps_entrypoint() {
        container["entryPoint"] = json!(build_entry_point(config.imds, &config.startup_command));
    }
    let set = set_tags(config);
    let mut environment: Vec<Value> = set.iter().map(|(env, _, v)| env_var(env, v)).collect();
    if config.transport == Transport::Uds {
        environment.extend(socket::APP_ENV.iter().map(|(k, v)| env_var(k, v)));
    }
    let injected = config.tracer == Tracer::Inject;
    if injected {
        environment.extend(app_loader_env(config));
    }
    environment.extend(
        config
            .features
            .env()
            .iter()
            .chain(&config.agent.app_env())
            .map(|(name, value)| env_var(name, value)),
    );
    if !environment.is_empty() {
        container["environment"] = Value::Array(environment);
    }
    let mut labels: Map<String, Value> = set
        .iter()
        .map(|(_, label, v)| ((*label).to_owned(), Value::String((*v).to_owned())))
        .collect();
    if config.tails_logs() {
        labels.insert(LOGS_LABEL.to_owned(), Value::String(logs_label(config)));
    }
    if !labels.is_empty() {
        container["dockerLabels"] = Value::Object(labels);
    }
    if config.routes_logs() {
        container["logConfiguration"] = Route::for_app(config).log_configuration();
    }
    let mut mounts = Vec::new();
    if config.transport == Transport::Uds {
        mounts.push(socket::mount(true));
    }
    if injected {
        mounts.push(tracer::mount());
    }
    if !mounts.is_empty() {
        container["mountPoints"] = Value::Array(mounts);
    }
    let mut depends_on = Vec::new();
    if config.launch_type == LaunchType::Fargate {
        // No trace is sent before the sidecar listens: the first ones would
        // be refused while the agent starts.
        depends_on.push(json!({ "containerName": SIDECAR_NAME, "condition": "HEALTHY" }));
    }
    if injected {
        // The app starts once the library is in the volume.
        depends_on.push(tracer::dependency());
    }
    if !depends_on.is_empty() {
        container["dependsOn"] = Value::Array(depends_on);
    }
    container
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::config::Tags;

    fn present() -> Config {
        Config {
            tracer: Tracer::Present,
            ..Config::default()
        }
    }

    #[test]
    fn no_tags_means_no_environment_or_labels() {
        let c = build_app_container(&present());
        let keys: Vec<_> = c.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "image", "essential", "entryPoint"]);
    }

    #[test]
    fn an_injected_app_mounts_the_library_waits_for_it_and_loads_it() {
        let c = build_app_container(&Config::default());
        assert_eq!(
            c["environment"],
            json!([{"name": "PYTHONPATH", "value": "/datadog-lib"}])
        );
        assert_eq!(c["mountPoints"], json!([tracer::mount()]));
        assert_eq!(c["dependsOn"], json!([tracer::dependency()]));
        for other in [Tracer::Image, Tracer::Present] {
            let c = build_app_container(&Config {
                tracer: other,
                ..Config::default()
            });
            assert!(c.get("mountPoints").is_none() && c.get("dependsOn").is_none());
        }
    }

    #[test]
    fn on_fargate_over_the_socket_the_app_waits_for_both_and_mounts_both() {
        let c = build_app_container(&Config {
            launch_type: LaunchType::Fargate,
            transport: Transport::Uds,
            ..Config::default()
        });
        assert_eq!(
            c["dependsOn"],
            json!([
                {"containerName": "datadog-agent", "condition": "HEALTHY"},
                {"containerName": "datadog-tracer", "condition": "SUCCESS"}
            ])
        );
        assert_eq!(
            c["mountPoints"],
            json!([socket::mount(true), tracer::mount()])
        );
        let names: Vec<_> = c["environment"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["DD_TRACE_AGENT_URL", "DD_DOGSTATSD_URL", "PYTHONPATH"]
        );
    }

    #[test]
    fn tags_become_env_and_labels() {
        let config = Config {
            tags: Tags {
                service: Some("web".into()),
                env: Some("prod".into()),
                version: None,
            },
            ..present()
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

    #[test]
    fn features_are_the_last_variables_of_the_app() {
        use crate::core::model::features::{DbmMode, Features};
        let config = Config {
            features: Features {
                runtime_metrics: true,
                dbm_propagation: Some(DbmMode::Service),
                ..Features::default()
            },
            ..Config::default()
        };
        let c = build_app_container(&config);
        assert_eq!(
            c["environment"],
            json!([
                {"name": "PYTHONPATH", "value": "/datadog-lib"},
                {"name": "DD_RUNTIME_METRICS_ENABLED", "value": "true"},
                {"name": "DD_DBM_PROPAGATION_MODE", "value": "service"}
            ])
        );
    }

    #[test]
    fn the_socket_replaces_the_entry_point() {
        let config = Config {
            transport: Transport::Uds,
            ..Config::default()
        };
        let c = build_app_container(&config);
        assert!(c.get("entryPoint").is_none());
        assert_eq!(c["environment"][0]["value"], socket::APM_URL);
        assert_eq!(c["environment"][1]["value"], socket::DSD_URL);
        assert_eq!(c["mountPoints"][0]["sourceVolume"], socket::VOLUME);
    }

    #[test]
    fn a_fargate_app_waits_for_a_healthy_sidecar() {
        let config = Config {
            launch_type: LaunchType::Fargate,
            ..Config::default()
        };
        let c = build_app_container(&config);
        assert!(c.get("entryPoint").is_none());
        assert_eq!(c["dependsOn"][0]["condition"], "HEALTHY");
        assert_eq!(c["dependsOn"][0]["containerName"], SIDECAR_NAME);
    }
}
