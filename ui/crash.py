"""Show uncaught exceptions in a dialog with a copy button instead of letting the window vanish."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger(__name__)


def install_crash_handler() -> None:
    previous = sys.excepthook

    def handle(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception:\n%s", details)
        if QApplication.instance() is None:
            previous(exc_type, exc, tb)
            return
        box = QMessageBox(QMessageBox.Icon.Critical, QApplication.translate("crash", "Unexpected error"),
                          QApplication.translate("crash", "Something went wrong: {error}\nThe station keeps "
                                                 "running. Copy the details for support.").format(error=exc))
        box.setDetailedText(details)
        copy = box.addButton(QApplication.translate("crash", "Copy details"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is copy:
            QApplication.clipboard().setText(details)

    sys.excepthook = handle
