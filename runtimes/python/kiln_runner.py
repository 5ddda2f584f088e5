#!/usr/bin/env python3
"""Kiln function runner for Python.

Serves the Kiln function protocol (docs/protocol.md): HTTP/1.1 on a Unix socket, where
``POST /init`` loads a handler and every other request invokes it.

Configuration, all from the environment:

  KILN_SOCKET    socket path (default /run/kiln/fn.sock)
  KILN_HANDLER   ``module.function`` to load at start-up instead of waiting for /init
  KILN_CODE_DIR  code directory when none is given (default /opt/kiln/function)
  KILN_MAX_BODY  largest request body in bytes (default 6 MiB)
  KILN_PRELOAD   modules a stem cell imports before it listens, comma-separated

Standard library only; runs on Python 3.11 and later.

A cold start waits for this file, so it imports only built-in modules up front (``_socket``,
``_thread``, ``_signal``): the standard library's http.server, asyncio and json would take longer
to import than the interpreter takes to start. It parses HTTP itself, and imports json,
traceback and asyncio when a request first needs them, or at once in a stem cell, which has
time to spare before its /init.
"""

import _signal
import _socket
import _thread
import os
import sys

DEFAULT_SOCKET = "/run/kiln/fn.sock"
DEFAULT_CODE_DIR = "/opt/kiln/function"
DEFAULT_HANDLER = "handler.handle"
DEFAULT_MAX_BODY = 6 * 1024 * 1024
# Imported by a stem cell before it listens (KILN_PRELOAD overrides): standard library modules
# many handlers import, whose import would otherwise add to the cold start of each.
DEFAULT_PRELOAD = "base64,collections,datetime,hashlib,logging,re,traceback,typing,urllib.parse,uuid"
MAX_HEAD = 64 * 1024
RECV_SIZE = 64 * 1024

INVOCATION_ID_HEADER = "x-kiln-invocation-id"
DEADLINE_HEADER = "x-kiln-deadline"

# Framing headers belong to the runner: a function's own values would contradict the body sent.
FRAMING_HEADERS = {"content-length", "transfer-encoding", "connection", "keep-alive"}
RESPONSE_KEYS = {"status", "headers", "body"}
TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
REASONS = {
    100: "Continue", 200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information",
    204: "No Content", 205: "Reset Content", 206: "Partial Content", 300: "Multiple Choices",
    301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
    307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request",
    401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict",
    410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large",
    414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
    417: "Expectation Failed", 418: "I'm a Teapot", 421: "Misdirected Request",
    422: "Unprocessable Content", 425: "Too Early", 426: "Upgrade Required",
    428: "Precondition Required", 429: "Too Many Requests",
    431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
}

_json = None


def json():
    """The json module, imported on first use."""
    global _json
    if _json is None:
        import json as module

        _json = module
    return _json


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
        return json().loads(self.body) if self.body else None

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
        self._lock = _thread.allocate_lock()

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
                spec = json().loads(body or b"null")
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
        __import__(module_name)
        module = sys.modules[module_name]
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
    body = json().dumps(value).encode("utf-8")
    return status, [("Content-Type", "application/json"), *extra_headers], body


def format_exception(error):
    import traceback

    return "".join(traceback.format_exception(error))


def function_error(error):
    return json_reply(
        500,
        {"error": "%s: %s" % (type(error).__name__, error), "stack": format_exception(error)},
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
    return "application/json", json().dumps(body).encode("utf-8")


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


def invoke(handler, request):
    try:
        result = handler(request)
        if hasattr(result, "__await__"):
            import asyncio

            result = asyncio.run(_await(result))
        return to_reply(result)
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        # Any exception, SystemExit included: one invocation must not take the runner down.
        log("invocation %s failed: %s" % (request.invocation_id or "-", format_exception(e)))
        return function_error(e)


async def _await(awaitable):
    return await awaitable


def too_large(max_body):
    return "request body exceeds the limit of %d bytes (KILN_MAX_BODY)" % max_body


class Connection:
    """One client connection: buffered reads of request heads and bodies, and the responses."""

    def __init__(self, sock, function, max_body):
        self.sock = sock
        self.function = function
        self.max_body = max_body
        self.buffer = bytearray()
        self.eof = False

    def fill(self):
        """Reads more bytes into the buffer; False at the end of the stream."""
        if self.eof:
            return False
        data = self.sock.recv(RECV_SIZE)
        if not data:
            self.eof = True
            return False
        self.buffer += data
        return True

    def read_line(self, limit, status, what):
        """One line with its end; b"" at the end of the stream; HttpError past limit bytes."""
        start = 0
        while True:
            end = self.buffer.find(b"\n", start)
            if end >= 0:
                if end + 1 > limit:
                    raise HttpError(status, what + " is longer than %d bytes" % limit)
                line = bytes(self.buffer[: end + 1])
                del self.buffer[: end + 1]
                return line
            if len(self.buffer) > limit:
                raise HttpError(status, what + " is longer than %d bytes" % limit)
            start = len(self.buffer)
            if not self.fill():
                if self.buffer:
                    raise EOFError("connection closed within a line")
                return b""

    def read_exactly(self, size):
        while len(self.buffer) < size:
            if not self.fill():
                raise EOFError("connection closed within the request body")
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def read_head(self):
        """(method, target, version, headers as [(lowercased name, value)]), or None at EOF."""
        line = self.read_line(MAX_HEAD, 431, "the request line")
        # RFC 9112 2.2: empty lines before the request line are ignored.
        while line in (b"\r\n", b"\n"):
            line = self.read_line(MAX_HEAD, 431, "the request line")
        if not line:
            return None
        parts = line.rstrip(b"\r\n").split(b" ")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            raise HttpError(400, "malformed request line")
        try:
            method, target, version = (p.decode("ascii") for p in parts)
        except UnicodeDecodeError:
            raise HttpError(400, "malformed request line")
        if not set(method) <= TOKEN_CHARS:
            raise HttpError(400, "malformed request line")
        if not version.startswith("HTTP/") or len(version) != 8 or version[6] != ".":
            raise HttpError(400, "malformed request line")
        if not (version[5].isdigit() and version[7].isdigit()):
            raise HttpError(400, "malformed request line")
        if version[5] != "1":
            raise HttpError(505, "HTTP version %s is not supported" % version[5:])
        headers = []
        size = len(line)
        while True:
            line = self.read_line(MAX_HEAD - size, 431, "the request head")
            if not line:
                raise EOFError("connection closed within the request head")
            size += len(line)
            if line in (b"\r\n", b"\n"):
                return method, target, version, headers
            if line[:1] in (b" ", b"\t"):
                raise HttpError(400, "obsolete line folding in a header field")
            name, colon, value = line.partition(b":")
            if not colon:
                raise HttpError(400, "malformed header field")
            try:
                name = name.decode("ascii")
            except UnicodeDecodeError:
                raise HttpError(400, "malformed header field name")
            if not name or not set(name) <= TOKEN_CHARS:
                raise HttpError(400, "malformed header field name")
            headers.append((name.lower(), value.strip(b" \t\r\n").decode("latin-1")))

    def read_body(self, fields):
        max_body = self.max_body
        transfer_encoding = [v for n, v in fields if n == "transfer-encoding"]
        content_length = [v for n, v in fields if n == "content-length"]
        if transfer_encoding:
            # Both framings in one request is the classic smuggling vector (RFC 9112 6.1).
            if content_length:
                raise HttpError(400, "both Transfer-Encoding and Content-Length are present")
            value = ", ".join(transfer_encoding)
            if value.strip().lower() != "chunked":
                raise HttpError(501, "unsupported Transfer-Encoding: " + value)
            return self.read_chunked(max_body)
        if not content_length:
            return b""
        if len(set(content_length)) != 1 or not content_length[0].isdigit():
            raise HttpError(400, "malformed Content-Length")
        length = int(content_length[0])
        if length > max_body:
            raise HttpError(413, too_large(max_body))
        return self.read_exactly(length)

    def read_chunked(self, max_body):
        chunks, size_so_far = [], 0
        while True:
            line = self.read_line(1024, 400, "a chunk size line")
            if not line:
                raise EOFError("connection closed within a chunk size")
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise HttpError(400, "malformed chunk size")
            if size < 0:
                raise HttpError(400, "malformed chunk size")
            if size == 0:
                # Trailer fields keep the framing but are not passed on.
                while self.read_line(MAX_HEAD, 431, "a trailer field") not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            size_so_far += size
            if size_so_far > max_body:
                raise HttpError(413, too_large(max_body))
            chunks.append(self.read_exactly(size))
            if self.read_line(2, 400, "chunk data") not in (b"\r\n", b"\n"):
                raise HttpError(400, "chunk data longer than its size")

    def send(self, status, headers, body, head_only=False, close=False):
        lines = ["HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, "Unknown"))]
        for name, value in headers:
            if name.lower() not in FRAMING_HEADERS:
                lines.append("%s: %s\r\n" % (name, value))
        # RFC 9110 8.6: no Content-Length in a 204, and none needed after a 304.
        bodiless = status in (204, 304)
        if not bodiless:
            lines.append("Content-Length: %d\r\n" % len(body))
        if close:
            lines.append("Connection: close\r\n")
        lines.append("\r\n")
        data = "".join(lines).encode("latin-1")
        if not head_only and not bodiless:
            data += body
        self.sock.sendall(data)

    def send_error(self, status, message):
        body = ('{"error": "%s"}' % json_string(message)).encode("utf-8")
        try:
            self.send(status, [("Content-Type", "application/json")], body, close=True)
        except OSError:
            pass

    def serve(self):
        """Answers the requests of this connection in order until either side closes it."""
        try:
            while True:
                try:
                    head = self.read_head()
                    if head is None:
                        return
                    method, target, version, fields = head
                    headers = {}
                    for name, value in fields:
                        headers[name] = headers[name] + ", " + value if name in headers else value
                    connection = headers.get("connection", "").lower()
                    if version == "HTTP/1.0":
                        close = "keep-alive" not in connection
                    else:
                        close = "close" in connection
                    if headers.get("expect", "").lower() == "100-continue":
                        self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                    body = self.read_body(fields)
                except HttpError as e:
                    self.send_error(e.status, e.message)
                    return
                except (EOFError, OSError):
                    return
                reply = self.dispatch(method, target, headers, body)
                self.send(*reply, head_only=method == "HEAD", close=close)
                if close:
                    return
        except OSError:
            return
        finally:
            try:
                self.sock.close()
            except OSError:
                pass

    def dispatch(self, method, target, headers, body):
        path, _, query = target.partition("?")
        function = self.function
        if method == "POST" and path == "/init":
            return function.init(body)
        if function.handler is None:
            return json_reply(
                503,
                {
                    "error": "not initialised",
                    "message": "no handler is loaded: POST /init first, "
                    "or start the runner with KILN_HANDLER",
                },
            )
        return invoke(function.handler, Request(method, path, query, headers, body))


def json_string(text):
    """text as the inside of a JSON string, without the json module."""
    out = []
    for c in text:
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif c < " ":
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    return "".join(out)


def max_body_from_env():
    value = os.environ.get("KILN_MAX_BODY", "").strip()
    if not value:
        return DEFAULT_MAX_BODY
    if not value.isdigit() or int(value) <= 0:
        log("KILN_MAX_BODY must be a positive number of bytes, got '%s'" % value)
        sys.exit(2)
    return int(value)


def listen(socket_path):
    parent = os.path.dirname(socket_path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    # A socket file left by an earlier runner would make bind fail with "Address already in use".
    if os.path.lexists(socket_path) and not os.path.isdir(socket_path):
        os.unlink(socket_path)
    server = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(128)
    return server


def serve_connection(conn, function, max_body):
    Connection(conn, function, max_body).serve()


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
                sys.stderr.write(format_exception(e.function_error))
            sys.exit(1)
    else:
        # A stem cell: its /init is on a cold start's path, its own start is not, so it imports
        # what functions commonly import before it is needed.
        json()
        for name in (os.environ.get("KILN_PRELOAD") or DEFAULT_PRELOAD).split(","):
            name = name.strip()
            if name:
                try:
                    __import__(name)
                except Exception as e:
                    log("cannot preload module %s: %s" % (name, e))

    server = listen(socket_path)

    def stop(signum, frame):
        raise SystemExit(0)

    _signal.signal(_signal.SIGTERM, stop)
    print("kiln-runner ready " + socket_path, flush=True)
    try:
        while True:
            fd, _ = server._accept()
            _thread.start_new_thread(
                serve_connection, (_socket.socket(fileno=fd), function, max_body)
            )
    finally:
        server.close()
        try:
            os.unlink(socket_path)
        except OSError:
            pass


if __name__ == "__main__":
    main()
