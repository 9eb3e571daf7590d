//! The tracer features a service can switch on beside its traces, as the
//! app container's Datadog variables: profiling, runtime metrics, trace IDs
//! in logs, App and API Protection, Data Streams, DBM propagation and a
//! trace sample rate. Which language's tracer supports which is Datadog's
//! documentation (docs/features.md has the table and where it comes from);
//! a feature a tracer does not have is refused, never written to no effect.

use crate::core::model::choices::choices;
use crate::core::model::error::{ConfigError, Field};
use crate::core::model::language::Language;

/// A feature the tracer switches on with one boolean variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Switch {
    Profiling,
    RuntimeMetrics,
    LogsInjection,
    Appsec,
    DataStreams,
}

impl Switch {
    pub const ALL: [Switch; 5] = [
        Switch::Profiling,
        Switch::RuntimeMetrics,
        Switch::LogsInjection,
        Switch::Appsec,
        Switch::DataStreams,
    ];

    /// The variable the tracer reads.
    pub fn env(self) -> &'static str {
        match self {
            Switch::Profiling => "DD_PROFILING_ENABLED",
            Switch::RuntimeMetrics => "DD_RUNTIME_METRICS_ENABLED",
            Switch::LogsInjection => "DD_LOGS_INJECTION",
            Switch::Appsec => "DD_APPSEC_ENABLED",
            Switch::DataStreams => "DD_DATA_STREAMS_ENABLED",
        }
    }

    /// The answer that gives it.
    pub const fn field(self) -> Field {
        match self {
            Switch::Profiling => Field::Profiling,
            Switch::RuntimeMetrics => Field::RuntimeMetrics,
            Switch::LogsInjection => Field::LogsInjection,
            Switch::Appsec => Field::Appsec,
            Switch::DataStreams => Field::DataStreams,
        }
    }

    /// How prose names it.
    pub fn label(self) -> &'static str {
        match self {
            Switch::Profiling => "Continuous Profiler",
            Switch::RuntimeMetrics => "runtime metrics",
            Switch::LogsInjection => "trace IDs in logs",
            Switch::Appsec => "App and API Protection",
            Switch::DataStreams => "Data Streams Monitoring",
        }
    }

    /// Why `language`'s tracer cannot do it, when it cannot (Datadog's
    /// compatibility pages, docs/features.md).
    pub fn unsupported(self, language: Language) -> Option<&'static str> {
        match (self, language) {
            (Switch::RuntimeMetrics, Language::Php) => {
                Some("Datadog's PHP tracer sends no runtime metrics (Java, Python, Ruby, Go, Node.js and .NET do)")
            }
            (Switch::LogsInjection, Language::Go) => {
                Some("Datadog's Go tracer does not inject trace IDs into logs: add them with your logger's Datadog integration (dd-trace-go contrib)")
            }
            (Switch::DataStreams, Language::Php) => {
                Some("Datadog's PHP tracer has no Data Streams Monitoring (Java, Python, Ruby, Go, Node.js and .NET do)")
            }
            _ => None,
        }
    }

    /// [`Switch::unsupported`] in a few words, where the wizard says why it
    /// does not ask.
    pub fn not_offered(self, language: Language) -> Option<&'static str> {
        self.unsupported(language)?;
        Some(match (self, language) {
            (Switch::LogsInjection, _) => "the Go tracer does not inject trace IDs",
            (Switch::RuntimeMetrics, _) => "the PHP tracer sends none",
            _ => "the PHP tracer has none",
        })
    }

    pub fn get(self, features: &Features) -> bool {
        match self {
            Switch::Profiling => features.profiling,
            Switch::RuntimeMetrics => features.runtime_metrics,
            Switch::LogsInjection => features.logs_injection,
            Switch::Appsec => features.appsec,
            Switch::DataStreams => features.data_streams,
        }
    }

    pub fn set(self, features: &mut Features, on: bool) {
        let slot = match self {
            Switch::Profiling => &mut features.profiling,
            Switch::RuntimeMetrics => &mut features.runtime_metrics,
            Switch::LogsInjection => &mut features.logs_injection,
            Switch::Appsec => &mut features.appsec,
            Switch::DataStreams => &mut features.data_streams,
        };
        *slot = on;
    }
}

choices! {
    /// What the tracer puts into SQL comments for Database Monitoring
    /// (`DD_DBM_PROPAGATION_MODE`).
    pub enum DbmMode (DbmPropagation) {
        /// The service's name, env and version.
        Service => "service",
        /// Those and the trace context, so a query links to its trace.
        Full => "full",
    }
}

/// A trace sample rate between 0 and 1, kept as written (`0.25`), which is
/// how the tracer reads `DD_TRACE_SAMPLE_RATE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleRate(String);

impl SampleRate {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SampleRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for SampleRate {
    type Err = ConfigError;

    /// Digits with at most one point (`1`, `0.5`, `.5`): no sign, exponent,
    /// `nan` or `inf`, which tracers read differently or not at all.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ConfigError::Invalid {
            field: Field::TraceSampleRate,
            value: s.to_owned(),
            expected: "a number from 0 to 1, such as 0.25".to_owned(),
        };
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        let points = s.bytes().filter(|b| *b == b'.').count();
        if digits == 0 || digits + points != s.len() || points > 1 {
            return Err(invalid());
        }
        let rate: f64 = s.parse().map_err(|_| invalid())?;
        if !(0.0..=1.0).contains(&rate) {
            return Err(invalid());
        }
        Ok(SampleRate(s.to_owned()))
    }
}

/// The features switched on; everything off is the tracer's own defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    pub profiling: bool,
    pub runtime_metrics: bool,
    pub logs_injection: bool,
    pub appsec: bool,
    pub data_streams: bool,
    pub dbm_propagation: Option<DbmMode>,
    pub sample_rate: Option<SampleRate>,
}

impl Features {
    /// The app container's variables, in a fixed order: the switches that
    /// are on, then DBM propagation and the sample rate when set.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let mut env: Vec<(&'static str, String)> = Switch::ALL
            .into_iter()
            .filter(|s| s.get(self))
            .map(|s| (s.env(), "true".to_owned()))
            .collect();
        if let Some(mode) = self.dbm_propagation {
            env.push((DBM_ENV, mode.to_string()));
        }
        if let Some(rate) = &self.sample_rate {
            env.push((SAMPLE_RATE_ENV, rate.to_string()));
        }
        env
    }

    /// The first feature `language`'s tracer cannot do, as the error that
    /// names its flag.
    pub fn refused(&self, language: Language) -> Result<(), ConfigError> {
        for switch in Switch::ALL {
            if let (true, Some(why)) = (switch.get(self), switch.unsupported(language)) {
                return Err(ConfigError::Unsupported {
                    field: switch.field(),
                    value: "true".to_owned(),
                    why: why.to_owned(),
                });
            }
        }
        Ok(())
    }
}

pub const DBM_ENV: &str = "DD_DBM_PROPAGATION_MODE";
pub const SAMPLE_RATE_ENV: &str = "DD_TRACE_SAMPLE_RATE";

/// Reads a switch flag's text: `true` (the bare flag) or `false`.
pub fn parse_switch(field: Field, text: &str) -> Result<bool, ConfigError> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ConfigError::Invalid {
            field,
            value: text.to_owned(),
            expected: "true or false (the flag alone is true)".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_rates_from_0_to_1_are_kept_as_written() {
        for ok in ["0", "1", "0.25", ".5", "1.0", "0.000001"] {
            assert_eq!(ok.parse::<SampleRate>().unwrap().as_str(), ok);
        }
        for bad in [
            "", ".", "1.5", "-0.1", "+0.5", "1e-1", "nan", "inf", "0.5.1", " 0.5", "2",
        ] {
            let err = bad.parse::<SampleRate>().unwrap_err();
            assert_eq!(err.field(), Field::TraceSampleRate, "{bad:?}");
        }
    }

    #[test]
    fn the_env_lists_what_is_on_in_a_fixed_order() {
        let features = Features {
            appsec: true,
            profiling: true,
            dbm_propagation: Some(DbmMode::Full),
            sample_rate: Some("0.5".parse().unwrap()),
            ..Features::default()
        };
        assert_eq!(
            features.env(),
            [
                ("DD_PROFILING_ENABLED", "true".to_owned()),
                ("DD_APPSEC_ENABLED", "true".to_owned()),
                ("DD_DBM_PROPAGATION_MODE", "full".to_owned()),
                ("DD_TRACE_SAMPLE_RATE", "0.5".to_owned()),
            ]
        );
        assert!(Features::default().env().is_empty());
    }

    #[test]
    fn what_a_tracer_lacks_is_refused_by_its_flag() {
        let on = |switch: Switch| {
            let mut features = Features::default();
            switch.set(&mut features, true);
            features
        };
        let err = on(Switch::RuntimeMetrics)
            .refused(Language::Php)
            .unwrap_err();
        assert_eq!(err.field(), Field::RuntimeMetrics);
        assert!(err.to_string().contains("PHP tracer"), "{err}");
        assert_eq!(
            on(Switch::LogsInjection)
                .refused(Language::Go)
                .unwrap_err()
                .field(),
            Field::LogsInjection
        );
        on(Switch::LogsInjection).refused(Language::Php).unwrap();
        on(Switch::Profiling).refused(Language::Go).unwrap();
        for language in Language::ALL {
            Features::default().refused(language).unwrap();
        }
    }
}
