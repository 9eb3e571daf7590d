//! Rules about log collection through FireLens: a container whose log
//! driver hands its output to a router the task does not have (ECS refuses
//! to register it), and a route to Datadog's intake without the API key
//! (the intake refuses every record).

use serde_json::Value;

use super::rules::*;
use super::subject::Task;
use crate::core::lint::report::Finding;
use crate::core::model::logs::{API_KEY_OPTION, DATADOG_OUTPUT, FIRELENS_DRIVER};

pub fn check_task(task: &Task, found: &mut Vec<Finding>) {
    let containers = task.document.containers();
    let has_router = containers
        .iter()
        .any(|c| c.get("firelensConfiguration").is_some_and(Value::is_object));
    for (index, c) in containers.iter().enumerate() {
        let Some(configuration) = c.get("logConfiguration") else {
            continue;
        };
        if configuration.get("logDriver").and_then(Value::as_str) != Some(FIRELENS_DRIVER) {
            continue;
        }
        let subject = task.subject(index);
        if !has_router {
            found.push(subject.finding(
                &FIRELENS_WITHOUT_ROUTER,
                "/logConfiguration/logDriver",
                "logs through awsfirelens, but no container of the task has a firelensConfiguration: ECS refuses the task definition",
            ));
        }
        let options = configuration.get("options");
        let to_datadog = options
            .and_then(|o| o.get("Name"))
            .and_then(Value::as_str)
            .is_some_and(|name| name.trim().eq_ignore_ascii_case(DATADOG_OUTPUT));
        let key_option = options
            .and_then(|o| o.get(API_KEY_OPTION))
            .and_then(Value::as_str)
            .is_some_and(|key| !key.trim().is_empty());
        let key_secret = configuration
            .get("secretOptions")
            .and_then(Value::as_array)
            .is_some_and(|list| {
                list.iter()
                    .any(|s| s.get("name").and_then(Value::as_str) == Some(API_KEY_OPTION))
            });
        if to_datadog && !key_option && !key_secret {
            found.push(subject.finding(
                &FIRELENS_DATADOG_WITHOUT_KEY,
                "/logConfiguration",
                "sends its logs to Datadog through FireLens without an API key: the intake refuses them",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::core::lint::check;
    use crate::core::taskdef::document;
    use serde_json::json;

    fn ids(task: serde_json::Value) -> Vec<&'static str> {
        let report = check(&document::read(task.to_string().as_bytes()).unwrap());
        report
            .findings
            .iter()
            .map(|f| f.rule.id)
            .filter(|id| id.starts_with("DDECS08"))
            .collect()
    }

    fn app(log_configuration: serde_json::Value) -> serde_json::Value {
        json!({"name": "app", "image": "python:3", "command": ["python", "app.py"], "logConfiguration": log_configuration})
    }

    #[test]
    fn firelens_needs_a_router_in_the_task() {
        let route =
            json!({"logDriver": "awsfirelens", "options": {"Name": "datadog", "apikey": "k"}});
        assert_eq!(
            ids(json!({"containerDefinitions": [app(route.clone())]})),
            ["DDECS080"]
        );
        let router =
            json!({"name": "r", "image": "fluent", "firelensConfiguration": {"type": "fluentbit"}});
        assert!(ids(json!({"containerDefinitions": [app(route), router]})).is_empty());
        let awslogs = json!({"logDriver": "awslogs", "options": {"awslogs-group": "g"}});
        assert!(ids(json!({"containerDefinitions": [app(awslogs)]})).is_empty());
    }

    #[test]
    fn a_datadog_route_needs_its_key_as_an_option_or_a_secret() {
        let router =
            json!({"name": "r", "image": "fluent", "firelensConfiguration": {"type": "fluentbit"}});
        let keyless =
            json!({"logDriver": "awsfirelens", "options": {"Name": "datadog", "Host": "h"}});
        assert_eq!(
            ids(json!({"containerDefinitions": [app(keyless), router.clone()]})),
            ["DDECS081"]
        );
        let secret = json!({"logDriver": "awsfirelens", "options": {"Name": "datadog"},
            "secretOptions": [{"name": "apikey", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/dd"}]});
        assert!(ids(json!({"containerDefinitions": [app(secret), router.clone()]})).is_empty());
        let elsewhere = json!({"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}});
        assert!(ids(json!({"containerDefinitions": [app(elsewhere), router]})).is_empty());
    }
}
