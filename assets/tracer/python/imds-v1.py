

# IMDSv1: one GET, no token. Asked at most twice, 1 s apart.
_SOURCE = "IMDSv1"
_TRIES = 2
_PAUSE = 1.0


def _lookup():
    return _imds("meta-data/local-ipv4")
