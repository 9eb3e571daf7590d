import json

# Auto: the ECS container metadata file when ECS names one, else IMDSv2, else
# IMDSv1 (asked only when no token comes). ECS writes the file a moment after
# the container starts, so it is read at 0, 1 and 2 s; after the third read
# IMDS is asked once, and the file is read a last time 1 s later. Without the
# file, IMDS is asked twice, 1 s apart. Either way, about 5 s at most.
_SOURCE = "the ECS container metadata file, IMDSv2 or IMDSv1"
_METADATA_FILE = os.environ.get("ECS_CONTAINER_METADATA_FILE")
_TRIES = 4 if _METADATA_FILE else 2
_PAUSE = 1.0
_tried = 0


def _from_file():
    with open(_METADATA_FILE, encoding="utf-8") as metadata:
        answer = str(json.load(metadata).get("HostPrivateIPv4Address", ""))
    if not answer:
        raise LookupError("no HostPrivateIPv4Address in " + _METADATA_FILE)
    return answer


def _from_imds():
    try:
        token = _imds("api/token", "PUT", {"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
    except Exception:  # no token, so IMDSv1
        return _imds("meta-data/local-ipv4")
    return _imds("meta-data/local-ipv4", headers={"X-aws-ec2-metadata-token": token})


def _lookup():
    global _tried
    _tried += 1
    if not _METADATA_FILE:
        return _from_imds()
    try:
        return _from_file()
    except Exception:
        if _tried != 3:
            raise
    return _from_imds()
