//! Per-language defaults, kept as data in `assets/languages.json` and
//! embedded at compile time so the binary needs no files at run time.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::config::Language;

#[derive(Debug, Deserialize)]
pub struct LanguageDefaults {
    pub label: String,
    pub startup_command: String,
}

const LANGUAGES_JSON: &str = include_str!("../../assets/languages.json");

/// The defaults for one language. The asset is checked by a test for every
/// language, so a missing entry cannot reach a user.
pub fn defaults(language: Language) -> &'static LanguageDefaults {
    static TABLE: OnceLock<HashMap<String, LanguageDefaults>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        serde_json::from_str(LANGUAGES_JSON).expect("assets/languages.json is valid")
    });
    &table[language.cli_name()]
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
        }
    }
}
