"""The main window signed in to a sandbox, for the window tests."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from station.blend.client import BlendClient
from station.sandbox import seed
from ui.app import Connection, build_window


@pytest.fixture
def window(qtbot, sandbox, tmp_path):
    """A shown MainWindow on the demo sandbox, its inventory loaded, its own data folder in tmp_path."""
    client = BlendClient(sandbox.url)
    client.login(seed.DEMO_EMAIL, seed.DEMO_PASSWORD)
    (tmp_path / "station").mkdir()
    main = build_window(Connection(client, tmp_path / "station", "DEMO sandbox", demo=True, sandbox=sandbox))
    qtbot.addWidget(main)
    main.show()
    main.activateWindow()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.session.inventory.source().fetched_at is not None, timeout=15000)
    yield main
    main.runner.wait_for_done(15000)
    QApplication.removeEventFilter(QApplication.instance(), main.wedge)
    main.session.close()
