"""The folder of generated model modules stays bounded: each use marks its entry, cleanup keeps the most recently
used entries and the recent ones, removes nothing it did not write and nothing another process may be importing,
and an entry removed under a process's feet is written again. All on real folders under ``tmp_path``."""

import os
import sys
import time
from pathlib import Path

import pytest
from spikestudio.engine.equations import loader, model_cache
from spikestudio.engine.equations.layout import layout_of
from spikestudio.engine.equations.model_cache import GRACE, PREFIX, clean, last_used, mark_used
from spikestudio.engine.equations.text import parse_model

MODELS = Path(__file__).parent / "data" / "models"
DAY = 24 * 3600.0


def entry(folder: Path, n: int, used_ago: float, now: float) -> Path:
    """A fake entry last written and used ``used_ago`` seconds before ``now``, with a .pyc beside it."""
    path = folder / f"{PREFIX}{n:024x}.py"
    path.write_text(f"# entry {n}\n")
    pyc = folder / "__pycache__" / f"{path.stem}.cpython-311.pyc"
    pyc.parent.mkdir(exist_ok=True)
    pyc.write_bytes(b"pyc")
    for p in (path, pyc):
        os.utime(p, (now - used_ago, now - used_ago))
    return path


def test_marking_an_entry_used_keeps_its_modification_time_so_its_pyc_stays_valid(tmp_path):
    now = time.time()
    path = entry(tmp_path, 1, 10 * DAY, now)
    mtime = path.stat().st_mtime_ns
    mark_used(path)
    assert path.stat().st_mtime_ns == mtime
    assert now - last_used(path) < 60
    mark_used(tmp_path / "missing.py")  # nothing to mark: no error


def test_cleanup_keeps_the_most_recently_used_and_the_recent_entries_and_their_pyc(tmp_path):
    now = time.time()
    ages = {0: 1 * DAY, 1: 2 * DAY, 2: 30 * DAY, 3: 40 * DAY, 4: 50 * DAY, 5: 3 * DAY}
    paths = {n: entry(tmp_path, n, age, now) for n, age in ages.items()}
    removed = clean(tmp_path, keep=2, max_age=7 * DAY, now=now)
    kept = {n for n, p in paths.items() if p.exists()}
    assert kept == {0, 1, 5}  # the two most recent, and the third used within 7 days
    assert set(removed) >= {paths[2], paths[3], paths[4]}
    pycs = sorted(p.name.split(".")[0] for p in (tmp_path / "__pycache__").iterdir())
    assert pycs == sorted(paths[n].stem for n in kept)


def test_cleanup_removes_only_what_the_loader_writes(tmp_path):
    now = time.time()
    old = now - 100 * DAY
    others = [tmp_path / "notes.py", tmp_path / f"{PREFIX}short.py", tmp_path / "spikestudio_generated_x.txt",
              tmp_path / "precious.tmp.bak"]
    for p in others:
        p.write_text("keep me")
        os.utime(p, (old, old))
    stale_tmp, fresh_tmp = tmp_path / "tmpab12cd.tmp", tmp_path / "tmpef34gh.tmp"
    for p, t in ((stale_tmp, old), (fresh_tmp, now - 60)):
        p.write_text("half written")
        os.utime(p, (t, t))
    clean(tmp_path, keep=0, max_age=0, now=now)
    assert all(p.exists() for p in others)
    assert not stale_tmp.exists() and fresh_tmp.exists()  # a fresh one may be another process's write


def test_an_entry_used_within_the_grace_period_is_never_removed(tmp_path):
    now = time.time()
    fresh, old = entry(tmp_path, 1, GRACE / 2, now), entry(tmp_path, 2, 2 * GRACE, now)
    clean(tmp_path, keep=0, max_age=0, now=now)
    assert fresh.exists() and not old.exists()


def test_an_entry_marked_used_after_the_listing_is_kept(tmp_path, monkeypatch):
    """Another process marks an entry while cleanup runs: the age is read again just before removing."""
    now = time.time()
    path = entry(tmp_path, 1, 30 * DAY, now)
    real = model_cache.last_used
    calls = []

    def racing(p):
        calls.append(p)
        if len(calls) == 2:  # between the listing and the removal
            mark_used(p)
        return real(p)

    monkeypatch.setattr(model_cache, "last_used", racing)
    assert clean(tmp_path, keep=0, max_age=DAY, now=now) == []
    assert path.exists()


def test_cleanup_of_a_missing_or_unreadable_folder_is_quiet(tmp_path):
    assert clean(tmp_path / "nowhere") == []


@pytest.fixture
def model_folder(tmp_path, monkeypatch):
    """An empty model cache folder, with no generated module imported yet (each is then read from the folder)."""
    folder = tmp_path / "models"
    monkeypatch.setenv("SPIKESTUDIO_MODEL_CACHE", str(folder))
    for name in [m for m in sys.modules if m.startswith(PREFIX)]:
        monkeypatch.delitem(sys.modules, name)
    yield folder
    for name in [m for m in sys.modules if m.startswith(PREFIX)]:
        if str(folder) in str(getattr(sys.modules[name], "__file__", "")):
            del sys.modules[name]


def layouts(name: str):
    return [layout_of(parse_model((MODELS / f"{name}.model").read_text()), name)]


def forget(key: str) -> None:
    sys.modules.pop(PREFIX + key, None)


def test_using_a_model_marks_its_entry_and_adding_one_cleans_the_folder(model_folder, monkeypatch):
    monkeypatch.setattr(model_cache, "KEEP", 1)
    now = time.time()
    model_folder.mkdir()
    stale, recent = entry(model_folder, 7, 100 * DAY, now), entry(model_folder, 8, 2 * DAY, now)
    _, key = loader.generated_module(layouts("lif"))
    path = model_folder / f"{PREFIX}{key}.py"
    assert path.exists() and recent.exists() and not stale.exists()
    os.utime(path, (now - 50 * DAY, now - 50 * DAY))
    forget(key)
    loader.generated_module(layouts("lif"))  # used again (imported by a new process, say): marked
    assert now - last_used(path) < 60


def test_an_entry_removed_by_another_process_before_the_import_is_written_again(model_folder, monkeypatch):
    real = loader.import_file
    removed = []

    def cleaned_first(name, path):
        if not removed:  # another process's cleanup wins the race once
            path.unlink()
            removed.append(path)
        return real(name, path)

    monkeypatch.setattr(loader, "import_file", cleaned_first)
    module, key = loader.generated_module(layouts("exponential_if"))
    assert removed and removed[0].exists() and hasattr(module, "custom_update")
    forget(key)


def test_two_builds_importing_one_new_module_at_once_both_get_its_whole_code(model_folder, monkeypatch):
    """A Reset and Run while a build is under way starts a second build on another thread: before the lock, the
    second found the first's module in sys.modules half-executed ("has no attribute 'entry_without_currents'")."""
    import threading

    real = loader.import_file
    entered, release = threading.Event(), threading.Event()

    def slow_import(name, path):
        entered.set()
        release.wait(5.0)  # the first import holds here, as a long module execution would
        return real(name, path)

    monkeypatch.setattr(loader, "import_file", slow_import)
    results, errors = [], []

    def build():
        try:
            module, key = loader.generated_module(layouts("exponential_if"))
            results.append((module, key, hasattr(module, "entry_without_currents")))
        except Exception as error:  # noqa: BLE001 - the test reports any failure of either thread
            errors.append(error)

    first = threading.Thread(target=build)
    first.start()
    assert entered.wait(5.0)
    second = threading.Thread(target=build)
    second.start()
    second.join(0.3)
    assert second.is_alive(), "the second build must wait for the first import, not read a half-made module"
    release.set()
    first.join(10.0)
    second.join(10.0)
    assert not errors
    assert len(results) == 2 and all(whole for _, _, whole in results) and results[0][0] is results[1][0]
    forget(results[0][1])
