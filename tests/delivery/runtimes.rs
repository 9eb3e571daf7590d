//! The tracers, from the package registries, and the "images" the apps run
//! in: a PATH of the programs the image would hold, and the files.
//!
//! Python: `present` is this machine's python3 with `ddtrace` in its
//! site-packages (pip install ddtrace) and `ddtrace-run` beside it; `inject`
//! is a venv of the same python3 without any tracer, and the library
//! volume is the package Datadog's dd-lib-python-init image copies:
//! `ddtrace_pkgs/site-packages-ddtrace-py<X.Y>-<platform>-<arch>/` holding
//! the PyPI wheels of the same ddtrace version (and its dependencies)
//! unpacked, with a `sitecustomize.py` at the top that `PYTHONPATH` makes
//! Python run at start-up. That file is not published on PyPI, so the one
//! here is our stand-in (tests/delivery/sitecustomize.py) doing what Datadog's
//! does on the path to a trace.
//!
//! Node.js: `npm install --prefix DIR dd-trace@5` and then the two JSON files
//! removed, as Datadog's package step does; `present` links the app's
//! node_modules to it, `inject` copies it into the library volume.
//!
//! Built once into tests/.cache (or `$DDECS_DELIVERY_CACHE`), by the first
//! test that needs it, through pip and npm.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The npm line the Node.js tests use (dd-trace v5 supports Node.js 18+).
pub const NODE_TRACER: &str = "dd-trace@5";

/// Our stand-in for the injected sitecustomize.py.
const SITECUSTOMIZE: &str = include_str!("sitecustomize.py");

pub fn cache_root() -> PathBuf {
    std::env::var_os("DDECS_DELIVERY_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/.cache"))
}

/// The host's python3, as the tests see it.
#[derive(Debug)]
pub struct Python {
    /// The interpreter itself, not a version manager's shim.
    pub exe: PathBuf,
    /// "3.11"
    pub version: String,
    pub ddtrace_version: String,
    /// Where pip put `ddtrace-run`.
    pub scripts: PathBuf,
    pub prefix: PathBuf,
}

pub fn python() -> &'static Python {
    static PYTHON: OnceLock<Python> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let out = run_output(Command::new("python3").args([
            "-c",
            "import sys, sysconfig, ddtrace\n\
                 print(sys.executable)\n\
                 print('%d.%d' % sys.version_info[:2])\n\
                 print(ddtrace.__version__)\n\
                 print(sysconfig.get_path('scripts'))\n\
                 print(sys.base_prefix)",
        ]));
        let lines: Vec<&str> = out.lines().collect();
        let [exe, version, ddtrace_version, scripts, prefix] = lines[..] else {
            panic!("python3 printed {out:?}");
        };
        Python {
            exe: exe.into(),
            version: version.to_owned(),
            ddtrace_version: ddtrace_version.to_owned(),
            scripts: scripts.into(),
            prefix: prefix.into(),
        }
    })
}

/// A venv of the host's python3 that cannot import ddtrace: the image of an
/// app that was never given a tracer.
pub fn bare_venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let python = python();
        let dir = build_once(&format!("venv-py{}-bare", python.version), |dir| {
            run(Command::new(&python.exe)
                .args(["-m", "venv", "--without-pip"])
                .arg(dir));
        });
        let status = Command::new(dir.join("bin/python"))
            .args(["-c", "import ddtrace"])
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run the venv's python");
        assert!(!status.success(), "{} can import ddtrace", dir.display());
        dir
    })
}

/// The directory Datadog's Python init image copies into the library
/// volume, for this python3 and this machine.
pub fn python_package() -> &'static Path {
    static PACKAGE: OnceLock<PathBuf> = OnceLock::new();
    PACKAGE.get_or_init(|| {
        let python = python();
        let (platform, arch) = python_platform();
        let name = format!(
            "dd-lib-python-{}-py{}-{platform}-{arch}-compiled",
            python.ddtrace_version, python.version
        );
        build_once(&name, |dir| {
            let wheels = dir.join("wheels");
            let abi = format!("cp{}", python.version.replace('.', ""));
            run(Command::new(&python.exe)
                .args([
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .arg(format!("ddtrace=={}", python.ddtrace_version))
                .arg(format!("--platform={platform}_{arch}"))
                .arg(format!("--python-version={}", python.version))
                .args(["--implementation=cp", &format!("--abi={abi}")])
                .args(["--only-binary=:all:", "--dest"])
                .arg(&wheels));
            let site = dir.join(format!(
                "ddtrace_pkgs/site-packages-ddtrace-py{}-{platform}-{arch}",
                python.version
            ));
            for wheel in std::fs::read_dir(&wheels).expect("the downloaded wheels") {
                let wheel = wheel.expect("a wheel").path();
                run(Command::new(&python.exe)
                    .args(["-m", "zipfile", "-e"])
                    .arg(&wheel)
                    .arg(&site));
            }
            std::fs::remove_dir_all(&wheels).expect("remove the wheels");
            // Byte-compiled once here, as the first start of a task would
            // leave the volume: otherwise every run compiles ddtrace again
            // (about 1.5 s) into a volume thrown away after it.
            run(Command::new(&python.exe)
                .args(["-m", "compileall", "-q", "-j", "0"])
                .arg(&site));
            write(&dir.join("sitecustomize.py"), SITECUSTOMIZE);
            write(&dir.join("version"), &python.ddtrace_version);
        })
    })
}

/// The wheel platform tag and arch the injected sitecustomize picks here.
fn python_platform() -> (&'static str, &'static str) {
    let arch = match std::env::consts::ARCH {
        "aarch64" => "aarch64",
        _ => "x86_64",
    };
    let platform = if cfg!(target_env = "musl") {
        "musllinux_1_2"
    } else {
        "manylinux2014"
    };
    (platform, arch)
}

/// dd-trace from npm, laid out as Datadog's Node.js init image holds it
/// (`node_modules/dd-trace/init.js` and its dependencies beside it).
pub fn node_package() -> &'static Path {
    static PACKAGE: OnceLock<PathBuf> = OnceLock::new();
    PACKAGE.get_or_init(|| {
        let major = NODE_TRACER.rsplit('@').next().expect("a version");
        build_once(&format!("dd-lib-js-{major}"), |dir| {
            run(Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
                .arg("--prefix")
                .arg(dir)
                .arg(NODE_TRACER));
            for name in ["package.json", "package-lock.json"] {
                let _ = std::fs::remove_file(dir.join(name));
            }
            let version = run_output(
                Command::new("node")
                    .arg("-p")
                    .arg("require(process.argv[1]).version")
                    .arg(dir.join("node_modules/dd-trace/package.json")),
            );
            write(&dir.join("version"), version.trim());
        })
    })
}

/// `cache_root()/name`, built by `build` into a fresh directory first and
/// then renamed into place, so that a build that fails or races another
/// never leaves a half-made directory under the final name.
fn build_once(name: &str, build: impl FnOnce(&Path)) -> PathBuf {
    let root = cache_root();
    let done = root.join(name);
    if done.is_dir() {
        return done;
    }
    std::fs::create_dir_all(&root).expect("create the delivery cache");
    let work = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempdir_in(&root)
        .expect("temp dir in the delivery cache");
    build(work.path());
    let work = work.keep();
    if std::fs::rename(&work, &done).is_err() {
        // Another test process finished first: keep its copy.
        let _ = std::fs::remove_dir_all(&work);
        assert!(done.is_dir(), "could not put {} in place", done.display());
    }
    done
}

/// Copies `from` into the new directory `to` the way a `cp -r` of the init
/// container would: hard links where the file system allows (the tree is
/// large and only read), a real copy otherwise.
pub fn copy_tree(from: &Path, to: &Path) {
    let linked = Command::new("cp")
        .arg("-al")
        .arg(from)
        .arg(to)
        .status()
        .is_ok_and(|s| s.success());
    if !linked {
        let _ = std::fs::remove_dir_all(to);
        run(Command::new("cp").arg("-a").arg(from).arg(to));
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn run(command: &mut Command) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("run {command:?}: {e}"));
    assert!(status.success(), "{command:?} failed: {status}");
}

fn run_output(command: &mut Command) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("run {command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Where a program is on the host's PATH.
pub fn which(program: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(program))
                .find(|candidate| candidate.is_file())
        })
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}
