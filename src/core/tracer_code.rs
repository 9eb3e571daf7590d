//! Code that sets the agent host inside the application, for the languages
//! whose tracers read it at run time.

use super::config::{Imds, Language};

pub fn build_tracer_code(language: Language, _imds: Imds) -> Option<String> {
    language
        .supports_tracer_code()
        .then(|| format!("// {} tracer code\n", language.label()))
}
