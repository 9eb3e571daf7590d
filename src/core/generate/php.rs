//! PHP hands environment variables to scripts only when the web server is
//! told to: Apache needs `PassEnv`, PHP-FPM (with `clear_env`, its default)
//! needs `env[...]` lines in the pool file.

use crate::core::model::config::{Config, Transport};
use crate::core::model::socket;

/// The unified service tagging variables, each with why it must be passed.
const TAG_VARIABLES: [(&str, &str); 3] = [
    ("DD_SERVICE", "unified service tagging: the service name"),
    ("DD_ENV", "unified service tagging: the environment"),
    ("DD_VERSION", "unified service tagging: the app version"),
];

/// The variables the tracer reads for `config`: where the agent is (none
/// next to a Fargate sidecar on localhost, the tracer's default), then the
/// tags.
fn variables(config: &Config) -> Vec<(&'static str, &'static str)> {
    let mut vars = Vec::new();
    if config.transport == Transport::Uds {
        vars.push((socket::TRACE_URL_VAR, "the agent's APM socket"));
        vars.push((socket::DSD_URL_VAR, "the agent's DogStatsD socket"));
    } else if config.wraps_entrypoint() {
        vars.push((
            "DD_AGENT_HOST",
            "where the tracer sends traces; set by the entryPoint at start-up",
        ));
    }
    vars.extend(TAG_VARIABLES);
    vars
}

/// `PassEnv` lines for the Apache VirtualHost or server configuration.
pub fn build_apache_passenv(config: &Config) -> String {
    let mut out = String::from(
        "# Apache with mod_php: put these in the VirtualHost or server configuration.\n",
    );
    for (name, why) in variables(config) {
        out.push_str(&format!("# {name}: {why}.\nPassEnv {name}\n"));
    }
    out
}

/// `env[...]` lines for PHP-FPM's pool file `www.conf`.
pub fn build_php_fpm_env(config: &Config) -> String {
    let mut out =
        String::from("; PHP-FPM pool (www.conf): needed while clear_env is on, its default.\n");
    for (name, why) in variables(config) {
        out.push_str(&format!("; {name}: {why}.\nenv[{name}] = ${name}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_passed_with_a_comment() {
        let config = Config::default();
        let apache = build_apache_passenv(&config);
        let fpm = build_php_fpm_env(&config);
        for (name, _) in variables(&config) {
            assert!(apache.contains(&format!("\nPassEnv {name}\n")));
            assert!(fpm.contains(&format!("\nenv[{name}] = ${name}\n")));
        }
        assert_eq!(apache.lines().filter(|l| l.starts_with('#')).count(), 5);
        assert_eq!(fpm.lines().filter(|l| l.starts_with(';')).count(), 5);
    }

    #[test]
    fn the_socket_passes_its_urls_instead_of_the_host() {
        let config = Config {
            transport: Transport::Uds,
            ..Config::default()
        };
        let fpm = build_php_fpm_env(&config);
        assert!(
            fpm.contains("env[DD_TRACE_AGENT_URL] = $DD_TRACE_AGENT_URL"),
            "{fpm}"
        );
        assert!(!fpm.contains("DD_AGENT_HOST"), "{fpm}");
        let fargate = Config {
            launch_type: crate::core::model::config::LaunchType::Fargate,
            ..Config::default()
        };
        assert!(!build_apache_passenv(&fargate).contains("DD_AGENT_HOST"));
    }
}
