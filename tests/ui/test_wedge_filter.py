"""The application event filter with real Qt widgets on the offscreen platform.

QTest key clicks on the offscreen platform carry timestamp 0, so the filter times them with the
monotonic clock: ``keyClicks`` without a delay arrives as a burst well under 35 ms per key, and with
``delay=120`` it arrives as typing.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from station.codes.wedge import WedgeConfig
from ui.wedge_filter import WedgeFilter, install_wedge_filter


@pytest.fixture
def wedge_filter(qapp):
    installed = install_wedge_filter(qapp)
    yield installed
    qapp.removeEventFilter(installed)
    installed.setParent(None)
    installed.deleteLater()


@pytest.fixture
def form(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    line_edit = QLineEdit()
    spin_box = QSpinBox()
    spin_box.setRange(0, 10**6)
    layout.addWidget(line_edit)
    layout.addWidget(spin_box)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    line_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is line_edit)
    return window, line_edit, spin_box


def scan_keys(qtbot, widget, text: str, terminator=Qt.Key.Key_Return) -> None:
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, terminator)


def test_scan_burst_emits_signal_not_text(qtbot, wedge_filter, form):
    _, line_edit, _ = form
    with qtbot.waitSignal(wedge_filter.scanned, timeout=2000) as blocker:
        scan_keys(qtbot, line_edit, "712345678904")

    assert blocker.args == ["712345678904", ""]
    assert line_edit.text() == ""


def test_scan_with_tab_keeps_focus(qtbot, wedge_filter, form):
    _, line_edit, _ = form
    with qtbot.waitSignal(wedge_filter.scanned, timeout=2000) as blocker:
        scan_keys(qtbot, line_edit, "712345678904", Qt.Key.Key_Tab)

    assert blocker.args[0] == "712345678904"
    assert QApplication.focusWidget() is line_edit
    assert line_edit.text() == ""


def test_scan_into_spin_box_leaves_value(qtbot, wedge_filter, form):
    _, _, spin_box = form
    spin_box.setValue(7)
    spin_box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is spin_box)
    with qtbot.waitSignal(wedge_filter.scanned, timeout=2000) as blocker:
        scan_keys(qtbot, spin_box, "]E00023400000906")

    assert blocker.args == ["]E00023400000906", "]E0"]
    assert spin_box.value() == 7


def test_slow_typing_lands_in_order(qtbot, wedge_filter, form):
    _, line_edit, _ = form
    scans = []
    wedge_filter.scanned.connect(lambda text, symbology: scans.append(text))

    qtbot.keyClicks(line_edit, "Lot 42a", delay=120)
    qtbot.waitUntil(lambda: line_edit.text() == "Lot 42a", timeout=3000)

    assert scans == []


def test_fast_short_typing_lands_in_field(qtbot, wedge_filter, form):
    _, line_edit, _ = form
    scans = []
    wedge_filter.scanned.connect(lambda text, symbology: scans.append(text))

    qtbot.keyClicks(line_edit, "ab")
    qtbot.waitUntil(lambda: line_edit.text() == "ab", timeout=3000)

    assert scans == []


def test_person_enter_passes_at_once(qtbot, wedge_filter, form):
    _, line_edit, _ = form
    returns = []
    line_edit.returnPressed.connect(lambda: returns.append(line_edit.text()))
    line_edit.setText("12")

    qtbot.keyClick(line_edit, Qt.Key.Key_Return)

    assert returns == ["12"]


def test_scan_caught_in_modal_dialog(qtbot, wedge_filter, form):
    window, _, _ = form
    dialog = QDialog(window)
    dialog_edit = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(dialog_edit)
    dialog.setModal(True)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog_edit)

    with qtbot.waitSignal(wedge_filter.scanned, timeout=2000) as blocker:
        scan_keys(qtbot, dialog_edit, "10D9TXYZ")

    assert blocker.args[0] == "10D9TXYZ"
    assert dialog_edit.text() == ""
    dialog.close()


def test_shortcuts_reach_widgets_at_once(qtbot, wedge_filter, form):
    window, line_edit, _ = form
    fired = []
    shortcut = QShortcut(QKeySequence("F2"), window)
    shortcut.activated.connect(lambda: fired.append("F2"))
    line_edit.insert("abc")

    qtbot.keyClick(line_edit, Qt.Key.Key_F2)
    qtbot.keyClick(line_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    assert fired == ["F2"]
    assert line_edit.text() == ""
    assert not wedge_filter._wedge.pending()


def test_gs_from_ctrl_bracket_in_burst(qtbot, wedge_filter, form):
    _, line_edit, _ = form
    with qtbot.waitSignal(wedge_filter.scanned, timeout=2000) as blocker:
        qtbot.keyClicks(line_edit, "011111111111111310xyz")
        qtbot.keyClick(line_edit, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(line_edit, "3040")
        qtbot.keyClick(line_edit, Qt.Key.Key_Return)

    assert blocker.args[0] == "011111111111111310xyz\x1d3040"
    assert line_edit.text() == ""


def test_timestamped_events_time_the_burst(qtbot, wedge_filter, form):
    """Events with platform timestamps 3 ms apart form a burst, whatever the processing delay."""
    _, line_edit, _ = form
    stamp = 5_000_000
    with qtbot.waitSignal(wedge_filter.scanned, timeout=2000) as blocker:
        for char in "712345678904\r":
            key = Qt.Key.Key_Return if char == "\r" else Qt.Key(ord(char))
            for event_type in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(event_type, key, Qt.KeyboardModifier.NoModifier, char)
                event.setTimestamp(stamp)
                QApplication.sendEvent(line_edit, event)
                stamp += 3

    assert blocker.args[0] == "712345678904"
    assert line_edit.text() == ""


def test_filter_uses_given_config(qtbot, qapp, form):
    _, line_edit, _ = form
    config = WedgeConfig(prefix="@@", gs_substitute="~")
    custom = WedgeFilter(config)
    qapp.installEventFilter(custom)
    try:
        with qtbot.waitSignal(custom.scanned, timeout=2000) as blocker:
            scan_keys(qtbot, line_edit, "@@0104012345678901~10AB")
        assert blocker.args[0] == "0104012345678901\x1d10AB"
        assert custom.config.prefix == "@@"
    finally:
        qapp.removeEventFilter(custom)
    assert line_edit.text() == ""


def test_key_constants_match_qt():
    from station.codes import wedge

    assert wedge.KEY_TAB == Qt.Key.Key_Tab.value
    assert wedge.KEY_BACKTAB == Qt.Key.Key_Backtab.value
    assert wedge.KEY_RETURN == Qt.Key.Key_Return.value
    assert wedge.KEY_ENTER == Qt.Key.Key_Enter.value
    assert wedge.KEY_SHIFT == Qt.Key.Key_Shift.value
    assert wedge.KEY_CONTROL == Qt.Key.Key_Control.value
    assert wedge.KEY_META == Qt.Key.Key_Meta.value
    assert wedge.KEY_ALT == Qt.Key.Key_Alt.value
    assert wedge.KEY_CAPS_LOCK == Qt.Key.Key_CapsLock.value
    assert wedge.KEY_NUM_LOCK == Qt.Key.Key_NumLock.value
    assert wedge.KEY_ALT_GR == Qt.Key.Key_AltGr.value
    assert wedge.KEY_F1 == Qt.Key.Key_F1.value
    assert wedge.KEY_F35 == Qt.Key.Key_F35.value
    keypad_keys = {
        Qt.Key.Key_Insert: "0", Qt.Key.Key_End: "1", Qt.Key.Key_Down: "2", Qt.Key.Key_PageDown: "3",
        Qt.Key.Key_Left: "4", Qt.Key.Key_Clear: "5", Qt.Key.Key_Right: "6", Qt.Key.Key_Home: "7",
        Qt.Key.Key_Up: "8", Qt.Key.Key_PageUp: "9",
    }
    assert {key.value: digit for key, digit in keypad_keys.items()} == wedge._KEYPAD_NAVIGATION_DIGITS


def test_offscreen_has_no_native_codes(qapp):
    from ui.wedge_filter import native_code_platform

    assert QApplication.platformName() == "offscreen"
    assert native_code_platform() is None


def test_native_codes_recover_azerty(qtbot, qapp, form):
    """X11 key codes of the keys a US scanner pressed recover HA112 from the AZERTY text HQ&&é."""
    _, line_edit, _ = form
    custom = WedgeFilter(WedgeConfig(layout="fr", platform="xkb"))
    qapp.installEventFilter(custom)
    typed = [
        ("H", Qt.Key.Key_H, 35 + 8, Qt.KeyboardModifier.ShiftModifier),
        ("Q", Qt.Key.Key_Q, 30 + 8, Qt.KeyboardModifier.ShiftModifier),
        ("&", Qt.Key.Key_Ampersand, 2 + 8, Qt.KeyboardModifier.NoModifier),
        ("&", Qt.Key.Key_Ampersand, 2 + 8, Qt.KeyboardModifier.NoModifier),
        ("é", Qt.Key.Key_Eacute, 3 + 8, Qt.KeyboardModifier.NoModifier),
        ("\r", Qt.Key.Key_Return, 36 + 8, Qt.KeyboardModifier.NoModifier),
    ]
    try:
        with qtbot.waitSignal(custom.scanned, timeout=2000) as blocker:
            for text, key, scan_code, modifiers in typed:
                for event_type in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    event = QKeyEvent(event_type, key, modifiers, scan_code, 0, 0, text)
                    QApplication.sendEvent(line_edit, event)
    finally:
        qapp.removeEventFilter(custom)

    assert blocker.args[0] == "HA112"
    assert line_edit.text() == ""


def test_set_config_hands_back_held_keys(qtbot, wedge_filter, form):
    _, line_edit, _ = form
    qtbot.keyClicks(line_edit, "ab")
    assert line_edit.text() == ""

    wedge_filter.set_config(WedgeConfig(min_length=6))

    assert line_edit.text() == "ab"
    assert wedge_filter.config.min_length == 6


def test_single_key_shortcut_after_replay(qtbot, wedge_filter, form):
    window, line_edit, _ = form
    fired = []
    shortcut = QShortcut(QKeySequence("X"), window)
    shortcut.activated.connect(lambda: fired.append("X"))
    button_focus = QWidget(window)
    button_focus.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button_focus.show()
    button_focus.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button_focus)

    with qtbot.waitSignal(wedge_filter.scanned, timeout=2000):
        scan_keys(qtbot, button_focus, "XX12345")
    assert fired == []

    qtbot.keyClick(button_focus, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: fired == ["X"], timeout=2000)
    assert line_edit.text() == ""
