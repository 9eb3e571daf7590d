//! `doctor`'s judgement, with no I/O: from what the cluster looks like
//! (container instances, their EC2 metadata options, services and their
//! live task definitions) to one report of what would keep traces from
//! arriving, each problem with its fix.
//!
//! Cluster-level problems have IDs of their own (DDECS1xx) beside the
//! `check` rules each service's task definition is run through, so that
//! people can grep and suppress them the same way.

use serde_json::{json, Value};

use std::collections::{BTreeMap, HashMap};

use super::daemon::Daemons;
use super::ec2::MetadataOptions;
use super::ecr::{ImageFacts, PrivateImage};
use super::ecs::{ContainerInstance, ServiceState};
use super::iam::RoleFacts;
use super::{names, verify};
use ddecs_wizard::core::lint::check;
use ddecs_wizard::core::lint::report::{Report, Rule, Severity};
use ddecs_wizard::core::taskdef::container::{self, Role};
use ddecs_wizard::core::taskdef::context::{Network, TaskContext};
use ddecs_wizard::core::taskdef::document::Document;
use ddecs_wizard::output::safe::printable;

/// The address every IMDS lookup in a start command goes to.
const IMDS_ADDRESS: &str = "169.254.169.254";

/// A service as doctor sees it: its state and its live task definition.
#[derive(Debug, Clone)]
pub struct ServiceFacts {
    pub state: ServiceState,
    /// The task definition the service runs, or why it could not be read.
    pub task: Result<Document, String>,
    /// The newest ACTIVE revision of its family (looked up for the agent).
    pub latest: Option<String>,
}

impl ServiceFacts {
    /// Runs only the Datadog agent (a log router beside it is fine).
    pub fn is_agent(&self) -> bool {
        self.task.as_ref().is_ok_and(is_agent_task)
    }
}

/// Whether a task definition is the agent's own: an agent container and no
/// app container.
pub fn is_agent_task(document: &Document) -> bool {
    let roles = container::roles(document.containers());
    roles.contains(&Role::Agent) && !roles.contains(&Role::App)
}

/// A container instance and the metadata options of its EC2 instance.
#[derive(Debug, Clone)]
pub struct InstanceFacts {
    pub instance: ContainerInstance,
    pub metadata: Option<MetadataOptions>,
}

/// Everything doctor learned about the cluster.
#[derive(Debug, Clone)]
pub struct Facts {
    pub cluster: String,
    pub cluster_arn: String,
    pub region: String,
    pub instances: Vec<InstanceFacts>,
    pub services: Vec<ServiceFacts>,
    pub daemons: Daemons,
    /// The task execution roles its agents' task definitions name.
    pub roles: HashMap<String, RoleFacts>,
    /// The private ECR images its agents run.
    pub images: BTreeMap<PrivateImage, ImageFacts>,
}

/// A cluster-level problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub id: &'static str,
    pub severity: Severity,
    /// What it is about: `service datadog-agent`, `instance i-0abc`.
    pub subject: String,
    /// The ARN of what it is about (SARIF's location).
    pub arn: String,
    pub message: String,
    pub fix: String,
}

macro_rules! rules {
    ($($key:ident $id:literal $severity:ident $summary:literal $help:literal;)*) => {
        $(pub static $key: Rule = Rule {
            id: $id,
            key: stringify!($key),
            severity: Severity::$severity,
            summary: $summary,
            help: $help,
        };)*
        /// Every rule of doctor's own, beside the `check` rules it runs on
        /// each task definition.
        pub static RULES: &[&Rule] = &[$(&$key),*];
    };
}

rules! {
    CLUSTER_NOT_EXAMINED "DDECS100" Error "the cluster could not be examined" "give doctor the read permissions listed in the README, or examine the cluster on its own";
    NO_AGENT_DAEMON "DDECS101" Error "container instances but no Datadog agent DAEMON service" "register the agent task definition with --daemon-service";
    AGENT_AS_REPLICA "DDECS102" Warning "the agent runs as a REPLICA service" "run the agent as a DAEMON service";
    AGENT_BEHIND "DDECS103" Warning "the agent DAEMON service is not on its family's latest revision" "update the service to the latest revision";
    AGENT_SHORT "DDECS104" Error "the agent runs on fewer tasks than there are container instances" "see the service's events for why tasks do not start";
    IMDS_HOP_LIMIT "DDECS105" Error "IMDSv2 required with hop limit 1: bridge-mode containers get no token" "set HttpPutResponseHopLimit to 2";
    IMDS_DISABLED "DDECS106" Error "the instance metadata endpoint is disabled" "enable the instance metadata endpoint";
    DAEMON_SHORT "DDECS107" Error "an ECS Managed Instances daemon does not run on every instance" "see the daemon's deployments for why its tasks do not start";
    DAEMONS_NOT_INSPECTED "DDECS108" Info "ECS Managed Instances daemons could not be inspected" "run doctor where the ECS daemon API is available";
    NOT_VERIFIED "DDECS109" Warning "what the agent needs from IAM or ECR could not be verified" "give doctor iam:GetRole, iam:List*RolePolicies, iam:GetPolicy, iam:GetPolicyVersion, iam:GetRolePolicy and ecr:DescribeImages";
    NO_EXECUTION_ROLE "DDECS110" Error "the agent needs a task execution role and the task definition names none" "set executionRoleArn to a role that ecs-tasks.amazonaws.com may assume";
    EXECUTION_ROLE_MISSING "DDECS111" Error "the task execution role does not exist" "create the role or name an existing one in executionRoleArn";
    EXECUTION_ROLE_UNTRUSTED "DDECS112" Error "the task execution role does not trust ecs-tasks.amazonaws.com" "allow sts:AssumeRole to the service principal ecs-tasks.amazonaws.com in its trust policy";
    SECRET_NOT_READABLE "DDECS113" Error "the task execution role may not read the API key's secret" "allow secretsmanager:GetSecretValue (or ssm:GetParameters) on the secret to the execution role";
    IMAGE_NOT_FOUND "DDECS114" Error "the agent image is not in its private ECR repository" "push the image, or fix the repository or tag in the task definition";
    IMAGE_NOT_PULLABLE "DDECS115" Error "the task execution role may not pull the agent image from ECR" "attach AmazonECSTaskExecutionRolePolicy, or allow ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer";
}

/// Doctor's rule with this ID.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// One service's task definition, checked.
#[derive(Debug, Clone)]
pub struct ServiceCheck {
    pub service: String,
    pub arn: String,
    pub task_definition: String,
    pub task_definition_arn: String,
    pub result: Result<Report, String>,
}

/// The agent DAEMON service found, summed up for the report's head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSummary {
    pub service: String,
    pub task_definition: String,
    pub latest: Option<String>,
    pub running: i32,
}

#[derive(Debug, Clone)]
pub struct Diagnosis {
    pub cluster: String,
    pub cluster_arn: String,
    pub region: String,
    pub daemons: Daemons,
    pub instances: usize,
    pub agent: Option<AgentSummary>,
    pub problems: Vec<Problem>,
    pub services: Vec<ServiceCheck>,
}

/// Judges the cluster.
pub fn diagnose(facts: &Facts) -> Diagnosis {
    let mut problems = Vec::new();
    let agent = agent_problems(facts, &mut problems);
    let imds_users = imds_from_bridge(&facts.services);
    for instance in &facts.instances {
        if let Some(problem) = metadata_problem(instance, &imds_users) {
            problems.push(problem);
        }
    }
    for service in &facts.services {
        problems.extend(verify::problems(service, facts));
    }
    problems.extend(daemon_problems(facts));
    let services = facts
        .services
        .iter()
        .map(|service| ServiceCheck {
            service: service.state.name.clone(),
            arn: service.state.arn.clone(),
            task_definition: names::short_task_definition(&service.state.task_definition)
                .to_owned(),
            task_definition_arn: service.state.task_definition.clone(),
            result: service.task.as_ref().map(check).map_err(Clone::clone),
        })
        .collect();
    Diagnosis {
        cluster: facts.cluster.clone(),
        cluster_arn: facts.cluster_arn.clone(),
        region: facts.region.clone(),
        daemons: facts.daemons.clone(),
        instances: facts.instances.len(),
        agent,
        problems,
        services,
    }
}

pub fn problem(
    id: &'static str,
    severity: Severity,
    (subject, arn): (String, &str),
    message: String,
    fix: String,
) -> Problem {
    Problem {
        id,
        severity,
        subject,
        arn: arn.to_owned(),
        message,
        fix,
    }
}

/// The agent's DAEMON service: there, on the latest revision, on every
/// container instance. A cluster without container instances (Fargate
/// only) needs none: its tasks carry their agent as a sidecar.
fn agent_problems(facts: &Facts, problems: &mut Vec<Problem>) -> Option<AgentSummary> {
    let agents: Vec<&ServiceFacts> = facts.services.iter().filter(|s| s.is_agent()).collect();
    for replica in agents.iter().filter(|s| !s.state.daemon) {
        problems.push(problem(
            "DDECS102",
            Severity::Warning,
            (format!("service {}", replica.state.name), &replica.state.arn),
            "runs the Datadog agent with REPLICA scheduling, so some container instances have no agent and traces from apps there go nowhere".into(),
            "run the agent as a DAEMON service: ddecs-wizard register agent-task-definition.json --daemon-service datadog-agent --cluster CLUSTER".into(),
        ));
    }
    let daemon = agents.iter().find(|s| s.state.daemon);
    let Some(daemon) = daemon else {
        if !facts.instances.is_empty() {
            problems.push(problem(
                "DDECS101",
                Severity::Error,
                (format!("cluster {}", facts.cluster), &facts.cluster_arn),
                format!(
                    "no Datadog agent DAEMON service, but {} container instance{} {} tasks: apps there have no agent to send traces to",
                    facts.instances.len(),
                    plural(facts.instances.len()),
                    if facts.instances.len() == 1 { "runs" } else { "run" }
                ),
                format!(
                    "ddecs-wizard generate --output agent-task-definition > agent.json && ddecs-wizard register agent.json --daemon-service datadog-agent --cluster {}",
                    facts.cluster
                ),
            ));
        }
        return None;
    };
    let state = &daemon.state;
    let subject = format!("service {}", state.name);
    if let Some(latest) = &daemon.latest {
        if names::revision(latest) > names::revision(&state.task_definition) {
            problems.push(problem(
                "DDECS103",
                Severity::Warning,
                (subject.clone(), &state.arn),
                format!(
                    "runs {}, but the latest revision is {}",
                    names::short_task_definition(&state.task_definition),
                    names::short_task_definition(latest)
                ),
                format!(
                    "aws ecs update-service --cluster {} --service {} --task-definition {}",
                    facts.cluster,
                    state.name,
                    names::short_task_definition(latest)
                ),
            ));
        }
    }
    let instances = i32::try_from(facts.instances.len()).unwrap_or(i32::MAX);
    if state.running < instances {
        problems.push(problem(
            "DDECS104",
            Severity::Error,
            (subject, &state.arn),
            format!(
                "the agent runs on {} of {} container instance{} (desired {}, pending {}): apps on the others have no agent",
                state.running,
                instances,
                plural(facts.instances.len()),
                state.desired,
                state.pending
            ),
            format!(
                "see why in the service's events: aws ecs describe-services --cluster {} --services {} --query 'services[0].events[:5]' (often not enough memory or CPU left on the instance, or port 8126 taken)",
                facts.cluster, state.name
            ),
        ));
    }
    Some(AgentSummary {
        service: state.name.clone(),
        task_definition: names::short_task_definition(&state.task_definition).to_owned(),
        latest: daemon
            .latest
            .as_deref()
            .map(|l| names::short_task_definition(l).to_owned()),
        running: state.running,
    })
}

/// ECS Managed Instances daemons that miss instances, or a note that they
/// could not be inspected.
fn daemon_problems(facts: &Facts) -> Vec<Problem> {
    match &facts.daemons {
        Daemons::NotApplicable => Vec::new(),
        Daemons::Unsupported(why) => vec![problem(
            DAEMONS_NOT_INSPECTED.id,
            Severity::Info,
            (format!("cluster {}", facts.cluster), &facts.cluster_arn),
            format!("its ECS Managed Instances daemons were not inspected: {why}"),
            "run doctor against an ECS endpoint that has the daemon API (ListDaemons, DescribeDaemon)".to_owned(),
        )],
        Daemons::Listed(daemons) => daemons
            .iter()
            .filter(|d| d.without > 0)
            .map(|d| {
                problem(
                    DAEMON_SHORT.id,
                    Severity::Error,
                    (format!("daemon {}", d.name), &d.arn),
                    format!(
                        "runs on {} of {} managed instance{}: tasks on the others have no agent",
                        d.running,
                        d.running + d.without,
                        plural(usize::try_from(d.running + d.without).unwrap_or(0))
                    ),
                    format!(
                        "see why in its deployments: aws ecs list-daemon-deployments --daemon-arn {}",
                        d.arn
                    ),
                )
            })
            .collect(),
    }
}

/// The services whose apps look up the host's IP from IMDS in bridge mode,
/// where IMDSv2's answer needs a second network hop.
fn imds_from_bridge(services: &[ServiceFacts]) -> Vec<String> {
    services
        .iter()
        .filter(|service| {
            service.task.as_ref().is_ok_and(|document| {
                let context = TaskContext::of(document);
                !context.fargate
                    && context.network == Network::Bridge
                    && document
                        .containers()
                        .iter()
                        .any(|c| container::start_text(c).contains(IMDS_ADDRESS))
            })
        })
        .map(|service| service.state.name.clone())
        .collect()
}

/// IMDSv2 only with a hop limit of 1 answers the host but not a container
/// behind the docker bridge; a disabled endpoint answers no one.
fn metadata_problem(instance: &InstanceFacts, imds_users: &[String]) -> Option<Problem> {
    let metadata = instance.metadata.as_ref()?;
    let ec2_id = instance.instance.ec2_instance_id.as_deref()?;
    let subject = format!(
        "instance {ec2_id} (container instance {})",
        instance.instance.id
    );
    let (severity, users) = if imds_users.is_empty() {
        (
            Severity::Warning,
            "no service here looks up IMDS from bridge mode today, but one that does will fail"
                .to_owned(),
        )
    } else {
        (
            Severity::Error,
            format!(
                "{} {} {} up the host IP from IMDS in bridge mode and get{} no address, so {} traces are not sent",
                if imds_users.len() == 1 { "service" } else { "services" },
                imds_users.join(", "),
                if imds_users.len() == 1 { "looks" } else { "look" },
                if imds_users.len() == 1 { "s" } else { "" },
                if imds_users.len() == 1 { "its" } else { "their" },
            ),
        )
    };
    let fix = format!(
        "aws ec2 modify-instance-metadata-options --instance-id {ec2_id} --http-put-response-hop-limit 2 --http-endpoint enabled; and for new instances set MetadataOptions HttpPutResponseHopLimit to 2 (HttpEndpoint enabled) in the launch template of the cluster's Auto Scaling group"
    );
    if metadata.http_endpoint == "disabled" {
        return Some(problem(
            "DDECS106",
            severity,
            (subject, &instance.instance.arn),
            format!("the instance metadata endpoint is disabled: {users}"),
            fix,
        ));
    }
    if metadata.http_tokens == "required" && metadata.hop_limit.unwrap_or(1) < 2 {
        return Some(problem(
            "DDECS105",
            severity,
            (subject, &instance.instance.arn),
            format!(
                "IMDSv2 is required (HttpTokens required) with HttpPutResponseHopLimit {}: bridge-mode containers get no IMDSv2 token (IMDSv1 is off); {users}",
                metadata.hop_limit.unwrap_or(1)
            ),
            fix,
        ));
    }
    None
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl Diagnosis {
    pub fn count(&self, severity: Severity) -> usize {
        let own = self
            .problems
            .iter()
            .filter(|p| p.severity == severity)
            .count();
        let checked: usize = self
            .services
            .iter()
            .filter_map(|s| s.result.as_ref().ok())
            .map(|r| r.count(severity))
            .sum();
        let unread = if severity == Severity::Warning {
            self.services.iter().filter(|s| s.result.is_err()).count()
        } else {
            0
        };
        own + checked + unread
    }

    /// Errors are the problems that keep traces from arriving.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    fn summary(&self) -> String {
        format!(
            "{} error{}, {} warning{}, {} info",
            self.errors(),
            plural(self.errors()),
            self.count(Severity::Warning),
            plural(self.count(Severity::Warning)),
            self.count(Severity::Info)
        )
    }

    /// The report for people: the cluster and its agent, then each problem
    /// with its fix, then each service, then a verdict.
    pub fn to_text(&self) -> String {
        let mut lines = vec![format!(
            "cluster {} ({}): {} container instance{}, {} service{}",
            self.cluster,
            self.region,
            self.instances,
            plural(self.instances),
            self.services.len(),
            plural(self.services.len())
        )];
        lines.push(match &self.agent {
            Some(agent) => format!(
                "agent: DAEMON service {} runs {}{}, on {} of {} container instance{}",
                agent.service,
                agent.task_definition,
                match &agent.latest {
                    Some(latest) if *latest != agent.task_definition =>
                        format!(" (latest: {latest})"),
                    Some(_) => " (the latest revision)".to_owned(),
                    None => String::new(),
                },
                agent.running,
                self.instances,
                plural(self.instances)
            ),
            None => "agent: no Datadog agent DAEMON service".to_owned(),
        });
        if let Daemons::Listed(daemons) = &self.daemons {
            let each: Vec<String> = daemons
                .iter()
                .map(|d| {
                    format!(
                        "{} on {} of {} managed instances",
                        d.name,
                        d.running,
                        d.running + d.without
                    )
                })
                .collect();
            if !each.is_empty() {
                lines.push(format!("daemons: {}", each.join(", ")));
            }
        }
        for p in &self.problems {
            lines.push(format!(
                "{}[{}] {}: {}",
                p.severity, p.id, p.subject, p.message
            ));
            lines.push(format!("  fix: {}", p.fix));
        }
        for service in &self.services {
            let head = format!("service {} ({})", service.service, service.task_definition);
            match &service.result {
                Err(why) => lines.push(format!("{head}: warning: not checked: {why}")),
                Ok(report) if report.findings.is_empty() => {
                    lines.push(format!("{head}: no problems found"));
                }
                Ok(report) => {
                    lines.push(format!("{head}: {}", report.summary()));
                    for f in &report.findings {
                        let subject = f.container.as_deref().unwrap_or("(task)");
                        lines.push(format!(
                            "  {}[{}] {}: {}",
                            f.rule.severity, f.rule.id, subject, f.message
                        ));
                        lines.push(format!("    fix: {}", f.fix));
                    }
                }
            }
        }
        let verdict = if self.errors() > 0 {
            "traces would not arrive from all of this cluster"
        } else {
            "nothing found that would stop traces"
        };
        lines.push(format!("{}: {verdict}", self.summary()));
        let mut text = lines
            .iter()
            .map(|line| printable(line).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
        text
    }

    /// The same report for scripts.
    pub fn to_json(&self) -> Value {
        let problems: Vec<Value> = self
            .problems
            .iter()
            .map(|p| {
                json!({
                    "rule": p.id,
                    "severity": p.severity.label(),
                    "subject": p.subject,
                    "arn": p.arn,
                    "message": p.message,
                    "fix": p.fix,
                })
            })
            .collect();
        let services: Vec<Value> = self
            .services
            .iter()
            .map(|s| match &s.result {
                Ok(report) => json!({
                    "service": s.service,
                    "serviceArn": s.arn,
                    "taskDefinition": s.task_definition,
                    "findings": report.findings.iter().map(|f| json!({
                        "rule": f.rule.id,
                        "severity": f.rule.severity.label(),
                        "container": f.container,
                        "message": f.message,
                        "fix": f.fix,
                    })).collect::<Vec<_>>(),
                }),
                Err(why) => json!({
                    "service": s.service,
                    "taskDefinition": s.task_definition,
                    "error": why,
                }),
            })
            .collect();
        let daemons = match &self.daemons {
            Daemons::NotApplicable => json!(null),
            Daemons::Unsupported(why) => json!({"inspected": false, "why": why}),
            Daemons::Listed(list) => json!(list
                .iter()
                .map(
                    |d| json!({"daemon": d.name, "arn": d.arn, "status": d.status,
                                "running": d.running, "instancesWithout": d.without})
                )
                .collect::<Vec<_>>()),
        };
        json!({
            "cluster": self.cluster,
            "clusterArn": self.cluster_arn,
            "region": self.region,
            "daemons": daemons,
            "containerInstances": self.instances,
            "agent": self.agent.as_ref().map(|a| json!({
                "service": a.service,
                "taskDefinition": a.task_definition,
                "latest": a.latest,
                "running": a.running,
            })),
            "problems": problems,
            "services": services,
            "summary": {
                "errors": self.errors(),
                "warnings": self.count(Severity::Warning),
                "info": self.count(Severity::Info),
            },
            "tracesWouldArrive": self.errors() == 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddecs_wizard::core::taskdef::document;

    fn document(json: Value) -> Document {
        document::read(json.to_string().as_bytes()).unwrap()
    }

    fn agent_task() -> Document {
        document(json!({"family": "datadog-agent", "containerDefinitions": [
            {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7",
             "portMappings": [{"containerPort": 8126, "hostPort": 8126, "protocol": "tcp"}]}
        ]}))
    }

    fn imds_app() -> Document {
        document(json!({"family": "web", "containerDefinitions": [
            {"name": "app", "image": "web", "entryPoint": ["sh", "-c",
              "export DD_AGENT_HOST=$(curl -sf --max-time 1 http://169.254.169.254/latest/meta-data/local-ipv4); exec app"]}
        ]}))
    }

    fn service(name: &str, arn: &str, daemon: bool, running: i32, task: Document) -> ServiceFacts {
        ServiceFacts {
            state: ServiceState {
                name: name.into(),
                arn: format!("arn:aws:ecs:r:1:service/prod/{name}"),
                task_definition: arn.into(),
                daemon,
                desired: running,
                running,
                pending: 0,
                deployments: 1,
                rollouts: Vec::new(),
                circuit_breaker: None,
            },
            task: Ok(task),
            latest: None,
        }
    }

    fn instance(ec2: &str, tokens: &str, hops: i32) -> InstanceFacts {
        InstanceFacts {
            instance: ContainerInstance {
                id: format!("ci-{ec2}"),
                arn: format!("arn:aws:ecs:r:1:container-instance/prod/ci-{ec2}"),
                ec2_instance_id: Some(ec2.into()),
                agent_connected: true,
            },
            metadata: Some(MetadataOptions {
                http_tokens: tokens.into(),
                hop_limit: Some(hops),
                http_endpoint: "enabled".into(),
            }),
        }
    }

    fn facts(instances: Vec<InstanceFacts>, services: Vec<ServiceFacts>) -> Facts {
        Facts {
            cluster: "prod".into(),
            cluster_arn: "arn:aws:ecs:us-east-1:1:cluster/prod".into(),
            region: "us-east-1".into(),
            instances,
            services,
            daemons: Daemons::NotApplicable,
            roles: HashMap::new(),
            images: BTreeMap::new(),
        }
    }

    fn ids(diagnosis: &Diagnosis) -> Vec<&str> {
        diagnosis.problems.iter().map(|p| p.id).collect()
    }

    #[test]
    fn hop_limit_one_with_imdsv2_is_an_error_when_apps_use_imds() {
        let d = diagnose(&facts(
            vec![
                instance("i-1", "required", 1),
                instance("i-2", "required", 2),
                instance("i-3", "optional", 1),
            ],
            vec![
                service(
                    "datadog-agent",
                    "task-definition/datadog-agent:1",
                    true,
                    3,
                    agent_task(),
                ),
                service("web", "task-definition/web:4", false, 2, imds_app()),
            ],
        ));
        assert_eq!(ids(&d), ["DDECS105"]);
        let p = &d.problems[0];
        assert_eq!(p.severity, Severity::Error);
        assert_eq!(p.subject, "instance i-1 (container instance ci-i-1)");
        assert!(p.fix.starts_with("aws ec2 modify-instance-metadata-options --instance-id i-1 --http-put-response-hop-limit 2 --http-endpoint enabled;"), "{}", p.fix);
        assert!(p.fix.contains("launch template"), "{}", p.fix);
        assert!(p.message.contains("web"), "{}", p.message);
        assert!(d.errors() >= 1);
        assert_eq!(d.to_json()["tracesWouldArrive"], false);
    }

    #[test]
    fn hop_limit_one_is_a_warning_when_nothing_uses_imds() {
        let d = diagnose(&facts(
            vec![instance("i-1", "required", 1)],
            vec![service(
                "datadog-agent",
                "task-definition/datadog-agent:1",
                true,
                1,
                agent_task(),
            )],
        ));
        assert_eq!(ids(&d), ["DDECS105"]);
        assert_eq!(d.problems[0].severity, Severity::Warning);
        assert_eq!(d.errors(), 0);
    }

    #[test]
    fn missing_agent_and_short_agent_are_errors() {
        let none = diagnose(&facts(vec![instance("i-1", "optional", 1)], vec![]));
        assert_eq!(ids(&none), ["DDECS101"]);
        assert!(none
            .to_text()
            .contains("agent: no Datadog agent DAEMON service"));

        let short = diagnose(&facts(
            vec![
                instance("i-1", "optional", 1),
                instance("i-2", "optional", 1),
            ],
            vec![service(
                "dd",
                "task-definition/datadog-agent:1",
                true,
                1,
                agent_task(),
            )],
        ));
        assert_eq!(ids(&short), ["DDECS104"]);
        assert!(short.problems[0]
            .message
            .contains("on 1 of 2 container instances"));
    }

    #[test]
    fn fargate_only_cluster_needs_no_daemon() {
        let d = diagnose(&facts(vec![], vec![]));
        assert!(d.problems.is_empty());
        assert_eq!(d.errors(), 0);
    }

    #[test]
    fn an_old_agent_revision_and_replica_agents_are_warnings() {
        let mut agent = service(
            "dd",
            "arn:aws:ecs:r:1:task-definition/datadog-agent:3",
            true,
            1,
            agent_task(),
        );
        agent.latest = Some("arn:aws:ecs:r:1:task-definition/datadog-agent:5".into());
        let replica = service(
            "dd-replica",
            "task-definition/datadog-agent:3",
            false,
            1,
            agent_task(),
        );
        let d = diagnose(&facts(
            vec![instance("i-1", "optional", 1)],
            vec![agent, replica],
        ));
        assert_eq!(ids(&d), ["DDECS102", "DDECS103"]);
        assert!(d.problems[1]
            .fix
            .ends_with("--task-definition datadog-agent:5"));
        assert!(d
            .to_text()
            .contains("runs datadog-agent:3 (latest: datadog-agent:5)"));
    }

    #[test]
    fn text_escapes_what_came_from_the_api() {
        let d = diagnose(&facts(
            vec![],
            vec![ServiceFacts {
                task: Err("DescribeTaskDefinition failed".into()),
                ..service("evil\u{1b}[2J", "task-definition/x:1", false, 0, imds_app())
            }],
        ));
        let text = d.to_text();
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("evil\\u{1b}[2J"), "{text}");
    }
}
