"""Sign-in dialog for a real Blend API; the sign-in runs on a worker thread."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.blend.client import BlendClient
from station.blend.errors import BlendError, Unauthorized, Unavailable
from ui import theme
from ui.workers import BackgroundRunner

DEFAULT_API_URL = "https://api.byblend.com"


class LoginDialog(QDialog):
    """Asks for the API root, e-mail and password; ``client`` is the signed-in BlendClient on accept.
    ``demo_requested`` is True when the operator chose the demo instead."""

    def __init__(self, api_url: str | None = None, email: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign in to Blend"))
        self.client: BlendClient | None = None
        self.demo_requested = False
        self.runner = BackgroundRunner(self)
        self.url = QLineEdit(api_url or DEFAULT_API_URL)
        self.email = QLineEdit(email or "")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {theme.ERROR_COLOR};")
        form = QFormLayout()
        form.addRow(self.tr("API address"), self.url)
        form.addRow(self.tr("E-mail"), self.email)
        form.addRow(self.tr("Password"), self.password)
        buttons = QDialogButtonBox()
        self.sign_in = buttons.addButton(self.tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.demo = QPushButton(self.tr("Try the demo instead"))
        buttons.addButton(self.demo, QDialogButtonBox.ButtonRole.ActionRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.sign_in, self.demo, cancel):
            button.setMinimumHeight(theme.MIN_BUTTON_HEIGHT)
        self.sign_in.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.sign_in.clicked.disconnect()
        self.sign_in.clicked.connect(self._start_sign_in)
        self.demo.clicked.connect(self._choose_demo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(560, 260)

    def _choose_demo(self) -> None:
        self.demo_requested = True
        self.accept()

    def _start_sign_in(self) -> None:
        url, email, password = self.url.text().strip(), self.email.text().strip(), self.password.text()
        if not url.startswith(("https://", "http://")):
            self.message.setText(self.tr("The API address must start with https://, e.g. {url}").format(
                url=DEFAULT_API_URL))
            return
        if not email or not password:
            self.message.setText(self.tr("Enter the e-mail and password of your Blend account."))
            return
        self.sign_in.setEnabled(False)
        self.message.setText(self.tr("Signing in\u2026"))

        def work():
            client = BlendClient(url)
            try:
                client.login(email, password)
            except BaseException:
                client.close()
                raise
            return client

        self.runner.run(work, self._signed_in, self._failed)

    def _signed_in(self, client) -> None:
        self.client = client
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.sign_in.setEnabled(True)
        if isinstance(exc, Unauthorized):
            text = self.tr("Blend did not accept this e-mail and password: {error}")
        elif isinstance(exc, Unavailable):
            text = self.tr("Blend could not be reached; check the address and the network: {error}")
        elif isinstance(exc, BlendError):
            text = self.tr("Sign-in failed: {error}")
        else:
            text = self.tr("Sign-in failed: {error}")
        self.message.setText(text.format(error=exc))
