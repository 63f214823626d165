"""File commands of a window: New, Open, Save, Save As, Revert, Recent, Examples, unsaved-changes prompts,
autosave and crash recovery.

A file is read completely and checked before the document changes, so a file that fails to open
leaves the open network exactly as it was. Saving goes through ``fileformat.save`` (atomic).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ...engine.editing.layout import auto_layout
from ...engine.errors import FileFormatError, ValidationError
from ...engine.files import fileformat
from ...engine.model.network import Network
from ...plugins.rule_texts import with_rule_texts
from ...resources.examples import example_path
from ..base import dialogs
from ..base.app_settings import add_recent_file, app_settings, data_dir, forget_recent_file
from .recovery import Orphan, RecoveryStore
from .session_lock import SessionLock

__all__ = ["FileController", "AUTOSAVE_MINUTES", "autosave_minutes"]

AUTOSAVE_MINUTES = 2.0
MIN_AUTOSAVE_MINUTES = 0.25


def autosave_minutes() -> float:
    """The autosave interval from the settings (``autosave_minutes``), else 2; never below 15 s."""
    try:
        minutes = float(app_settings().value("autosave_minutes", AUTOSAVE_MINUTES))
    except (TypeError, ValueError):
        return AUTOSAVE_MINUTES
    return max(minutes, MIN_AUTOSAVE_MINUTES) if minutes == minutes else AUTOSAVE_MINUTES


class FileController(QObject):
    title_changed = Signal()
    message = Signal(str)

    def __init__(self, window, doc, stack):
        super().__init__(window)
        self.window, self.doc, self.stack = window, doc, stack
        self.path: Path | None = None
        self.example: str | None = None  # opened from the bundled examples: Save asks for a new name
        self.recovery = RecoveryStore(data_dir() / "recovery")
        self.revision = 0  # counts every change of the document (merged edits and undos included)
        self._autosaved_revision = 0
        for event in (doc.items_added, doc.items_removed, doc.item_changed, doc.nodes_moved, doc.settings_changed,
                      doc.notes_added, doc.notes_removed, doc.note_changed, doc.notes_moved):
            event.connect(self._changed)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start(int(autosave_minutes() * 60_000))
        stack.cleanChanged.connect(self._clean_changed)

    def _changed(self, *_) -> None:
        self.revision += 1

    def _clean_changed(self, clean: bool) -> None:
        if clean:  # back to what is on disk (saved, or undone to it): nothing to recover
            self.recovery.discard()
            self._autosaved_revision = self.revision
        self.title_changed.emit()

    # --- naming --------------------------------------------------------------------------------------
    def display_name(self) -> str:
        if self.path is not None:
            return self.path.name
        if self.example is not None:
            return f"{self.example} (example)"
        return self.doc.network.metadata.title or "Untitled"

    def is_dirty(self) -> bool:
        return not self.stack.isClean()

    # --- opening -------------------------------------------------------------------------------------
    def new(self) -> bool:
        self.window.commit_pending_edit()
        if not self.maybe_save("starting a new network"):
            return False
        self.adopt(Network())
        return True

    def adopt(self, net: Network) -> None:
        """Show ``net`` as a new, unsaved document (no file yet)."""
        self._show(net, None, None)

    def open(self, path: str | None = None) -> bool:
        self.window.commit_pending_edit()
        if not self.maybe_save("opening another network"):
            return False
        if path is None:
            folder = str(self.path.parent) if self.path else ""
            path = dialogs.ask_open_path(self.window, folder)
            if path is None:
                return False
        return self.open_path(Path(path))

    def open_path(self, path: Path, example: str | None = None) -> bool:
        """Read ``path``; on any problem, report it and leave the open document untouched."""
        net = self.read(path)
        if net is None:
            return False
        self._show(net, None if example else path.resolve(), example)
        if example is None:
            add_recent_file(path)
        self.message.emit(f"Opened {path.name}")
        return True

    def open_example(self, name: str) -> bool:
        if not self.maybe_save("opening an example"):
            return False
        return self.open_path(example_path(name), example=name)

    def read(self, path: Path) -> Network | None:
        try:
            return fileformat.load(path)
        except (FileFormatError, ValidationError) as exc:
            dialogs.show_problems(self.window, "Cannot open network",
                                  f"“{path.name}” could not be opened: {len(exc.problems)} problem"
                                  f"{'s' * (len(exc.problems) != 1)} found. Nothing was changed.", exc.problems)
        except OSError as exc:
            forget_recent_file(str(path))
            dialogs.show_error(self.window, "Cannot open network", f"“{path}” could not be read: {exc.strerror or exc}")
        return None

    def revert(self) -> bool:
        self.window.commit_pending_edit()
        if self.path is None or not self.is_dirty():
            return False
        if not dialogs.ask_yes_no(self.window, "Revert", f"Discard all changes since “{self.path.name}” was saved?"):
            return False
        net = self.read(self.path)
        if net is None:
            return False
        self._show(net, self.path, None)
        return True

    def _show(self, net: Network, path: Path | None, example: str | None) -> None:
        net.layout.update(auto_layout(net))  # nodes without a position get a readable one
        self.path, self.example = path, example
        self.doc.replace_network(net)
        self.stack.clear()
        self.stack.setClean()
        self._autosaved_revision = self.revision
        self.recovery.discard()
        self.title_changed.emit()

    # --- saving --------------------------------------------------------------------------------------
    def save(self) -> bool:
        self.window.commit_pending_edit()
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        self.window.commit_pending_edit()
        suggestion = str(self.path) if self.path else f"{self.example or 'untitled'}.snn"
        path = dialogs.ask_save_path(self.window, suggestion)
        if path is None:
            return False
        if not self._write(Path(path)):
            return False
        self.path, self.example = Path(path).resolve(), None
        add_recent_file(path)
        self.title_changed.emit()
        return True

    def _write(self, path: Path) -> bool:
        try:
            fileformat.save(with_rule_texts(self.doc.network), path)  # carries plugins' rule texts
        except ValidationError as exc:
            dialogs.show_problems(self.window, "Cannot save network", "The network has problems; nothing was "
                                  "written.", exc.problems)
            return False
        except OSError as exc:
            dialogs.show_error(self.window, "Cannot save network",
                               f"“{path}” could not be written: {exc.strerror or exc}. The file on disk is unchanged.")
            return False
        self.stack.setClean()
        self.recovery.discard()
        self.message.emit(f"Saved {path.name}")
        return True

    def maybe_save(self, doing: str) -> bool:
        """True when it is fine to drop the current document (saved, discarded, or nothing to lose)."""
        self.window.commit_pending_edit()
        if not self.is_dirty():
            return True
        answer = dialogs.ask_unsaved(self.window, self.display_name(), doing)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # --- autosave and recovery -----------------------------------------------------------------------
    def autosave(self) -> bool:
        """Write unsaved work to the recovery folder (only when something changed since the last time)."""
        self.window.commit_pending_edit()
        if not self.is_dirty() or self._autosaved_revision == self.revision:
            return False
        try:
            self.recovery.save(self.doc.network, str(self.path) if self.path else None, self.display_name())
        except (OSError, ValidationError) as exc:
            self.message.emit(f"Autosave failed: {exc}")
            return False
        self._autosaved_revision = self.revision
        self.message.emit(f"Autosaved at {time.strftime('%H:%M')}")
        return True

    def offer_recovery(self) -> bool:
        """After a crash: offer back the work of every window that was lost; True when any was recovered.

        The first recovered network opens here, each further one in a window of its own. A declined set is
        deleted; a recovered one becomes the set of the window showing it, so it stays on disk until that
        window saves, autosaves or closes (another crash before then offers it again).
        """
        recovered = 0
        for orphan in self.recovery.orphans():
            lock = self.recovery.claim(orphan)
            if lock is None:
                continue  # another launch is offering it right now
            if not orphan.network_path.is_file():  # ... or has offered it, and its window saved it since
                lock.release(remove=True)
                continue
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphan.saved_at))
            if not dialogs.ask_yes_no(self.window, "Recover unsaved work",
                                      f"SpikeStudio did not close properly. Recover the unsaved changes to "
                                      f"“{orphan.title}” autosaved at {when}?"):
                self.recovery.remove(orphan, lock)
                continue
            net = self.read(orphan.network_path)
            if net is None:
                lock.release()
                continue  # kept on disk: the dialog said why it could not be read
            target = self if not recovered else self.window.new_window().files
            target.take_recovered(net, Path(orphan.original) if orphan.original else None, orphan, lock)
            recovered += 1
        return recovered > 0

    def take_recovered(self, net: Network, original: Path | None, orphan: Orphan | None = None,
                       lock: SessionLock | None = None) -> None:
        """Show recovered work as unsaved changes to its original file (so Save writes it back there); the
        crashed session's set, claimed with ``lock``, becomes this window's own."""
        self._show(net, original, None)
        self.stack.resetClean()
        if lock is None:
            self.revision += 1  # unsaved, and not in this window's recovery set yet
        else:
            self.recovery.adopt(orphan, lock)  # the set holds exactly this document: nothing to autosave yet
        self.title_changed.emit()

    def closing(self) -> None:
        self.autosave_timer.stop()
        self.recovery.discard()
