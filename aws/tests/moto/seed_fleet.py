"""Seeds a fleet into the tests' moto server through boto3, many calls at
once: clusters in several regions, each with EC2 container instances (some
with IMDSv2 and hop limit 1), the agent as a DAEMON service whose task
execution role reads the API key's secret, and traced app services, one
family each.

stdin: {"endpoint": URL, "regions": [...], "clusters_per_region": N,
        "services": TOTAL, "instances": TOTAL, "agent": TASK_DEFINITION,
        "app_container": CONTAINER, "broken_every": K}
stdout: {"clusters": [[region, name], ...], "broken": [instance ids],
         "secret": ARN, "role": ARN}

Services and instances are spread evenly over the clusters; every K-th
instance gets HttpPutResponseHopLimit 1 (0: none).
"""

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3

request = json.load(sys.stdin)
regions = request["regions"]
per_region = request["clusters_per_region"]
broken_every = request.get("broken_every", 0)
pool = ThreadPoolExecutor(max_workers=8)


local = threading.local()


def client(service, region):
    """A client of this thread's own session (boto3's default session is
    not safe to share between threads)."""
    if not hasattr(local, "clients"):
        local.session, local.clients = boto3.session.Session(), {}
    if (service, region) not in local.clients:
        local.clients[service, region] = local.session.client(
            service,
            endpoint_url=request["endpoint"],
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    return local.clients[service, region]


iam = client("iam", regions[0])
trust = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
role = iam.create_role(RoleName="dd-agent-execution", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
secret = f"arn:aws:secretsmanager:{regions[0]}:123456789012:secret:datadog-api-key-AbCdEf"
iam.put_role_policy(
    RoleName="dd-agent-execution",
    PolicyName="read-datadog-api-key",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:*:*:secret:datadog-api-key-*"}]}),
)

clusters = [(region, f"fleet-{n}") for region in regions for n in range(per_region)]
share = lambda total, i: total // len(clusters) + (1 if i < total % len(clusters) else 0)

agent = dict(request["agent"], family="datadog-agent", executionRoleArn=role)
for container in agent["containerDefinitions"]:
    container["environment"] = [e for e in container.get("environment", []) if e["name"] != "DD_API_KEY"]
    container["secrets"] = [{"name": "DD_API_KEY", "valueFrom": secret}]
for region in regions:
    client("ecs", region).register_task_definition(**agent)


def seed_cluster(index):
    region, name = clusters[index]
    ecs, ec2 = client("ecs", region), client("ec2", region)
    ecs.create_cluster(clusterName=name)
    count = share(request["instances"], index)
    broken = []
    if count:
        ids = [i["InstanceId"] for i in ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=count, MaxCount=count,
            MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"})["Instances"]]
        for n, instance_id in enumerate(ids):
            if broken_every and (index * 1000 + n) % broken_every == 0:
                ec2.modify_instance_metadata_options(InstanceId=instance_id, HttpTokens="required",
                                                   HttpPutResponseHopLimit=1, HttpEndpoint="enabled")
                broken.append(instance_id)
            ecs.register_container_instance(cluster=name, instanceIdentityDocument=json.dumps({"instanceId": instance_id}))
        ecs.create_service(cluster=name, serviceName="datadog-agent", taskDefinition="datadog-agent",
                           schedulingStrategy="DAEMON", launchType="EC2")
        ecs.update_service(cluster=name, service="datadog-agent", desiredCount=count)
    return broken


def seed_service(job):
    index, n = job
    region, name = clusters[index]
    ecs = client("ecs", region)
    family = f"{name}-svc-{n}"
    app = dict(request["app_container"], name="app", memory=256)
    ecs.register_task_definition(family=family, networkMode="bridge", containerDefinitions=[app],
                                 tags=[{"key": "team", "value": "fleet"}])
    ecs.create_service(cluster=name, serviceName=f"svc-{n}", taskDefinition=family,
                       desiredCount=1, launchType="EC2")


broken = [i for ids in pool.map(seed_cluster, range(len(clusters))) for i in ids]
jobs = [(index, n) for index in range(len(clusters)) for n in range(share(request["services"], index))]
list(pool.map(seed_service, jobs))
json.dump({"clusters": clusters, "broken": broken, "secret": secret, "role": role}, sys.stdout)
