"""Garbage collection runs on the GUI thread only once a window exists (worker threads would deadlock Qt)."""

import gc
import threading

import pytest

pytestmark = pytest.mark.timeout(60)


def test_a_window_moves_collection_to_the_gui_thread(window, qtbot):
    window("cuba")
    assert not gc.isenabled()  # a worker thread allocating can no longer trigger a collection
    collected_on = []

    class Marker:
        def __init__(self):
            self.cycle = self

        def __del__(self):
            collected_on.append(threading.current_thread() is threading.main_thread())

    kept = []

    def make_garbage():
        Marker()
        kept.append([[[]] for _ in range(100_000)])  # live allocations far past generation 0's threshold

    worker = threading.Thread(target=make_garbage)
    worker.start()
    worker.join()
    assert collected_on == []  # nothing was collected on the worker
    qtbot.waitUntil(lambda: collected_on == [True], timeout=5000)  # the GUI thread's timer collected it
