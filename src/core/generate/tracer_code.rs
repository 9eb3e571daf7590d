//! Code that sets the agent host inside the application, for the languages
//! whose tracers take it at run time (Python, Node.js, Ruby, Go).
//!
//! The seed doc's snippets trust whatever IMDS returns (an IMDSv2 "401" page
//! becomes the agent host), wait forever on a silent endpoint, go through
//! HTTP_PROXY, and its Go does not compile. These check that the answer is an
//! IPv4 address, give every request about 1 s and the whole lookup about 5 s,
//! bypass proxies, use only the standard library, and on failure log one line
//! and leave the tracer on its default: tracing never stops the app.
//!
//! The code lives in `assets/tracer/<language>/` as real source files so it
//! can be read and edited as code. Each language has one template (header,
//! retry loop, validation, tracer setup) and small lookup pieces: `imds`
//! (request helper shared by v1, v2 and auto), `imds-v1`, `imds-v2`,
//! `metadata-file` and `auto`. The pieces replace the template's marker line;
//! a plain comment, so it never looks like a `${...}` or `{{ }}` placeholder.

use crate::core::model::config::{Imds, Language};

/// The text after the comment sign on each template's marker line.
const MARKER: &str = "ddecs-wizard: lookup";

/// One language's template and lookup pieces.
struct Snippets {
    /// The line comment sign, which starts the marker line.
    comment: &'static str,
    template: &'static str,
    imds: &'static str,
    imds_v1: &'static str,
    imds_v2: &'static str,
    metadata_file: &'static str,
    auto: &'static str,
}

macro_rules! snippets {
    ($dir:literal, $ext:literal, $comment:literal) => {
        Snippets {
            comment: $comment,
            template: include_str!(concat!("../../../assets/tracer/", $dir, "/template.", $ext)),
            imds: include_str!(concat!("../../../assets/tracer/", $dir, "/imds.", $ext)),
            imds_v1: include_str!(concat!("../../../assets/tracer/", $dir, "/imds-v1.", $ext)),
            imds_v2: include_str!(concat!("../../../assets/tracer/", $dir, "/imds-v2.", $ext)),
            metadata_file: include_str!(concat!(
                "../../../assets/tracer/",
                $dir,
                "/metadata-file.",
                $ext
            )),
            auto: include_str!(concat!("../../../assets/tracer/", $dir, "/auto.", $ext)),
        }
    };
}

const PYTHON: Snippets = snippets!("python", "py", "#");
const NODEJS: Snippets = snippets!("nodejs", "js", "//");
const RUBY: Snippets = snippets!("ruby", "rb", "#");
const GO: Snippets = snippets!("go", "go", "//");

fn snippets(language: Language) -> Option<&'static Snippets> {
    match language {
        Language::Python => Some(&PYTHON),
        Language::Nodejs => Some(&NODEJS),
        Language::Ruby => Some(&RUBY),
        Language::Go => Some(&GO),
        Language::Java | Language::Dotnet | Language::Php => None,
    }
}

/// The code for `language` that finds the host's private IPv4 from `imds`
/// and hands it to the tracer; `None` for the languages whose tracers read
/// DD_AGENT_HOST only at launch (Java, .NET, PHP).
pub fn build_tracer_code(language: Language, imds: Imds) -> Option<String> {
    let snippets = snippets(language)?;
    let pieces: &[&str] = match imds {
        Imds::V1 => &[snippets.imds, snippets.imds_v1],
        Imds::V2 => &[snippets.imds, snippets.imds_v2],
        Imds::MetadataFile => &[snippets.metadata_file],
        Imds::Auto => &[snippets.imds, snippets.auto],
    };
    let lookup = match language {
        Language::Go => join_go_pieces(pieces),
        _ => pieces.concat(),
    };
    let marker_line = format!("{} {MARKER}\n", snippets.comment);
    let (head, tail) = snippets
        .template
        .split_once(&marker_line)
        .expect("every tracer template holds its marker line (checked by tests)");
    Some([head, &lookup, tail].concat())
}

/// The opening of a Go import block, as the pieces write it.
const GO_IMPORTS: &str = "\nimport (\n";

/// Go pieces joined into one: Go wants every import before any other
/// declaration, so the pieces' import blocks become one block at the top,
/// the standard library first and the rest after a blank line, each sorted,
/// as gofmt groups them. A single block is left exactly as written.
fn join_go_pieces(pieces: &[&str]) -> String {
    let split: Vec<(Option<&str>, &str)> = pieces
        .iter()
        .map(|piece| {
            piece
                .strip_prefix(GO_IMPORTS)
                .and_then(|rest| rest.split_once("\n)\n"))
                .map_or((None, *piece), |(block, rest)| (Some(block), rest))
        })
        .collect();
    if split.iter().filter(|(block, _)| block.is_some()).count() < 2 {
        return pieces.concat();
    }
    let mut standard = std::collections::BTreeSet::new();
    let mut others = std::collections::BTreeSet::new();
    for line in split
        .iter()
        .filter_map(|(block, _)| *block)
        .flat_map(str::lines)
    {
        let path = line.trim();
        let first = path.trim_matches('"').split('/').next().unwrap_or_default();
        match path {
            "" => {}
            _ if first.contains('.') => {
                others.insert(path);
            }
            _ => {
                standard.insert(path);
            }
        }
    }
    let group = |paths: &std::collections::BTreeSet<&str>| {
        paths
            .iter()
            .map(|path| format!("\t{path}\n"))
            .collect::<String>()
    };
    let mut joined = format!("{GO_IMPORTS}{}", group(&standard));
    if !others.is_empty() {
        joined.push('\n');
        joined.push_str(&group(&others));
    }
    joined.push_str(")\n");
    for (_, rest) in &split {
        joined.push_str(rest);
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::generate::entrypoint::IMDS_BASE_URL;

    fn all() -> impl Iterator<Item = (Language, Imds, String)> {
        Language::ALL.into_iter().flat_map(|language| {
            Imds::ALL.into_iter().filter_map(move |imds| {
                build_tracer_code(language, imds).map(|code| (language, imds, code))
            })
        })
    }

    #[test]
    fn code_exactly_for_the_languages_that_support_it() {
        for language in Language::ALL {
            for imds in Imds::ALL {
                assert_eq!(
                    build_tracer_code(language, imds).is_some(),
                    language.supports_tracer_code(),
                    "{language} {imds}"
                );
            }
        }
        assert_eq!(all().count(), 16);
    }

    #[test]
    fn every_template_has_exactly_one_marker_line() {
        for language in Language::ALL {
            let Some(s) = snippets(language) else {
                continue;
            };
            let marker_line = format!("\n{} {MARKER}\n", s.comment);
            assert_eq!(s.template.matches(&marker_line).count(), 1, "{language}");
            assert_eq!(s.template.matches(MARKER).count(), 1, "{language}");
        }
    }

    #[test]
    fn no_marker_or_placeholder_is_left() {
        for (language, imds, code) in all() {
            assert!(!code.contains(MARKER), "{language} {imds}");
            assert!(!code.contains("{{"), "{language} {imds}");
            assert!(code.ends_with('\n'), "{language} {imds}");
        }
    }

    #[test]
    fn imds_code_has_the_base_url_once_and_the_file_code_none() {
        // Tests swap this exact text for a local mock, as for the entryPoint.
        for (language, imds, code) in all() {
            let expected = usize::from(imds != Imds::MetadataFile);
            assert_eq!(
                code.matches(IMDS_BASE_URL).count(),
                expected,
                "{language} {imds}"
            );
            assert_eq!(code.contains("169.254"), expected == 1, "{language} {imds}");
        }
    }

    #[test]
    fn each_source_reads_only_what_it_should() {
        for (language, imds, code) in all() {
            let token = code.contains("api/token");
            let ttl =
                code.contains("X-aws-ec2-metadata-token-ttl-seconds") && code.contains("21600");
            let file = code.contains("ECS_CONTAINER_METADATA_FILE")
                && code.contains("HostPrivateIPv4Address");
            let got = (token, ttl, file);
            let want = match imds {
                Imds::V1 => (false, false, false),
                Imds::V2 => (true, true, false),
                Imds::MetadataFile => (false, false, true),
                Imds::Auto => (true, true, true),
            };
            assert_eq!(got, want, "{language} {imds}");
            assert!(
                code.contains(imds.label()),
                "{language} {imds}: names its source"
            );
        }
    }

    #[test]
    fn go_has_one_import_block_with_every_package_once() {
        for imds in Imds::ALL {
            let code = build_tracer_code(Language::Go, imds).unwrap();
            assert_eq!(code.matches("\nimport (").count(), 1, "{imds}");
            let (block, _) = code
                .split_once("\nimport (\n")
                .and_then(|(_, rest)| rest.split_once("\n)\n"))
                .unwrap();
            let paths: Vec<&str> = block
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let mut unique = paths.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(paths.len(), unique.len(), "{imds}: {block}");
        }
        let auto = build_tracer_code(Language::Go, Imds::Auto).unwrap();
        assert!(auto.contains("\t\"encoding/json\"\n\t\"fmt\"\n"), "{auto}");
        assert!(auto
            .contains("\t\"time\"\n\n\t\"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer\"\n)\n"));
    }

    #[test]
    fn header_points_at_the_entrypoint_alternative() {
        for (language, imds, code) in all() {
            let header: String = code.lines().take(25).collect::<Vec<_>>().join("\n");
            assert!(header.contains("entryPoint"), "{language} {imds}");
            assert!(header.contains("about 5 s"), "{language} {imds}");
        }
    }

    #[test]
    fn tracer_apis_are_the_current_ones() {
        let code = |language| build_tracer_code(language, Imds::V2).unwrap();
        let python = code(Language::Python);
        let set = python.find("os.environ[\"DD_AGENT_HOST\"] = ").unwrap();
        let import = python.find("\nimport ddtrace.auto").unwrap();
        assert!(
            set < import,
            "DD_AGENT_HOST must be set before ddtrace loads"
        );
        assert!(python.contains("ProxyHandler({})"));

        let node = code(Language::Nodejs);
        assert!(node.contains("require('dd-trace').init()"));
        assert!(node.contains("tracer.setUrl(`http://${host}:8126`)"));
        assert!(node.contains("net.isIPv4("));

        let ruby = code(Language::Ruby);
        assert!(ruby.contains("require 'datadog'\n") && !ruby.contains("ddtrace"));
        assert!(ruby.contains("Datadog.configure { |c| c.agent.host = host }"));
        assert!(ruby.contains("Net::HTTP.new(URL.host, URL.port, nil)"));
        assert!(ruby.contains("Resolv::IPv4::Regex"));

        let go = code(Language::Go);
        assert!(go.contains("\"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer\""));
        assert!(go.contains("tracer.WithAgentAddr(net.JoinHostPort(host, \"8126\"))"));
        assert!(go.contains("if err := tracer.Start(options...); err != nil"));
        assert!(go.contains("Proxy: nil"));
    }
}
