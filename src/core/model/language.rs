//! Per-language defaults, kept as data in `assets/languages.json` and
//! embedded at compile time so the binary needs no files at run time.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::core::model::choices::choices;
use crate::core::model::tracer::Tracer;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageDefaults {
    pub label: String,
    /// The start command where the image has the tracer (`--tracer image`
    /// or `present`): it loads it (`ddtrace-run`, `--require dd-trace/init`,
    /// `-javaagent`).
    pub startup_command: String,
    /// The start command with `--tracer inject`, where the loader variables
    /// load the injected tracer: the plain command.
    pub injected_startup_command: String,
}

choices! {
    /// The application's language, which decides the default startup command,
    /// whether the host may be set in code and which PHP snippets apply.
    pub enum Language (Language) {
        Python => "python",
        Nodejs => "nodejs",
        Ruby => "ruby",
        Go => "go",
        Java => "java",
        Dotnet => "dotnet",
        Php => "php",
    }
}

impl Language {
    /// The name people know the language by, for prompts and headings.
    pub fn label(self) -> &'static str {
        &defaults(self).label
    }

    /// The startup command used when the user gives none, for the way the
    /// tracer gets in.
    pub fn default_startup_command(self, tracer: Tracer) -> &'static str {
        let defaults = defaults(self);
        match tracer {
            Tracer::Inject => &defaults.injected_startup_command,
            Tracer::Image | Tracer::Present => &defaults.startup_command,
        }
    }

    /// Java, .NET and PHP read DD_AGENT_HOST once at launch, so the entryPoint
    /// is the only place to set it; the others may also set it in code.
    pub fn supports_tracer_code(self) -> bool {
        matches!(
            self,
            Language::Python | Language::Nodejs | Language::Ruby | Language::Go
        )
    }
}

const LANGUAGES_JSON: &str = include_str!("../../../assets/languages.json");

/// The asset, one field per language: a language without an entry, or an
/// entry for none, fails to parse, and a test parses it, so no lookup can
/// miss at run time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    python: LanguageDefaults,
    nodejs: LanguageDefaults,
    ruby: LanguageDefaults,
    go: LanguageDefaults,
    java: LanguageDefaults,
    dotnet: LanguageDefaults,
    php: LanguageDefaults,
}

/// The defaults for one language.
pub fn defaults(language: Language) -> &'static LanguageDefaults {
    static TABLE: OnceLock<Table> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        serde_json::from_str(LANGUAGES_JSON).expect("assets/languages.json is valid (tested)")
    });
    match language {
        Language::Python => &table.python,
        Language::Nodejs => &table.nodejs,
        Language::Ruby => &table.ruby,
        Language::Go => &table.go,
        Language::Java => &table.java,
        Language::Dotnet => &table.dotnet,
        Language::Php => &table.php,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_defaults() {
        for language in Language::ALL {
            let d = defaults(language);
            assert!(!d.label.is_empty());
            assert!(!d.startup_command.trim().is_empty());
            assert!(!d.injected_startup_command.trim().is_empty());
        }
    }
}
