"""``SandboxServer``: the sandbox API served by uvicorn in a daemon thread, for tests, demo mode and the CLI."""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import uvicorn

from station.sandbox.app import create_app
from station.sandbox.db import SandboxStore, utc_now
from station.sandbox.faults import FaultMiddleware, FaultSpec, install_drop_log_filter
from station.sandbox.seed import seed_database
from station.sandbox.tokens import TokenIssuer
from station.sandbox.users import upsert_user

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0  # seconds; generous because two shared CPU cores may be busy


class SandboxServer:
    """A local stand-in for the Blend API on ``host``:``port`` (0 picks a free port), backed by ``db_path``.

    A new database file is seeded with the demo data (``seed=True``); a reused one keeps its data.
    ``users`` adds or updates sign-in accounts as (e-mail, password) pairs. ``access_ttl`` and
    ``refresh_ttl`` are token lifetimes in seconds. ``fault_seed`` makes the drawn faults reproducible.
    ``listen_socket``, from ``bind_listen_socket``, lets a caller find a taken port before the database
    file is created or seeded. The server then serves on it, in place of host and port, and closes it in
    ``stop()``.
    """

    def __init__(self, db_path: Path, *, host: str = "127.0.0.1", port: int = 0,
                 users: Sequence[tuple[str, str]] = (), access_ttl: float = 3600,
                 refresh_ttl: float = 7 * 86400, faults: FaultSpec | str | None = None,
                 seed: bool = True, fault_seed: int | None = None,
                 listen_socket: socket.socket | None = None):
        self.db_path = Path(db_path)
        self.host = host
        self.port = port
        self._socket: socket.socket | None = listen_socket
        if listen_socket is not None:
            self.port = listen_socket.getsockname()[1]
        self.store = SandboxStore(self.db_path)
        if seed and self.store.is_empty():
            with self.store.write() as conn:
                seed_database(conn, utc_now())
            log.info("Sandbox database %s seeded with demo data", self.db_path)
        if users:
            with self.store.write() as conn:
                for email, password in users:
                    upsert_user(conn, email, password)
        secret = self.store.get_meta("token_secret")
        if secret is None:  # kept in the file, so that tokens stay valid when the sandbox restarts
            secret = secrets.token_hex(32)
            self.store.set_meta("token_secret", secret)
        self.tokens = TokenIssuer(bytes.fromhex(secret), access_ttl=access_ttl, refresh_ttl=refresh_ttl)
        self._faults = FaultMiddleware(create_app(self.store, self.tokens), FaultSpec.coerce(faults), fault_seed)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The API root such as ``http://127.0.0.1:54321``; the port is known only after ``start()``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def faults(self) -> FaultSpec:
        return self._faults.spec

    def set_faults(self, faults: FaultSpec | str | None) -> None:
        """Replace the fault spec; it applies to every request that arrives afterwards."""
        self._faults.spec = FaultSpec.coerce(faults)
        log.info("Sandbox faults set to %s", self._faults.spec)

    def start(self) -> SandboxServer:
        """Bind the port, start serving in a daemon thread and return once connections are accepted."""
        if self._thread is not None:
            raise RuntimeError("the sandbox server is already running")
        install_drop_log_filter()
        if self._socket is None:
            self._socket = bind_listen_socket(self.host, self.port)
            self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(self._faults, http="h11", ws="none", lifespan="off", log_level="warning",
                                access_log=False, timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()

        self._wait_until_started()
        log.info("Sandbox serving %s from %s (faults: %s)", self.url, self.db_path, self._faults.spec)
        return self

    def _wait_until_started(self) -> None:
        assert self._server is not None and self._thread is not None
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive():
                self.stop()
                raise RuntimeError(f"the sandbox server on {self.url} stopped during start-up; see the log")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox server on {self.url} did not start within {START_TIMEOUT:g} s")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and wait for the thread to end (idempotent)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive():
                log.warning("Sandbox server thread on %s did not stop within 10 s", self.url)
            else:
                log.info("Sandbox on %s stopped", self.url)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def wait(self) -> None:
        """Block until the server thread ends (the CLI runs this until Ctrl+C)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def get_lot_quantity(self, lot_id: str) -> int:
        """Read a lot's current quantity straight from SQLite (tests should prefer the HTTP API)."""
        with self.store.read() as conn:
            row = conn.execute("SELECT current_quantity FROM lots WHERE id = ?", (lot_id,)).fetchone()
        if row is None:
            raise KeyError(f"lot {lot_id} is not in {self.db_path}")
        return int(row[0])

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def bind_listen_socket(host: str, port: int) -> socket.socket:
    """Bind and listen on host:port, so that port 0 gives a known free port before uvicorn runs.

    Raises OSError when the port is taken or the address is not valid.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY only on sockets that name it, and without
    # it every response waits about 40 ms for the peer's delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock
