"""A guard in front of the SPARQL endpoint: what a query may ask of the host.

``kg serve`` does not expose Oxigraph's server directly. Oxigraph runs on a private loopback
port with a query timeout; the public address is a small proxy (the standard library's
threading HTTP server) that checks every query before the engine sees it:

* at most :data:`MAX_QUERY_BYTES` bytes (413 otherwise);
* at most :data:`MAX_NESTING` levels of ``{ ( [`` (400 otherwise) — a 10 KB query of nested
  braces would overflow the engine's stack and abort the server;
* no ``SERVICE`` (403): federation is off, so no client can make the server fetch a URL;
* only the query URL (``/query``) with GET or POST, and only a query: an update, or a request
  for the engine's store or update URLs, never reaches the engine (which is writable when it
  holds the graph in memory).

The proxy restarts the engine if it ever exits, and answers 503 while it comes back.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: Largest query accepted (bytes of the SPARQL text).
MAX_QUERY_BYTES = 64 * 1024
#: Deepest nesting of braces, parentheses and brackets accepted.
MAX_NESTING = 64
#: Seconds a query may run in the engine before it is stopped.
DEFAULT_TIMEOUT_S = 30

_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def query_problem(query: str) -> tuple[int, str] | None:
    """(HTTP status, reason) when ``query`` may not run, else None.

    >>> query_problem("SELECT * WHERE { SERVICE <http://x> { ?s ?p ?o } }")[0]
    403
    >>> query_problem("SELECT * WHERE " + "{" * 100 + "}" * 100)[0]
    400
    >>> query_problem('SELECT * WHERE { ?s ?p "SERVICE {{{" }') is None
    True
    """
    size = len(query.encode("utf-8"))
    if size > MAX_QUERY_BYTES:
        return 413, f"query of {size} bytes is too large (at most {MAX_QUERY_BYTES})"
    bare = _SKIP.sub(" ", query)  # strings, IRIs and comments cannot nest or federate
    depth = deepest = 0
    for ch in bare:
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]":
            depth -= 1
    if deepest > MAX_NESTING:
        return 400, f"query nested {deepest} levels deep (at most {MAX_NESTING})"
    if _SERVICE.search(bare):
        return 403, "SERVICE is not allowed: federation is off on this endpoint"
    return None


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Engine:
    """The Oxigraph server process behind the guard, restarted if it exits."""

    def __init__(
        self, command: Callable[[str], list[str]], prepare: Callable[[str], None] | None = None
    ) -> None:
        self._command = command
        self._prepare = prepare
        self._lock = threading.Lock()
        self.bind = f"127.0.0.1:{free_port()}"
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def ensure(self) -> bool:
        """Start the engine if it is not running, and prepare it (an in-memory engine is loaded
        with the graph, on every start); True when it answers. A running engine is not probed
        again: a request costs no extra connection."""
        with self._lock:
            if self.process is not None and self.process.poll() is None:
                return True
            if self.process is not None:
                self.restarts += 1
            self.process = subprocess.Popen(
                self._command(self.bind), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            ready = self.wait_ready()
            if ready and self._prepare is not None:
                self._prepare(self.bind)
            return ready

    def wait_ready(self, seconds: float = 20) -> bool:
        deadline = time.monotonic() + seconds
        host, port = self.bind.split(":")
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host, int(port)), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _query_of(method: str, path: str, body: bytes, content_type: str) -> str | None:
    parsed = urllib.parse.urlsplit(path)
    if method == "GET":
        return urllib.parse.parse_qs(parsed.query).get("query", [None])[0]
    if content_type.startswith("application/sparql-query"):
        return body.decode("utf-8", "replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("query", [None])[0]
    return None


def handler_for(engine: Engine, timeout_s: int) -> type[BaseHTTPRequestHandler]:
    """The request handler class that checks queries and forwards them to ``engine``."""

    class Guard(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
            pass  # quiet: the endpoint is for queries, not a web server's access log

        def _answer(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type + "; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            if urllib.parse.urlsplit(self.path).path != "/query":
                self._answer(404, b"only /query is served here\n")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_QUERY_BYTES * 4:
                self._answer(413, b"request body too large\n")
                return
            body = self.rfile.read(length) if length else b""
            ctype = self.headers.get("Content-Type", "")
            query = _query_of(self.command, self.path, body, ctype)
            if query is None:
                self._answer(400, b"no SPARQL query in the request\n")
                return
            problem = query_problem(query)
            if problem is not None:
                self._answer(problem[0], (problem[1] + "\n").encode())
                return
            if not engine.ensure():
                self._answer(503, b"the query engine is restarting; try again\n")
                return
            url = f"http://{engine.bind}{self.path}"
            request = urllib.request.Request(url, data=body or None, method=self.command)
            for header in ("Content-Type", "Accept"):
                if self.headers.get(header):
                    request.add_header(header, self.headers[header])
            try:
                with urllib.request.urlopen(request, timeout=timeout_s + 5) as reply:
                    data, status = reply.read(), reply.status
                    kind = reply.headers.get("Content-Type", "application/octet-stream")
            except urllib.error.HTTPError as err:
                data, status = err.read(), err.code
                kind = err.headers.get("Content-Type", "text/plain")
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                engine.ensure()
                self._answer(503, b"the query engine did not answer; it was restarted\n")
                return
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _handle
        do_POST = _handle

    return Guard


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds serve_forever, so the engine is stopped on the way out


def serve_guarded(
    command: Callable[[str], list[str]],
    bind: str,
    timeout_s: int = DEFAULT_TIMEOUT_S,
    prepare: Callable[[str], None] | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Start the engine (``prepare`` called with its address once it answers, on every start)
    and serve the guard on ``bind`` (``host:port``) until interrupted: Ctrl-C, or SIGTERM or
    SIGHUP (a service manager's stop, a closed terminal), each of which stops the engine too.
    ``ready`` is called once both answer."""
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _interrupt)
    engine = Engine(command, prepare)
    host, port = bind.rsplit(":", 1)
    try:  # the public address first: a busy port is reported before the graph is loaded
        server = ThreadingHTTPServer((host, int(port)), handler_for(engine, timeout_s))
    except OSError as err:
        raise OSError(f"{bind}: cannot listen there ({err.strerror or err})") from None
    server.daemon_threads = True
    try:
        if not engine.ensure():
            raise OSError("the Oxigraph server did not start")
        if ready is not None:
            ready()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        engine.stop()
