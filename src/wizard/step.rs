//! The steps of the wizard, in order. Which questions each holds is said by
//! the questions' rows. Both front ends walk exactly this list.

use super::question::Question;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    LaunchType,
    AgentVersion,
    Language,
    Tracer,
    Connection,
    StartupCommand,
    App,
    Tags,
    Datadog,
    Features,
    Collection,
    Review,
}

impl Step {
    pub const ALL: [Step; 12] = [
        Step::LaunchType,
        Step::AgentVersion,
        Step::Language,
        Step::Tracer,
        Step::Connection,
        Step::StartupCommand,
        Step::App,
        Step::Tags,
        Step::Datadog,
        Step::Features,
        Step::Collection,
        Step::Review,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::LaunchType => "Launch type",
            Step::AgentVersion => "Agent version",
            Step::Language => "Language",
            Step::Tracer => "Tracer",
            Step::Connection => "Connection",
            Step::StartupCommand => "Startup command",
            Step::App => "App",
            Step::Tags => "Tags",
            Step::Datadog => "Datadog",
            Step::Features => "Features",
            Step::Collection => "Logs & agent",
            Step::Review => "Review",
        }
    }

    /// The title where the progress strip is short of room.
    pub fn short_title(self) -> &'static str {
        match self {
            Step::LaunchType => "Launch",
            Step::AgentVersion => "Agent",
            Step::Language => "Lang",
            Step::Tracer => "Tracer",
            Step::Connection => "Conn",
            Step::StartupCommand => "Start",
            Step::App => "App",
            Step::Tags => "Tags",
            Step::Datadog => "Datadog",
            Step::Features => "Feat",
            Step::Collection => "Logs",
            Step::Review => "Review",
        }
    }

    /// What the step asks, in order: the questions whose row names it.
    pub fn questions(self) -> Vec<Question> {
        Question::ALL
            .into_iter()
            .filter(|q| q.step() == self)
            .collect()
    }

    /// A line above the questions of a step that asks several.
    pub fn intro(self) -> Option<&'static str> {
        match self {
            Step::Tracer => Some("How Datadog's tracing library gets into the app"),
            Step::App => Some("The app's container in the task definition"),
            Step::Tags => Some("Unified service tags (optional)"),
            Step::Datadog => Some("Where the agent sends the traces"),
            Step::Features => Some("What the tracer sends beside traces (all optional)"),
            Step::Collection => Some("What the agent collects beside traces (all optional)"),
            Step::Review => Some("Review, then save"),
            _ => None,
        }
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.index() + 1).copied()
    }

    pub fn prev(self) -> Option<Step> {
        self.index().checked_sub(1).map(|i| Step::ALL[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_is_asked_once_in_the_order_of_its_enum() {
        let asked: Vec<Question> = Step::ALL.iter().flat_map(|s| s.questions()).collect();
        assert_eq!(asked, Question::ALL);
        for (i, step) in Step::ALL.iter().enumerate() {
            assert_eq!(step.index(), i);
        }
    }
}
