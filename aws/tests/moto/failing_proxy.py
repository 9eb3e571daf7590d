"""An HTTP proxy in front of moto that misbehaves the way real networks and
endpoints do, one AWS operation at a time, and passes every other call
through.

Usage:
  python3 failing_proxy.py PORT UPSTREAM_URL OPERATION CODE
      refuse OPERATION with the AWS error CODE (HTTP 400)
  python3 failing_proxy.py PORT UPSTREAM_URL CONFIG_JSON
      CONFIG_JSON: {"log": PATH, "require_key": KEY, "rules": [RULE, ...]}
      RULE: {"op": OPERATION, "do": ACTION, "code": CODE, "message": TEXT,
             "status": HTTP_STATUS, "body": TEXT, "skip": N, "times": N,
             "until": PATH}

Actions:
  refuse         answer with an AWS error without forwarding (default 400),
                 or with `body` as it is
  fail_after     forward, so the server acts, then answer with an AWS error
                 (default 500 ServerException, or InternalError on EC2)
  hang           never answer, never forward
  hang_after     forward, so the server acts, then never answer
  hold_request   wait until the file `until` exists, then forward
  hold_response  forward, then wait until the file `until` exists to answer
A rule lets its first `skip` matching calls through and then applies to
`times` calls (every call when absent).

The operation is read from X-Amz-Target (JSON protocols such as ECS) or
from Action= in the form body (query protocols such as EC2), whose errors
are answered in EC2's XML. With "require_key", a call signed with another
access key is refused with UnrecognizedClientException, as an account that
does not know the key would. Each call is logged as one JSON line
{"op", "key", "event"}, the event being "passed" or the rule's action; a
held call also logs "holding" when it starts waiting.
Stops when stdin closes, like server.py.
"""

import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, upstream = sys.argv[1], sys.argv[2]
if len(sys.argv) == 5:
    config = {"rules": [{"op": sys.argv[3], "do": "refuse", "code": sys.argv[4]}]}
else:
    config = json.loads(sys.argv[3])
rules = config.get("rules", [])
seen = [0] * len(rules)
lock = threading.Lock()


def stop_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


def log(op, key, event):
    if "log" not in config:
        return
    with lock, open(config["log"], "a") as f:
        f.write(json.dumps({"op": op, "key": key, "event": event}) + "\n")


def rule_for(op):
    """The rule that applies to this call of `op`, counting it."""
    with lock:
        for i, rule in enumerate(rules):
            if rule["op"] != op:
                continue
            seen[i] += 1
            skip = rule.get("skip", 0)
            if seen[i] > skip and ("times" not in rule or seen[i] <= skip + rule["times"]):
                return rule
    return None


def access_key(headers):
    found = re.search(r"Credential=([^/,\s]+)/", headers.get("Authorization", ""))
    return found.group(1) if found else None


def wait_for(path):
    while not os.path.exists(path):
        time.sleep(0.02)


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target", "")
        xml = not target
        if xml:
            op = urllib.parse.parse_qs(body.decode()).get("Action", [""])[0]
        else:
            op = target.rsplit(".", 1)[-1]
        key = access_key(self.headers)
        if "require_key" in config and key != config["require_key"]:
            log(op, key, "unrecognized_key")
            self.error(xml, 400, "UnrecognizedClientException",
                       "The security token included in the request is invalid.")
            return
        rule = rule_for(op)
        action = rule["do"] if rule else "passed"
        log(op, key, action)
        if action == "refuse" and "body" in rule:
            self.answer(rule.get("status", 400), {"Content-Type": "text/xml"}, rule["body"].encode())
            return
        if action == "refuse":
            self.error(xml, rule.get("status", 400), rule["code"],
                       rule.get("message", "refused by the test proxy"))
            return
        if action == "hang":
            time.sleep(3600)
            return
        if action == "hold_request":
            log(op, key, "holding")
            wait_for(rule["until"])
        answer = self.forward(body)
        if action == "fail_after":
            code = rule.get("code", "InternalError" if xml else "ServerException")
            self.error(xml, rule.get("status", 500), code,
                       rule.get("message", "failed by the test proxy after the server acted"))
            return
        if action == "hang_after":
            time.sleep(3600)
            return
        if action == "hold_response":
            log(op, key, "holding")
            wait_for(rule["until"])
        self.answer(*answer)

    def forward(self, body):
        request = urllib.request.Request(upstream + self.path, data=body, method="POST")
        for name, value in self.headers.items():
            if name.lower() not in ("host", "content-length"):
                request.add_header(name, value)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, xml, status, code, message):
        if xml:
            body = (
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
                "</Error></Errors><RequestID>test-proxy</RequestID></Response>"
            ).encode()
            content_type = "text/xml;charset=UTF-8"
        else:
            body = json.dumps({"__type": code, "message": message}).encode()
            content_type = "application/x-amz-json-1.1"
        self.answer(status, {"Content-Type": content_type}, body)

    def log_message(self, *args):
        pass


threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
server = ThreadingHTTPServer(("127.0.0.1", int(port)), Proxy)
server.daemon_threads = True
server.serve_forever()
