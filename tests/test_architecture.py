"""Rules that keep the layers apart and known library bugs out."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_imports_without_qt():
    """Every station module imports with PySide6 blocked: the core never needs Qt."""
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        class BlockQt:
            def find_spec(self, name, path=None, target=None):
                if name == "PySide6" or name.startswith("PySide6."):
                    raise ImportError("Qt is blocked: " + name)
                return None
        sys.meta_path.insert(0, BlockQt())
        import station
        failed = []
        for info in pkgutil.walk_packages(station.__path__, "station."):
            if info.name == "station.selftest":
                continue  # the self-test probes the Qt layer on purpose, inside a function
            try:
                importlib.import_module(info.name)
            except ImportError as exc:
                if "Qt is blocked" in str(exc):
                    failed.append(info.name + ": " + str(exc))
        print("\\n".join(failed))
        sys.exit(1 if failed else 0)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyside_void_calls_keep_none_refcount(qapp):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call and later aborts."""
    from PySide6.QtWidgets import QLineEdit

    edit = QLineEdit()
    before = sys.getrefcount(None)
    for _ in range(1000):
        edit.clear()
    after = sys.getrefcount(None)
    assert after - before > -100, f"None lost {before - after} references in 1,000 QLineEdit.clear() calls"
