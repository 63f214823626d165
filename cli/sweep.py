"""The ``spikestudio sweep`` command: run a parameter sweep on every core or a Dask cluster, write the table."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

from .common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CliError, _load, _problem_lines, _resolve, _write

__all__ = ["add_parser", "cmd_sweep"]


def add_parser(sub) -> None:
    sweep = sub.add_parser(
        "sweep", help="run a parameter sweep (a sweep file) and write one table row per run",
        description="Run NETWORK once per point of a sweep (its parameters, values, repeats and measures come "
                    "from a sweep file: --sweep FILE, or NAME.sweep.json beside the network) on a process pool "
                    "(every core by default) or a Dask cluster, and write one row per run to a CSV (or, with "
                    "pyarrow, Parquet) table. Ctrl-C cancels: finished runs are kept and written.")
    sweep.add_argument("network", metavar="NETWORK", help="a .snn/.json file or a bundled example name")
    sweep.add_argument("--sweep", metavar="FILE", type=Path, help="the sweep file (default: NAME.sweep.json beside "
                                                                  "the network)")
    sweep.add_argument("--workers", metavar="N", type=int, help="worker processes (default: every core; 1 runs "
                                                                "in this process)")
    sweep.add_argument("--scheduler", metavar="ADDRESS", default=os.environ.get("SPIKESTUDIO_SCHEDULER") or None,
                       help="a Dask scheduler (tcp://host:8786) to send runs to (default: $SPIKESTUDIO_SCHEDULER "
                            "when set, else a process pool here)")
    sweep.add_argument("--out", metavar="TABLE", type=Path, default=Path("sweep-results.csv"),
                       help="the table to write: .csv (default sweep-results.csv) or .parquet")
    sweep.add_argument("--keep-spikes", metavar="DIR", type=Path,
                       help="also keep each run's spikes as DIR/run-NNNNN.npz (a folder every worker can write)")
    sweep.set_defaults(func=cmd_sweep)


def cmd_sweep(args) -> int:
    from ..api import checked_sweep, make_simulator, sweep_backend, sweep_measures
    from ..engine.experiments import table
    from ..engine.experiments.sweep_run import Control, execute, make_setup

    net, spec = _inputs(args)
    out = args.out if args.out.suffix else args.out.with_suffix(".csv")
    for folder in (out.parent, args.keep_spikes):
        if folder is not None and not folder.is_dir():
            raise CliError(f"{folder}: no such directory")
    if out.suffix.lower() == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        raise CliError(f"{out}: writing Parquet needs pyarrow (pip install pyarrow); write a .csv table instead")
    if args.workers is not None and args.workers < 1:
        raise CliError(f"--workers must be 1 or more, got {args.workers}")
    checked = _checked(lambda: checked_sweep(net, spec), args.network)
    points = checked.points(net.seed)
    setup = make_setup(net, checked, make_simulator=make_simulator, measure_catalog=sweep_measures,
                       spikes_dir=str(args.keep_spikes) if args.keep_spikes else None)
    backend = sweep_backend(args.workers, args.scheduler)
    print(f"{len(points)} runs of {Path(args.network).name} {_where(args, backend)}", file=sys.stderr)
    rows, bar, control = [], _Bar(sys.stderr, len(points)), Control()
    try:
        execute(points, setup, backend, control, on_outcome=lambda o: rows.append(o.row), progress=bar.update)
    except KeyboardInterrupt:  # a second Ctrl-C while the runs in progress finish
        control.cancel()
    finally:
        bar.finish()
        names = [p.name for p in checked.parameters]
        _write(lambda: table.write_table(rows, names, out), out)
    return _report(rows, len(points), out, control.cancelled)


def _inputs(args):
    from ..engine.errors import FileFormatError
    from ..engine.experiments import sweep_file

    net = _load(args.network)
    path = args.sweep or sweep_file.beside(_resolve(args.network))
    if not path.is_file():
        raise CliError(f"{path}: no such sweep file" + ("" if args.sweep else
                                                         " (give one with --sweep FILE)"))
    try:
        return net, sweep_file.load(path)
    except FileFormatError as exc:
        raise CliError(f"{path}: cannot read the sweep ({len(exc.problems)} problem"
                       f"{'s' * (len(exc.problems) != 1)})", EXIT_USAGE, _problem_lines(exc)) from None


def _checked(check, network: str):
    from ..engine.errors import ValidationError

    try:
        return check()
    except ValidationError as exc:
        raise CliError(f"the sweep does not fit {network}", EXIT_USAGE, _problem_lines(exc)) from None


def _where(args, backend) -> str:
    if args.scheduler:
        return f"on the Dask cluster at {args.scheduler}"
    workers = getattr(backend, "workers", 1)
    return f"on {workers} worker process{'es' * (workers != 1)}" if backend.name == "pool" else "in this process"


def _report(rows: list[dict], total: int, out: Path, cancelled: bool) -> int:
    failed = sum(bool(r.get("error")) for r in rows)
    print(f"{len(rows)} of {total} runs finished" + (f", {failed} failed (see the error column)" if failed else "")
          + f"; table written to {out}")
    if cancelled:
        print("cancelled: the runs not finished are not in the table", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


class _Bar:
    """Runs done, failures and the time left, redrawn in place on a terminal (only the last line otherwise)."""

    WIDTH = 30

    def __init__(self, stream, total: int):
        self.stream, self.total, self.line = stream, total, ""
        self.start = time.perf_counter()
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())

    def update(self, progress) -> None:
        frac = progress.done / progress.total if progress.total else 1.0
        bar = "#" * int(round(frac * self.WIDTH))
        left = "" if progress.left is None else f", about {_duration(progress.left)} left"
        self.line = (f"[{bar:-<{self.WIDTH}}] {progress.done}/{progress.total} runs  "
                     f"{_duration(progress.elapsed)}{left}")
        if self.live:
            self.stream.write("\r" + self.line + "\x1b[K")
            self.stream.flush()

    def finish(self) -> None:
        elapsed = time.perf_counter() - self.start
        self.stream.write(("\r" if self.live else "") + (self.line or "no runs finished") +
                          f"  done in {_duration(elapsed)}\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
