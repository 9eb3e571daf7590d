import urllib.request

_IMDS = "http://169.254.169.254/latest/"
# An empty ProxyHandler: IMDS is link-local, so HTTP_PROXY must never apply.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _imds(path, method="GET", headers=None):
    """One IMDS request with a 1 s timeout; the body of a 200 answer."""
    request = urllib.request.Request(_IMDS + path, method=method, headers=headers or {})
    with _OPENER.open(request, timeout=1) as response:  # raises on HTTP errors
        return response.read(256).decode("ascii", "replace")
