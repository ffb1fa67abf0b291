import json

import pytest

from station import paths
from station.settings import Settings, load_settings, save_settings


def test_settings_round_trip(tmp_path):
    settings = Settings(keyboard_layout="fr", max_key_gap_ms=50, gs_substitute="F8", sounds=False)
    save_settings(tmp_path, settings)
    loaded = load_settings(tmp_path)
    assert loaded == settings
    wedge = loaded.wedge_config()
    assert wedge.layout == "fr"
    assert wedge.max_gap == pytest.approx(0.05)
    assert wedge.gs_substitute == "F8"


def test_missing_settings_give_defaults(tmp_path):
    assert load_settings(tmp_path) == Settings()


@pytest.mark.parametrize("content", ["{not json", '{"keyboard_layout": "klingon"}', '{"max_key_gap_ms": -3}',
                                     '{"gs_substitute": "ab"}'])
def test_corrupt_settings_replaced_and_kept(tmp_path, content, caplog):
    path = paths.settings_path(tmp_path)
    path.write_text(content, encoding="utf-8")
    assert load_settings(tmp_path) == Settings()
    assert not path.exists()
    assert path.with_suffix(".corrupt").read_text(encoding="utf-8") == content
    assert "invalid" in caplog.text


def test_unknown_keys_are_ignored(tmp_path):
    paths.settings_path(tmp_path).write_text(json.dumps({"future_option": 1, "sounds": False}), encoding="utf-8")
    assert load_settings(tmp_path).sounds is False
