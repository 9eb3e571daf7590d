"""Runs moto's ECS/EC2 server for the tests until the test process goes away.

The tests hold this process's stdin open; when the test binary exits, for
whatever reason, stdin reaches end of file and the server stops, so no
server outlives its tests. Usage: python3 server.py PORT
"""

import os
import sys
import threading


def stop_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=stop_when_stdin_closes, daemon=True).start()

from moto.server import main  # noqa: E402  (imported after the watcher starts)

main(["-H", "127.0.0.1", "-p", sys.argv[1]])
