//! Reading the names inside ECS identifiers: `arn:aws:ecs:REGION:ACCOUNT:
//! task-definition/web:3` is shown as `web:3`, compared by family, ordered
//! by revision.

/// `web:3` from a task definition ARN (or from `web:3` itself).
pub fn short_task_definition(arn: &str) -> &str {
    arn.rsplit_once("task-definition/")
        .map_or(arn, |(_, name)| name)
}

/// The family of a task definition ARN or `family:revision`.
pub fn family(arn: &str) -> &str {
    let short = short_task_definition(arn);
    short.rsplit_once(':').map_or(short, |(family, _)| family)
}

/// The revision number of a task definition ARN or `family:revision`.
pub fn revision(arn: &str) -> Option<u32> {
    short_task_definition(arn)
        .rsplit_once(':')
        .and_then(|(_, revision)| revision.parse().ok())
}

/// Whether `runs` is `revision` or a newer revision of its family: a
/// service on it must not be moved to `revision`.
pub fn is_at_least(runs: &str, revision: &str) -> bool {
    family(runs) == family(revision) && self::revision(runs) >= self::revision(revision)
}

/// The last path segment of an ARN: a service's or container instance's
/// name or ID (`arn:...:service/prod/web` gives `web`).
pub fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Whether `text` names one revision (`web:3` or an ARN) rather than a
/// family alone.
pub fn names_a_revision(text: &str) -> bool {
    text.starts_with("arn:") || text.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/web-app:12";

    #[test]
    fn task_definition_names() {
        assert_eq!(short_task_definition(ARN), "web-app:12");
        assert_eq!(family(ARN), "web-app");
        assert_eq!(revision(ARN), Some(12));
        assert_eq!(family("web"), "web");
        assert_eq!(revision("web"), None);
        assert!(names_a_revision("web:3"));
        assert!(names_a_revision(ARN));
        assert!(!names_a_revision("web"));
        assert!(is_at_least(ARN, "web-app:12"));
        assert!(is_at_least(ARN, "web-app:3"));
        assert!(!is_at_least(ARN, "web-app:13"));
        assert!(!is_at_least(ARN, "web:3"));
    }

    #[test]
    fn last_segment_of_service_arns() {
        assert_eq!(
            last_segment("arn:aws:ecs:us-east-1:1:service/prod/api"),
            "api"
        );
        assert_eq!(last_segment("api"), "api");
    }
}
