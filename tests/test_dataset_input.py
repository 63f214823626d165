"""The dataset input node: a dataset plugin's samples become spikes at build time, and the results know what
was shown when. The engine reaches plugins only through the ``datasets`` resolver it is given."""

import json

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.errors import BuildError, FileFormatError
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import DatasetInput, Network
from spikestudio.engine.simulation.build import build_problems
from spikestudio.engine.simulation.simulator import Simulator as EngineSimulator
from spikestudio.plugins.api import Dataset, DatasetPlugin, PluginInfo
from spikestudio.plugins.dataset_source import RegistryDatasets
from spikestudio.plugins.registry import PluginRecord, Registry

DT = 0.1


def digits_net(encoder="rate", samples=6, offset=10, **encoder_params) -> Network:
    net = Network(dt=DT, duration=1000.0, seed=4)
    net.add_dataset("d", 64, "digits", encoder, samples=samples, offset=offset, presentation=100.0, rest=50.0,
                    grid=(8, 8), **encoder_params)
    net.record_spikes("d")
    return net


def sklearn_digits():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.images / 16.0, bunch.target


def test_latency_encoded_samples_spike_at_their_analytic_times():
    """Latency code: each pixel above threshold fires once, at onset + presentation x (1 - intensity)."""
    net = digits_net("latency", threshold=0.2)
    res = spikestudio.Simulator(net).run(1.0)
    onsets, labels = res.presented("d")
    images, targets = sklearn_digits()
    np.testing.assert_array_equal(labels, targets[10:16])
    np.testing.assert_allclose(onsets, 150.0 * np.arange(6))
    times, ids = res.spikes("d")
    for k, onset in enumerate(onsets):
        mine = (times >= onset) & (times < onset + 150.0)
        pixels = images[10 + k].ravel()
        expected = np.flatnonzero(pixels > 0.2)
        order = np.argsort(ids[mine], kind="stable")
        np.testing.assert_array_equal(ids[mine][order], expected)
        wanted = onset + 100.0 * (1.0 - pixels[expected])
        assert np.all(np.abs(times[mine][order] - wanted) <= DT / 2 + 1e-9)  # rounded to the step grid


def test_rate_encoded_samples_fire_in_proportion_to_intensity_and_rest_in_between():
    net = digits_net("rate", samples=40, offset=0, max_rate=200.0)
    net.duration = 40 * 150.0
    res = spikestudio.Simulator(net).run()
    times, ids = res.spikes("d")
    onsets, _ = res.presented("d")
    phase = times - onsets[np.searchsorted(onsets, times, side="right") - 1]
    assert phase.max() < 100.0 + DT  # nothing during the rests
    images, _ = sklearn_digits()
    expected = images[:40].reshape(40, 64).sum(axis=0) * 200.0 * 0.1  # Hz x 100 ms per sample
    counts = np.bincount(ids, minlength=64)
    assert counts[expected == 0].sum() == 0
    lit = expected > 20
    np.testing.assert_allclose(counts[lit], expected[lit], rtol=0.5)
    assert abs(counts.sum() / expected.sum() - 1.0) < 0.03  # ~40,000 Poisson spikes: within a few %


def test_same_seed_same_spikes_and_the_seed_matters():
    a = spikestudio.Simulator(digits_net()).run(0.5).spikes("d")
    b = spikestudio.Simulator(digits_net()).run(0.5).spikes("d")
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    other = digits_net()
    other.seed = 5
    c = spikestudio.Simulator(other).run(0.5).spikes("d")
    assert c[0].size != a[0].size or not np.array_equal(c[1], a[1])


def test_presented_samples_are_saved_with_the_results(tmp_path):
    res = spikestudio.Simulator(digits_net("latency")).run(0.3)
    onsets, labels = res.presented("d")
    assert res.dataset_ids == ["d"]
    saved = np.load(res.save(tmp_path / "r.npz"), allow_pickle=False)
    np.testing.assert_array_equal(saved["presented/d/onsets_ms"], onsets)
    np.testing.assert_array_equal(saved["presented/d/labels"], labels)
    paths = res.save_csv(tmp_path / "csv")
    table = np.loadtxt(tmp_path / "csv" / "presented_d.csv", delimiter=",", skiprows=1)
    assert tmp_path / "csv" / "presented_d.csv" in paths
    np.testing.assert_array_equal(table[:, 0], onsets)
    np.testing.assert_array_equal(table[:, 1], labels)
    assert (tmp_path / "csv" / "presented_d.csv").read_text().startswith("onset_ms,label\n")
    with pytest.raises(KeyError, match="not a dataset input"):
        res.presented("nope")


# --- what goes wrong is named ---------------------------------------------------------------------------


class Failing(DatasetPlugin):
    info = PluginInfo("failing", "1.0", "Failing", "always raises")

    def _load(self, numbers, texts):
        raise RuntimeError("the disk is on fire")


class Tiny(DatasetPlugin):
    info = PluginInfo("tiny", "1.0", "Tiny", "three 1x2 frames")

    def _load(self, numbers, texts):
        return Dataset("tiny", np.array([0, 1, 2]), (1, 2), frames=np.array([[[1.0, 0.0]], [[0.0, 1.0]], [[1, 1]]]))


def registry_with(**plugins) -> RegistryDatasets:
    records = [PluginRecord(pid, "datasets", "test", loader=lambda p=p: p) for pid, p in plugins.items()]
    records.append(PluginRecord("broken", "datasets", "test", loader=lambda: 1 / 0))
    return RegistryDatasets(Registry(records))


def tiny_net(dataset="tiny", size=2, samples=3, **kw) -> Network:
    net = Network(dt=DT, duration=100.0)
    net.add_dataset("in", size, dataset, "latency", samples=samples, presentation=10.0, rest=0.0, **kw)
    return net


@pytest.mark.parametrize("dataset, message", [
    ("nope", 'no installed plugin provides the dataset "nope" (installed: broken, failing, tiny)'),
    ("broken", 'the dataset plugin "broken" failed to load: ZeroDivisionError'),
    ("failing", "the disk is on fire"),
])
def test_a_missing_or_failing_plugin_is_a_build_error_naming_node_and_plugin(dataset, message):
    datasets = registry_with(failing=Failing(), tiny=Tiny())
    with pytest.raises(BuildError) as exc:
        EngineSimulator(tiny_net(dataset), datasets=datasets)
    assert 'inputs["in"]' in str(exc.value) and f'"{dataset}"' in str(exc.value) and message in str(exc.value)


def test_size_sample_range_and_encoder_parameters_are_checked_when_building():
    datasets = registry_with(tiny=Tiny())
    with pytest.raises(BuildError, match=r'inputs\["in"\] \(dataset "tiny"\): the latency encoder needs 2 neurons '
                                         r"for this dataset, but the input has 3; set its size to 2"):
        EngineSimulator(tiny_net(size=3), datasets=datasets)
    with pytest.raises(BuildError, match="samples 1 to 3 were asked for, but the dataset holds 3"):
        EngineSimulator(tiny_net(offset=1), datasets=datasets)
    with pytest.raises(BuildError, match="latency.max_rate: unknown parameter"):
        EngineSimulator(tiny_net(max_rate=5.0), datasets=datasets)
    with pytest.raises(BuildError, match="no dataset plugins were given to the simulator"):
        EngineSimulator(tiny_net())


def test_build_problems_name_missing_plugins_and_encoders_without_loading():
    net = tiny_net("nope")
    net.inputs["in"].encoder = "morse"
    problems = build_problems(net, datasets=registry_with(tiny=Tiny()))
    assert problems == ['inputs["in"].dataset: no installed plugin provides the dataset "nope" '
                        "(installed: broken, tiny)",
                        'inputs["in"].encoder: unknown encoder "morse" (known: rate, latency, rank_order, events)']


def test_a_third_party_style_plugin_drives_a_population():
    datasets = registry_with(tiny=Tiny())
    net = tiny_net()
    net.add_population("P", 2, "lif")
    net.connect("in", "P", "one_to_one", weight=100.0, synapse="delta", delay=DT)
    net.record_spikes("P")
    res = EngineSimulator(net, datasets=datasets).run(0.05)
    times, ids = res.spikes("P")
    # latency code, window 10 ms: intensity 1 fires at the onset; the input spike arrives one step later
    np.testing.assert_allclose(times, [DT, 10.0 + DT, 20.0 + DT, 20.0 + DT])
    np.testing.assert_array_equal(ids, [0, 1, 0, 1])


def test_datasets_are_loaded_once_per_resolver():
    calls = []

    class Counting(Tiny):
        def _load(self, numbers, texts):
            calls.append(1)
            return super()._load(numbers, texts)

    datasets = registry_with(tiny=Counting())
    for _ in range(3):
        EngineSimulator(tiny_net(), datasets=datasets)
    assert len(calls) == 1


# --- the description and its files ----------------------------------------------------------------------


def test_validation_names_every_bad_field():
    net = Network()
    net.add(DatasetInput("in", 60, "", {"path": [1]}, "", {}, presentation=0.0, rest=-1.0, samples=0, offset=-2,
                         grid=(8, 8)))
    assert {(p.location, p.message) for p in net.validate()} == {
        ('inputs["in"].grid', "8 x 8 grid does not hold 60 neurons"),
        ('inputs["in"].dataset', "expected the id of a dataset plugin"),
        ('inputs["in"].encoder', "expected the id of an encoder"),
        ('inputs["in"].dataset_params.path', "expected a number, a string or true/false, got [1]"),
        ('inputs["in"].presentation', "0 is outside the valid range (0, 1e+07] ms"),
        ('inputs["in"].rest', "-1 is outside the valid range [0, 1e+07] ms"),
        ('inputs["in"].samples', "0 is outside the valid range [1, 1e+07]"),
        ('inputs["in"].offset', "-2 is outside the valid range [0, 1e+09]"),
    }


@pytest.mark.parametrize("suffix", [".snn", ".json"])
def test_save_load_save_is_identical(tmp_path, suffix):
    net = digits_net(max_rate=80.0)
    net.inputs["d"].dataset_params = {"limit": 500, "images": "/data/x.gz", "flag": True}
    first = tmp_path / f"a{suffix}"
    spikestudio.save(net, first)
    loaded = spikestudio.load(first)
    item = loaded.inputs["d"]
    assert isinstance(item, DatasetInput)
    assert (item.dataset, item.encoder, item.samples, item.offset, item.grid) == ("digits", "rate", 6, 10, (8, 8))
    assert item.dataset_params == {"limit": 500, "images": "/data/x.gz", "flag": True}
    assert item.encoder_params == {"max_rate": 80.0} and (item.presentation, item.rest) == (100.0, 50.0)
    second = tmp_path / f"b{suffix}"
    spikestudio.save(loaded, second)
    assert first.read_bytes() == second.read_bytes()


def test_bad_dataset_input_fields_in_a_file_are_reported_with_their_location():
    data = fileformat.to_dict(digits_net())
    raw = data["inputs"]["d"]
    raw["samples"] = "many"
    raw["encoder_params"] = {"max_rate": [1]}
    del raw["rest"]
    raw["colour"] = "red"
    with pytest.raises(FileFormatError) as exc:
        fileformat.loads(json.dumps(data))
    found = {(p.location, p.message) for p in exc.value.problems}
    assert ('inputs["d"].samples', 'expected a whole number, got "many"') in found
    assert ('inputs["d"].rest', "missing") in found
    assert any(loc == 'inputs["d"].colour' and msg.startswith("unknown field") for loc, msg in found)
    assert any(loc == 'inputs["d"].encoder_params.max_rate' for loc, _ in found)


def test_command_line_validate_info_and_run_with_a_dataset_input(tmp_path, capsys):
    from spikestudio import cli

    missing = tiny_net("no_such_dataset")
    path = tmp_path / "missing.json"
    spikestudio.save(missing, path)
    assert cli.main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith('input “in”, dataset: no installed plugin provides the dataset "no_such_dataset"')
    assert "the file is valid but cannot run here" in err
    assert cli.main(["info", "digits"]) == 0
    assert "digits              64 neurons  dataset digits, rate encoding, samples 0 to 999" in capsys.readouterr().out
    assert cli.main(["run", "digits", "--duration", "1", "--csv-dir", str(tmp_path / "csv")]) == 0
    table = np.loadtxt(tmp_path / "csv" / "presented_digits.csv", delimiter=",", skiprows=1)
    assert table.shape == (1000, 2) and table[:3, 1].tolist() == [0, 1, 2]
