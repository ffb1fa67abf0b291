"""Start the window: connect to Blend or the demo sandbox, sign in, install the scanner filter, run."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from station import APP_ID, APP_NAME, __version__
from station.commands.common import (
    API_URL_ENV,
    EMAIL_ENV,
    PASSWORD_ENV,
    CommandError,
    check_api_url,
    resolve_data_dir,
)
from station.logsetup import setup_logging

if TYPE_CHECKING:
    from station.blend.client import BlendClient
    from station.sandbox.server import SandboxServer

log = logging.getLogger(__name__)


@dataclass
class Connection:
    client: BlendClient
    data_dir: Path
    label: str
    demo: bool
    sandbox: SandboxServer | None = None
    keychain_ok: bool = True


def start_demo(data_dir: Path) -> Connection:
    """Start the sandbox in-process on a free loopback port with its own data folder, and sign in."""
    from station.blend.client import BlendClient
    from station.sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD
    from station.sandbox.server import SandboxServer

    demo_dir = data_dir / "demo"
    reset_stale_demo(demo_dir)
    server = SandboxServer(db_path=demo_dir / "sandbox.sqlite3", port=0)
    server.start()
    client = BlendClient(server.url)
    client.login(DEMO_EMAIL, DEMO_PASSWORD)
    log.info("demo sandbox at %s", server.url)
    return Connection(client, demo_dir, "DEMO sandbox", True, server)


def reset_stale_demo(demo_dir: Path) -> None:
    """Start the demo afresh once a day: its dates are seeded relative to the day the sandbox was created,
    so "expires within 30 days" would drift into "expired". The demo's journal goes with it, because it
    describes changes to the old demo data."""
    marker = demo_dir / "seeded-on"
    today = dt.date.today().isoformat()
    if demo_dir.exists() and (not marker.exists() or marker.read_text(encoding="utf-8").strip() != today):
        log.info("demo data in %s is from an earlier day; starting it afresh", demo_dir)
        shutil.rmtree(demo_dir)
    demo_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(today, encoding="utf-8")


def connect_api(api_url: str, email: str | None, password: str | None, data_dir: Path) -> Connection | None:
    """Sign in to a real Blend API with a stored refresh token or the given password; None when neither
    works without asking the operator."""
    from station.blend.client import BlendClient
    from station.blend.errors import BlendError
    from station.credentials import load_refresh_token, store_refresh_token

    client = BlendClient(api_url)
    if email:
        token = load_refresh_token(api_url, email)
        if token:
            try:
                client.sign_in_with_refresh_token(token)
                return Connection(client, data_dir, "Blend", False)
            except BlendError as exc:
                log.info("stored sign-in for %s no longer works: %s", email, exc)
        if password:
            client.login(email, password)  # errors go to the caller, which shows them
            keychain_ok = store_refresh_token(api_url, email, client.refresh_token)
            return Connection(client, data_dir, "Blend", False, keychain_ok=keychain_ok)
    client.close()
    return None


def _show_startup_error(message: str) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QMessageBox.critical(None, APP_NAME, message[:1].upper() + message[1:] + ".")
    del app


def run_window(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args)

    api_url = args.api or os.environ.get(API_URL_ENV)
    email = args.email or os.environ.get(EMAIL_ENV)
    password = args.password or os.environ.get(PASSWORD_ENV)
    if args.demo and args.api:
        raise CommandError("choose --demo or --api URL, not both")
    if api_url and not args.demo:
        check_api_url(api_url)

    # Two windows on one data folder would each replay the same outbox and keep separate caches.
    window_lock = FileLock(str(data_dir / "window.lock"), timeout=0)
    try:
        window_lock.acquire()
    except Timeout as exc:
        message = (f"another Scan Station window is already using the data folder {data_dir}: switch to that "
                   "window, or start this one with another --data-dir")
        if getattr(sys, "frozen", False):
            # NOTE: no test starts the frozen bundle twice, so this dialog has not been seen running.
            _show_startup_error(message)  # an installed app started from its icon has no terminal for stderr
        raise CommandError(message) from exc
    setup_logging(data_dir)
    log.info("%s %s starting, data in %s", APP_NAME, __version__, data_dir)

    # Connecting before the QApplication exists keeps every network call off the GUI thread.
    connection: Connection | None = None
    startup_error: str | None = None
    try:
        if args.demo:
            connection = start_demo(data_dir)
        elif api_url:
            connection = connect_api(api_url, email, password, data_dir)
    except Exception as exc:  # noqa: BLE001 - shown in the sign-in dialog instead
        log.warning("sign-in failed: %s", exc)
        if args.demo:
            raise CommandError(f"the demo sandbox could not start: {exc}") from exc
        startup_error = str(exc)

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QDialog

    from station.i18n import install_translator
    from station.resources import resource_path
    from ui import theme
    from ui.crash import install_crash_handler

    QCoreApplication.setApplicationName(APP_ID)
    QCoreApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))
    theme.apply_app_font(app)
    install_translator(lambda context, text: QCoreApplication.translate(context, text))
    install_crash_handler()

    if connection is None:
        from ui.login_dialog import LoginDialog

        dialog = LoginDialog(api_url, email)
        if startup_error:
            dialog.message.setText(startup_error)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        if dialog.demo_requested:
            connection = start_demo(data_dir)
        else:
            from station.credentials import store_refresh_token

            url, mail = dialog.url.text().strip(), dialog.email.text().strip()
            client = dialog.client
            assert client is not None  # an accepted dialog without the demo has signed in
            keychain_ok = store_refresh_token(url, mail, client.refresh_token)
            connection = Connection(client, data_dir, "Blend", False, keychain_ok=keychain_ok)

    window = build_window(connection)
    window.show()
    try:
        return app.exec()
    finally:
        window.session.close()
        if connection.sandbox is not None:
            connection.sandbox.stop()
        window_lock.release()


def build_window(connection: Connection):
    """Create the session and the main window, with the scanner filter on the whole application."""
    from PySide6.QtWidgets import QApplication

    from station.session import StationSession
    from station.settings import load_settings
    from ui.main_window import MainWindow
    from ui.sound import Sounds
    from ui.wedge_filter import install_wedge_filter

    # Settings stay with the station's data folder, so the demo keeps its own.
    settings = load_settings(connection.data_dir)
    session = StationSession(connection.client, connection.data_dir, source_label=connection.label,
                             demo=connection.demo)
    window = MainWindow(session)
    window.sounds = Sounds(settings.sounds, window)
    window.wedge = install_wedge_filter(QApplication.instance(), window.handle_scan, settings.wedge_config())
    window.apply_settings(settings)
    if not connection.keychain_ok:
        window.banner.show_message(
            window.banner.state,
            window.tr("No keychain on this computer: you will sign in again at the next start."),
        )
    window.refresh_inventory()
    window.sync_now()
    return window


