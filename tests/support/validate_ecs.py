"""Validates task definitions against the ECS API model that ships with botocore.

This is the check the AWS CLI runs on `register-task-definition --cli-input-json`
before it sends anything (parameter names, types, required members), plus the
enum values of the model, which the CLI leaves to the server.

Input on stdin: a JSON object {name: register-task-definition parameters},
where the parameters may also be given as the text of a file `patch` wrote
(a string), validated as written: a round trip through another JSON library
would change its numbers (`-0` to `-0.0`). A file holding a bare
containerDefinitions array or one container gets the task around it that
Terraform or the console would give it.
The operation is the first argument (default RegisterTaskDefinition), e.g.
RegisterDaemonTaskDefinition for an ECS Managed Instances daemon.
Output on stdout: a JSON object {name: [problem, ...]} (empty lists when valid).
"""
import json
import sys

import botocore.session
from botocore.validate import ParamValidator


def enum_problems(value, shape, path):
    """Enum values the model allows, checked wherever the value has them."""
    problems = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for key, member in value.items():
            if key in shape.members:
                problems += enum_problems(member, shape.members[key], f"{path}.{key}")
    elif shape.type_name == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            problems += enum_problems(item, shape.member, f"{path}[{i}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            problems += enum_problems(item, shape.value, f"{path}.{key}")
    elif shape.type_name == "string" and getattr(shape, "enum", None):
        if isinstance(value, str) and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {shape.enum}")
    return problems


def as_task(text):
    """The register-task-definition parameters of a file's text."""
    value = json.loads(text)
    if isinstance(value, list):
        value = {"containerDefinitions": value}
    elif "containerDefinitions" not in value:
        value = {"containerDefinitions": [value]}
    value.setdefault("family", "from-elsewhere")
    return value


def main():
    model = botocore.session.get_session().get_service_model("ecs")
    operation = sys.argv[1] if len(sys.argv) > 1 else "RegisterTaskDefinition"
    shape = model.operation_model(operation).input_shape
    documents = json.load(sys.stdin)
    result = {}
    for name, params in documents.items():
        if isinstance(params, str):
            params = as_task(params)
        report = ParamValidator().validate(params, shape)
        problems = report.generate_report().splitlines() if report.has_errors() else []
        problems += enum_problems(params, shape, "")
        result[name] = problems
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
