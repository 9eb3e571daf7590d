//! PHP hands environment variables to scripts only when the web server is
//! told to: Apache needs `PassEnv`, PHP-FPM (with `clear_env`, its default)
//! needs `env[...]` lines in the pool file.

/// The variables the tracer reads, each with why it must be passed.
const VARIABLES: [(&str, &str); 4] = [
    (
        "DD_AGENT_HOST",
        "where the tracer sends traces; set by the entryPoint at start-up",
    ),
    ("DD_SERVICE", "unified service tagging: the service name"),
    ("DD_ENV", "unified service tagging: the environment"),
    ("DD_VERSION", "unified service tagging: the app version"),
];

/// `PassEnv` lines for the Apache VirtualHost or server configuration.
pub fn build_apache_passenv() -> String {
    let mut out = String::from(
        "# Apache with mod_php: put these in the VirtualHost or server configuration.\n",
    );
    for (name, why) in VARIABLES {
        out.push_str(&format!("# {name}: {why}.\nPassEnv {name}\n"));
    }
    out
}

/// `env[...]` lines for PHP-FPM's pool file `www.conf`.
pub fn build_php_fpm_env() -> String {
    let mut out =
        String::from("; PHP-FPM pool (www.conf): needed while clear_env is on, its default.\n");
    for (name, why) in VARIABLES {
        out.push_str(&format!("; {name}: {why}.\nenv[{name}] = ${name}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_passed_with_a_comment() {
        let apache = build_apache_passenv();
        let fpm = build_php_fpm_env();
        for (name, _) in VARIABLES {
            assert!(apache.contains(&format!("\nPassEnv {name}\n")));
            assert!(fpm.contains(&format!("\nenv[{name}] = ${name}\n")));
        }
        assert_eq!(apache.lines().filter(|l| l.starts_with('#')).count(), 5);
        assert_eq!(fpm.lines().filter(|l| l.starts_with(';')).count(), 5);
    }
}
