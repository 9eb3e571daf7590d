//! The fleet's report in three formats. One cluster in one region is
//! reported exactly as before there were fleets (its text, its JSON
//! object); several get each cluster's report and a summary, or in JSON
//! `{"clusters": [...], "summary": {...}}`, the way `kubectl get` gives an
//! object for one and a list for many. SARIF is always one log: one result
//! per finding, located at the ARN it is about.

use serde_json::{json, Value};

use super::doctor::{Examined, Outcome};
use crate::diagnosis::{self, Diagnosis, CLUSTER_NOT_EXAMINED};
use ddecs_wizard::core::lint::report::{sarif, Rule, Severity};
use ddecs_wizard::core::lint::RULES as CHECK_RULES;
use ddecs_wizard::output::safe::printable;

/// The counts over every cluster.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub clusters: usize,
    pub services: usize,
    pub instances: usize,
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    /// Clusters with at least one error, those not examined included.
    pub blocked: usize,
}

impl Examined {
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for outcome in &self.outcomes {
            totals.clusters += 1;
            match outcome {
                Outcome::Judged(d) => {
                    totals.services += d.services.len();
                    totals.instances += d.instances;
                    totals.errors += d.errors();
                    totals.warnings += d.count(Severity::Warning);
                    totals.info += d.count(Severity::Info);
                    totals.blocked += usize::from(d.errors() > 0);
                }
                Outcome::NotExamined { .. } => {
                    totals.errors += 1;
                    totals.blocked += 1;
                }
            }
        }
        totals
    }

    /// The single cluster's diagnosis, when this is a report of one.
    fn one(&self) -> Option<&Diagnosis> {
        match (self.single, self.outcomes.as_slice()) {
            (true, [Outcome::Judged(d)]) => Some(d),
            _ => None,
        }
    }

    pub fn to_text(&self) -> String {
        if let Some(one) = self.one() {
            return one.to_text();
        }
        let mut parts: Vec<String> = Vec::new();
        let mut blocked = Vec::new();
        for outcome in &self.outcomes {
            match outcome {
                Outcome::Judged(d) => {
                    if d.errors() > 0 {
                        blocked.push(format!("{} ({})", d.cluster, d.region));
                    }
                    parts.push(d.to_text());
                }
                Outcome::NotExamined {
                    cluster,
                    region,
                    error,
                    ..
                } => {
                    blocked.push(format!("{cluster} ({region})"));
                    parts.push(format!(
                        "{}\n",
                        printable(&format!(
                            "error[{}] cluster {cluster} ({region}): not examined: {error}",
                            CLUSTER_NOT_EXAMINED.id
                        ))
                    ));
                }
            }
        }
        let t = self.totals();
        let verdict = if blocked.is_empty() {
            "nothing found that would stop traces".to_owned()
        } else {
            format!(
                "traces would not arrive from all of {} cluster{}: {}",
                t.blocked,
                plural(t.blocked),
                blocked.join(", ")
            )
        };
        parts.push(format!(
            "{}\n",
            printable(&format!(
                "fleet: {} cluster{} in {} region{}, {} service{}, {} container instance{}: {} error{}, {} warning{}, {} info: {verdict}",
                t.clusters,
                plural(t.clusters),
                self.regions.len(),
                plural(self.regions.len()),
                t.services,
                plural(t.services),
                t.instances,
                plural(t.instances),
                t.errors,
                plural(t.errors),
                t.warnings,
                plural(t.warnings),
                t.info
            ))
        ));
        parts.join("\n")
    }

    pub fn to_json(&self) -> Value {
        if let Some(one) = self.one() {
            return one.to_json();
        }
        let t = self.totals();
        let clusters: Vec<Value> = self
            .outcomes
            .iter()
            .map(|outcome| match outcome {
                Outcome::Judged(d) => d.to_json(),
                Outcome::NotExamined {
                    cluster,
                    arn,
                    region,
                    error,
                } => json!({
                    "cluster": cluster,
                    "clusterArn": arn,
                    "region": region,
                    "examined": false,
                    "error": error.to_string(),
                    "tracesWouldArrive": false,
                }),
            })
            .collect();
        json!({
            "regions": self.regions,
            "clusters": clusters,
            "summary": {
                "clusters": t.clusters,
                "services": t.services,
                "containerInstances": t.instances,
                "errors": t.errors,
                "warnings": t.warnings,
                "info": t.info,
                "clustersWithErrors": t.blocked,
            },
            "tracesWouldArrive": t.errors == 0,
        })
    }

    /// SARIF 2.1.0: doctor's rules, then `check`'s, and one result per
    /// finding.
    pub fn to_sarif(&self) -> Value {
        let rules: Vec<&Rule> = diagnosis::RULES
            .iter()
            .chain(CHECK_RULES.iter())
            .copied()
            .collect();
        let index = |id: &str| rules.iter().position(|r| r.id == id).unwrap_or(0);
        let mut results = Vec::new();
        for outcome in &self.outcomes {
            match outcome {
                Outcome::Judged(d) => {
                    for p in &d.problems {
                        results.push(result(
                            p.id,
                            index(p.id),
                            p.severity,
                            &format!("{}: {}; fix: {}", p.subject, p.message, p.fix),
                            &p.arn,
                            d,
                        ));
                    }
                    for service in &d.services {
                        let Ok(report) = &service.result else {
                            continue;
                        };
                        for f in &report.findings {
                            let container = f.container.as_deref().unwrap_or("(task)");
                            let mut r = result(
                                f.rule.id,
                                index(f.rule.id),
                                f.rule.severity,
                                &format!(
                                    "service {} ({}), {container}: {}; fix: {}",
                                    service.service, service.task_definition, f.message, f.fix
                                ),
                                &service.task_definition_arn,
                                d,
                            );
                            if let Some(logical) =
                                r["locations"][0]["logicalLocations"].as_array_mut()
                            {
                                logical.push(json!({"fullyQualifiedName": service.arn, "kind": "resource"}));
                            }
                            results.push(r);
                        }
                    }
                }
                Outcome::NotExamined {
                    cluster,
                    arn,
                    region,
                    error,
                } => results.push(json!({
                    "ruleId": CLUSTER_NOT_EXAMINED.id,
                    "ruleIndex": index(CLUSTER_NOT_EXAMINED.id),
                    "level": "error",
                    "message": {"text": format!("cluster {cluster} ({region}): not examined: {error}")},
                    "locations": [location(arn)],
                    "properties": {"cluster": cluster, "region": region},
                })),
            }
        }
        json!({
            "$schema": sarif::SCHEMA,
            "version": sarif::VERSION,
            "runs": [{
                "tool": sarif::tool(&rules),
                "results": results,
            }],
        })
    }
}

fn location(arn: &str) -> Value {
    json!({
        "physicalLocation": {"artifactLocation": {"uri": arn}},
        "logicalLocations": [{"fullyQualifiedName": arn, "kind": "resource"}],
    })
}

fn result(
    id: &str,
    rule_index: usize,
    severity: Severity,
    text: &str,
    arn: &str,
    d: &Diagnosis,
) -> Value {
    json!({
        "ruleId": id,
        "ruleIndex": rule_index,
        "level": sarif::level(severity),
        "message": {"text": text},
        "locations": [location(arn)],
        "properties": {"cluster": d.cluster, "region": d.region},
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
