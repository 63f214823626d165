"""Dataset plugins and encoders: real files in each format (written here), malformed ones, spike statistics."""

import gzip

import numpy as np
import pytest
from spikestudio.plugins.api import EVENT_DTYPE, Dataset, DatasetError
from spikestudio.plugins.builtin.datasets import DIGITS, MNIST, NMNIST
from spikestudio.plugins.builtin.events import read_events, write_events
from spikestudio.plugins.builtin.idx import read_idx, write_idx
from spikestudio.plugins.encoders import ENCODERS, population_size, present
from spikestudio.plugins.registry import default_registry


def test_builtin_datasets_come_through_entry_points():
    registry = default_registry()
    assert {"digits", "mnist", "fashion_mnist", "nmnist", "ncaltech101"} <= set(registry.ids("datasets"))
    assert "spikestudio" in registry.records[("datasets", "mnist")].source
    assert registry.get("datasets", "digits") is DIGITS


def test_digits_from_scikit_learn():
    data = DIGITS.load()
    assert len(data) == 1797 and data.shape == (8, 8) and data.kind == "frames"
    assert data.frames.min() == 0.0 and data.frames.max() == 1.0 and set(data.labels) == set(range(10))
    assert len(DIGITS.load(limit=10)) == 10
    with pytest.raises(DatasetError, match=r"digits.limit: -1 is outside the valid range"):
        DIGITS.load(limit=-1)
    with pytest.raises(DatasetError, match="digits.colour: unknown parameter"):
        DIGITS.load(colour=1)


@pytest.fixture
def mnist_files(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5, 9], np.uint8)
    write_idx(tmp_path / "images.gz", images, compress=True)
    write_idx(tmp_path / "labels", labels)
    return tmp_path, images, labels


def test_mnist_reads_gzip_and_raw_idx(mnist_files):
    folder, images, labels = mnist_files
    data = MNIST.load(images=str(folder / "images.gz"), labels=str(folder / "labels"))
    assert data.shape == (28, 28) and data.labels.tolist() == labels.tolist()
    assert np.array_equal(np.round(data.frames * 255).astype(np.uint8), images)
    assert len(MNIST.load(images=str(folder / "images.gz"), labels=str(folder / "labels"), limit=2)) == 2


def test_mnist_problems_are_named(mnist_files, tmp_path):
    folder, images, _ = mnist_files
    with pytest.raises(DatasetError, match="say where the images and labels files are"):
        MNIST.load()
    with pytest.raises(DatasetError, match="no such file"):
        MNIST.load(images=str(folder / "nope"), labels=str(folder / "labels"))
    (tmp_path / "text").write_text("hello, not idx")
    with pytest.raises(DatasetError, match="not an IDX file"):
        read_idx(tmp_path / "text")
    whole = (folder / "labels").read_bytes()
    (tmp_path / "short").write_bytes(whole[:-2])
    with pytest.raises(DatasetError, match="fewer data bytes than its header announces"):
        read_idx(tmp_path / "short")
    (tmp_path / "bomb").write_bytes(bytes([0, 0, 8, 3]) + np.array([60000, 60000, 60000], ">u4").tobytes())
    with pytest.raises(DatasetError, match="more than an IDX file may hold"):
        read_idx(tmp_path / "bomb")
    write_idx(tmp_path / "few", np.zeros(5, np.uint8))
    with pytest.raises(DatasetError, match="6 images but 5 labels"):
        MNIST.load(images=str(folder / "images.gz"), labels=str(tmp_path / "few"))
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x01")[:-3])
    with pytest.raises(DatasetError, match="cannot be read|header ends early"):
        read_idx(tmp_path / "bad.gz")


def random_events(rng, n, size=34):
    events = np.zeros(n, EVENT_DTYPE)
    events["x"], events["y"] = rng.integers(0, size, n), rng.integers(0, size, n)
    events["p"], events["t"] = rng.integers(0, 2, n), np.sort(rng.integers(0, 300_000, n))
    return events


def test_event_files_round_trip_and_bad_files(tmp_path):
    events = random_events(np.random.default_rng(1), 500)
    write_events(tmp_path / "a.bin", events)
    assert (tmp_path / "a.bin").stat().st_size == 5 * 500
    assert np.array_equal(read_events(tmp_path / "a.bin"), events)
    (tmp_path / "odd.bin").write_bytes(b"\x00" * 7)
    with pytest.raises(DatasetError, match="not a whole number of 5-byte events"):
        read_events(tmp_path / "odd.bin")
    # a known event, bit for bit: x=3, y=4, polarity 1, t = 0x12345 us
    (tmp_path / "one.bin").write_bytes(bytes([3, 4, 0x80 | 0x01, 0x23, 0x45]))
    one = read_events(tmp_path / "one.bin")[0]
    assert (one["x"], one["y"], one["p"], one["t"]) == (3, 4, 1, 0x12345)


def test_nmnist_folders_give_labels(tmp_path):
    rng = np.random.default_rng(2)
    for digit in ("0", "1"):
        (tmp_path / digit).mkdir()
        for k in range(2):
            write_events(tmp_path / digit / f"{k}.bin", random_events(rng, 50))
    data = NMNIST.load(folder=str(tmp_path))
    assert data.kind == "events" and data.labels.tolist() == [0, 0, 1, 1] and population_size(data) == 34 * 34 * 2
    with pytest.raises(DatasetError, match="expected a folder with one subfolder"):
        NMNIST.load(folder=str(tmp_path / "missing"))


def frames_dataset(frames, labels=None):
    frames = np.asarray(frames, float)
    labels = np.arange(len(frames)) if labels is None else np.asarray(labels)
    return Dataset("test", labels, frames.shape[1:], frames=frames)


def test_rate_encoder_matches_its_poisson_rate():
    data = frames_dataset(np.stack([np.full((8, 8), 1.0), np.full((8, 8), 0.5), np.zeros((8, 8))]))
    shown = present(data, "rate", presentation=1000.0, rest=0.0, max_rate=50.0, seed=3)
    counts = np.histogram(shown.times, bins=[0, 1000, 2000, 3000])[0]
    assert counts[0] == pytest.approx(64 * 50, rel=0.06) and counts[1] == pytest.approx(64 * 25, rel=0.08)
    assert counts[2] == 0
    again = present(data, "rate", presentation=1000.0, rest=0.0, max_rate=50.0, seed=3)
    assert np.array_equal(again.times, shown.times)


def test_latency_and_rank_order_encoders():
    frame = np.array([[0.0, 0.25], [1.0, 0.5]])
    data = frames_dataset([frame])
    lat = present(data, "latency", presentation=100.0, rest=0.0)
    assert lat.neurons.tolist() == [2, 3, 1] and np.allclose(lat.times, [0.0, 50.0, 75.0])
    rank = present(data, "rank_order", presentation=90.0, rest=0.0, threshold=0.3)
    assert rank.neurons.tolist() == [2, 3] and np.allclose(rank.times, [0.0, 45.0])


def test_event_playback_and_presentation_schedule():
    events = np.zeros(3, EVENT_DTYPE)
    events["x"], events["y"], events["p"], events["t"] = [1, 2, 0], [0, 1, 1], [1, 0, 0], [1000, 5000, 400_000]
    data = Dataset("ev", np.array([7, 8]), (2, 3), events=[events, events])
    shown = present(data, "events", presentation=100.0, rest=50.0, time_scale=2.0)
    assert shown.size == 12 and shown.labels.tolist() == [7, 8] and shown.onsets.tolist() == [0.0, 150.0]
    assert shown.neurons.tolist() == [3, 10, 3, 10]  # 2 (y W + x) + polarity; the 800 ms event is cut
    assert np.allclose(shown.times, [2.0, 10.0, 152.0, 160.0])


def test_presentations_leave_the_rest_silent_and_refuse_nonsense():
    data = DIGITS.load(limit=4)
    shown = present(data, "rate", presentation=200.0, rest=100.0, seed=1)
    phase = shown.times % 300.0
    assert phase.max() < 200.0 and shown.onsets.tolist() == [0.0, 300.0, 600.0, 900.0]
    assert shown.labels.tolist() == data.labels.tolist()
    with pytest.raises(DatasetError, match="takes events"):
        present(data, "events")
    with pytest.raises(DatasetError, match="unknown encoder"):
        present(data, "morse")
    with pytest.raises(DatasetError, match="rate.max_rate"):
        present(data, "rate", max_rate=-5.0)
    assert set(ENCODERS) == {"rate", "latency", "rank_order", "events"}


def test_a_presentation_drives_a_network():
    import spikestudio
    from spikestudio.engine.model.network import Network

    data = DIGITS.load(limit=3)
    shown = present(data, "rate", presentation=100.0, rest=50.0, max_rate=100.0, seed=5)
    net = Network(dt=0.1, duration=450.0)
    net.add_spike_times("digits", shown.size, shown.neurons, shown.times)
    net.record_spikes("digits")
    times, ids = spikestudio.Simulator(net).run(0.45).spikes("digits")
    steps = np.rint(shown.times / 0.1).astype(np.int64)  # the engine puts a spike time on the nearest step
    assert len(times) == len(set(zip(shown.neurons.tolist(), steps.tolist(), strict=True)))


def test_the_example_third_party_plugin_is_found_and_works(example_plugin):
    """The README's plugin guide, followed: an entry point in a package's metadata is all it takes."""
    registry = default_registry()
    bars = registry.get("datasets", "bars")
    assert registry.records[("datasets", "bars")].source == "spikestudio-example (spikestudio_example.bars:BARS)"
    data = bars.load(size=6, count=10)
    assert data.frames.shape == (10, 6, 6) and np.all(data.frames.sum(axis=(1, 2)) == 6)
    shown = present(data, "latency", presentation=20.0, rest=0.0)
    assert shown.size == 36 and len(shown.neurons) == 60  # six bright pixels per image, one spike each
