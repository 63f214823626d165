"""Memory a small or re-zipped .snn costs to read: measured in a fresh process (peak RSS), on real zips."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from spikestudio.engine.errors import FileFormatError
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network, PoissonInput

MB = 1 << 20

# Prints how far the peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent at fork) rose
# above what the process held before loading argv[1], after a first small load that imports what loading uses.
_PEAK_OF_LOAD = """
import sys
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network

def kib(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field))

fileformat.loads(fileformat.dumps(Network()))
before = kib("VmRSS:")
net = fileformat.load(sys.argv[1])
print((kib("VmHWM:") - before) * 1024)
"""


def load_peak(path) -> int:
    """Bytes the peak resident memory grew by while a fresh Python loaded ``path``."""
    if not os.path.exists("/proc/self/status"):
        pytest.skip("reads peak memory from /proc/self/status (Linux)")
    out = subprocess.run([sys.executable, "-c", _PEAK_OF_LOAD, str(path)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return int(out.stdout)


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def reused_member_file(path, references: int):
    """A few kB of zip whose two 1 MB members are named by ``references`` spike-times inputs each."""
    n = MB // 8 - 16  # stays under the 1 MiB below which 0.1.0 ignored compression ratios
    net = Network()
    net.add_population("P", 10)
    data = json.loads(fileformat.dumps(net))
    data["inputs"] = {f"S{i}": {"type": "spike_times", "name": f"S{i}", "size": 1, "neurons": {"npy": "arrays/0.npy"},
                                "times": {"npy": "arrays/1.npy"}} for i in range(references)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("network.json", json.dumps(data))
        zf.writestr("arrays/0.npy", npy(np.zeros(n, np.int64)))
        zf.writestr("arrays/1.npy", npy(np.zeros(n)))
    return path


def test_a_member_named_many_times_is_read_once(tmp_path):
    path = reused_member_file(tmp_path / "reuse.snn", 150)
    assert path.stat().st_size < 20_000
    assert load_peak(path) < 60 * MB  # one copy per reference would be 300 MB


def test_members_named_many_times_share_one_read_only_array(tmp_path):
    net = fileformat.load(reused_member_file(tmp_path / "reuse.snn", 3))
    first, second = net.inputs["S0"], net.inputs["S2"]
    assert np.shares_memory(first.times, second.times) and np.shares_memory(first.neurons, second.neurons)
    with pytest.raises(ValueError, match="read-only"):
        first.times[0] = 1.0  # one input's edit must never show up in another


def test_arrays_of_a_saved_file_stay_writable_for_scripts(tmp_path):
    fileformat.save(constant_network(), tmp_path / "net.snn")  # save names every member once
    rates = fileformat.load(tmp_path / "net.snn").inputs["P"].rates
    rates[0] = 7.0
    assert rates[0] == 7.0


def test_a_large_member_is_read_without_a_second_copy(tmp_path):
    rates = np.repeat(np.arange(48 * MB // 8 // 100, dtype=np.float64), 100)  # compresses about 90:1
    net = Network()
    net.inputs["P"] = PoissonInput("P", rates.size, 5.0, rates=rates)
    path = tmp_path / "big.snn"
    fileformat.save(net, path)
    assert load_peak(path) < 1.5 * rates.nbytes  # chunks plus their join, or bytes plus a float copy: 2x


def rezipped(source, target, **kw):
    """``source``'s members written again by Python's zipfile (as a user's zip tool would)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, **kw) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    return target


def constant_network() -> Network:
    net = Network()
    net.add_population("E", 10)
    net.inputs["P"] = PoissonInput("P", 1_000_000, 5.0, rates=np.full(1_000_000, 5.0))
    return net


def test_a_saved_file_rezipped_at_maximum_compression_still_loads(tmp_path):
    fileformat.save(constant_network(), tmp_path / "net.snn")
    path = rezipped(tmp_path / "net.snn", tmp_path / "again.snn", compresslevel=9)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("arrays/0.npy")
        assert info.file_size > 500 * info.compress_size  # what 0.1.0 refused as a zip bomb
    assert np.array_equal(fileformat.load(path).inputs["P"].rates, np.full(1_000_000, 5.0))


@pytest.mark.skipif(shutil.which("zip") is None or shutil.which("unzip") is None, reason="needs zip and unzip")
def test_a_saved_file_rezipped_by_the_zip_tool_still_loads(tmp_path):
    fileformat.save(constant_network(), tmp_path / "net.snn")
    (tmp_path / "x").mkdir()
    subprocess.run(["unzip", "-q", str(tmp_path / "net.snn"), "-d", str(tmp_path / "x")], check=True)
    subprocess.run(["zip", "-q", "-9", "-r", str(tmp_path / "again.snn"), "."], cwd=tmp_path / "x", check=True)
    assert fileformat.load(tmp_path / "again.snn").inputs["P"].rates.shape == (1_000_000,)


def test_a_member_declaring_more_than_the_limit_is_still_refused(tmp_path, monkeypatch):
    fileformat.save(constant_network(), tmp_path / "net.snn")
    monkeypatch.setattr(fileformat, "MAX_MEMBER_SIZE", MB)
    with pytest.raises(FileFormatError, match="the limit is 1048576"):
        fileformat.load(tmp_path / "net.snn")


def test_a_member_declaring_more_than_its_bytes_can_hold_is_refused_before_reading(tmp_path):
    from test_fileformat import set_declared_size  # the zip directory rewriter those tests use

    path = tmp_path / "net.snn"
    fileformat.save(constant_network(), path)
    with zipfile.ZipFile(path) as zf:
        stored = zf.getinfo("arrays/0.npy").compress_size
    set_declared_size(path, "arrays/0.npy", 900 * MB)  # under the 1 GiB limit, but no deflate stream expands so far
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    [problem] = exc_info.value.problems
    assert problem.location == 'archive["arrays/0.npy"]'
    assert problem.message == f"declares {900 * MB} bytes, more than its {stored} stored bytes can hold"


def test_running_out_of_memory_is_reported_as_such_not_as_a_bug(tmp_path):
    """Under a memory limit, a file needing more than the limit fails with a message naming memory."""
    small, big = tmp_path / "small.snn", tmp_path / "big.snn"
    fileformat.save(constant_network(), small)
    net = constant_network()
    net.inputs["P"] = PoissonInput("P", 25_000_000, 5.0, rates=np.full(25_000_000, 5.0))  # 200 MB
    fileformat.save(net, big)
    del net
    script = ("import resource, sys\n"
              "from spikestudio import cli\n"
              "assert cli.main(['validate', sys.argv[1]]) == 0\n"  # every library validate loads, loaded
              "size = int(open('/proc/self/status').read().split('VmSize:')[1].split()[0]) << 10\n"
              "resource.setrlimit(resource.RLIMIT_AS, (size + (100 << 20),) * 2)\n"
              "sys.exit(cli.main(['validate', sys.argv[2]]))\n")
    out = subprocess.run([sys.executable, "-c", script, str(small), str(big)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 1 and "not enough memory for `validate`" in out.stderr, out.stderr
    assert "internal error" not in out.stderr and "Traceback" not in out.stderr


def test_a_member_whose_data_starts_at_an_odd_offset_loads_aligned(tmp_path):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (10,), }  \n"  # numpy pads to 64; this does not
    odd = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + np.arange(10.0).tobytes()
    data = json.loads(fileformat.dumps(constant_network()))
    data["inputs"]["P"].update(size=10, rates={"npy": "arrays/0.npy"})
    path = tmp_path / "odd.snn"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("network.json", json.dumps(data))
        zf.writestr("arrays/0.npy", odd)
    assert (10 + len(header)) % 8  # the data really starts off an 8-byte boundary
    rates = fileformat.load(path).inputs["P"].rates
    assert rates.flags.aligned and np.array_equal(rates, np.arange(10.0))  # compiled kernels need aligned data
