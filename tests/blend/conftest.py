"""Fixtures of the Blend client tests: the documented example payloads, and a canned HTTP server on
127.0.0.1 that answers with whatever a test sets, for replies the sandbox never sends."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

EXAMPLES_FILE = Path(__file__).with_name("blend_examples.json")


@pytest.fixture(scope="session")
def examples() -> dict[str, Any]:
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


class CannedServer:
    """A real HTTP server whose replies are set per (method, path); it records every request it gets."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[tuple[int, Any, dict[str, str]]]] = {}
        self.requests: list[dict[str, Any]] = []
        canned = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                canned.requests.append({"method": self.command, "path": self.path,
                                        "authorization": self.headers.get("Authorization"),
                                        "body": json.loads(raw) if raw else None})
                replies = canned.routes.get((self.command, self.path.split("?")[0])) or \
                    canned.routes.get((self.command, self.path))
                if not replies:
                    status, body, headers = 404, {"detail": f"no canned reply for {self.command} {self.path}"}, {}
                else:
                    status, body, headers = replies[0] if len(replies) == 1 else replies.pop(0)
                headers = dict(headers)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def reply(self, method: str, path: str, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        """Respond to every ``method path`` request with this reply."""
        self.routes[(method, "/api/v1" + path)] = [(status, body, dict(headers or {}))]

    def replies(self, method: str, path: str, *replies: tuple[int, Any]) -> None:
        """Respond to successive requests with these replies in order; the last one then repeats."""
        self.routes[(method, "/api/v1" + path)] = [(status, body, {}) for status, body in replies]

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if r["method"] == method and r["path"].split("?")[0] == "/api/v1" + path)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def canned(examples):
    """A canned server that already answers sign-in with the documented login example."""
    server = CannedServer()
    server.reply("POST", "/auth/login", 200, examples["login"])
    server.reply("POST", "/auth/refresh", 200, examples["refresh"])
    yield server
    server.stop()
