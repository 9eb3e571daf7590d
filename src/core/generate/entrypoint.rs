//! The `sh -c` script that finds the EC2 host's private IPv4 at container
//! start, exports it as DD_AGENT_HOST, and then runs the app.
//!
//! The seed's one-liner trusts whatever curl prints (an IMDSv2 "401" page
//! ends up in DD_AGENT_HOST), waits forever on a silent IMDS and leaves `sh`
//! as PID 1 so the app never sees SIGTERM. This script keeps at most a few
//! KiB of any answer, accepts only a 2xx answer that is a canonical
//! dotted-quad IPv4 address, bounds every wait (at most about 5 s in all),
//! always starts the app, and `exec`s it when it is a single command.
//!
//! The bound is a parameter ([`GiveUp`]) so that tests can shorten every
//! wait alike; users always get [`GiveUp::DEFAULT`].

use std::time::Duration;

use crate::core::model::config::Imds;
use crate::core::shell;

/// The IMDS base URL as it appears in the script. Tests swap this exact text
/// for a local mock; the shipped script is otherwise the same.
pub const IMDS_BASE_URL: &str = "http://169.254.169.254/latest/";

/// How long the script waits for an address before starting the app without
/// one. IMDS gets 2 attempts of at most 2 s (1 s a request) with 1 s between;
/// the metadata file is read 5 times, 1 s apart, so that the reads themselves
/// (a fork each, slow on a host busy starting containers) fit in the last
/// second. `auto` reads the file for 2 s, then tries IMDS once (2 s), waits
/// 1 s and reads the file a last time.
pub const GIVE_UP_AFTER_SECONDS: u32 = 5;

/// The bound on the lookup, as the length of its step: every wait of the
/// script (a request's timeout, the pause between attempts or reads of the
/// metadata file) is one step, and the bound five of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GiveUp {
    step_ms: u32,
}

impl GiveUp {
    /// The shipped script's bound: [`GIVE_UP_AFTER_SECONDS`], in 1 s steps.
    pub const DEFAULT: GiveUp = GiveUp {
        step_ms: GIVE_UP_AFTER_SECONDS * 1000 / 5,
    };

    /// A bound of `millis` (down to a whole number of milliseconds a step,
    /// and at least 1 ms a step).
    pub const fn after_millis(millis: u32) -> GiveUp {
        let step_ms = millis / 5;
        GiveUp {
            step_ms: if step_ms == 0 { 1 } else { step_ms },
        }
    }

    /// How long the script waits at most before it starts the app.
    pub fn bound(self) -> Duration {
        self.steps(5)
    }

    /// `n` steps.
    pub fn steps(self, n: u32) -> Duration {
        Duration::from_millis(u64::from(self.step_ms * n))
    }

    /// `n` steps in seconds as the script writes them: "1", "0.2", "2.5".
    fn seconds(self, n: u32) -> String {
        let ms = self.step_ms * n;
        let fraction = format!("{:03}", ms % 1000);
        match fraction.trim_end_matches('0') {
            "" => (ms / 1000).to_string(),
            digits => format!("{}.{digits}", ms / 1000),
        }
    }
}

impl Default for GiveUp {
    fn default() -> GiveUp {
        GiveUp::DEFAULT
    }
}

/// The most bytes kept of one IMDS answer, body and status together: an
/// address is at most 15 bytes and a token about 60, and the cap keeps a
/// hostile or broken IMDS from filling memory or argv.
pub const ANSWER_BYTES_KEPT: u32 = 4096;

/// The most bytes read of the metadata file on each try. The ECS agent
/// writes about 2 KiB; anything past the cap is never read.
pub const METADATA_FILE_BYTES_READ: u32 = 65536;

/// The first line of every script this module builds starts with this text;
/// `patch` recognises an already patched container by it.
pub const SCRIPT_HEADER: &str = "# Datadog APM: send traces to the agent on this EC2 host";

/// The line that ends the lookup: what follows it is the startup command.
/// Scripts written by earlier versions end their lookup with the same line,
/// so `patch` still recognises (and upgrades) them.
const LOOKUP_END: &str = "unset dd_ip dd_why dd_try dd_token\n";

/// Put before a startup command that cannot be `exec`ed.
const NOT_EXECED: &str = "# Not a single command, so sh stays PID 1: end it with `exec app` for SIGTERM to reach the app.\n";

/// One shell function of the lookup: its name and its definition.
struct Function {
    name: &'static str,
    text: String,
}

/// Succeeds when its argument is a canonical dotted-quad IPv4 address (no
/// leading zeros, which some parsers read as octal), so that an HTTP error
/// page, HTML or an empty answer never becomes DD_AGENT_HOST. Lengths are
/// checked before anything is split, so a long answer costs nothing.
fn is_ipv4() -> Function {
    Function {
        name: "dd_is_ipv4",
        text: r#"dd_is_ipv4() {
  case $1 in ''|*[!0-9.]*|.*|*.|*..*|????????????????*) return 1 ;; esac
  # shellcheck disable=SC2086 # splitting on dots is the point
  (IFS=.; set -- $1; [ $# -eq 4 ] || exit 1
   for o; do case $o in ????*|0?*) exit 1 ;; esac; [ "$o" -le 255 ] || exit 1; done)
}
"#
        .to_owned(),
    }
}

/// Succeeds when every named program is installed; otherwise says which is
/// not in dd_why.
fn need() -> Function {
    Function {
        name: "dd_need",
        text: r#"dd_need() {
  for dd_tool; do
    command -v "$dd_tool" >/dev/null 2>&1 || { dd_why="$dd_tool is not installed in the image"; return 1; }
  done
}
"#
        .to_owned(),
    }
}

/// One IMDS request; its arguments are curl's. Succeeds with the body of a
/// 2xx answer in dd_body. curl ignores the image's ~/.curlrc (`-q`, only
/// valid first), never goes through a proxy and gives up after 1 s; the
/// HTTP status (which must be 2xx: a redirect's body is no address) and
/// curl's exit status (0: a body cut short by the timeout is not an answer)
/// follow the body, and `head` keeps only the first bytes of all that, so a
/// huge or endless answer costs at most [`ANSWER_BYTES_KEPT`] bytes.
fn get(give_up: GiveUp) -> Function {
    let step = give_up.seconds(1);
    Function {
        name: "dd_get",
        text: format!(
            r#"dd_get() {{
  dd_body=$({{ curl -q -fs --noproxy '*' --connect-timeout {step} --max-time {step} -w ' %{{http_code}}' "$@" 2>/dev/null; echo " $?"; }} | head -c {ANSWER_BYTES_KEPT})
  case $dd_body in
    *' 2'[0-9][0-9]' 0') dd_body=${{dd_body% * *}} ;;
    *) dd_body=; return 1 ;;
  esac
}}
"#
        ),
    }
}

/// IMDSv1: the address, asked without a token.
fn v1() -> Function {
    Function {
        name: "dd_v1",
        text: format!(
            r#"dd_v1() {{
  dd_get "{IMDS_BASE_URL}meta-data/local-ipv4" && dd_is_ipv4 "$dd_body" && dd_ip=$dd_body
}}
"#
        ),
    }
}

/// Asks IMDSv2 for a session token, kept in dd_token. A token is base64 text: anything
/// else is refused, so that a CR or LF in it can never add a header to the
/// next request. The alphabet is spelled out because ranges such as `A-Z`
/// follow the locale in some shells.
fn token() -> Function {
    Function {
        name: "dd_new_token",
        text: format!(
            r#"dd_new_token() {{
  dd_get -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "{IMDS_BASE_URL}api/token" || return 1
  case $dd_body in
    ''|*[!0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/=_-]*) return 1 ;;
  esac
  dd_token=$dd_body
}}
"#
        ),
    }
}

/// IMDSv2: the address, asked with the token `dd_new_token` got.
fn v2() -> Function {
    Function {
        name: "dd_v2",
        text: format!(
            r#"dd_v2() {{
  dd_get -H "X-aws-ec2-metadata-token: $dd_token" "{IMDS_BASE_URL}meta-data/local-ipv4" &&
    dd_is_ipv4 "$dd_body" && dd_ip=$dd_body
}}
"#
        ),
    }
}

/// The metadata file: read only when it is a regular file (a FIFO or a
/// device such as /dev/zero could block or never end), and only its first
/// [`METADATA_FILE_BYTES_READ`] bytes. The first `HostPrivateIPv4Address`
/// wins: sed puts a line break before the first match on the first line
/// that has one, drops what precedes it and quits.
fn file() -> Function {
    Function {
        name: "dd_file",
        text: format!(
            r#"dd_file() {{
  [ -f "$ECS_CONTAINER_METADATA_FILE" ] || return 1
  dd_body=$(head -c {METADATA_FILE_BYTES_READ} 2>/dev/null <"$ECS_CONTAINER_METADATA_FILE" | sed -n '/{KEY}/{{
s//\
&/
s/.*\n{KEY_CAPTURE}.*/\1/p
q
}}' 2>/dev/null)
  dd_is_ipv4 "$dd_body" && dd_ip=$dd_body
}}
"#,
            KEY = r#""HostPrivateIPv4Address"[[:space:]]*:[[:space:]]*"[^"]*""#,
            KEY_CAPTURE = r#""HostPrivateIPv4Address"[[:space:]]*:[[:space:]]*"\([^"]*\)""#,
        ),
    }
}

/// The functions each source's lookup calls.
fn functions(imds: Imds, give_up: GiveUp) -> Vec<Function> {
    match imds {
        Imds::V1 => vec![is_ipv4(), need(), get(give_up), v1()],
        Imds::V2 => vec![is_ipv4(), need(), get(give_up), token(), v2()],
        Imds::MetadataFile => vec![is_ipv4(), need(), file()],
        Imds::Auto => vec![is_ipv4(), need(), get(give_up), v1(), token(), v2(), file()],
    }
}

/// Two IMDS attempts, a step apart, when curl and head are there:
/// `attempt` succeeds only with an address in dd_ip; `why` is the message
/// if not.
fn imds_attempts(why: &str, attempt: &str, give_up: GiveUp) -> String {
    let step = give_up.seconds(1);
    format!(
        r#"if dd_need curl head; then
  dd_why='{why}'
  for dd_try in 1 2; do
    {attempt} && break
    [ "$dd_try" -eq 2 ] || sleep {step}
  done
fi
"#
    )
}

const METADATA_FILE_UNSET: &str =
    "ECS_CONTAINER_METADATA_FILE is not set (set ECS_ENABLE_CONTAINER_METADATA=true on the instance)";

fn lookup(imds: Imds, give_up: GiveUp) -> String {
    let secs = give_up.seconds(5);
    let step = give_up.seconds(1);
    let two_steps = give_up.seconds(2);
    match imds {
        Imds::V1 => imds_attempts(
            &format!("IMDSv1 gave no IPv4 address within {secs} s (IMDSv2-only instance? use the v2 recipe)"),
            "dd_v1",
            give_up,
        ),
        Imds::V2 => imds_attempts(
            &format!("IMDSv2 gave no IPv4 address within {secs} s (is the instance metadata hop limit 2?)"),
            "{ dd_new_token && dd_v2; }",
            give_up,
        ),
        Imds::MetadataFile => format!(
            r#"dd_why='{METADATA_FILE_UNSET}'
if [ -n "${{ECS_CONTAINER_METADATA_FILE:-}}" ] && dd_need head sed; then
  dd_why="no HostPrivateIPv4Address in $ECS_CONTAINER_METADATA_FILE within {secs} s"
  # ECS writes the file, and fills it in, a moment after the container starts.
  for dd_try in 1 2 3 4 5; do
    dd_file && break
    [ "$dd_try" -eq 5 ] || sleep {step}
  done
fi
"#
        ),
        // One attempt asks for a token and, only when none comes, IMDSv1:
        // at most 2 s, like an IMDSv2 attempt, so the bound is the same.
        Imds::Auto => format!(
            r#"dd_why='ECS_CONTAINER_METADATA_FILE is not set'
dd_tries='1 2'
if [ -n "${{ECS_CONTAINER_METADATA_FILE:-}}" ] && dd_need head sed; then
  dd_why="no HostPrivateIPv4Address in $ECS_CONTAINER_METADATA_FILE"
  # ECS writes the file a moment after the container starts: it gets {two_steps} s,
  # then IMDS one attempt, then one last read {step} s later.
  for dd_try in 1 2 3; do
    dd_file && break
    [ "$dd_try" -eq 3 ] || sleep {step}
  done
  dd_tries=1
fi
if [ -z "$dd_ip" ]; then
  dd_file_why=$dd_why
  if dd_need curl head; then
    dd_why='neither IMDSv2 nor IMDSv1 gave an IPv4 address within {secs} s'
    for dd_try in $dd_tries; do
      [ "$dd_try" -eq 1 ] || sleep {step}
      {{ if dd_new_token; then dd_v2; else dd_v1; fi; }} && break
    done
  fi
  if [ -z "$dd_ip" ] && [ "$dd_tries" = 1 ]; then
    sleep {step}
    dd_file
  fi
  dd_why="$dd_file_why; $dd_why"
fi
"#
        ),
    }
}

/// The whole script for `sh -c`: the lookup, then the startup command exactly
/// as given (with `exec` in front when it is a single command).
pub fn build_script(imds: Imds, startup_command: &str) -> String {
    build_script_with(imds, startup_command, GiveUp::DEFAULT)
}

/// [`build_script`] with the lookup bounded by `give_up`: for tests, which
/// shorten every wait alike instead of sleeping the full bound.
pub fn build_script_with(imds: Imds, startup_command: &str, give_up: GiveUp) -> String {
    let functions = functions(imds, give_up);
    let mut script = format!("{SCRIPT_HEADER} (private IPv4 from {}).\n", imds.label());
    for function in &functions {
        script.push_str(&function.text);
    }
    script.push_str(
        "# PID 1 ignores an untrapped SIGTERM: if ECS stops the task during the lookup, stop.\n\
         trap 'exit 143' TERM\n",
    );
    script.push_str("dd_ip=\n");
    script.push_str(&lookup(imds, give_up));
    script.push_str(
        r#"if dd_is_ipv4 "$dd_ip"; then
  export DD_AGENT_HOST="$dd_ip"
else
  unset DD_AGENT_HOST
  echo "datadog: $dd_why; starting without DD_AGENT_HOST" >&2
fi
trap - TERM
"#,
    );
    let names: Vec<&str> = functions.iter().map(|f| f.name).collect();
    script.push_str(&format!("unset -f {}\n", names.join(" ")));
    script.push_str("unset dd_body dd_tool dd_tries dd_file_why\n");
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
/// Scripts from earlier versions are recognised too (their `exec` was put
/// by older rules), so that a re-patch upgrades them instead of wrapping
/// them a second time.
pub fn recover_startup_command(script: &str) -> Option<String> {
    if !script.starts_with(SCRIPT_HEADER) {
        return None;
    }
    let (_, tail) = script.split_once(LOOKUP_END)?;
    if let Some(command) = tail.strip_prefix(NOT_EXECED) {
        return Some(command.to_owned());
    }
    if let Some(command) = without_exec(tail) {
        return Some(command);
    }
    // Scripts of earlier versions also `exec`ed commands `exec_form` now
    // leaves alone (an expanded command word): take out the `exec` that
    // stands where the command word is.
    tail.match_indices("exec ")
        .map(|(at, word)| (at, format!("{}{}", &tail[..at], &tail[at + word.len()..])))
        .find(|(at, candidate)| shell::command_word_offset(candidate) == Some(*at))
        .map(|(_, candidate)| candidate)
}

/// The command `shell::exec_form` turned into `execed`, or `None` when
/// `execed` is not such a command. `exec_form` put `exec ` before the first
/// word that is not an assignment; the right one to take out is the one
/// whose removal `exec_form` would put back.
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
    fn every_request_is_bounded_in_time_and_size() {
        for imds in [Imds::V1, Imds::V2, Imds::Auto] {
            let script = build_script(imds, "app");
            let requests: Vec<&str> = script.lines().filter(|l| l.contains("curl -q")).collect();
            assert_eq!(requests.len(), 1, "{script}");
            let line = requests[0];
            assert!(
                line.contains("-fs") && line.contains("--max-time 1"),
                "{line}"
            );
            assert!(
                line.ends_with(&format!("| head -c {ANSWER_BYTES_KEPT})")),
                "{line}"
            );
            // Only a 2xx status with curl's exit status 0 is an answer.
            assert!(script.contains("*' 2'[0-9][0-9]' 0')"), "{script}");
        }
    }

    #[test]
    fn the_metadata_file_is_read_only_when_regular_and_only_a_prefix() {
        for imds in [Imds::MetadataFile, Imds::Auto] {
            let script = build_script(imds, "app");
            assert!(script.contains("[ -f \"$ECS_CONTAINER_METADATA_FILE\" ] || return 1"));
            assert!(script.contains(&format!(
                "head -c {METADATA_FILE_BYTES_READ} 2>/dev/null <\"$ECS_CONTAINER_METADATA_FILE\""
            )));
        }
    }

    #[test]
    fn metadata_file_needs_no_jq_or_curl() {
        let script = build_script(Imds::MetadataFile, "app");
        assert!(!script.contains("jq") && !script.contains("curl"));
        assert!(script.contains("HostPrivateIPv4Address"));
    }

    #[test]
    fn only_the_functions_of_the_source_are_defined_and_all_are_removed() {
        for imds in Imds::ALL {
            let script = build_script(imds, "app");
            let names = functions(imds, GiveUp::DEFAULT).into_iter().map(|f| f.name);
            let defined: Vec<&str> = names.collect();
            for name in &defined {
                assert_eq!(script.matches(&format!("\n{name}() {{")).count(), 1);
            }
            assert!(script.contains(&format!("unset -f {}\n", defined.join(" "))));
            assert_eq!(
                script.contains("dd_file()"),
                imds != Imds::V1 && imds != Imds::V2
            );
            assert_eq!(script.contains("dd_get()"), imds != Imds::MetadataFile);
        }
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
            "$CMD /tmp",
            "",
        ] {
            for imds in Imds::ALL {
                let script = build_script(imds, command);
                let recovered = recover_startup_command(&script);
                assert_eq!(recovered.as_deref(), Some(command), "{script}");
            }
        }
    }

    /// Earlier versions put `exec` before an expansion (`exec $CMD /tmp`);
    /// such a script must still give back its command, so that a re-patch
    /// upgrades it rather than wrapping it again.
    #[test]
    fn recovers_the_command_of_a_script_from_an_earlier_version() {
        let old = format!("{SCRIPT_HEADER} (private IPv4 from IMDSv2).\n…lookup…\n{LOOKUP_END}");
        for (tail, command) in [
            ("exec $CMD /tmp", "$CMD /tmp"),
            ("A='exec b' exec \"$APP\" x", "A='exec b' \"$APP\" x"),
            ("exec python app.py", "python app.py"),
        ] {
            let script = format!("{old}{tail}");
            assert_eq!(recover_startup_command(&script).as_deref(), Some(command));
        }
    }

    proptest::proptest! {
        #[test]
        fn recovery_inverts_building(command in "[ -~\t\né]{0,60}") {
            for imds in Imds::ALL {
                let script = build_script(imds, &command);
                proptest::prop_assert_eq!(recover_startup_command(&script), Some(command.clone()));
            }
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

    /// Tests run the script with a short bound: it must be the shipped
    /// script but for the length of its waits.
    #[test]
    fn a_shorter_bound_changes_only_the_waits() {
        for imds in Imds::ALL {
            let short = build_script_with(imds, "app", GiveUp::after_millis(1000));
            let lengthened = short
                .replace(
                    "--connect-timeout 0.2 --max-time 0.2",
                    "--connect-timeout 1 --max-time 1",
                )
                .replace("sleep 0.2", "sleep 1")
                .replace("within 1 s", "within 5 s")
                .replace("gets 0.4 s", "gets 2 s")
                .replace("read 0.2 s later", "read 1 s later");
            assert_ne!(short, lengthened, "{imds}: no wait changed");
            assert_eq!(lengthened, build_script(imds, "app"), "{imds}");
        }
    }

    #[test]
    fn the_default_bound_is_five_one_second_steps() {
        assert_eq!(GiveUp::DEFAULT.bound(), Duration::from_secs(5));
        assert_eq!(GiveUp::DEFAULT, GiveUp::after_millis(5000));
        assert_eq!(GiveUp::DEFAULT.seconds(1), "1");
        assert_eq!(GiveUp::after_millis(1000).seconds(1), "0.2");
        assert_eq!(GiveUp::after_millis(12_500).seconds(1), "2.5");
        assert_eq!(GiveUp::after_millis(1000).bound(), Duration::from_secs(1));
    }

    #[test]
    fn entry_point_is_sh_dash_c() {
        let ep = build_entry_point(Imds::V2, "app");
        assert_eq!(ep[..2], ["sh", "-c"]);
        assert_eq!(ep.len(), 3);
    }
}
