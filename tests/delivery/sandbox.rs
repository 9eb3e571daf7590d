//! A container for the app without a container runtime: a network namespace
//! of its own (loopback only, with the addresses the case gives it, such as
//! 169.254.169.254 for IMDS and the host's private IP), and a mount
//! namespace whose root is the host's root under a throwaway overlay, with
//! the task's volumes bind-mounted at the exact containerPath the task
//! definition names (/var/run/datadog, the library volume...). Nothing is
//! created or mounted on the host: the overlay's upper layer is a tmpfs that
//! exists only inside the namespace.
//!
//! A holder process (`unshare ... sh -c SETUP`) keeps the namespaces alive
//! until the sandbox is dropped; the app, the mock IMDS and the intake's
//! sockets join them (`nsenter`, `setns`).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;

use ddecs_wizard::core::shell;

/// A directory of the host to show inside the sandbox at another path.
#[derive(Debug, Clone)]
pub struct Volume {
    pub host_dir: PathBuf,
    pub container_path: String,
    pub read_only: bool,
}

/// What the sandbox holds besides the host's root.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// IPv4 addresses put on the namespace's loopback.
    pub addresses: Vec<String>,
    pub volumes: Vec<Volume>,
    /// Host paths the app needs as they are now and later (its files, the
    /// runtime, caches): the mounts that hold them are bound in, so files
    /// made after the start are seen.
    pub host_paths: Vec<PathBuf>,
    /// The working directory of the processes started inside (the image's
    /// WORKDIR).
    pub workdir: String,
}

/// Running namespaces, torn down when dropped.
pub struct Sandbox {
    holder: Child,
    stdin: Option<ChildStdin>,
    _scratch: tempfile::TempDir,
}

impl Sandbox {
    pub fn start(layout: &Layout) -> Sandbox {
        let scratch = tempfile::tempdir().expect("temp dir for the sandbox's root");
        let script = setup_script(layout, scratch.path());
        let mut holder = Command::new("unshare")
            .args(["--net", "--mount", "--propagation", "private"])
            .args(["sh", "-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run unshare");
        let stdin = holder.stdin.take();
        let mut line = String::new();
        let _ = BufReader::new(holder.stdout.take().expect("piped stdout")).read_line(&mut line);
        if line.trim() != "ready" {
            let out = holder.wait_with_output().expect("wait for unshare");
            panic!(
                "the sandbox did not start: {}\nscript:\n{script}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Sandbox {
            holder,
            stdin,
            _scratch: scratch,
        }
    }

    fn pid(&self) -> u32 {
        self.holder.id()
    }

    /// Runs `work` on a thread inside the sandbox's network namespace:
    /// sockets it opens (a listener for the intake, a client to the app)
    /// stay there whichever thread uses them later.
    pub fn in_network<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        let namespace = File::open(format!("/proc/{}/ns/net", self.pid()))
            .expect("open the sandbox's network namespace");
        thread::scope(|scope| {
            scope
                .spawn(move || {
                    rustix::thread::move_into_link_name_space(
                        std::os::fd::AsFd::as_fd(&namespace),
                        Some(rustix::thread::LinkNameSpaceType::Network),
                    )
                    .expect("setns into the sandbox's network namespace");
                    work()
                })
                .join()
                .expect("the thread in the sandbox")
        })
    }

    /// `argv` as a process of the sandbox: its network, its root, started in
    /// the layout's workdir with exactly `env` (argv[0] is looked up on env's
    /// PATH, as a container runtime does).
    pub fn command(&self, argv: &[String], env: &BTreeMap<String, String>) -> Command {
        // The host's nsenter: the child's PATH is the image's.
        let mut command = Command::new(nsenter());
        command
            .arg(format!("--target={}", self.pid()))
            // The holder's working directory: `--wd=DIR` would be entered
            // before the change of root, outside it.
            .args(["--net", "--mount", "--root", "--wd"])
            .arg("--")
            .args(argv)
            .env_clear()
            .envs(env);
        command
    }

    /// `argv` from the host's filesystem in the sandbox's network only: the
    /// mock IMDS, which stands for a service outside the container.
    pub fn network_command(&self, argv: &[String]) -> Command {
        let mut command = Command::new(nsenter());
        command
            .arg(format!("--target={}", self.pid()))
            .arg("--net")
            .arg("--")
            .args(argv);
        command
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // The holder exits at the end of its stdin; the namespaces go with
        // the last process in them.
        drop(self.stdin.take());
        if self.holder.try_wait().ok().flatten().is_none() {
            let _ = self.holder.kill();
        }
        let _ = self.holder.wait();
    }
}

fn nsenter() -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("nsenter"))
                .find(|candidate| candidate.is_file())
        })
        .expect("nsenter is installed (util-linux)")
}

/// The holder's script: loopback and addresses, the overlay root, the host
/// mounts the app needs, the volumes; then it changes into the new root and
/// the workdir (which `nsenter --root --wd` copy) and waits for the end of
/// its stdin.
fn setup_script(layout: &Layout, scratch: &Path) -> String {
    let q = |path: &Path| shell::quote(&path.display().to_string());
    let root = scratch.join("root");
    let mut script = String::from("set -eu\nip link set lo up\n");
    for address in &layout.addresses {
        script.push_str(&format!(
            "ip addr add {}/32 dev lo\n",
            shell::quote(address)
        ));
    }
    script.push_str(&format!(
        "mount -t tmpfs -o mode=0755 ddecs-sandbox {s}\n\
         mkdir {s}/upper {s}/work {s}/root\n\
         mount -t overlay ddecs-sandbox -o lowerdir=/,upperdir={s}/upper,workdir={s}/work {s}/root\n",
        s = q(scratch)
    ));
    for mount in host_mounts(layout, scratch) {
        let target = root.join(mount.path.strip_prefix("/").expect("absolute"));
        let kind = if mount.recursive { "--rbind" } else { "--bind" };
        if mount.path.is_dir() {
            script.push_str(&format!("mkdir -p {}\n", q(&target)));
        } else {
            script.push_str(&format!("[ -e {t} ] || touch {t}\n", t = q(&target)));
        }
        script.push_str(&format!("mount {kind} {} {}\n", q(&mount.path), q(&target)));
    }
    let bound = host_mounts(layout, scratch);
    for volume in &layout.volumes {
        let inside = resolve(Path::new(&volume.container_path));
        if let Some(mount) = bound
            .iter()
            .find(|m| m.path != Path::new("/") && inside.starts_with(&m.path))
        {
            panic!(
                "{} lies in the host mount {}, which the sandbox shares with the host",
                volume.container_path,
                mount.path.display()
            );
        }
        let target = root.join(inside.strip_prefix("/").expect("absolute"));
        script.push_str(&format!(
            "mkdir -p {t}\nmount --bind {h} {t}\n",
            t = q(&target),
            h = q(&volume.host_dir)
        ));
        if volume.read_only {
            script.push_str(&format!("mount -o remount,bind,ro {}\n", q(&target)));
        }
    }
    script.push_str(&format!(
        "exec chroot {} /bin/sh -c 'cd \"$1\" && echo ready && read -r _ || :' sh {}\n",
        q(&root),
        shell::quote(&layout.workdir)
    ));
    script
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct HostMount {
    path: PathBuf,
    recursive: bool,
}

/// The host mounts bound into the sandbox: /proc, /dev and /sys with what is
/// under them; files mounted over the root's (a container runtime's
/// /etc/hosts, resolv.conf); and each mount that holds one of the layout's
/// host paths. A path on the root filesystem itself comes through the
/// overlay and needs nothing.
fn host_mounts(layout: &Layout, scratch: &Path) -> Vec<HostMount> {
    let table = mount_table();
    let mut mounts: Vec<HostMount> = ["/proc", "/dev", "/sys"]
        .iter()
        .map(|path| HostMount {
            path: PathBuf::from(path),
            recursive: true,
        })
        .collect();
    for path in &table {
        let under_rbound = ["/proc", "/dev", "/sys"]
            .iter()
            .any(|top| path.starts_with(top));
        if !under_rbound && path.is_file() {
            mounts.push(HostMount {
                path: path.clone(),
                recursive: false,
            });
        }
    }
    let wanted = layout
        .host_paths
        .iter()
        .chain(layout.volumes.iter().map(|v| &v.host_dir));
    for path in wanted {
        let path = resolve(path);
        let holder = table
            .iter()
            .filter(|mount| path.starts_with(mount))
            .max_by_key(|mount| mount.components().count());
        if let Some(holder) = holder {
            let covered = mounts
                .iter()
                .any(|m| holder.starts_with(&m.path) && m.path != Path::new("/"));
            if holder != Path::new("/") && !covered {
                // The mount holding the sandbox's own scratch root must not
                // be copied with what is under it: that would hold the root.
                let recursive = !scratch.starts_with(holder);
                mounts.push(HostMount {
                    path: holder.clone(),
                    recursive,
                });
            }
        }
    }
    mounts
}

/// Every mount point of this process, from /proc/self/mountinfo.
fn mount_table() -> Vec<PathBuf> {
    let text = std::fs::read_to_string("/proc/self/mountinfo").expect("read mountinfo");
    text.lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|field| PathBuf::from(unescape(field)))
        .collect()
}

/// mountinfo writes space, tab, newline and backslash as octal escapes.
fn unescape(field: &str) -> String {
    field
        .replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
}

/// `path` with the symbolic links of its existing part followed on the
/// host (/var/run/datadog -> /run/datadog), so that a directory made for it
/// inside the sandbox's root is made in the overlay, never through an
/// absolute link onto the host.
pub fn resolve(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        let name = existing.file_name().expect("an absolute path").to_owned();
        rest.push(name);
        existing.pop();
    }
    let mut resolved = existing
        .canonicalize()
        .expect("canonicalize an existing path");
    resolved.extend(rest.iter().rev());
    resolved
}
