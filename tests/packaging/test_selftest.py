"""The self-test run from source, in this process: the same checks the bundle runs after a build."""

from __future__ import annotations

import io

import pytest

from station import selftest
from station.resources import RESOURCES_ENV, resource_path, resources_root


def run_captured() -> tuple[int, list[str]]:
    output = io.StringIO()
    exit_code = selftest.run_self_test(output)
    return exit_code, output.getvalue().splitlines()


def test_self_test_passes_from_source():
    exit_code, lines = run_captured()

    failures = [line for line in lines if line.startswith("FAIL ")]
    assert failures == []
    assert exit_code == 0
    passed = {line.split(":", 1)[0].removeprefix("PASS ") for line in lines if line.startswith("PASS ")}
    assert passed == {name for name, _check in selftest.CHECKS}
    assert lines[-1] == f"All {len(selftest.CHECKS)} checks passed."


def test_self_test_reports_missing_resources(tmp_path, monkeypatch):
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path / "no-such-folder"))

    exit_code, lines = run_captured()

    assert exit_code == 1
    assert any(line.startswith("FAIL resources: resources folder not found") for line in lines)
    assert any(line.startswith("FAIL sample-image: sample image missing") for line in lines)
    assert "resources" in lines[-1].split(": ", 1)[1].split(", ")
    # The Qt-free decoder checks do not depend on resources and still pass.
    assert "PASS zxing-cpp" in "\n".join(lines)


def test_self_test_lists_unloadable_resource(tmp_path, monkeypatch):
    folder = tmp_path / "resources"
    (folder / "icons").mkdir(parents=True)
    (folder / "icons" / "broken.svg").write_text("<svg this is not XML", encoding="utf-8")
    (folder / "sounds").mkdir()
    (folder / "sounds" / "beep.wav").write_bytes(b"RIFF0000WAVEnot a wave file")
    monkeypatch.setenv(RESOURCES_ENV, str(folder))

    exit_code, lines = run_captured()

    resource_lines = [line for line in lines if line.startswith(("PASS resources", "FAIL resources"))]
    assert exit_code == 1
    assert len(resource_lines) == 1
    assert resource_lines[0].startswith("FAIL resources: 2 of 2 files failed to load")
    assert "icons/broken.svg" in resource_lines[0]
    assert "sounds/beep.wav" in resource_lines[0]


def test_check_crash_becomes_fail_line():
    def crashing_check() -> str:
        raise RuntimeError("decoder library exploded")

    result = selftest._run_check("broken-part", crashing_check)

    assert result.passed is False
    assert result.line().startswith("FAIL broken-part: RuntimeError: decoder library exploded (at ")


def test_resource_path_from_source():
    assert resources_root() == resource_path()
    assert resource_path("icons", "app.svg").is_file()
    assert resource_path(*selftest.SAMPLE_IMAGE).stat().st_size < 20_000


@pytest.mark.parametrize("part", ["../secrets", "/etc/passwd", "icons/../../x"])
def test_resource_path_rejects_escape(part):
    with pytest.raises(ValueError, match="invalid resource path part"):
        resource_path(part)


def test_resource_path_in_frozen_bundle(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.frozen", True, raising=False)
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)

    assert resource_path("icons", "app.svg") == tmp_path / "resources" / "icons" / "app.svg"
