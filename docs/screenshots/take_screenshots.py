"""Take the README's screenshots: the demo window showing a lot, on a real display (run under xvfb-run).

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python docs/screenshots/take_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from station.i18n import install_translator
from ui import theme
from ui.app import build_window, start_demo

OUT = Path(__file__).resolve().parent
SCANS = [("lot-card.png", "712345678904"), ("expiring.png", "842135001022")]


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="scan-station-shots-"))
    connection = start_demo(data_dir)
    app = QApplication(sys.argv[:1])
    theme.apply_app_font(app)
    install_translator(lambda context, text: text)
    window = build_window(connection)
    window.resize(1400, 860)
    window.show()
    queue = list(SCANS)

    def next_shot() -> None:
        if not queue:
            app.quit()
            return
        name, code = queue.pop(0)
        window.handle_scan(code)

        def grab() -> None:
            if window._dialog is not None:
                window._dialog.grab().save(str(OUT / name.replace(".png", "-picker.png")))
                window._dialog.accept()
                QTimer.singleShot(1500, grab_window)
            else:
                grab_window()

        def grab_window() -> None:
            window.grab().save(str(OUT / name))
            print("wrote", OUT / name)
            QTimer.singleShot(200, next_shot)

        QTimer.singleShot(2500, grab)

    QTimer.singleShot(1500, next_shot)
    app.exec()
    window.session.close()
    connection.sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
