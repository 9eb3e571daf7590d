"""An HTTP proxy in front of moto for the fleet tests, doing what moto does
not: throttle, refuse or stall some calls, and play ECS deployments out.

Usage: python3 fleet_proxy.py PORT UPSTREAM_URL OPTIONS_JSON
Stops when stdin closes, like server.py. OPTIONS (all optional):

  "rate": [R, B]           AWS's request throttling: each service in each
                           region takes R calls a second with bursts of B
                           (a token bucket, as AWS documents its limits);
                           the calls beyond get its throttling error
                           (ThrottlingException for ECS and ECR,
                           RequestLimitExceeded for EC2, Throttling for IAM)
  "refuse_register": GLOB  RegisterTaskDefinition of a matching family gets
                           ClientException, and nothing is registered
  "stall_register_after": K  the first K RegisterTaskDefinition calls go
                           through; later ones never get an answer
  "deployments": {"fail": GLOB, "polls": N, "circuit_breaker": "rollback"|"on"}
                           each UpdateService starts a deployment of its own
                           (moto keeps the one of CreateService), IN_PROGRESS
                           for N DescribeServices, then COMPLETED, or FAILED
                           for the first deployment of a service whose name
                           matches GLOB; with circuit_breaker, services say
                           their breaker is on (with rollback)

GET /stats answers the counts of calls seen, throttled, refused.
"""

import fnmatch
import itertools
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, upstream, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
lock = threading.Lock()
stats = {"calls": 0, "throttled": 0, "refused": 0, "stalled": 0, "registered": 0}
buckets = {}  # (service, region) -> [tokens, last refill]
deployments = {}  # service ARN -> {"id", "taskDefinition", "polls", "outcome", "old"}
failed_once = set()
ids = itertools.count(1)


def stop_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


def scope_of(headers):
    """The AWS service and region a request is for, from its signature."""
    auth = headers.get("Authorization", "")
    try:
        parts = auth.split("Credential=")[1].split(",")[0].split("/")
        return parts[3], parts[2]
    except IndexError:
        return "", ""


def over_rate(scope):
    """Takes a token from the scope's bucket; True when there was none."""
    if "rate" not in options:
        return False
    rate, burst = options["rate"]
    now = time.monotonic()
    tokens, last = buckets.get(scope, (burst, now))
    tokens = min(burst, tokens + (now - last) * rate)
    if tokens < 1:
        buckets[scope] = (tokens, now)
        return True
    buckets[scope] = (tokens - 1, now)
    return False


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.answer(200, {"Content-Type": "application/json"}, json.dumps(stats).encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target", "")
        operation = target.rsplit(".", 1)[-1]
        scope = scope_of(self.headers)
        service = scope[0]
        with lock:
            stats["calls"] += 1
            throttle = over_rate(scope)
        if throttle:
            with lock:
                stats["throttled"] += 1
            return self.throttled(service, target)
        if operation == "RegisterTaskDefinition":
            family = json.loads(body or b"{}").get("family", "")
            if fnmatch.fnmatch(family, options.get("refuse_register", "\0")):
                with lock:
                    stats["refused"] += 1
                return self.json_error(400, "ClientException", f"family {family} refused by the test proxy")
            with lock:
                stall = "stall_register_after" in options and stats["registered"] >= options["stall_register_after"]
                if stall:
                    stats["stalled"] += 1
                else:
                    stats["registered"] += 1
            if stall:
                time.sleep(3600)
        status, headers, answer = self.forward(body)
        if status == 200 and "deployments" in options and operation in ("UpdateService", "DescribeServices"):
            answer = self.play_deployments(operation, answer)
        self.answer(status, headers, answer)

    def play_deployments(self, operation, answer):
        plan = options["deployments"]
        document = json.loads(answer)
        services = [document["service"]] if operation == "UpdateService" else document.get("services", [])
        with lock:
            for service in services:
                arn = service["serviceArn"]
                if operation == "UpdateService":
                    old = deployments.get(arn)
                    name = service["serviceName"]
                    fail = fnmatch.fnmatch(name, plan.get("fail", "\0")) and name not in failed_once
                    if fail:
                        failed_once.add(name)
                    previous = [dict(d, status="ACTIVE") for d in ([old["deployment"]] if old else service.get("deployments", [])[:1])]
                    deployments[arn] = {
                        "deployment": {
                            "id": f"ecs-svc/proxy{next(ids)}",
                            "status": "PRIMARY",
                            "taskDefinition": service["taskDefinition"],
                            "desiredCount": service.get("desiredCount", 1),
                            "runningCount": 0,
                            "failedTasks": 0,
                            "rolloutState": "IN_PROGRESS",
                            "rolloutStateReason": "ECS deployment in progress.",
                        },
                        "polls": plan.get("polls", 1),
                        "outcome": "FAILED" if fail else "COMPLETED",
                        "previous": previous,
                    }
                state = deployments.get(arn)
                if state is None:
                    continue
                deployment = state["deployment"]
                if operation == "DescribeServices" and deployment["rolloutState"] == "IN_PROGRESS":
                    state["polls"] -= 1
                    if state["polls"] <= 0:
                        deployment["rolloutState"] = state["outcome"]
                        if state["outcome"] == "FAILED":
                            deployment["failedTasks"] = 3
                            deployment["rolloutStateReason"] = "ECS deployment circuit breaker: tasks failed to start."
                        else:
                            deployment["runningCount"] = deployment["desiredCount"]
                            deployment["rolloutStateReason"] = "ECS deployment completed."
                            state["previous"] = []
                service["deployments"] = [deployment] + state["previous"]
                breaker = plan.get("circuit_breaker")
                if breaker:
                    service["deploymentConfiguration"] = {
                        "deploymentCircuitBreaker": {"enable": True, "rollback": breaker == "rollback"},
                        "maximumPercent": 200,
                        "minimumHealthyPercent": 100,
                    }
        return json.dumps(document).encode()

    def throttled(self, service, target):
        if target:  # JSON protocols: ECS, ECR
            return self.json_error(400, "ThrottlingException", "Rate exceeded")
        if service == "ec2":
            body = b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>1</RequestID></Response>"
            return self.answer(503, {"Content-Type": "text/xml"}, body)
        body = b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
        return self.answer(400, {"Content-Type": "text/xml"}, body)

    def json_error(self, status, code, message):
        body = json.dumps({"__type": code, "message": message}).encode()
        self.answer(status, {"Content-Type": "application/x-amz-json-1.1"}, body)

    def forward(self, body):
        request = urllib.request.Request(upstream + self.path, data=body, method="POST")
        for name, value in self.headers.items():
            if name.lower() not in ("host", "content-length"):
                request.add_header(name, value)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
server = ThreadingHTTPServer(("127.0.0.1", int(port)), Proxy)
server.daemon_threads = True
server.serve_forever()
