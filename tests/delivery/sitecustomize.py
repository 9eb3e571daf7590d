"""Stand-in for the sitecustomize.py at the top of Datadog's Python library
volume (/datadog-lib, the dd-lib-python-init image's package). The real file
is not published on PyPI; this one does what it does on the way to a trace,
and nothing else: Python runs it at start-up because PYTHONPATH names this
directory; when the app has no ddtrace of its own, it adds the ddtrace build
for this interpreter, libc and machine (ddtrace_pkgs/site-packages-ddtrace-
py<X.Y>-<platform>-<arch>) to sys.path and starts it the way ddtrace-run
does, through ddtrace.bootstrap.sitecustomize.
"""

import importlib.util
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def packages_dir():
    libc = "manylinux2014" if platform.libc_ver()[0] == "glibc" else "musllinux_1_2"
    arch = {"aarch64": "aarch64", "arm64": "aarch64"}.get(platform.machine(), "x86_64")
    version = "%d.%d" % sys.version_info[:2]
    name = "site-packages-ddtrace-py%s-%s-%s" % (version, libc, arch)
    return os.path.join(HERE, "ddtrace_pkgs", name)


def start():
    if importlib.util.find_spec("ddtrace") is not None:
        # The app brought its own tracer: leave it in charge.
        return
    packages = packages_dir()
    if not os.path.isdir(packages):
        return
    sys.path.append(packages)
    # ddtrace's bootstrap looks for the next sitecustomize on sys.path: this
    # directory must not be found again.
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != HERE]
    import ddtrace.bootstrap.sitecustomize  # noqa: F401


start()
