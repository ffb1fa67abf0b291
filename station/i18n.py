"""Marks user-visible text in the Qt-free core for translation.

The core must not import Qt, so it cannot call ``QCoreApplication.translate`` itself. ``tr`` marks the
source text (tools such as ``pyside6-lupdate`` and ``xgettext`` can collect calls of it) and returns the
text in the installed language. Until a translation is installed it returns the English source. Format
placeholders after translation: ``tr("Lot {batch} not found").format(batch=...)``, never an f-string.
"""

from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str, str], str] | None = None


def install_translator(translate: Callable[[str, str], str]) -> None:
    """Route every later ``tr`` call through ``translate(context, text)``; the UI installs Qt's."""
    global _translator
    _translator = translate


def tr(text: str, context: str = "station") -> str:
    return _translator(context, text) if _translator else text
