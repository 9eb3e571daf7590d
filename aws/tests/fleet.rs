//! `doctor` over fleets and `apply --all-services`, `--wait` and
//! `--rollback-on-failure`, against moto's real server: a fleet of 30
//! clusters in 3 regions seeded through boto3 (tests/moto/seed_fleet.py),
//! and a proxy in front of moto (tests/moto/fleet_proxy.py) that throttles
//! at a rate, refuses or stalls registrations, and plays deployments out
//! to COMPLETED or FAILED, which moto does not.

mod moto;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use moto::{aws, fleet_proxy, isolate, python3, seed_fleet, stderr, stdout, Aws};
use serde_json::{json, Value};

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/sarif-2.1.0.schema.json"
);

/// What `ddecs-wizard generate ARGS` prints, through the same code.
fn generated(args: &[&str]) -> Value {
    use clap::Parser;
    use ddecs_wizard::cli::{Cli, Command};
    let cli = Cli::try_parse_from(["ddecs-wizard", "generate"].iter().chain(args)).unwrap();
    let Some(Command::Generate(generate)) = cli.command else {
        panic!("not generate: {args:?}");
    };
    let mut out = Vec::new();
    ddecs_wizard::commands::generate::run(&generate, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn json_out(output: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(output), stderr(output)))
}

/// Validates a SARIF log against the 2.1.0 schema with python3's
/// jsonschema, as check's tests do (skipped with a note outside CI when
/// jsonschema is missing).
fn assert_valid_sarif(log: &Value) {
    let have = Command::new(python3())
        .args(["-c", "import jsonschema"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 -m pip install jsonschema is required in CI"
        );
        eprintln!("note: skipping schema validation, python3 jsonschema is missing");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.sarif");
    std::fs::write(&file, log.to_string()).unwrap();
    let output = Command::new(python3())
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))\n\
             errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))\n\
             [print(e.message) for e in errors[:5]]\n\
             sys.exit(1 if errors else 0)",
            SCHEMA,
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stdout(&output));
}

/// Three regions of moto of this test's own.
fn three_regions() -> Option<[Aws; 3]> {
    Some([aws()?, aws()?, aws()?])
}

#[test]
fn doctor_examines_30_clusters_in_3_regions_and_throttling_changes_nothing() {
    let Some(regions) = three_regions() else {
        return;
    };
    let names: Vec<&str> = regions.iter().map(|a| a.region).collect();
    let agent = generated(&["--output", "agent-task-definition"]);
    let app = generated(&["--output", "app-container", "--app-image", "example/web:1"]);
    let seeded = seed_fleet(
        &regions[0].endpoint,
        json!({"regions": names, "clusters_per_region": 10, "services": 1000,
               "instances": 2000, "broken_every": 97, "agent": agent, "app_container": app}),
    );
    let broken: Vec<&str> = seeded["broken"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert!(!broken.is_empty());
    let all = [
        "doctor",
        "--all-clusters",
        "--region",
        names[0],
        "--region",
        names[1],
        "--region",
        names[2],
    ];

    let output = regions[0].run(&[&all[..], &["--format", "json"]].concat());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json_out(&output);
    let summary = &report["summary"];
    assert_eq!(summary["clusters"], 30, "{summary}");
    assert_eq!(
        summary["services"], 1030,
        "1000 apps and 30 agents: {summary}"
    );
    assert_eq!(summary["containerInstances"], 2000, "{summary}");
    assert_eq!(report["tracesWouldArrive"], false);
    // Each instance with hop limit 1, and nothing else, is an error: the
    // agent's execution role trusts ECS and may read the API key.
    let problems: Vec<&Value> = report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["problems"].as_array().unwrap())
        .collect();
    assert_eq!(problems.len(), broken.len(), "{problems:?}");
    for id in &broken {
        assert!(
            problems
                .iter()
                .any(|p| p["rule"] == "DDECS105" && p["subject"].as_str().unwrap().contains(id)),
            "{id} not reported"
        );
    }
    assert_eq!(summary["errors"], broken.len());
    assert!(
        stderr(&output).contains("of 30 clusters"),
        "{}",
        stderr(&output)
    );

    // A rate limit in front of moto (as AWS throttles: a token bucket per
    // service and region) throttles some calls; the report is the same.
    // The per-call bound (`--timeout`, retries and their backoff included)
    // is raised: on a loaded 2-core machine a slow moto behind this rate
    // limit kept one ListContainerInstances in backoff past the default 30 s.
    let proxy = fleet_proxy(&regions[0].endpoint, &json!({"rate": [25, 5]}));
    let throttled = regions[0].run_with(
        &[&all[..], &["--format", "json", "--timeout", "5m"]].concat(),
        None,
        &[("AWS_ENDPOINT_URL", &proxy.endpoint)],
    );
    assert_eq!(throttled.status.code(), Some(1), "{}", stderr(&throttled));
    assert_eq!(json_out(&throttled), report);
    let stats = proxy.stats();
    assert!(stats["throttled"].as_u64().unwrap() > 0, "{stats}");

    // Text: each cluster, then the fleet's line.
    let text = regions[0].run(&all);
    let last = stdout(&text).lines().last().unwrap_or_default().to_owned();
    assert!(
        last.starts_with(
            "fleet: 30 clusters in 3 regions, 1030 services, 2000 container instances: "
        ),
        "{last}"
    );

    // SARIF: valid, one result per finding, located at ARNs.
    let sarif = regions[0].run(&[&all[..], &["--format", "sarif"]].concat());
    let log = json_out(&sarif);
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let findings: usize = report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["problems"].as_array().unwrap().len()
                + c["services"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["findings"].as_array().map_or(0, Vec::len))
                    .sum::<usize>()
        })
        .sum();
    assert_eq!(results.len(), findings);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for result in results {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("arn:aws:ecs:"), "{uri}");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }

    // Named clusters, repeated, in one region.
    let two = regions[1].run(&[
        "doctor",
        "--cluster",
        "fleet-0",
        "--cluster",
        "fleet-1",
        "--format",
        "json",
    ]);
    let two = json_out(&two);
    assert_eq!(two["summary"]["clusters"], 2, "{}", two["summary"]);
    let missing = regions[1].run(&["doctor", "--cluster", "fleet-0", "--cluster", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("--cluster: no active cluster named nope in"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn doctor_all_regions_reads_the_enabled_regions() {
    let Some(aws) = aws() else { return };
    aws.call("ecs", "create_cluster", json!({"clusterName": "lonely"}));
    let output = aws.run(&[
        "doctor",
        "--all-clusters",
        "--all-regions",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json_out(&output);
    let regions: Vec<&str> = report["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(regions.contains(&aws.region), "{regions:?}");
    assert!(!regions.contains(&"ap-east-1"), "not opted in: {regions:?}");
    assert!(report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["cluster"] == "lonely" && c["region"] == aws.region));
}

/// An agent DAEMON service in its own cluster, its task definition
/// changed by `edit`.
fn seed_agent_cluster(aws: &Aws, cluster: &str, edit: impl Fn(&mut Value)) {
    let mut agent = generated(&["--output", "agent-task-definition"]);
    agent["family"] = json!(format!("{cluster}-agent"));
    edit(&mut agent);
    let registered = aws.call("ecs", "register_task_definition", agent);
    assert!(registered.get("error").is_none(), "{registered}");
    aws.calls(&[
        ("ecs", "create_cluster", json!({"clusterName": cluster})),
        (
            "ecs",
            "create_service",
            json!({"cluster": cluster, "serviceName": "datadog-agent",
                   "taskDefinition": format!("{cluster}-agent"),
                   "schedulingStrategy": "DAEMON", "launchType": "EC2"}),
        ),
    ]);
}

fn with_secret<'a>(role: Option<&'a str>, image: Option<&'a str>) -> impl Fn(&mut Value) + 'a {
    move |agent: &mut Value| {
        let container = &mut agent["containerDefinitions"][0];
        container["secrets"] = json!([{"name": "DD_API_KEY",
            "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf"}]);
        if let Some(env) = container["environment"].as_array_mut() {
            env.retain(|e| e["name"] != "DD_API_KEY");
        }
        if let Some(image) = image {
            container["image"] = json!(image);
        }
        if let Some(role) = role {
            agent["executionRoleArn"] = json!(role);
        }
    }
}

fn rules_of(report: &Value) -> Vec<String> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn doctor_verifies_the_execution_role_and_the_agent_image() {
    let Some(aws) = aws() else { return };
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let ec2_trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let reads = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:*:*:secret:dd-api-key-*"},
        {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": "*"}]});
    let role = |name: &str, trust: &Value, policy: Option<&Value>| -> String {
        let created = aws.call(
            "iam",
            "create_role",
            json!({"RoleName": name, "AssumeRolePolicyDocument": trust.to_string()}),
        );
        if let Some(policy) = policy {
            let managed = aws.call(
                "iam",
                "create_policy",
                json!({"PolicyName": format!("{name}-policy"), "PolicyDocument": policy.to_string()}),
            );
            aws.call(
                "iam",
                "attach_role_policy",
                json!({"RoleName": name, "PolicyArn": managed["Policy"]["Arn"]}),
            );
        }
        created["Role"]["Arn"].as_str().unwrap().to_owned()
    };
    let good = role("verify-good", &trust, Some(&reads));
    let untrusted = role("verify-untrusted", &ec2_trust, Some(&reads));
    let powerless = role("verify-powerless", &trust, None);
    let missing = "arn:aws:iam::123456789012:role/verify-missing";
    let registry = format!("123456789012.dkr.ecr.{}.amazonaws.com", aws.region);
    aws.call(
        "ecr",
        "create_repository",
        json!({"repositoryName": "mirror/agent"}),
    );
    aws.call(
        "ecr",
        "put_image",
        json!({"repositoryName": "mirror/agent", "imageTag": "7",
               "imageManifest": json!({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                   "config": {"digest": "sha256:1", "size": 1, "mediaType": "application/vnd.docker.container.image.v1+json"},
                   "layers": []}).to_string()}),
    );
    let mirrored = format!("{registry}/mirror/agent:7");
    let untagged = format!("{registry}/mirror/agent:8");
    let no_repo = format!("{registry}/nowhere/agent:7");
    // Cluster, execution role, agent image, the rules expected.
    type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [&'a str]);
    let cases: [Case; 7] = [
        ("v-good", Some(&good), Some(&mirrored), &[]),
        ("v-no-role", None, None, &["DDECS110"]),
        ("v-missing", Some(missing), None, &["DDECS111"]),
        ("v-untrusted", Some(&untrusted), None, &["DDECS112"]),
        (
            "v-powerless",
            Some(&powerless),
            Some(&mirrored),
            &["DDECS113", "DDECS115"],
        ),
        ("v-untagged", Some(&good), Some(&untagged), &["DDECS114"]),
        ("v-no-repo", Some(&good), Some(&no_repo), &["DDECS114"]),
    ];
    for (cluster, role, image, _) in &cases {
        seed_agent_cluster(&aws, cluster, with_secret(*role, *image));
    }
    for (cluster, _, _, expected) in &cases {
        let output = aws.run(&["doctor", "--cluster", cluster, "--format", "json"]);
        let report = json_out(&output);
        assert_eq!(rules_of(&report), *expected, "{cluster}: {report}");
        assert_eq!(
            output.status.code(),
            Some(if expected.is_empty() { 0 } else { 1 }),
            "{cluster}: {}{report}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = stdout(&aws.run(&["doctor", "--cluster", "v-powerless"]));
    assert!(
        text.contains("no policy of the task execution role allows secretsmanager:GetSecretValue"),
        "{text}"
    );
}

#[test]
fn doctor_says_when_it_cannot_inspect_managed_instances_daemons() {
    // moto has no *Daemon* calls (it answers them with HTTP 500): doctor
    // asks once per region, notes it, and judges the rest.
    let Some(aws) = aws() else { return };
    let created = aws.call(
        "ecs",
        "create_capacity_provider",
        json!({"name": "managed", "autoScalingGroupProvider": {
            "autoScalingGroupArn": format!("arn:aws:autoscaling:{}:123456789012:autoScalingGroup:1:autoScalingGroupName/asg", aws.region)}}),
    );
    assert!(created.get("error").is_none(), "{created}");
    aws.calls(&[
        (
            "ecs",
            "create_cluster",
            json!({"clusterName": "mi", "capacityProviders": ["managed"]}),
        ),
        (
            "ecs",
            "create_cluster",
            json!({"clusterName": "mi-2", "capacityProviders": ["managed"]}),
        ),
    ]);
    let output = aws.run(&[
        "doctor",
        "--cluster",
        "mi",
        "--cluster",
        "mi-2",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json_out(&output);
    for cluster in report["clusters"].as_array().unwrap() {
        assert_eq!(rules_of(cluster), ["DDECS108"], "{cluster}");
        assert_eq!(cluster["daemons"]["inspected"], false);
        assert!(cluster["daemons"]["why"]
            .as_str()
            .unwrap()
            .starts_with("ListDaemons failed: HTTP 500"));
    }
}

fn seed_app(aws: &Aws, family: &str) {
    let registered = aws.call(
        "ecs",
        "register_task_definition",
        json!({"family": family, "networkMode": "bridge",
               "containerDefinitions": [{"name": "app", "image": "example/web:1", "memory": 256,
                                         "command": ["gunicorn", "app:app"]}],
               "tags": [{"key": "team", "value": "fleet"}]}),
    );
    assert!(registered.get("error").is_none(), "{registered}");
}

fn seed_service(aws: &Aws, cluster: &str, service: &str, family: &str) {
    let created = aws.call(
        "ecs",
        "create_service",
        json!({"cluster": cluster, "serviceName": service, "taskDefinition": family,
               "desiredCount": 1, "launchType": "EC2"}),
    );
    assert!(created.get("error").is_none(), "{created}");
}

/// A cluster `prod` with families web (2 services), api, worker, batch,
/// and the agent's DAEMON service.
fn seed_apps(aws: &Aws) {
    aws.call("ecs", "create_cluster", json!({"clusterName": "prod"}));
    for family in ["web", "api", "worker", "batch"] {
        seed_app(aws, family);
    }
    for (service, family) in [
        ("web", "web"),
        ("web-canary", "web"),
        ("api", "api"),
        ("worker", "worker"),
        ("batch", "batch"),
    ] {
        seed_service(aws, "prod", service, family);
    }
    let mut agent = generated(&["--output", "agent-task-definition"]);
    agent["family"] = json!("datadog-agent");
    aws.call("ecs", "register_task_definition", agent);
    aws.call(
        "ecs",
        "create_service",
        json!({"cluster": "prod", "serviceName": "datadog-agent", "taskDefinition": "datadog-agent",
               "schedulingStrategy": "DAEMON", "launchType": "EC2"}),
    );
}

fn runs(aws: &Aws, service: &str) -> String {
    let arn = aws.service("prod", service)["taskDefinition"]
        .as_str()
        .unwrap()
        .to_owned();
    arn.rsplit('/').next().unwrap().to_owned()
}

const FLEET: [&str; 4] = ["apply", "--cluster", "prod", "--all-services"];

#[test]
fn fleet_apply_plans_once_registers_and_rolls_then_is_up_to_date() {
    let Some(aws) = aws() else { return };
    seed_apps(&aws);

    let dry = aws.run(&[&FLEET[..], &["--dry-run"]].concat());
    assert!(dry.status.success(), "{}", stderr(&dry));
    let plan = stderr(&dry);
    let table: Vec<&str> = plan
        .lines()
        .skip_while(|l| !l.starts_with("FAMILY"))
        .take(5)
        .collect();
    assert_eq!(table.len(), 5, "{plan}");
    assert!(
        table[0].contains("FROM") && table[0].contains("CHANGE") && table[0].contains("SERVICES")
    );
    let web = table.iter().find(|l| l.starts_with("web ")).unwrap();
    assert!(web.contains("web:1"), "{web}");
    assert!(web.contains("new revision: app: entryPoint"), "{web}");
    assert!(web.ends_with("web, web-canary"), "{web}");
    assert!(
        plan.contains("plan: register 4 new revisions and update 5 services in cluster prod"),
        "{plan}"
    );
    assert!(plan.contains("1 DAEMON service"), "{plan}");
    assert_eq!(aws.revisions("web").len(), 1, "dry run registered");

    let none = aws.run(&FLEET);
    assert_eq!(none.status.code(), Some(2), "no terminal and no --yes");
    assert!(stderr(&none).contains("pass --yes"), "{}", stderr(&none));

    let only = aws.run(&[&FLEET[..], &["--services-matching", "web*", "--yes"]].concat());
    assert!(only.status.success(), "{}", stderr(&only));
    assert_eq!(
        (runs(&aws, "web"), runs(&aws, "web-canary")),
        ("web:2".into(), "web:2".into())
    );
    assert_eq!(runs(&aws, "api"), "api:1", "not matched, not touched");

    let all = aws.run(&[&FLEET[..], &["--yes"]].concat());
    assert!(all.status.success(), "{}", stderr(&all));
    let out = stdout(&all);
    assert_eq!(
        out.matches("registered arn:").count(),
        3,
        "web is done: {out}"
    );
    assert!(out.contains("fleet apply of cluster prod: 4 of 4 families done (3 registered), 3 of 3 services updated"), "{out}");
    for (service, family) in [
        ("api", "api"),
        ("worker", "worker"),
        ("batch", "batch"),
        ("web", "web"),
    ] {
        assert_eq!(runs(&aws, service), format!("{family}:2"));
        assert_eq!(aws.revisions(family).len(), 2);
        assert_eq!(
            aws.describe(&format!("{family}:2"))["tags"],
            json!([{"key": "team", "value": "fleet"}])
        );
    }
    assert_eq!(
        runs(&aws, "datadog-agent").split(':').nth(1),
        Some("1"),
        "DAEMON services are not planned"
    );

    let again = aws.run(&[&FLEET[..], &["--yes"]].concat());
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("all 4 families of cluster prod are up to date"),
        "{}",
        stderr(&again)
    );
    assert!(stdout(&again).is_empty());
}

#[test]
fn a_partly_failed_fleet_apply_names_what_failed_and_a_rerun_finishes() {
    let Some(aws) = aws() else { return };
    seed_apps(&aws);
    let proxy = fleet_proxy(&aws.endpoint, &json!({"refuse_register": "w*"}));
    let first = aws.run_with(
        &[&FLEET[..], &["--yes"]].concat(),
        None,
        &[("AWS_ENDPOINT_URL", &proxy.endpoint)],
    );
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let err = stderr(&first);
    assert!(
        err.contains("ddecs-wizard: failed: web: RegisterTaskDefinition failed: ClientException"),
        "{err}"
    );
    assert!(
        err.contains("its services stay as they were (web on web:1, web-canary on web:1)"),
        "{err}"
    );
    assert!(err.contains("ddecs-wizard: failed: worker: "), "{err}");
    let last = err.lines().last().unwrap();
    assert_eq!(
        last,
        "ddecs-wizard: 2 of 4 families did not finish (web, worker); the others are done: run the same command again to finish the job"
    );
    assert!(stdout(&first).contains(
        "2 of 4 families done (2 registered), 2 of 2 services updated; failed: web, worker"
    ));
    assert_eq!(
        (runs(&aws, "api"), runs(&aws, "web")),
        ("api:2".into(), "web:1".into())
    );

    let rerun = aws.run(&[&FLEET[..], &["--yes"]].concat());
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    for family in ["web", "api", "worker", "batch"] {
        assert_eq!(aws.revisions(family).len(), 2, "{family}: one new revision");
    }
    assert_eq!(runs(&aws, "web-canary"), "web:2");
}

#[test]
fn an_interrupted_fleet_apply_resumes_without_duplicate_revisions() {
    let Some(aws) = aws() else { return };
    seed_apps(&aws);
    // Two registrations go through, the next never answer: kill it there.
    let proxy = fleet_proxy(&aws.endpoint, &json!({"stall_register_after": 2}));
    let mut command = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard-aws"));
    isolate(&mut command)
        .args([&FLEET[..], &["--yes"]].concat())
        .env("AWS_ENDPOINT_URL", &proxy.endpoint)
        .env("AWS_REGION", aws.region)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while proxy.stats()["stalled"].as_u64().unwrap() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the proxy saw no stalled registration"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut printed = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        printed.push_str(&line.unwrap());
    }
    assert!(
        !printed.contains("updated service"),
        "killed before any rollout: {printed}"
    );
    let registered: usize = ["web", "api", "worker", "batch"]
        .iter()
        .map(|f| aws.revisions(f).len() - 1)
        .sum();
    assert_eq!(registered, 2, "two registrations went through");

    let resumed = aws.run(&[&FLEET[..], &["--yes"]].concat());
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(
        stderr(&resumed).contains("none (patched already): roll the services"),
        "{}",
        stderr(&resumed)
    );
    for (service, family) in [
        ("web", "web"),
        ("web-canary", "web"),
        ("api", "api"),
        ("worker", "worker"),
        ("batch", "batch"),
    ] {
        assert_eq!(
            aws.revisions(family).len(),
            2,
            "{family}: a duplicate revision"
        );
        assert_eq!(runs(&aws, service), format!("{family}:2"));
    }
}

#[test]
fn wait_follows_each_deployment_and_rollback_restores_a_failed_one() {
    let Some(aws) = aws() else { return };
    seed_apps(&aws);
    let proxy = fleet_proxy(
        &aws.endpoint,
        &json!({"deployments": {"fail": "worker", "polls": 2}}),
    );
    let via = [("AWS_ENDPOINT_URL", proxy.endpoint.as_str())];
    let output = aws.run_with(
        &[&FLEET[..], &["--yes", "--rollback-on-failure"]].concat(),
        None,
        &via,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    for service in ["web", "web-canary", "api", "batch"] {
        assert!(
            out.contains(&format!("of service {service} in cluster prod: COMPLETED")),
            "{service}: {out}"
        );
    }
    assert!(out.contains("of service worker in cluster prod: FAILED (ECS deployment circuit breaker: tasks failed to start.); rolled back to worker:1: deployment ecs-svc/proxy"), "{out}");
    assert_eq!(runs(&aws, "worker"), "worker:1", "rolled back");
    assert_eq!(runs(&aws, "api"), "api:2");
    let last = stderr(&output).lines().last().unwrap().to_owned();
    assert!(
        last.contains("1 of 4 families did not finish (worker)"),
        "{last}"
    );

    // Without --rollback-on-failure, --wait reports the failure and leaves it.
    seed_app(&aws, "solo");
    seed_service(&aws, "prod", "worker-solo", "solo");
    let proxy = fleet_proxy(
        &aws.endpoint,
        &json!({"deployments": {"fail": "worker-solo", "polls": 1}}),
    );
    let single = aws.run_with(
        &[
            "apply",
            "solo",
            "--service",
            "worker-solo",
            "--cluster",
            "prod",
            "--wait",
            "--yes",
        ],
        None,
        &[("AWS_ENDPOINT_URL", &proxy.endpoint)],
    );
    assert_eq!(single.status.code(), Some(1), "{}", stderr(&single));
    assert!(
        stdout(&single).contains("of service worker-solo in cluster prod: FAILED ("),
        "{}",
        stdout(&single)
    );
    assert_eq!(runs(&aws, "worker-solo"), "solo:2", "no rollback asked");
}

#[test]
fn the_circuit_breaker_is_reported_and_left_to_roll_back() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, "web");
    aws.call("ecs", "create_cluster", json!({"clusterName": "prod"}));
    seed_service(&aws, "prod", "web", "web");
    let proxy = fleet_proxy(
        &aws.endpoint,
        &json!({"deployments": {"fail": "web", "polls": 1, "circuit_breaker": "rollback"}}),
    );
    let output = aws.run_with(
        &[
            "apply",
            "web",
            "--service",
            "web",
            "--cluster",
            "prod",
            "--rollback-on-failure",
            "--yes",
        ],
        None,
        &[("AWS_ENDPOINT_URL", &proxy.endpoint)],
    );
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains("(IN_PROGRESS; circuit breaker on, with rollback)"),
        "{out}"
    );
    assert!(out.contains("FAILED (ECS deployment circuit breaker: tasks failed to start.); ECS's circuit breaker rolls the service back to web:1"), "{out}");
    // ECS rolls back, not this tool: no second UpdateService.
    assert_eq!(runs(&aws, "web"), "web:2");
}

#[test]
fn fleet_flags_are_checked_by_the_command_line() {
    let usage = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard-aws"));
        isolate(&mut command).args(args);
        let output = command.output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        stderr(&output)
    };
    assert!(usage(&["doctor", "--all-clusters", "--cluster", "x"]).contains("--cluster"));
    assert!(
        usage(&["doctor", "--region", "a", "--all-regions", "--all-clusters"])
            .contains("--all-regions")
    );
    assert!(usage(&["apply", "--all-services"]).contains("--cluster"));
    assert!(usage(&["apply", "web", "--all-services", "--cluster", "c"]).contains("--all-services"));
    assert!(
        usage(&["apply", "--cluster", "c", "--services-matching", "x"]).contains("--all-services")
    );
    assert!(usage(&["apply", "web", "--cluster", "c"]).contains("--service"));
    assert!(usage(&["doctor", "--format", "sarif"]).contains("--cluster"));
}
