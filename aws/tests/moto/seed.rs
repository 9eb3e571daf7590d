//! What the tests put into their region of moto before running a command:
//! an app family as people have it, a cluster, services, EC2 instances
//! registered as container instances, and `generate`'s own files.

use serde_json::{json, Value};

use super::Aws;

pub const APP: &str = "web";

/// An app task definition as people have it: one container with its start
/// command, tags on the family.
pub fn app(aws: &Aws, family: &str) -> Value {
    aws.call(
        "ecs",
        "register_task_definition",
        json!({
            "family": family,
            "networkMode": "bridge",
            "containerDefinitions": [{
                "name": "app",
                "image": "example/web:1.4",
                "memory": 256,
                "entryPoint": ["gunicorn"],
                "command": ["-b", "0.0.0.0:8000", "app:app"],
                "environment": [
                    {"name": "DB_PASSWORD", "value": "hunter2-very-secret"},
                    {"name": "PORT", "value": "8000"}
                ]
            }],
            "tags": [{"key": "team", "value": "payments"}, {"key": "cost-center", "value": "42"}]
        }),
    )
}

pub fn cluster(aws: &Aws, cluster: &str) {
    aws.call("ecs", "create_cluster", json!({"clusterName": cluster}));
}

pub fn service(aws: &Aws, cluster: &str, service: &str, task_definition: &str) {
    let created = aws.call(
        "ecs",
        "create_service",
        json!({"cluster": cluster, "serviceName": service, "taskDefinition": task_definition,
               "desiredCount": 1, "launchType": "EC2"}),
    );
    assert!(created.get("error").is_none(), "{created}");
}

/// Seeds `count` EC2 instances registered as container instances of
/// `cluster`; returns their EC2 instance IDs.
pub fn instances(aws: &Aws, cluster: &str, count: usize) -> Vec<String> {
    let run = aws.call(
        "ec2",
        "run_instances",
        json!({"ImageId": "ami-12c6146b", "MinCount": count, "MaxCount": count}),
    );
    let ids: Vec<String> = run["Instances"]
        .as_array()
        .expect("instances started")
        .iter()
        .map(|i| i["InstanceId"].as_str().unwrap().to_owned())
        .collect();
    for id in &ids {
        let document = json!({"instanceId": id}).to_string();
        aws.call(
            "ecs",
            "register_container_instance",
            json!({"cluster": cluster, "instanceIdentityDocument": document}),
        );
    }
    ids
}

/// What `ddecs-wizard generate ARGS` prints, through the same code.
pub fn generated(args: &[&str]) -> String {
    use clap::Parser;
    use ddecs_wizard::cli::{Cli, Command};
    let cli = Cli::try_parse_from(["ddecs-wizard", "generate"].iter().chain(args)).unwrap();
    let Some(Command::Generate(generate)) = cli.command else {
        panic!("not generate: {args:?}");
    };
    let mut out = Vec::new();
    ddecs_wizard::commands::generate::run(&generate, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
