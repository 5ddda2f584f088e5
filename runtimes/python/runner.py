#!/usr/bin/env python3
"""Kiln function runner for Python.

Serves the Kiln function protocol (docs/protocol.md): HTTP/1.1 on a Unix socket, where
``POST /init`` loads a handler and every other request invokes it.

Configuration, all from the environment:

  KILN_SOCKET    socket path (default /run/kiln/fn.sock)
  KILN_HANDLER   ``module.function`` to load at start-up instead of waiting for /init
  KILN_CODE_DIR  code directory when none is given (default /opt/kiln/function)
  KILN_MAX_BODY  largest request body in bytes (default 6 MiB)

Standard library only; runs on Python 3.11 and later.
"""

import asyncio
import http
import http.server
import importlib
import inspect
import json
import os
import signal
import socketserver
import sys
import threading
import traceback

DEFAULT_SOCKET = "/run/kiln/fn.sock"
DEFAULT_CODE_DIR = "/opt/kiln/function"
DEFAULT_HANDLER = "handler.handle"
DEFAULT_MAX_BODY = 6 * 1024 * 1024

INVOCATION_ID_HEADER = "x-kiln-invocation-id"
DEADLINE_HEADER = "x-kiln-deadline"

# Framing headers belong to the runner: a function's own values would contradict the body sent.
FRAMING_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive"}
RESPONSE_KEYS = {"status", "headers", "body"}
TOKEN_CHARS = set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def log(message):
    sys.stderr.write("kiln-runner: " + message + "\n")
    sys.stderr.flush()


class Request:
    """One invocation as the function sees it.

    headers is a dict with lowercased names; repeated headers are joined with ", ".
    query is the raw query string without "?"; body is bytes.
    """

    __slots__ = ("method", "path", "query", "headers", "body", "invocation_id", "deadline")

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.invocation_id = headers.get(INVOCATION_ID_HEADER)
        try:
            self.deadline = int(headers[DEADLINE_HEADER])
        except (KeyError, ValueError):
            self.deadline = None

    def text(self, encoding="utf-8"):
        """The body decoded as text."""
        return self.body.decode(encoding)

    def json(self):
        """The body parsed as JSON; None when the body is empty."""
        return json.loads(self.body) if self.body else None

    def __repr__(self):
        return "Request(%s %s, %d body bytes)" % (self.method, self.path, len(self.body))


class InitError(Exception):
    """Specialising failed; status is what /init answers with."""

    def __init__(self, status, message, function_error=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.function_error = function_error


class HttpError(Exception):
    """A request that cannot be read; answered with status and the connection closed."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Function:
    """The handler this runner is specialised with, if any."""

    def __init__(self, default_code_dir):
        self.default_code_dir = default_code_dir
        self.handler = None
        self.name = None
        self._lock = threading.Lock()

    def specialise(self, handler_name, code_dir, env):
        # One lock, so two racing /init requests cannot both load a handler.
        with self._lock:
            if self.handler is not None:
                raise InitError(409, "already initialised with handler " + self.name)
            # Applied before loading: module-level code of the function may read variables.
            os.environ.update(env)
            self.handler = load_handler(handler_name, code_dir)
            self.name = handler_name

    def init(self, body):
        try:
            try:
                spec = json.loads(body or b"null")
            except ValueError as e:
                raise InitError(400, "init body is not valid JSON: %s" % e)
            if not isinstance(spec, dict):
                raise InitError(400, "init body must be a JSON object")
            handler = spec.get("handler") or DEFAULT_HANDLER
            code_dir = spec.get("codeDir") or self.default_code_dir
            env = spec.get("env") or {}
            if not isinstance(handler, str) or not isinstance(code_dir, str):
                raise InitError(400, '"handler" and "codeDir" must be strings')
            if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
                raise InitError(400, '"env" must be an object of strings')
            self.specialise(handler.strip(), code_dir, env)
            return json_reply(200, {"ok": True})
        except InitError as e:
            log("init failed: " + e.message)
            if e.function_error is not None:
                return function_error(e.function_error)
            return json_reply(e.status, {"error": e.message})


def load_handler(name, code_dir):
    module_name, _, function_name = name.rpartition(".")
    if not module_name or not function_name:
        raise InitError(422, "handler must be module.function, e.g. handler.handle; got '%s'" % name)
    if not os.path.isdir(code_dir):
        raise InitError(422, "code directory %s does not exist" % code_dir)
    # codeDir first, then its vendor/ directory of bundled dependencies.
    for path in (os.path.join(code_dir, "vendor"), code_dir):
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (module_name == e.name or module_name.startswith(e.name + ".")):
            raise InitError(422, "handler module '%s' not found in %s" % (module_name, code_dir))
        raise InitError(500, "importing module '%s' failed: %s" % (module_name, e), e)
    except (Exception, SystemExit) as e:
        raise InitError(500, "importing module '%s' failed: %s" % (module_name, e), e)
    function = getattr(module, function_name, None)
    if function is None:
        raise InitError(422, "module '%s' has no function '%s'" % (module_name, function_name))
    if not callable(function):
        raise InitError(422, "'%s' in module '%s' is not callable" % (function_name, module_name))
    return function


def json_reply(status, value, extra_headers=()):
    body = json.dumps(value).encode("utf-8")
    return status, [("Content-Type", "application/json"), *extra_headers], body


def function_error(error):
    stack = "".join(traceback.format_exception(error))
    return json_reply(
        500,
        {"error": "%s: %s" % (type(error).__name__, error), "stack": stack},
        [("X-Kiln-Error", "function")],
    )


def to_reply(result):
    """Turns what a handler returned into (status, headers, body); see docs/protocol.md."""
    if result is None:
        return 204, [], b""
    if isinstance(result, dict) and is_response(result):
        status = result["status"]
        if not 200 <= status <= 599:
            raise ValueError("response status must be 200 to 599, got %d" % status)
        headers = header_list(result.get("headers") or {})
        content_type, body = encode_body(result.get("body"))
    else:
        status, headers = 200, []
        content_type, body = encode_body(result)
    if content_type and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", content_type))
    return status, headers, body


def is_response(value):
    status = value.get("status")
    return (
        isinstance(status, int)
        and not isinstance(status, bool)
        and set(value) <= RESPONSE_KEYS
    )


def encode_body(body):
    """(default content type, bytes) of a body value."""
    if body is None:
        return None, b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return "application/octet-stream", bytes(body)
    if isinstance(body, str):
        return "text/plain; charset=utf-8", body.encode("utf-8")
    return "application/json", json.dumps(body).encode("utf-8")


def header_list(headers):
    if not isinstance(headers, dict):
        raise TypeError("response headers must be a dict, got %s" % type(headers).__name__)
    result = []
    for name, value in headers.items():
        if not name or not set(name) <= TOKEN_CHARS:
            raise ValueError("invalid header name %r" % name)
        for v in value if isinstance(value, (list, tuple)) else [value]:
            v = str(v)
            # CR or LF in a value would let a function forge headers (response splitting).
            if "\r" in v or "\n" in v:
                raise ValueError("header %r must not contain CR or LF" % name)
            result.append((name, v))
    return result


class ConnectionHandler(http.server.BaseHTTPRequestHandler):
    """Serves the requests of one keep-alive connection."""

    protocol_version = "HTTP/1.1"
    server_version = "kiln-python"
    sys_version = ""

    def __getattr__(self, name):
        # BaseHTTPRequestHandler dispatches to do_<METHOD>; every method is an invocation.
        if name.startswith("do_"):
            return self.serve
        raise AttributeError(name)

    def parse_request(self):
        if not super().parse_request():
            return False
        if not self.request_version.startswith("HTTP/1."):
            self.send_error(400, "malformed request line")
            return False
        return True

    def send_error(self, code, message=None, explain=None):
        # The base class answers malformed request lines without a status line (it thinks the
        # client speaks HTTP/0.9) and with HTML; Kiln answers with a status line and JSON.
        body = json.dumps({"error": message or http.HTTPStatus(code).phrase}).encode("utf-8")
        self.close_connection = True
        head = (
            "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" % (code, http.HTTPStatus(code).phrase, len(body))
        )
        try:
            self.wfile.write(head.encode("latin-1") + body)
        except OSError:
            pass

    def log_message(self, format, *args):
        # Access logs would flood the function's stderr; failures are logged where they happen.
        pass

    def serve(self):
        try:
            body = self.read_body()
        except HttpError as e:
            self.send_error(e.status, e.message)
            return
        except (EOFError, OSError):
            self.close_connection = True
            return
        path, _, query = self.path.partition("?")
        function = self.server.function
        if self.command == "POST" and path == "/init":
            reply = function.init(body)
        elif function.handler is None:
            reply = json_reply(
                503,
                {
                    "error": "not initialised",
                    "message": "no handler is loaded: POST /init first, "
                    "or start the runner with KILN_HANDLER",
                },
            )
        else:
            headers = {}
            for name, value in self.headers.items():
                name = name.lower()
                headers[name] = headers[name] + ", " + value if name in headers else value
            reply = invoke(function.handler, Request(self.command, path, query, headers, body))
        self.respond(*reply)

    def read_body(self):
        max_body = self.server.max_body
        transfer_encoding = self.headers.get("Transfer-Encoding")
        content_length = self.headers.get_all("Content-Length")
        if transfer_encoding is not None:
            # Both framings in one request is the classic smuggling vector (RFC 9112 6.1).
            if content_length:
                raise HttpError(400, "both Transfer-Encoding and Content-Length are present")
            if transfer_encoding.strip().lower() != "chunked":
                raise HttpError(501, "unsupported Transfer-Encoding: " + transfer_encoding)
            return self.read_chunked(max_body)
        if not content_length:
            return b""
        if len(set(content_length)) != 1 or not content_length[0].strip().isdigit():
            raise HttpError(400, "malformed Content-Length")
        length = int(content_length[0])
        if length > max_body:
            raise HttpError(413, too_large(max_body))
        body = self.rfile.read(length)
        if len(body) < length:
            raise EOFError("connection closed within the request body")
        return body

    def read_chunked(self, max_body):
        chunks, size_so_far = [], 0
        while True:
            line = self.rfile.readline(1024)
            if not line.endswith(b"\n"):
                raise EOFError("connection closed within a chunk size")
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise HttpError(400, "malformed chunk size")
            if size < 0:
                raise HttpError(400, "malformed chunk size")
            if size == 0:
                # Trailer fields keep the framing but are not passed on.
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            size_so_far += size
            if size_so_far > max_body:
                raise HttpError(413, too_large(max_body))
            chunk = self.rfile.read(size)
            if len(chunk) < size:
                raise EOFError("connection closed within a chunk")
            chunks.append(chunk)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise HttpError(400, "chunk data longer than its size")

    def respond(self, status, headers, body):
        self.send_response_only(status)
        for name, value in headers:
            if name.lower() not in FRAMING_HEADERS:
                self.send_header(name, value)
        # RFC 9110 8.6: no Content-Length in a 204, and none needed after a 304.
        bodiless = status in (204, 304)
        if not bodiless:
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and not bodiless:
            self.wfile.write(body)


def invoke(handler, request):
    try:
        result = handler(request)
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        return to_reply(result)
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        # Any exception, SystemExit included: one invocation must not take the runner down.
        log(
            "invocation %s failed: %s"
            % (request.invocation_id or "-", "".join(traceback.format_exception(e)))
        )
        return function_error(e)


async def _await(awaitable):
    return await awaitable


def too_large(max_body):
    return "request body exceeds the limit of %d bytes (KILN_MAX_BODY)" % max_body


class Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    block_on_close = False


def max_body_from_env():
    value = os.environ.get("KILN_MAX_BODY", "").strip()
    if not value:
        return DEFAULT_MAX_BODY
    if not value.isdigit() or int(value) <= 0:
        log("KILN_MAX_BODY must be a positive number of bytes, got '%s'" % value)
        sys.exit(2)
    return int(value)


def main():
    socket_path = os.environ.get("KILN_SOCKET") or DEFAULT_SOCKET
    code_dir = os.environ.get("KILN_CODE_DIR") or DEFAULT_CODE_DIR
    function = Function(code_dir)
    max_body = max_body_from_env()
    handler = os.environ.get("KILN_HANDLER", "").strip()
    if handler:
        try:
            function.specialise(handler, code_dir, {})
        except InitError as e:
            log("cannot load handler from KILN_HANDLER: " + e.message)
            if e.function_error is not None:
                traceback.print_exception(e.function_error)
            sys.exit(1)

    parent = os.path.dirname(socket_path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    # A socket file left by an earlier runner would make bind fail with "Address already in use".
    if os.path.lexists(socket_path) and not os.path.isdir(socket_path):
        os.unlink(socket_path)
    server = Server(socket_path, ConnectionHandler)
    server.function = function
    server.max_body = max_body

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print("kiln-runner ready " + socket_path, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        try:
            os.unlink(socket_path)
        except OSError:
            pass


if __name__ == "__main__":
    main()
