"""Our record of what numba cached, which tells a cache load from a compile without numba's private cache index:
written beside numba's cache files once a loop has run, keyed by numba's version, the engine's sources and the
argument types; a fresh process finds it (no compile said), and without it says "compiling"."""

import ast
from pathlib import Path

import numba
import pytest
import spikestudio
from numba import types
from spikestudio.engine.kernels import compile_record
from spikestudio.engine.kernels.compile_record import RECORD_NAME, record_path, recorded
from spikestudio.engine.kernels.compile_status import compiled_functions
from spikestudio.resources.examples import example_path
from test_compile_cache import empty_caches, run_script


def ran_single_neuron():
    """(the loop's dispatcher, its argument types) after a short run of the single_neuron example."""
    sim = spikestudio.Simulator(spikestudio.load(example_path("single_neuron")))
    sim.run(0.01)
    [(loop, args)] = compiled_functions(sim.built)  # no models or rules from equations: the loop alone
    return loop, args


def test_a_run_records_its_loop_beside_numbas_cache_files():
    loop, args = ran_single_neuron()
    path = record_path(loop)
    assert path.name == RECORD_NAME and path.parent == Path(loop.stats.cache_path)
    assert any(path.parent.glob("*run_chunk*.nbi"))  # numba's index of the loop is in the same folder
    assert recorded(loop, args)
    assert not recorded(loop, (args[0], types.int32, *args[2:]))  # another signature is not recorded


@pytest.mark.parametrize("change", ["numba", "sources"])
def test_a_record_holds_for_one_numba_and_one_engine_source_only(change, monkeypatch):
    loop, args = ran_single_neuron()
    if change == "numba":
        monkeypatch.setattr(numba, "__version__", "0.0.1")
    else:
        monkeypatch.setattr(compile_record, "engine_sources_digest", lambda: "an edited engine")
    compile_record._process_part.cache_clear()
    try:
        assert not recorded(loop, args)
    finally:
        monkeypatch.undo()
        compile_record._process_part.cache_clear()
    assert recorded(loop, args)


def test_a_variant_of_the_loop_has_a_key_of_its_own():
    """The loop compiled with the hand-written kernels differs from the plain one only in a closure cell (numba keys
    its cache on it): the plain loop's record must not answer for it."""
    from spikestudio.engine.kernels import kernel

    loop, args = ran_single_neuron()
    variant = kernel.run_chunk_with(hand_written_kernels=True)
    assert variant.py_func.__code__.co_code == loop.py_func.__code__.co_code and recorded(loop, args)
    assert compile_record._key(variant, args) != compile_record._key(loop, args)


def test_an_unreadable_record_costs_a_compile_message_never_the_run():
    """A record that is not text, or a platform whose CPU features LLVM cannot read: the run goes on and keeps its
    steps and results; the record just says "not recorded"."""
    loop, args = ran_single_neuron()
    path = record_path(loop)
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\xff\xfe not text\n")
        assert not recorded(loop, args)
        sim = spikestudio.Simulator(spikestudio.load(example_path("single_neuron")))
        res = sim.run(0.01)
        assert sim.step == round(10.0 / sim.network.dt) and res.t == pytest.approx(10.0)
    finally:
        path.write_bytes(original)
    assert recorded(loop, args)


def test_no_cpu_features_from_llvm_is_no_error(monkeypatch):
    def unreadable():
        raise RuntimeError("LLVM cannot read this CPU's features")

    monkeypatch.setattr(compile_record.binding, "get_host_cpu_features", unreadable)
    monkeypatch.setattr(numba.config, "CPU_FEATURES", "")
    compile_record._process_part.cache_clear()
    try:
        loop, args = ran_single_neuron()
        compile_record.record(loop, args)  # neither raises
        assert recorded(loop, args)  # the key without features is consistent within the process
    finally:
        monkeypatch.undo()
        compile_record._process_part.cache_clear()


STATUS = """
import json, spikestudio
from spikestudio.engine.kernels import kernel
from spikestudio.engine.kernels.compile_status import needs_compile
from spikestudio.resources.examples import example_path
sim = spikestudio.Simulator(spikestudio.load(example_path("single_neuron")))
needs = needs_compile(sim.built)
sim.run(0.01)
print(json.dumps({"needs_compile": needs, "hits": sum(kernel.run_chunk.stats.cache_hits.values())}))
"""


@pytest.mark.slow
def test_a_fresh_process_reads_the_record_and_without_it_says_compiling(tmp_path):
    """The answer is the record's, not numba's index: with the record removed, numba still loads the loop from
    its cache (a hit), but the status says "compiling" (the cautious answer), and that run records it again."""
    env = empty_caches(tmp_path)
    assert run_script(STATUS, env=env) == {"needs_compile": True, "hits": 0}  # cold: compiles, then records
    assert run_script(STATUS, env=env) == {"needs_compile": False, "hits": 1}  # warm: the record says so
    [record] = Path(env["NUMBA_CACHE_DIR"]).rglob(RECORD_NAME)
    record.unlink()
    assert run_script(STATUS, env=env) == {"needs_compile": True, "hits": 1}
    assert run_script(STATUS, env=env) == {"needs_compile": False, "hits": 1}


def private_numba_uses(tree: ast.AST) -> list[str]:
    """numba's private ``_nrt`` option, and its dispatchers' cache internals, wherever the code uses them."""
    found = [f"line {node.lineno}: _nrt=" for node in ast.walk(tree) if isinstance(node, ast.keyword)
             and node.arg == "_nrt"]
    return found + [f"line {node.lineno}: .{node.attr}" for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                    and (node.attr in PRIVATE or node.attr == "_cache" and getattr(node.value, "id", "") != "self")]


PRIVATE = {"_index_key", "_load_index", "_cache_file", "_launch_threads"}


def ours(relative: Path) -> bool:
    """A source file of the project: not a test, nor anything in a virtual environment (make test keeps .venv,
    .venv-bench and .venv-nest in the clone, numba itself among them), git's folder or a build."""
    parts = relative.parts
    return not (parts[0].startswith(".") or parts[0] in ("tests", "build") or "site-packages" in parts)


def test_the_code_uses_no_private_numba_option_or_cache_internals():
    """The package and its benchmarks keep to numba's public API for compiling and for the compile status."""
    root = Path(__file__).resolve().parents[1]
    found = [f"{path.relative_to(root)} {use}" for path in sorted(root.rglob("*.py")) if ours(path.relative_to(root))
             for use in private_numba_uses(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == [], found
    sample = "numba.njit(_nrt=False)(f)\nd._cache._index_key(s, c)\nself._cache = {}\n"
    assert private_numba_uses(ast.parse(sample)) == ["line 1: _nrt=", "line 2: ._index_key", "line 2: ._cache"]
