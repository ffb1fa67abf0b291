"""Starting the window: the demo folder, and sign-in options."""

from __future__ import annotations

import datetime as dt

from ui.app import reset_stale_demo


def test_demo_from_earlier_day_starts_afresh(tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "seeded-on").write_text("2020-01-01", encoding="utf-8")
    (demo / "sandbox.sqlite3").write_text("old", encoding="utf-8")
    reset_stale_demo(demo)
    assert not (demo / "sandbox.sqlite3").exists()
    assert (demo / "seeded-on").read_text(encoding="utf-8") == dt.date.today().isoformat()


def test_demo_from_today_is_kept(tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "seeded-on").write_text(dt.date.today().isoformat(), encoding="utf-8")
    (demo / "ledger.sqlite3").write_text("today", encoding="utf-8")
    reset_stale_demo(demo)
    assert (demo / "ledger.sqlite3").read_text(encoding="utf-8") == "today"


def test_second_window_on_same_folder_refused(tmp_path, capsys):
    from filelock import FileLock

    from station.cli import main

    with FileLock(str(tmp_path / "window.lock"), timeout=0):
        code = main(["--demo", "--data-dir", str(tmp_path)])
    error = capsys.readouterr().err
    assert code == 2
    assert "already using the data folder" in error
    assert str(tmp_path) in error
