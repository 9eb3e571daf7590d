"""Makes boto3 calls against the tests' moto server: seeds what a test needs
and reads back what a command did, through the same API.

stdin: {"endpoint": URL, "region": NAME, "calls": [{"service": "ecs",
"op": "register_task_definition", "params": {...}}, ...]}
stdout: one JSON result per call; a failed call gives {"error": CODE}.
"""

import json
import sys

import boto3
import botocore.exceptions

request = json.load(sys.stdin)
clients = {}


def client(service):
    if service not in clients:
        clients[service] = boto3.client(
            service,
            endpoint_url=request["endpoint"],
            region_name=request["region"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    return clients[service]


results = []
for call in request["calls"]:
    try:
        result = getattr(client(call["service"]), call["op"])(**call.get("params", {}))
        result.pop("ResponseMetadata", None)
    except botocore.exceptions.ClientError as e:
        result = {"error": e.response["Error"]["Code"]}
    results.append(result)
json.dump(results, sys.stdout, default=str)
