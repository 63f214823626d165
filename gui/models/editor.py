"""The model editor: a model's text with highlighting, its problems as you type, its preview, and saving.

Validation runs a moment after typing stops (``parse_model``: a whitelist grammar, never evaluated; then the
integration method is chosen, as a network would); each
problem is listed with its line and column and underlined in the text, and a click on it puts the cursor there.
A valid text is previewed (``PreviewPanel``). Saving into the network is one ``SetModel`` step on the undo
stack; saving into the library writes ``<id>.model`` in the user's model folder. An invalid text or id cannot
be saved, and the Save buttons say why.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...engine.editing.model_edits import same_model, save_change
from ...engine.equations.description import ModelDescription, ModelError, ModelProblem
from ...engine.files.model_library import check_model_text, id_problem, save_to_library
from ...engine.model.names import readable_problem
from ..base.app_settings import model_library_dir
from ..editing.commands import SetModel, push
from .highlighter import ModelHighlighter
from .preview_panel import PreviewPanel

__all__ = ["ModelEditor", "VALIDATE_MS"]

VALIDATE_MS = 300  # after the last keystroke
LOCATION = Qt.UserRole + 1


class ModelEditor(QWidget):
    message = Signal(str)
    library_changed = Signal()

    def __init__(self, doc, stack, parent=None):
        super().__init__(parent)
        self.doc, self.stack = doc, stack
        self.desc: ModelDescription | None = None
        self.problems: list[ModelProblem] = []
        self.population: str | None = None  # the population a duplicate came from (it can switch to the model)
        self.model_id = QLineEdit(objectName="model_id", placeholderText="model id, e.g. qif")
        self.model_id.setToolTip("The model's id: a letter, then letters, digits or '_'; the library file is "
                                 "<id>.model")
        self.text = QPlainTextEdit(objectName="model_text")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.text.setPlaceholderText("state v = -65 mV\nparam tau = 10 ms\ndv/dt = ...\nthreshold v > -50*mV")
        self.highlighter = ModelHighlighter(self.text.document())
        self.problem_list = QListWidget(objectName="model_problems")
        self.problem_list.itemClicked.connect(self._go_to)
        self.problem_list.itemActivated.connect(self._go_to)
        self.status = QLabel(objectName="model_status", wordWrap=True)
        self.preview = PreviewPanel(self)
        self.use_for = QCheckBox(objectName="use_for_population")
        self.use_for.hide()
        self.save_network = QPushButton("Save to Network", objectName="save_network")
        self.save_library = QPushButton("Save to My Models", objectName="save_library")
        self.save_why = QLabel(objectName="save_why", wordWrap=True)
        self.save_network.clicked.connect(self.save_to_network)
        self.save_library.clicked.connect(self.save_to_library)
        self._timer = QTimer(self, singleShot=True, interval=VALIDATE_MS)
        self._timer.timeout.connect(self.validate)
        self.text.textChanged.connect(self._timer.start)
        self.model_id.textChanged.connect(lambda _: self._update_save())
        self._lay_out()
        doc.network_replaced.connect(lambda: self._set_population(None))
        doc.models_changed.connect(lambda _: self._update_save())
        self.validate()

    def _lay_out(self) -> None:
        top = self.top_row = QHBoxLayout()
        top.addWidget(QLabel("Id"))
        top.addWidget(self.model_id, 1)
        text_part = QWidget()
        text_layout = QVBoxLayout(text_part)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addLayout(top)
        text_layout.addWidget(self.text, 1)
        text_layout.addWidget(self.status)
        text_layout.addWidget(self.problem_list)
        split = self.split = QSplitter(Qt.Vertical, objectName="model_split")
        split.addWidget(text_part)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.problem_list.setMaximumHeight(90)
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_for, 1)
        buttons.addWidget(self.save_library)
        buttons.addWidget(self.save_network)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.save_why)

    # --- what is edited -------------------------------------------------------------------------------
    def open_text(self, model_id: str, text: str, population: str | None = None) -> None:
        """Edit ``text`` as model ``model_id``; with ``population``, offer to switch it to the saved model."""
        self.model_id.setText(model_id)
        self._set_population(population)
        self.text.setPlainText(text)
        self._timer.stop()
        self.validate()

    def _set_population(self, population: str | None) -> None:
        pop = self.doc.network.populations.get(population) if population else None
        self.population = population if pop is not None else None
        if pop is not None:
            self.use_for.setText(f"Use it for population {pop.name}")
            self.use_for.setChecked(True)
        self.use_for.setVisible(pop is not None)

    # --- validation -----------------------------------------------------------------------------------
    def validate(self) -> ModelDescription | None:
        """Parse the text now: problems listed and underlined, the preview asked for when it is valid."""
        try:
            self.desc, self.problems = check_model_text(self.text.toPlainText()), []
        except ModelError as exc:
            self.desc, self.problems = None, list(exc.problems)
        self._show_problems()
        self.preview.show_model(self.desc)
        self._update_save()
        return self.desc

    def _show_problems(self) -> None:
        self.problem_list.clear()
        for p in self.problems:
            item = QListWidgetItem(str(p))
            item.setData(LOCATION, (p.line, p.col))
            item.setToolTip("Click to go there")
            self.problem_list.addItem(item)
        self.highlighter.set_problems([(p.line, p.col) for p in self.problems])
        self.problem_list.setVisible(bool(self.problems))  # the status line says "Valid"; the text gets the room
        if self.desc is not None:
            d = self.desc
            self.status.setText(f"Valid: {len(d.state)} state variable{'s' * (len(d.state) > 1)}, "
                                f"{len(d.params)} parameters, method {d.method}")
            self.status.setStyleSheet("color: #1e8449;")
        else:
            count = len(self.problems)
            self.status.setText(f"{count} problem{'s' * (count != 1)}: click one to go there")
            self.status.setStyleSheet("color: #c0392b;")

    def _go_to(self, item: QListWidgetItem) -> None:
        line, col = item.data(LOCATION)
        self.go_to(line, col)

    def go_to(self, line: int, col: int) -> None:
        """Put the cursor at ``line``, ``col`` (1-based) and give the text the focus."""
        block = self.text.document().findBlockByNumber(max(line - 1, 0))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.Right, QTextCursor.MoveAnchor, min(max(col - 1, 0), block.length() - 1))
        self.text.setTextCursor(cursor)
        self.text.setFocus(Qt.OtherFocusReason)

    # --- saving ---------------------------------------------------------------------------------------
    def why_not_saved(self) -> str | None:
        """Why the text cannot be saved now, or None."""
        if self._timer.isActive():
            self._timer.stop()
            self.validate()
        if self.desc is None:
            first = self.problems[0] if self.problems else None
            more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            return f"the text has problems: {first}{more}" if first else "the text has problems"
        return id_problem(self.model_id.text().strip())

    def _update_save(self) -> None:
        why = self.desc is None and self.problems and f"the text has {len(self.problems)} problem" \
            f"{'s' * (len(self.problems) != 1)}" or id_problem(self.model_id.text().strip())
        for button in (self.save_network, self.save_library):
            button.setEnabled(not why)
            button.setToolTip(f"Cannot save: {why}" if why else "")
        model_id = self.model_id.text().strip()
        if why:
            self.save_why.setText(f"Cannot save: {why}")
        elif model_id in self.doc.network.models and not same_model(self.doc.network.models[model_id], self.desc):
            users = [p for p in self.doc.network.populations.values() if p.model == model_id]
            self.save_why.setText(f"Saving replaces the network's model {model_id}"
                                  + (f", used by {len(users)} population{'s' * (len(users) != 1)}" if users else ""))
        else:
            self.save_why.setText("")

    def save_to_network(self) -> bool:
        """Put the model into the network as one undo step (switching the population it came from, if asked)."""
        why = self.why_not_saved()
        if why:
            self.save_why.setText(f"Cannot save: {why}")
            return False
        model_id = self.model_id.text().strip()
        switch = (self.population,) if self.population and self.use_for.isChecked() else ()
        change = save_change(self.doc.network, model_id, self.desc, switch)
        problems = push(self.stack, SetModel(self.doc, change, f"Save model {model_id}"))
        if problems:
            text = "; ".join(readable_problem(self.doc.network, p) for p in problems)
            self.save_why.setText(f"Not saved: {text}")
            return False
        users = ", ".join(self.doc.network.populations[p].name for p in change.populations)
        self.message.emit(f"Saved model {model_id} into the network: " + (f"used by {users}" if users else
                          "choose it as a population's model (a file keeps the models its populations use)"))
        self._update_save()
        return True

    def save_to_library(self) -> bool:
        """Write ``<id>.model`` into the user's model folder (the palette lists it under My models)."""
        why = self.why_not_saved()
        if why:
            self.save_why.setText(f"Cannot save: {why}")
            return False
        model_id = self.model_id.text().strip()
        try:
            path = save_to_library(model_library_dir(), model_id, self.text.toPlainText())
        except (OSError, ValueError) as exc:
            self.save_why.setText(f"Not saved: {exc}")
            return False
        self.message.emit(f"Saved {path.name} into My models ({path.parent})")
        self.library_changed.emit()
        return True
