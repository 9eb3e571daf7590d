import json

# The ECS container metadata file, which the ECS agent writes when the instance
# sets ECS_ENABLE_CONTAINER_METADATA=true. The file appears, and fills in, a
# moment after the container starts, so it is read up to 10 times, 0.5 s apart;
# the variable naming it is set at start or never, so without it once is enough.
_SOURCE = "the ECS container metadata file"
_METADATA_FILE = os.environ.get("ECS_CONTAINER_METADATA_FILE")
_TRIES = 10 if _METADATA_FILE else 1
_PAUSE = 0.5


def _lookup():
    if not _METADATA_FILE:
        raise LookupError(
            "ECS_CONTAINER_METADATA_FILE is not set"
            " (set ECS_ENABLE_CONTAINER_METADATA=true on the instance)"
        )
    with open(_METADATA_FILE, encoding="utf-8") as metadata:
        return str(json.load(metadata).get("HostPrivateIPv4Address", ""))
