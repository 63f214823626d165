"""The questions the app asks and the problems it reports, in one place (tests answer them like a user)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

__all__ = ["ask_unsaved", "show_problems", "show_error", "ask_open_path", "ask_save_path", "ask_yes_no",
           "ask_export_path", "ask_import_path", "show_report", "NETWORK_FILTER"]

NETWORK_FILTER = "SpikeStudio networks (*.snn *.json);;All files (*)"
SAVE_FILTER = "SpikeStudio network (*.snn);;JSON network (*.json)"
MAX_SHOWN = 12


def _as_text(box: QMessageBox) -> QMessageBox:
    """Show the box's texts as written: they quote names and values from files, and Qt would read a text that
    starts with a tag as HTML (an ``<img>`` there would load any file)."""
    box.setTextFormat(Qt.PlainText)
    for label in box.findChildren(QLabel):
        label.setTextFormat(Qt.PlainText)
    return box


def ask_unsaved(parent: QWidget, name: str, doing: str) -> str:
    """'save', 'discard' or 'cancel' for a document with unsaved changes, before ``doing`` (e.g. 'closing')."""
    box = QMessageBox(QMessageBox.Warning, "Unsaved changes",
                      f"“{name}” has unsaved changes. Save them before {doing}?",
                      QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, parent)
    box.setObjectName("unsaved_dialog")
    box.setDefaultButton(QMessageBox.Save)
    answer = _as_text(box).exec()
    return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")


def show_problems(parent: QWidget, title: str, headline: str, problems) -> None:
    """A dialog listing problems (the first dozen in the text, all of them under Details)."""
    lines = [str(p) for p in problems]
    box = QMessageBox(QMessageBox.Critical, title, headline, QMessageBox.Ok, parent)
    box.setObjectName("problems_dialog")
    shown = lines[:MAX_SHOWN] + ([f"… and {len(lines) - MAX_SHOWN} more (see Details)"] if len(lines) > MAX_SHOWN
                                 else [])
    box.setInformativeText("\n".join(f"• {line}" for line in shown))
    box.setDetailedText("\n".join(lines))
    _as_text(box).exec()


def show_error(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Critical, title, text, QMessageBox.Ok, parent)
    box.setObjectName("error_dialog")
    _as_text(box).exec()


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.Yes | QMessageBox.No, parent)
    box.setObjectName("question_dialog")
    return _as_text(box).exec() == QMessageBox.Yes


def ask_open_path(parent: QWidget, folder: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open network", folder, NETWORK_FILTER)
    return path or None


def ask_save_path(parent: QWidget, suggestion: str = "") -> str | None:
    path, chosen = QFileDialog.getSaveFileName(parent, "Save network as", suggestion, SAVE_FILTER)
    if not path:
        return None
    if not path.lower().endswith((".snn", ".json")):
        path += ".json" if chosen.startswith("JSON") else ".snn"
    return path


def ask_export_path(parent: QWidget, title: str, suggestion: str, file_filter: str) -> str | None:
    """A path to write to; without a suffix, it gets the first one of the chosen filter (``*.svg`` -> ``.svg``)."""
    path, chosen = QFileDialog.getSaveFileName(parent, title, suggestion, file_filter)
    if not path:
        return None
    suffixes = re.findall(r"\*(\.\w+)", chosen or file_filter)
    if suffixes and not path.lower().endswith(tuple(s.lower() for s in suffixes)):
        path += suffixes[0]
    return path


def ask_import_path(parent: QWidget, title: str, folder: str, file_filter: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, file_filter)
    return path or None


def show_report(parent: QWidget, title: str, headline: str, sections: list[tuple[str, list[str]]]) -> None:
    """What an export left out or approximated: each non-empty section as a heading and its lines."""
    text = []
    for heading, lines in sections:
        if lines:
            shown = lines[:MAX_SHOWN] + ([f"… and {len(lines) - MAX_SHOWN} more (see Details)"]
                                         if len(lines) > MAX_SHOWN else [])
            text.append(heading + "\n" + "\n".join(f"• {line}" for line in shown))
    box = QMessageBox(QMessageBox.Information, title, headline, QMessageBox.Ok, parent)
    box.setObjectName("report_dialog")
    box.setInformativeText("\n\n".join(text))
    box.setDetailedText("\n\n".join(heading + "\n" + "\n".join(lines) for heading, lines in sections if lines))
    _as_text(box).exec()
