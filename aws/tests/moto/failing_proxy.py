"""An HTTP proxy in front of moto that fails one AWS call with an AWS error,
the way ECS refuses a call, and passes every other call through.

Usage: python3 failing_proxy.py PORT UPSTREAM_URL OPERATION CODE
Stops when stdin closes, like server.py.
"""

import json
import os
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, upstream, operation, code = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


def stop_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


class Proxy(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target", "")
        if target.endswith("." + operation):
            answer = json.dumps({"__type": code, "message": "refused by the test proxy"}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            return
        request = urllib.request.Request(upstream + self.path, data=body, method="POST")
        for name, value in self.headers.items():
            if name.lower() not in ("host", "content-length"):
                request.add_header(name, value)
        try:
            with urllib.request.urlopen(request) as response:
                status, headers, answer = response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            status, headers, answer = e.code, e.headers, e.read()
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
ThreadingHTTPServer(("127.0.0.1", int(port)), Proxy).serve_forever()
