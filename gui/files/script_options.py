"""The options of a Brian2 or PyNN script export: connection rules or realised wiring, and replayed inputs.

Realised wiring writes SpikeStudio's own synapses and initial state (large arrays as ``.npy`` files beside the
script), so the script builds the network SpikeStudio runs; replaying inputs adds SpikeStudio's Poisson spikes,
the exact mode. Replaying needs realised wiring, so its box is enabled only with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

__all__ = ["ScriptOptions", "ScriptOptionsDialog", "ask_script_options"]


@dataclass(frozen=True)
class ScriptOptions:
    wiring: str = "rules"  # "rules" or "realised" (engine.interop.realised.WIRINGS)
    replay_inputs: bool = False


class ScriptOptionsDialog(QDialog):
    def __init__(self, parent: QWidget | None, target: str):
        super().__init__(parent)
        self.setObjectName("script_options")
        self.setWindowTitle(f"Export {target} script")
        intro = QLabel(f"By default the script writes the connection rules, so {target} draws its own synapses: "
                       "the same statistics, another network.")
        intro.setWordWrap(True)
        self.realised = QCheckBox("Realised wiring: SpikeStudio's own synapses and initial values "
                                  "(large arrays go into .npy files beside the script)")
        self.realised.setObjectName("realised_wiring")
        self.replay = QCheckBox("Replay inputs: SpikeStudio's Poisson spikes, so the script reproduces the run")
        self.replay.setObjectName("replay_inputs")
        self.replay.setEnabled(False)
        self.realised.toggled.connect(self._wiring_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.realised, self.replay, buttons):
            layout.addWidget(widget)

    def _wiring_changed(self, realised: bool) -> None:
        self.replay.setEnabled(realised)
        if not realised:
            self.replay.setChecked(False)

    def options(self) -> ScriptOptions:
        realised = self.realised.isChecked()
        return ScriptOptions("realised" if realised else "rules", realised and self.replay.isChecked())


def ask_script_options(parent: QWidget | None, target: str) -> ScriptOptions | None:
    """The options the user chose, or None when the export was cancelled."""
    dialog = ScriptOptionsDialog(parent, target)
    return dialog.options() if dialog.exec() == QDialog.Accepted else None
