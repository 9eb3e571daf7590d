"""Datadog APM: send this app's traces to the Datadog agent on its EC2 host.

Save this file as tracer.py beside your app's main module and make
``import tracer`` the first import there, above every library you want traced.
Start the app with plain ``python`` instead of ``ddtrace-run``: this module
imports ``ddtrace.auto`` (which is what ddtrace-run does) only after it has put
the host's private IPv4 in DD_AGENT_HOST, because ddtrace reads DD_AGENT_HOST
once, when it is imported.

The entryPoint recipe (app-container.json) is the alternative: it sets
DD_AGENT_HOST before the app starts and keeps ddtrace-run. Use one or the
other. A DD_AGENT_HOST that is already set is kept as it is.

When no address turns up within about 5 s, one line goes to stderr and the
tracer keeps its default agent host: the app always starts.
"""

import ipaddress
import os
import sys
import time
# ddecs-wizard: lookup


def _agent_host():
    """The first answer that is an IPv4 address, or None after saying why."""
    why = "no answer"
    for attempt in range(_TRIES):
        if attempt:
            time.sleep(_PAUSE)
        try:
            answer = _lookup().strip()
        except Exception as error:  # whatever fails, the app must still start
            why = "%s: %s" % (type(error).__name__, error)
            continue
        try:
            ipaddress.IPv4Address(answer)
            return answer
        except ValueError:
            why = "the answer %r is not an IPv4 address" % answer[:40]
    sys.stderr.write(
        "datadog: no agent host from %s (%s); the tracer keeps its default agent host\n"
        % (_SOURCE, " ".join(why.split()))
    )
    return None


if not os.environ.get("DD_AGENT_HOST"):
    _host = _agent_host()
    if _host:
        os.environ["DD_AGENT_HOST"] = _host

import ddtrace.auto  # noqa: E402,F401 (imported last on purpose, see above)
