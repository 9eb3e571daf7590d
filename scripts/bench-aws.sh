#!/usr/bin/env bash
# Times the AWS commands against moto's local ECS/EC2 server, each beside
# the loop of `aws` CLI calls a person would script for the same job, in the
# same run and against the same endpoint:
#
#   doctor: a cluster of 200 container instances and 100 services (plus the
#           agent DAEMON service) vs list-services, describe-services (10 at
#           a time), describe-task-definition for each, list- and
#           describe-container-instances (100 at a time) and ec2
#           describe-instances (200 at a time): the reads doctor makes,
#           without any of its judgement.
#   apply:  50 families, each with a service to roll, one `ddecs-wizard
#           apply FAMILY --service S --cluster C --yes` each vs
#           describe-task-definition --include TAGS | ddecs-wizard patch |
#           register-task-definition, then update-service.
#   fleet doctor: 10 clusters in each of 3 regions, 1,000 services and
#           2,000 container instances (aws/tests/moto/seed_fleet.py), one
#           `doctor --all-clusters --region ...` vs the same reads as a
#           loop over regions and clusters (list-clusters, then per cluster
#           the doctor loop above).
#   fleet apply: a cluster of 100 services, one family each, one `apply
#           --cluster C --all-services --yes` vs list-services,
#           describe-services by 10, then the apply loop per family.
#
# Needs: python3 with moto[server] and boto3, awscli (pip install awscli), bc,
# hyperfine (apt). Not run in CI: it takes minutes and measures time.
set -euo pipefail
cd "$(dirname "$0")/.."

INSTANCES=${INSTANCES:-200}
SERVICES=${SERVICES:-100}
FAMILIES=${FAMILIES:-50}
RUNS=${RUNS:-5}
FLEET_SERVICES=${FLEET_SERVICES:-1000}
FLEET_INSTANCES=${FLEET_INSTANCES:-2000}
FLEET_CLUSTERS=${FLEET_CLUSTERS:-10}
FLEET_REGIONS=${FLEET_REGIONS:-us-west-2 eu-west-1 ap-south-1}
FLEET_FAMILIES=${FLEET_FAMILIES:-100}

for tool in aws bc hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "bench-aws: $tool is not installed" >&2; exit 2; }
done
python3 -c 'import moto.server, boto3' 2>/dev/null ||
  { echo "bench-aws: python3 -m pip install 'moto[server]'" >&2; exit 2; }

cargo build --release --quiet -p ddecs-wizard -p ddecs-wizard-aws
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/ddecs-wizard

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
# The server stops when its stdin closes: keep a pipe open for the run.
mkfifo "$work/keep"
python3 aws/tests/moto/server.py "$port" <"$work/keep" >/dev/null 2>&1 &
exec 9>"$work/keep"
trap 'exec 9>&-; rm -rf "$work"' EXIT

# Only moto, dummy credentials, none of your own AWS settings.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_PAGER=

until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
  sleep 0.2
done

echo "seeding moto: $INSTANCES container instances, $SERVICES services, 2 x $FAMILIES families to apply"
"$bin" generate --output agent-task-definition >"$work/agent.json"
"$bin" generate --output app-container --app-image example/web:1 >"$work/app-container.json"
python3 - "$work" "$INSTANCES" "$SERVICES" "$FAMILIES" <<'EOF'
import json, sys
import boto3
work, instances, services, families = sys.argv[1], *map(int, sys.argv[2:])
ecs, ec2 = boto3.client("ecs"), boto3.client("ec2")
ecs.create_cluster(clusterName="bench")
ids = [i["InstanceId"] for i in ec2.run_instances(
    ImageId="ami-12c6146b", MinCount=instances, MaxCount=instances,
    MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 2})["Instances"]]
for n, instance_id in enumerate(ids):
    ec2.modify_instance_metadata_options(InstanceId=instance_id, HttpPutResponseHopLimit=1 if n % 10 == 0 else 2)
    ecs.register_container_instance(cluster="bench", instanceIdentityDocument=json.dumps({"instanceId": instance_id}))
agent = json.load(open(f"{work}/agent.json"))
ecs.register_task_definition(**agent)
ecs.create_service(cluster="bench", serviceName="datadog-agent", taskDefinition=agent["family"],
                   schedulingStrategy="DAEMON", launchType="EC2")
ecs.update_service(cluster="bench", service="datadog-agent", desiredCount=instances)
traced = json.load(open(f"{work}/app-container.json"))
traced["memory"] = 256
for n in range(services):
    ecs.register_task_definition(family=f"svc-{n}", containerDefinitions=[dict(traced, name="app")],
                                 tags=[{"key": "team", "value": "bench"}])
    ecs.create_service(cluster="bench", serviceName=f"svc-{n}", taskDefinition=f"svc-{n}",
                       desiredCount=1, launchType="EC2")
plain = {"name": "app", "image": "example/web:1", "memory": 256, "command": ["gunicorn", "app:app"]}
for side in ("ours", "cli"):
    for n in range(families):
        ecs.register_task_definition(family=f"{side}-{n}", containerDefinitions=[plain],
                                     tags=[{"key": "team", "value": "bench"}])
        ecs.create_service(cluster="bench", serviceName=f"{side}-{n}", taskDefinition=f"{side}-{n}",
                           desiredCount=1, launchType="EC2")
EOF

# The reads doctor makes, as a script of aws CLI calls.
cat >"$work/doctor-cli.sh" <<'EOF'
set -eu
arns=$(aws ecs list-services --cluster bench --query 'serviceArns[]' --output text | tr '\t' '\n')
echo "$arns" | xargs -n 10 aws ecs describe-services --cluster bench --query 'services[].taskDefinition' --output text --services |
  tr '\t' '\n' | sort -u | while read -r td; do
    aws ecs describe-task-definition --task-definition "$td" --include TAGS >/dev/null
  done
cis=$(aws ecs list-container-instances --cluster bench --query 'containerInstanceArns[]' --output text | tr '\t' '\n')
echo "$cis" | xargs -n 100 aws ecs describe-container-instances --cluster bench --query 'containerInstances[].ec2InstanceId' --output text --container-instances |
  tr '\t' '\n' | xargs -n 200 | while read -r ids; do
    aws ec2 describe-instances --filters "Name=instance-id,Values=${ids// /,}" --query 'Reservations[].Instances[].MetadataOptions' >/dev/null
  done
EOF

echo
echo "== doctor: $INSTANCES container instances, $((SERVICES + 1)) services"
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$work/doctor.json" \
  "$bin doctor --cluster bench --format json"
start=$(date +%s.%N)
bash "$work/doctor-cli.sh"
doctor_cli=$(echo "$(date +%s.%N) - $start" | bc)
doctor_ours=$(python3 -c "import json; print(json.load(open('$work/doctor.json'))['results'][0]['mean'])")

echo
echo "== apply: $FAMILIES families, one service each"
start=$(date +%s.%N)
for n in $(seq 0 $((FAMILIES - 1))); do
  "$bin" apply "ours-$n" --service "ours-$n" --cluster bench --yes >/dev/null 2>&1
done
apply_ours=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
for n in $(seq 0 $((FAMILIES - 1))); do
  aws ecs describe-task-definition --task-definition "cli-$n" --include TAGS >"$work/live.json"
  "$bin" patch "$work/live.json" -o "$work/patched.json" 2>/dev/null
  arn=$(aws ecs register-task-definition --cli-input-json "file://$work/patched.json" \
    --query taskDefinition.taskDefinitionArn --output text)
  aws ecs update-service --cluster bench --service "cli-$n" --task-definition "$arn" >/dev/null
done
apply_cli=$(echo "$(date +%s.%N) - $start" | bc)

# Both sides must have done the same work.
python3 - "$FAMILIES" <<'EOF'
import sys, boto3
ecs = boto3.client("ecs")
for side in ("ours", "cli"):
    for n in range(int(sys.argv[1])):
        arn = ecs.describe_services(cluster="bench", services=[f"{side}-{n}"])["services"][0]["taskDefinition"]
        assert arn.endswith(f"{side}-{n}:2"), arn
        tags = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])["tags"]
        assert tags == [{"key": "team", "value": "bench"}], tags
print("checked: every family registered revision 2 with its tags, every service runs it")
EOF

echo
echo "seeding moto: $FLEET_CLUSTERS clusters in each of: $FLEET_REGIONS; $FLEET_SERVICES services, $FLEET_INSTANCES container instances"
read -r -a fleet_regions <<<"$FLEET_REGIONS"
regions_json=$(printf '"%s",' "${fleet_regions[@]}")
"$bin" generate --output app-container --app-image example/web:1 >"$work/fleet-app.json"
printf '{"endpoint": "%s", "regions": [%s], "clusters_per_region": %s, "services": %s, "instances": %s, "broken_every": 97, "agent": %s, "app_container": %s}' \
  "$AWS_ENDPOINT_URL" "${regions_json%,}" "$FLEET_CLUSTERS" "$FLEET_SERVICES" "$FLEET_INSTANCES" \
  "$(cat "$work/agent.json")" "$(cat "$work/fleet-app.json")" | python3 aws/tests/moto/seed_fleet.py >/dev/null

region_flags=$(printf -- '--region %s ' "${fleet_regions[@]}")
echo
echo "== fleet doctor: $((FLEET_CLUSTERS * ${#fleet_regions[@]})) clusters, $FLEET_SERVICES services (plus an agent each), $FLEET_INSTANCES container instances"
# shellcheck disable=SC2086
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$work/fleet-doctor.json" \
  "$bin doctor --all-clusters $region_flags --format json"
fleet_doctor_ours=$(python3 -c "import json; print(json.load(open('$work/fleet-doctor.json'))['results'][0]['mean'])")
# The same reads, cluster by cluster, region by region.
start=$(date +%s.%N)
for region in "${fleet_regions[@]}"; do
  for cluster in $(aws ecs list-clusters --region "$region" --query 'clusterArns[]' --output text); do
    sed "s|--cluster bench|--cluster $cluster|g" "$work/doctor-cli.sh" >"$work/doctor-one.sh"
    AWS_REGION=$region AWS_DEFAULT_REGION=$region bash "$work/doctor-one.sh"
  done
done
fleet_doctor_cli=$(echo "$(date +%s.%N) - $start" | bc)

echo
echo "== fleet apply: $FLEET_FAMILIES services, one family each"
python3 - "$FLEET_FAMILIES" <<'PY'
import sys, boto3
ecs = boto3.client("ecs")
plain = {"name": "app", "image": "example/web:1", "memory": 256, "command": ["gunicorn", "app:app"]}
for cluster in ("fleet-ours", "fleet-cli"):
    ecs.create_cluster(clusterName=cluster)
    for n in range(int(sys.argv[1])):
        family = f"{cluster}-{n}"
        ecs.register_task_definition(family=family, containerDefinitions=[plain], tags=[{"key": "team", "value": "bench"}])
        ecs.create_service(cluster=cluster, serviceName=f"svc-{n}", taskDefinition=family, desiredCount=1, launchType="EC2")
PY
start=$(date +%s.%N)
"$bin" apply --cluster fleet-ours --all-services --yes >/dev/null 2>&1
fleet_apply_ours=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
aws ecs list-services --cluster fleet-cli --query 'serviceArns[]' --output text | tr '\t' '\n' |
  xargs -n 10 aws ecs describe-services --cluster fleet-cli --query 'services[].[serviceName,taskDefinition]' --output text --services |
  while read -r service td; do
    aws ecs describe-task-definition --task-definition "$td" --include TAGS >"$work/live.json"
    "$bin" patch "$work/live.json" -o "$work/patched.json" 2>/dev/null
    arn=$(aws ecs register-task-definition --cli-input-json "file://$work/patched.json" \
      --query taskDefinition.taskDefinitionArn --output text)
    aws ecs update-service --cluster fleet-cli --service "$service" --task-definition "$arn" >/dev/null
  done
fleet_apply_cli=$(echo "$(date +%s.%N) - $start" | bc)
python3 - "$FLEET_FAMILIES" <<'PY'
import sys, boto3
ecs = boto3.client("ecs")
for cluster in ("fleet-ours", "fleet-cli"):
    services = [f"svc-{n}" for n in range(int(sys.argv[1]))]
    for i in range(0, len(services), 10):
        for s in ecs.describe_services(cluster=cluster, services=services[i:i + 10])["services"]:
            assert s["taskDefinition"].endswith(":2"), s["taskDefinition"]
print("checked: every fleet family registered revision 2, every service runs it")
PY

echo
printf '%-8s %14s %14s %8s\n' "" "ddecs-wizard" "aws CLI loop" "ratio"
printf '%-8s %13.2fs %13.2fs %7.0fx\n' doctor "$doctor_ours" "$doctor_cli" "$(echo "$doctor_cli / $doctor_ours" | bc -l)"
printf '%-8s %13.2fs %13.2fs %7.1fx\n' apply "$apply_ours" "$apply_cli" "$(echo "$apply_cli / $apply_ours" | bc -l)"
printf '%-8s %13.2fs %13.2fs %7.0fx\n' f-doctor "$fleet_doctor_ours" "$fleet_doctor_cli" "$(echo "$fleet_doctor_cli / $fleet_doctor_ours" | bc -l)"
printf '%-8s %13.2fs %13.2fs %7.1fx\n' f-apply "$fleet_apply_ours" "$fleet_apply_cli" "$(echo "$fleet_apply_cli / $fleet_apply_ours" | bc -l)"
