//! The `sh -c` script that finds the EC2 host's private IPv4 at container
//! start, exports it as DD_AGENT_HOST, and then runs the app.
//!
//! The seed's one-liner trusts whatever curl prints (an IMDSv2 "401" page
//! ends up in DD_AGENT_HOST), waits forever on a silent IMDS and leaves `sh`
//! as PID 1 so the app never sees SIGTERM. This script checks the answer is
//! an IPv4 address, bounds every wait (at most about 5 s in all), always
//! starts the app, and `exec`s it when it is a single command.

use super::config::Imds;
use super::shell;

/// The IMDS base URL as it appears in the script. Tests swap this exact text
/// for a local mock; the shipped script is otherwise the same.
pub const IMDS_BASE_URL: &str = "http://169.254.169.254/latest/";

/// How long the script waits for an address before starting the app without
/// one. IMDS gets 2 attempts of at most 2 s (1 s a request) with 1 s between;
/// the metadata file is read 5 times, 1 s apart, so that the reads themselves
/// (a fork each, slow on a host busy starting containers) fit in the last
/// second.
pub const GIVE_UP_AFTER_SECONDS: u32 = 5;

/// The first line of every script this module builds starts with this text;
/// `patch` recognises an already patched container by it.
pub const SCRIPT_HEADER: &str = "# Datadog APM: send traces to the agent on this EC2 host";

/// The line that ends the lookup: what follows it is the startup command.
const LOOKUP_END: &str = "unset dd_ip dd_why dd_try dd_token\n";

/// Put before a startup command that cannot be `exec`ed.
const NOT_EXECED: &str = "# Not a single command, so sh stays PID 1: end it with `exec app` for SIGTERM to reach the app.\n";

/// Checks that its argument is a dotted-quad IPv4 address, so that an HTTP
/// error page, HTML or an empty answer never becomes DD_AGENT_HOST.
const IS_IPV4: &str = r#"dd_is_ipv4() {
  case $1 in ''|*[!0-9.]*|.*|*.|*..*) return 1 ;; esac
  # shellcheck disable=SC2086 # splitting on dots is the point
  (IFS=.; set -- $1; [ $# -eq 4 ] || exit 1
   for o; do [ ${#o} -le 3 ] && [ "$o" -le 255 ] || exit 1; done)
}
"#;

/// curl options shared by every IMDS request: ignore the image's ~/.curlrc
/// (`-q`, only valid first), fail on HTTP errors instead of printing the
/// error page, never go through a proxy, and give up quickly.
const CURL: &str = "curl -q -fs --noproxy '*' --connect-timeout 1 --max-time 1";

/// The IMDS lookup: `fetch` (which succeeds only with an address in dd_ip)
/// tried twice, 1 s apart, when curl is there; `why` is the message if not.
fn imds_attempts(why: &str, fetch: &str) -> String {
    format!(
        r#"dd_why='curl is not installed in the image'
if command -v curl >/dev/null 2>&1; then
  dd_why='{why}'
  for dd_try in 1 2; do
    {fetch} && break
    [ "$dd_try" -eq 2 ] || sleep 1
  done
fi
"#
    )
}

fn lookup(imds: Imds) -> String {
    match imds {
        Imds::Auto => format!(
            r#"if [ -n "${{ECS_CONTAINER_METADATA_FILE:-}}" ]; then
{file}else
{imds}fi
"#,
            file = lookup(Imds::MetadataFile),
            imds = imds_attempts(
                &format!("neither IMDSv2 nor IMDSv1 gave an IPv4 address within {GIVE_UP_AFTER_SECONDS} s"),
                &format!(
                    r#"{{ {v2} || {{ dd_ip=$({CURL} "{IMDS_BASE_URL}meta-data/local-ipv4") && dd_is_ipv4 "$dd_ip"; }}; }}"#,
                    v2 = format_args!(
                        r#"{{ dd_token=$({CURL} -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "{IMDS_BASE_URL}api/token") && dd_ip=$({CURL} -H "X-aws-ec2-metadata-token: $dd_token" "{IMDS_BASE_URL}meta-data/local-ipv4") && dd_is_ipv4 "$dd_ip"; }}"#
                    )
                ),
            ),
        ),
        Imds::V1 => imds_attempts(
            &format!("IMDSv1 gave no IPv4 address within {GIVE_UP_AFTER_SECONDS} s (IMDSv2-only instance? use the v2 recipe)"),
            &format!(r#"dd_ip=$({CURL} "{IMDS_BASE_URL}meta-data/local-ipv4") && dd_is_ipv4 "$dd_ip""#),
        ),
        Imds::V2 => imds_attempts(
            &format!("IMDSv2 gave no IPv4 address within {GIVE_UP_AFTER_SECONDS} s (is the instance metadata hop limit 2?)"),
            &format!(
                r#"dd_token=$({CURL} -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "{IMDS_BASE_URL}api/token") &&
      dd_ip=$({CURL} -H "X-aws-ec2-metadata-token: $dd_token" "{IMDS_BASE_URL}meta-data/local-ipv4") &&
      dd_is_ipv4 "$dd_ip""#
            ),
        ),
        Imds::MetadataFile => format!(
            r#"dd_why='ECS_CONTAINER_METADATA_FILE is not set (set ECS_ENABLE_CONTAINER_METADATA=true on the instance)'
if [ -n "${{ECS_CONTAINER_METADATA_FILE:-}}" ]; then
  dd_why="no HostPrivateIPv4Address in $ECS_CONTAINER_METADATA_FILE within {secs} s"
  # ECS writes the file, and fills it in, a moment after the container starts.
  for dd_try in 1 2 3 4 5; do
    dd_ip=$(sed -n 's/.*"HostPrivateIPv4Address"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$ECS_CONTAINER_METADATA_FILE" 2>/dev/null)
    dd_is_ipv4 "$dd_ip" && break
    [ "$dd_try" -eq 5 ] || sleep 1
  done
fi
"#,
            secs = GIVE_UP_AFTER_SECONDS
        ),
    }
}

/// The whole script for `sh -c`: the lookup, then the startup command exactly
/// as given (with `exec` in front when it is a single command).
pub fn build_script(imds: Imds, startup_command: &str) -> String {
    let mut script = format!("{SCRIPT_HEADER} (private IPv4 from {}).\n", imds.label());
    script.push_str(IS_IPV4);
    script.push_str(
        "# PID 1 ignores an untrapped SIGTERM: if ECS stops the task during the lookup, stop.\n\
         trap 'exit 143' TERM\n",
    );
    script.push_str("dd_ip=\n");
    script.push_str(&lookup(imds));
    script.push_str(
        r#"if dd_is_ipv4 "$dd_ip"; then
  export DD_AGENT_HOST="$dd_ip"
else
  unset DD_AGENT_HOST
  echo "datadog: $dd_why; starting without DD_AGENT_HOST" >&2
fi
trap - TERM
unset -f dd_is_ipv4
"#,
    );
    script.push_str(LOOKUP_END);
    match shell::exec_form(startup_command) {
        Some(exec) => script.push_str(&exec),
        None => {
            script.push_str(NOT_EXECED);
            script.push_str(startup_command);
        }
    }
    script
}

/// The startup command a script from [`build_script`] was built with, or
/// `None` when `script` is not one of ours. Rebuilding with the result and
/// the same IMDS source gives back `script` byte for byte, which is what
/// makes patching twice a no-op and lets a re-patch switch the IMDS source.
pub fn recover_startup_command(script: &str) -> Option<String> {
    if !script.starts_with(SCRIPT_HEADER) {
        return None;
    }
    let (_, tail) = script.split_once(LOOKUP_END)?;
    if let Some(command) = tail.strip_prefix(NOT_EXECED) {
        return Some(command.to_owned());
    }
    without_exec(tail)
}

/// The command `shell::exec_form` turned into `execed`, or `None` when
/// `execed` is not such a command. `exec_form` put `exec ` after any leading
/// assignments; the right one to take out is the one whose removal
/// `exec_form` would put back.
pub fn without_exec(execed: &str) -> Option<String> {
    execed.match_indices("exec ").find_map(|(at, word)| {
        let candidate = format!("{}{}", &execed[..at], &execed[at + word.len()..]);
        (shell::exec_form(&candidate).as_deref() == Some(execed)).then_some(candidate)
    })
}

/// The container's `entryPoint`: `["sh", "-c", SCRIPT]`.
pub fn build_entry_point(imds: Imds, startup_command: &str) -> Vec<String> {
    vec![
        "sh".to_owned(),
        "-c".to_owned(),
        build_script(imds, startup_command),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_ends_with_the_command_byte_for_byte() {
        let command = "java -Dx='a \"b\" $c \\d' -jar app.jar é";
        for imds in Imds::ALL {
            let script = build_script(imds, command);
            assert!(script.ends_with(&format!("\nexec {command}")), "{script}");
        }
    }

    #[test]
    fn compound_commands_are_not_execed() {
        let script = build_script(Imds::V1, "cd /app && ./run");
        assert!(script.ends_with("\ncd /app && ./run"));
        assert!(!script.contains("exec cd"));
    }

    #[test]
    fn v2_sends_token_with_ttl_21600() {
        let script = build_script(Imds::V2, "app");
        assert!(script.contains("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600'"));
        assert!(script.contains("-H \"X-aws-ec2-metadata-token: $dd_token\""));
    }

    #[test]
    fn every_request_fails_on_http_errors_and_times_out() {
        for imds in [Imds::V1, Imds::V2] {
            let script = build_script(imds, "app");
            for line in script.lines().filter(|l| l.contains("$(curl")) {
                assert!(
                    line.contains("-fs") && line.contains("--max-time"),
                    "{line}"
                );
            }
        }
    }

    #[test]
    fn metadata_file_needs_no_jq_or_curl() {
        let script = build_script(Imds::MetadataFile, "app");
        assert!(!script.contains("jq") && !script.contains("curl"));
        assert!(script.contains("HostPrivateIPv4Address"));
    }

    #[test]
    fn recovers_the_startup_command_of_every_script() {
        for command in [
            "python app.py",
            "FOO=1 BAR='exec x' java -jar x.jar",
            "cd /app && exec ./run",
            "exec app",
            "a; b\nc",
            "echo 'unset dd_ip dd_why dd_try dd_token' && app",
            "",
        ] {
            for imds in Imds::ALL {
                let script = build_script(imds, command);
                let recovered = recover_startup_command(&script);
                assert_eq!(recovered.as_deref(), Some(command), "{script}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn recovery_inverts_building(command in "[ -~\t\né]{0,60}") {
            let script = build_script(Imds::V2, &command);
            proptest::prop_assert_eq!(recover_startup_command(&script), Some(command));
        }
    }

    #[test]
    fn other_scripts_are_not_ours() {
        assert_eq!(recover_startup_command("python app.py"), None);
        assert_eq!(
            recover_startup_command(&format!("{SCRIPT_HEADER}\nbut cut short")),
            None
        );
    }

    #[test]
    fn entry_point_is_sh_dash_c() {
        let ep = build_entry_point(Imds::V2, "app");
        assert_eq!(ep[..2], ["sh", "-c"]);
        assert_eq!(ep.len(), 3);
    }
}
