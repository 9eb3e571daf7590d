//! The two tiny web apps and the images they run in.
//!
//! Each app answers one GET on 127.0.0.1:8080 and exits, so that its
//! tracer flushes on the way out. Neither has any setup code for Datadog:
//! what reaches the intake shows what the task definition and the image
//! did.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use super::runtimes::{self, python, which};

/// Where the apps listen inside their sandbox.
pub const APP_PORT: u16 = 8080;

/// The name of the Python app's request span.
pub const PYTHON_SPAN: &str = "checkout.request";

/// The Python app. Python's standard HTTP server has no ddtrace
/// integration, so, like a service without a framework, it opens its
/// request span itself when a tracer is there to be had; the sqlite3 query
/// inside is traced by ddtrace's automatic instrumentation alone, which only
/// a loader (ddtrace-run, or the injected sitecustomize) switches on.
const PYTHON_APP: &str = r#"import http.server
import sqlite3

try:
    from ddtrace.trace import tracer
except ImportError:
    tracer = None


def lookup():
    with sqlite3.connect(":memory:") as db:
        return db.execute("select 1").fetchone()[0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if tracer is None:
            lookup()
        else:
            with tracer.trace("checkout.request", resource="GET /hello", span_type="web"):
                lookup()
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 8080), Handler)
server.handle_request()
server.server_close()
"#;

/// The Node.js app: the http module, which dd-trace traces by itself once
/// it is loaded (`--require dd-trace/init`, or NODE_OPTIONS).
const NODE_APP: &str = r#"'use strict'
const http = require('http')

const server = http.createServer((req, res) => {
  res.end('ok\n')
  server.close()
})
server.listen(8080, '127.0.0.1')
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Node,
}

impl Lang {
    /// The `--language` value.
    pub fn flag(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Node => "nodejs",
        }
    }

    /// The start command of an image with the tracer installed, and of one
    /// without (the library comes from the task's volume).
    pub fn start_command(self, tracer_in_image: bool) -> &'static str {
        match (self, tracer_in_image) {
            (Lang::Python, true) => "ddtrace-run python app.py",
            (Lang::Python, false) => "python app.py",
            (Lang::Node, true) => "node --require dd-trace/init server.js",
            (Lang::Node, false) => "node server.js",
        }
    }
}

/// A container image, made of host files: its PATH, environment, CMD,
/// working directory, and the host paths it is built from.
#[derive(Debug, Clone)]
pub struct Image {
    pub env: Vec<(&'static str, String)>,
    pub cmd: Vec<String>,
    pub workdir: PathBuf,
    pub host_paths: Vec<PathBuf>,
}

/// Builds the image of `lang`'s app under `dir`: a Debian-like set of
/// programs (dash as sh, curl, head, sed), the runtime, the app, and the
/// tracer when `tracer_in_image`.
pub fn image(lang: Lang, tracer_in_image: bool, dir: &Path) -> Image {
    let bin = dir.join("image-bin");
    let app = dir.join("app");
    std::fs::create_dir_all(&bin).expect("create the image's bin");
    std::fs::create_dir_all(&app).expect("create the app dir");
    link(&which("dash"), &bin.join("sh"));
    for tool in ["curl", "head", "sed", "sleep", "env", "cat"] {
        link(&which(tool), &bin.join(tool));
    }
    let mut path = vec![bin.clone()];
    let mut host_paths = vec![dir.to_path_buf(), runtimes::cache_root()];
    match lang {
        Lang::Python => {
            write(&app.join("app.py"), PYTHON_APP);
            let python = python();
            host_paths.push(python.prefix.clone());
            if tracer_in_image {
                link(&python.exe, &bin.join("python"));
                link(&python.exe, &bin.join("python3"));
                link(
                    &python.scripts.join("ddtrace-run"),
                    &bin.join("ddtrace-run"),
                );
            } else {
                // The venv's own bin first: its python finds pyvenv.cfg
                // beside itself, and with it a site-packages without ddtrace.
                path.insert(0, runtimes::bare_venv().join("bin"));
            }
        }
        Lang::Node => {
            write(&app.join("server.js"), NODE_APP);
            let node = which("node");
            host_paths.push(node.canonicalize().expect("node's real path"));
            link(&node, &bin.join("node"));
            if tracer_in_image {
                let modules = runtimes::node_package().join("node_modules");
                link(&modules, &app.join("node_modules"));
            }
        }
    }
    let path = std::env::join_paths(&path).expect("a PATH");
    let mut env = vec![("PATH", path.to_string_lossy().into_owned())];
    if let Some(home) = std::env::var_os("HOME") {
        env.push(("HOME", home.to_string_lossy().into_owned()));
    }
    Image {
        env,
        cmd: lang
            .start_command(tracer_in_image)
            .split(' ')
            .map(str::to_owned)
            .collect(),
        workdir: app,
        host_paths,
    }
}

fn link(target: &Path, name: &Path) {
    symlink(target, name)
        .unwrap_or_else(|e| panic!("link {} -> {}: {e}", name.display(), target.display()));
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
