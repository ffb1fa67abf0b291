"""Feedback sounds by outcome: good read, warning, error. Silent where no audio device or no
QtMultimedia exists, logged once, not on every scan."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QUrl

from station.resources import resource_path

log = logging.getLogger(__name__)

KINDS = ("good", "warning", "error")


class Sounds(QObject):
    def __init__(self, enabled: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.enabled = enabled
        self._effects: dict[str, Any] = {}  # QSoundEffect, whose module may be missing
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:
            log.info("QtMultimedia is not available, so the station is silent: %s", exc)
            return
        if not QMediaDevices.audioOutputs():
            log.info("no audio output device, so the station is silent")
            return
        for kind in KINDS:
            path = resource_path("sounds", f"{kind}.wav")
            if not path.exists():
                log.warning("sound file %s is missing; that outcome is silent", path)
                continue
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.8)
            self._effects[kind] = effect

    def play(self, kind: str) -> None:
        if not self.enabled:
            return
        effect = self._effects.get(kind)
        if effect is not None:
            effect.play()
