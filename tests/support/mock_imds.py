#!/usr/bin/env python3
"""A strict stand-in for the EC2 instance metadata service (IMDS).

The generated entryPoint script is only as good as its behaviour against the
real IMDS, which cannot be reached from CI. This mock reproduces what matters
for that script: the IMDSv2 token handshake with its TTL header, the 401 HTML
page that IMDSv2-only instances return to token-less requests, and the ways
the service fails in practice (down, slow, silent, answering nonsense).

Usage: mock_imds.py --port N --mode MODE [--ip A.B.C.D] [--bind ADDR]
                    [--log FILE] [--exit-on-stdin-eof]

The first line on stdout is the port listened on (useful with --port 0).

Modes:
  v1               IMDSv1 only: no token endpoint (PUT answers 404), GET of
                   the address needs no token.
  v2               IMDSv2 optional (the EC2 default): tokens are issued, a GET
                   without a token works, a GET with a bad token gets 401.
  v2-only          IMDSv2 required: a GET without a valid token gets 401.
  hop-limit-1      IMDSv2 required on an instance whose hop limit is 1: the
                   token PUT never gets an answer back into the container.
  down-after-start holds the port without listening (connection refused).
  slow:SECONDS     like v2, but every answer comes SECONDS late.
  hang             accepts connections and never answers.
  garbage          like v2, but the address is not an IPv4 address.
  html200          like v2, but the address request gets a 200 HTML page
                   (what a captive portal or a misrouted proxy answers).

Hostile answers (each like v2 otherwise), for the bounds on what is read:
  huge:BYTES       the address is BYTES bytes of "1.1.1.1...", streamed in
                   chunks with no Content-Length (so curl's --max-filesize
                   cannot refuse it up front).
  huge-token:BYTES the token is BYTES bytes of "A", streamed the same way.
  crlf-token       the token holds a CR LF and a header line of its own.
  redirect         the address request gets a 301 whose body is an address.
  leading-zeros    the address is 010.000.000.001 (octal to some parsers).
  trickle          the address comes one byte at a time, the last one after
                   1.5 s: a client that gives up at 1 s holds a prefix that
                   may itself be an address (10.99.99.9 of 10.99.99.99).

--log FILE appends one JSON object per request: method, path, headers.
"""

import argparse
import json
import os
import secrets
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN_PATH = "/latest/api/token"
ADDRESS_PATH = "/latest/meta-data/local-ipv4"
TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"

# Not an IPv4 address, but it starts like one and carries shell syntax, so a
# script that checks only a prefix or evaluates the answer would show it.
GARBAGE_ADDRESS = "10.0.0.1; echo pwned $(id)\n"

# The second line would become a request header of its own if a client put
# the token into a header unchecked.
CRLF_TOKEN = "AQAEAMockToken==\r\nX-Injected: yes"

HTML_200 = """<!DOCTYPE html>
<html><head><title>Sign in</title></head>
<body><p>10.0.0.1</p></body></html>
"""


def error_page(code, reason):
    """The XHTML page the real IMDS sends with its 4xx answers."""
    return f"""<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>{code} - {reason}</title>
 </head>
 <body>
  <h1>{code} - {reason}</h1>
 </body>
</html>
"""


class Imds:
    """The state shared by all request threads: issued tokens and the log."""

    def __init__(self, mode, address, log_path):
        self.mode = mode
        self.address = address
        self.delay = float(mode.split(":", 1)[1]) if mode.startswith("slow:") else 0.0
        self.huge = int(mode.split(":", 1)[1]) if mode.startswith("huge") else 0
        self.tokens = set()
        self.lock = threading.Lock()
        self.log = open(log_path, "a", encoding="utf-8") if log_path else None

    def record(self, method, path, headers):
        if self.log is None:
            return
        entry = {"method": method, "path": path, "headers": dict(headers.items())}
        with self.lock:
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()

    def issue_token(self):
        token = secrets.token_urlsafe(42)
        with self.lock:
            self.tokens.add(token)
        return token

    def is_valid_token(self, token):
        with self.lock:
            return token in self.tokens


def valid_ttl(value):
    """IMDS accepts a TTL of 1 to 21600 seconds written as plain digits."""
    return value is not None and value.isdigit() and 1 <= int(value) <= 21600


def make_handler(imds):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "EC2ws"
        sys_version = ""

        def log_message(self, format, *args):
            # The request log goes to --log; stderr stays quiet for the tests.
            pass

        def answer(self, code, body, content_type="text/plain", headers=()):
            if imds.delay:
                time.sleep(imds.delay)
            data = body.encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def stream(self, size, piece):
            """A 200 whose body is `size` bytes of `piece` repeated, sent in
            chunks with no Content-Length, until done or the client leaves."""
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = (piece * (65536 // len(piece) + 1))[:65536].encode("ascii")
            left = size
            while left > 0:
                chunk = block[: min(left, len(block))]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                left -= len(chunk)
            self.wfile.write(b"0\r\n\r\n")

        def trickle(self, body):
            """A 200 with a Content-Length whose body comes byte by byte,
            the last byte 1.5 s after the others."""
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for n, byte in enumerate(body.encode("ascii")):
                if n == len(body) - 1:
                    time.sleep(1.5)
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

        def refuse(self, code, reason):
            self.answer(code, error_page(code, reason), "text/html")

        def do_PUT(self):
            imds.record("PUT", self.path, self.headers)
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if self.path != TOKEN_PATH or imds.mode == "v1":
                return self.refuse(404, "Not Found")
            # Real IMDS refuses tokens to anything that came through a proxy.
            if self.headers.get("X-Forwarded-For") is not None:
                return self.refuse(403, "Forbidden")
            ttl = self.headers.get(TTL_HEADER)
            if not valid_ttl(ttl):
                return self.refuse(400, "Missing or Invalid Parameters")
            if imds.mode == "hop-limit-1":
                # The answer's IP TTL runs out before it reaches the container.
                while True:
                    time.sleep(3600)
            if imds.mode.startswith("huge-token:"):
                return self.stream(imds.huge, "A")
            if imds.mode == "crlf-token":
                return self.answer(200, CRLF_TOKEN, headers=[(TTL_HEADER, ttl)])
            self.answer(200, imds.issue_token(), headers=[(TTL_HEADER, ttl)])

        def do_GET(self):
            imds.record("GET", self.path, self.headers)
            if self.path == TOKEN_PATH:
                return self.refuse(405, "Method Not Allowed")
            if self.path != ADDRESS_PATH:
                return self.refuse(404, "Not Found")
            token = self.headers.get(TOKEN_HEADER)
            if imds.mode != "v1" and token is not None and not imds.is_valid_token(token):
                return self.refuse(401, "Unauthorized")
            if imds.mode in ("v2-only", "hop-limit-1") and token is None:
                return self.refuse(401, "Unauthorized")
            if imds.mode == "garbage":
                return self.answer(200, GARBAGE_ADDRESS)
            if imds.mode == "html200":
                return self.answer(200, HTML_200, "text/html")
            if imds.mode.startswith("huge:"):
                return self.stream(imds.huge, "1.")
            if imds.mode == "redirect":
                location = [("Location", "http://%s/latest/meta-data/local-ipv4" % imds.address)]
                return self.answer(301, imds.address, headers=location)
            if imds.mode == "leading-zeros":
                return self.answer(200, "010.000.000.001")
            if imds.mode == "trickle":
                return self.trickle(imds.address)
            self.answer(200, imds.address)

    return Handler


class Server(ThreadingHTTPServer):
    # A request thread stuck in a slow or silent answer must not keep the
    # mock alive once the test is done with it.
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up on a slow answer is the point of some modes,
        # not an error worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def hang(listener):
    """Accepts every connection and keeps it open without a byte of answer."""
    held = []
    while True:
        conn, _ = listener.accept()
        held.append(conn)


def exit_on_stdin_eof():
    """Lets a test harness that dies without cleaning up take the mock along."""
    sys.stdin.buffer.read()
    os._exit(0)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", required=True)
    parser.add_argument("--ip", default="10.0.0.1")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--log")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args()
    plain = {
        "v1", "v2", "v2-only", "hop-limit-1", "down-after-start", "hang", "garbage", "html200",
        "crlf-token", "redirect", "leading-zeros", "trickle",
    }
    if args.mode not in plain:
        kind, _, number = args.mode.partition(":")
        try:
            {"slow": float, "huge": int, "huge-token": int}[kind](number)
        except (KeyError, ValueError):
            parser.error(f"unknown --mode {args.mode!r}")
    return args


def main():
    args = parse_args()
    if args.exit_on_stdin_eof:
        threading.Thread(target=exit_on_stdin_eof, daemon=True).start()

    if args.mode in ("down-after-start", "hang"):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((args.bind, args.port))
        print(listener.getsockname()[1], flush=True)
        if args.mode == "hang":
            listener.listen(64)
            hang(listener)
        # A bound socket that does not listen refuses every connection, like
        # an IMDS endpoint that is blocked or switched off, and it keeps the
        # port so that no other server started meanwhile can answer on it.
        while True:
            time.sleep(3600)

    imds = Imds(args.mode, args.ip, args.log)
    server = Server((args.bind, args.port), make_handler(imds))
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
