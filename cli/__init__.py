"""The ``spikestudio`` command: run, check and describe network files without the GUI.

``main(argv)`` returns the exit status instead of exiting, so tests and scripts can call it in-process:
0 success, 1 a problem found in the network or a failed build/simulation, 2 a usage or file error,
130 interrupted. Errors are one clear message on stderr, never a traceback (set SPIKESTUDIO_DEBUG=1 to
see the traceback of an unexpected internal error).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
import textwrap
import time
from pathlib import Path

from .. import __version__
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    CliError,
    _error,
    _load,
    _problem_lines,
    _read,
    _resolve,
    _write,
    say,
)

__all__ = ["main"]

COMMANDS = ("gui", "run", "validate", "info", "examples", "warmup", "export", "import", "sweep")

DESCRIPTION = """\
SpikeStudio: build spiking neural networks, simulate them fast, share them as files.

`spikestudio` with no arguments opens the editor (the GUI) on the default example network, and
`spikestudio FILE` opens FILE in it. The other commands work headless, without a display.

A NETWORK argument is a .snn or .json file, or the name of a bundled example (see `spikestudio examples`).
"""

EPILOG = """\
exit status: 0 success; 1 the network has problems or the simulation failed; 2 usage or file error.

examples:
  spikestudio                          open the editor on the default example
  spikestudio net.snn                  open net.snn in the editor
  spikestudio run cuba --duration 0.5  run the bundled CUBA benchmark for 0.5 s
  spikestudio run net.snn --seed 7 --out results.npz --csv summary.csv
  spikestudio validate net.snn         list every problem in a file
  spikestudio info brunel              sizes, expected synapses and memory of a network
  spikestudio export net.snn --to nir -o net.nir   write a NIR graph (what NIR cannot express is listed)
  spikestudio export cuba --to brian2 --wiring realised -o cuba.py   a script that reproduces the run
  spikestudio import model.nir -o model.snn        a NIR graph (snnTorch, Norse, ...) as a network file
  spikestudio sweep brunel_phase --workers 2 --out phase.csv   a parameter sweep, one table row per run
"""


# --- entry point -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["gui", *argv]  # `spikestudio` and `spikestudio FILE` open the editor
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return args.func(args)
    except CliError as exc:
        _error(str(exc), exc.details)
        return exc.status
    except KeyboardInterrupt:
        print(file=sys.stderr)
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `spikestudio info x | head -1`
        return EXIT_OK
    except MemoryError:  # a network or file too large for this machine (or for a memory limit): not a bug
        _error(f"not enough memory for `{argv[0]}` on {' '.join(argv[1:2]) or 'this network'}: it is too large "
               "for the memory available here", ["`spikestudio info NETWORK` estimates what a network needs"])
        return EXIT_FAILED
    except Exception as exc:  # never a traceback for users; developers can ask for one
        if os.environ.get("SPIKESTUDIO_DEBUG"):
            raise
        _error(f"internal error: {type(exc).__name__}: {exc}",
               ["this is a bug in SpikeStudio; set SPIKESTUDIO_DEBUG=1 to see the traceback"])
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, epilog=EPILOG,
                                     usage=f"{PROG} [-h] [--version] [NETWORK | COMMAND ...]",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", prog=PROG)

    gui = sub.add_parser("gui", help="open the editor (what `spikestudio [NETWORK]` does)",
                         description="Open NETWORK (default: the default example) in the editor window.")
    gui.add_argument("network", metavar="NETWORK", nargs="?", help="a .snn/.json file or a bundled example name")
    gui.add_argument("--screenshot", metavar="FILE.png", type=Path,
                     help="render the window to a PNG and quit (works without a display: "
                          "QT_QPA_PLATFORM=offscreen)")
    gui.set_defaults(func=cmd_gui)

    run = sub.add_parser("run", help="simulate a network headless and print a summary per population",
                         description="Simulate NETWORK and print, per population: neurons, spikes, mean rate "
                                     "(Hz) and mean CV of the inter-spike intervals. Progress goes to stderr.")
    run.add_argument("network", metavar="NETWORK", help="a .snn/.json file or a bundled example name")
    run.add_argument("--duration", metavar="S", type=_seconds,
                     help="simulated time in seconds (default: the network's own duration)")
    run.add_argument("--seed", metavar="N", type=int, help="random seed, replacing the network's seed")
    run.add_argument("--threads", metavar="N", type=_threads,
                     help="threads to simulate on, replacing the network's setting (0: every core; the spikes "
                          "are the same for any count)")
    run.add_argument("--out", metavar="FILE.npz", type=Path,
                     help="save the results (spikes, traces, rates) to an .npz file (no pickled objects); "
                          "each kind is bounded in memory, so a long run keeps its latest part (see --stream)")
    run.add_argument("--stream", action="store_true",
                     help="with --out: write the results to disk as the run goes, so the file keeps everything "
                          "however long the run, without growing memory")
    run.add_argument("--csv", metavar="FILE.csv", type=Path, help="save the summary table as CSV")
    run.add_argument("--csv-dir", metavar="DIR", type=Path,
                     help="save every recording as CSV files in DIR (spikes, traces and rates, one file each)")
    run.set_defaults(func=cmd_run)

    validate = sub.add_parser("validate", help="check a network file and list every problem",
                              description="Read NETWORK strictly and print every problem, one per line as "
                                          "'location: message'. Exit status 1 when there are problems.")
    validate.add_argument("network", metavar="NETWORK", help="a .snn/.json file or a bundled example name")
    validate.set_defaults(func=cmd_validate)

    info = sub.add_parser("info", help="describe a network: sizes, expected synapses, memory, settings",
                          description="Print neurons per node, expected synapses and estimated memory "
                                      "(computed without building the network), settings and metadata.")
    info.add_argument("network", metavar="NETWORK", help="a .snn/.json file or a bundled example name")
    info.set_defaults(func=cmd_info)

    examples = sub.add_parser("examples", help="list the bundled example networks",
                              description="List the bundled example networks with their titles.")
    examples.set_defaults(func=cmd_examples)

    warmup = sub.add_parser("warmup", help="compile the simulation kernels now (make does this after installing)",
                            description="Compile the simulation kernels for every model and for each bundled "
                                        "example; numba caches the code on disk, so later runs start "
                                        "without compiling.")
    warmup.set_defaults(func=cmd_warmup)
    _interop_parsers(sub)
    from . import sweep as cli_sweep

    cli_sweep.add_parser(sub)
    return parser


def _interop_parsers(sub) -> None:
    export = sub.add_parser("export", help="export a network to NIR, or as a PyNN or Brian2 script",
                            description="Write NETWORK in another format. What the format cannot express is "
                                        "listed on stderr (with --strict it is an error and nothing is written).")
    export.add_argument("network", metavar="NETWORK", help="a .snn/.json file or a bundled example name")
    export.add_argument("--to", metavar="FORMAT", required=True, type=str.lower,
                        help="nir (a NIR graph, HDF5), pynn or brian2 (a Python script)")
    export.add_argument("-o", "--output", metavar="OUT", type=Path,
                        help="the file to write (required for nir; scripts go to stdout without it)")
    export.add_argument("--strict", action="store_true",
                        help="fail (exit 1) when anything cannot be expressed, instead of leaving it out")
    export.add_argument("--wiring", choices=("rules", "realised"), default="rules",
                        help="scripts: rules (the other simulator draws its own synapses, the default) or realised "
                             "(SpikeStudio's synapses and initial state, as .npy files beside the script)")
    export.add_argument("--replay-inputs", action="store_true",
                        help="with --wiring realised: replay SpikeStudio's Poisson spikes (and, Brian2, its OU "
                             "noise): the exact mode")
    export.set_defaults(func=lambda args: _interop().cmd_export(args))
    imp = sub.add_parser("import", help="import a NIR graph as a network file",
                         description="Read a NIR graph (written by SpikeStudio, snnTorch, Norse, ...) and save it "
                                     "as a network file (.snn or .json), laid out for the editor.")
    imp.add_argument("file", metavar="FILE.nir", help="a NIR file (HDF5)")
    imp.add_argument("-o", "--output", metavar="OUT.snn", type=Path, required=True, help="the .snn or .json to write")
    imp.add_argument("--spike-step", metavar="S", type=_seconds,
                     help="read each spike as 1 for one step of S seconds, as discrete-time frameworks write "
                          "graphs: weights are multiplied by S; 1 reads unit Dirac deltas. Default: Dirac deltas for "
                          "SpikeStudio's graphs, else the step the neurons' tau / r gives (snnTorch), else 1e-3 "
                          "(Norse's default step)")
    imp.set_defaults(func=lambda args: _interop().cmd_import(args))


def _interop():
    from . import interop as cli_interop

    return cli_interop


def _threads(text: str) -> int:
    from ..engine.model.catalog import MAX_THREADS

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of threads, got {text!r}") from None
    if not 0 <= value <= MAX_THREADS:
        raise argparse.ArgumentTypeError(f"expected 0 (every core) to {MAX_THREADS} threads, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    from ..engine.model.catalog import MAX_DURATION

    if value * 1000.0 > MAX_DURATION:
        longest = f"{MAX_DURATION / 1000:,.0f}"
        raise argparse.ArgumentTypeError(f"{text} seconds is longer than a run may be (at most {longest})")
    return value


# --- commands ----------------------------------------------------------------------------------------


def cmd_gui(args) -> int:
    if args.network is not None:
        _resolve(args.network)  # a missing file is a usage error here, before any window opens
    if args.screenshot is not None and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a picture needs no screen
    problem = _display_problem()
    if problem is not None:
        raise CliError(f"the editor cannot start: {problem}", EXIT_FAILED, GUI_HINTS)
    try:
        from ..gui.shell.app import run_app
    except ImportError as exc:
        raise CliError(f"the editor cannot start: {exc}", EXIT_FAILED, GUI_HINTS) from None
    return run_app(args.network, str(args.screenshot) if args.screenshot else None)


QT_APT = ("libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon-x11-0 libxcb-cursor0 "
          "libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 "
          "libxcb-xfixes0 libxcb-xkb1")
XCB_LIBS = ("xcb-cursor", "xcb-icccm", "xcb-keysyms", "xcb-image", "xcb-randr", "xcb-render-util", "xcb-shape",
            "xkbcommon-x11")
GUI_HINTS = [f"on Debian or Ubuntu, Qt needs: sudo apt-get install {QT_APT}",
             "`spikestudio run NETWORK` simulates without a window"]


def _display_problem() -> str | None:
    """Why Qt could not open a window here (it would abort the process rather than say so), or None."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and platform not in ("xcb",):
        return None
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not os.environ.get("DISPLAY"):
        return "no display (DISPLAY and WAYLAND_DISPLAY are not set)"
    import ctypes.util

    missing = [f"lib{name}" for name in XCB_LIBS if ctypes.util.find_library(name) is None]
    return f"Qt's X11 platform plugin needs {', '.join(missing)}" if missing else None


def cmd_run(args) -> int:
    from ..api import Simulator
    from ..engine.errors import BuildError, SimulationError, ValidationError
    from ..engine.model.names import readable_error
    from ..engine.model.network import Population

    net = _load(args.network)
    for target in (args.out, args.csv):
        if target is not None and not target.parent.is_dir():
            raise CliError(f"{target}: cannot write there (no such directory {str(target.parent)!r})")
    if args.stream and args.out is None:
        raise CliError("--stream needs --out FILE.npz (where the results are written as the run goes)")
    if args.seed is not None:
        net.seed = args.seed
    if args.threads is not None:
        net.threads = args.threads
    # The CV of ISI needs every population's spikes; spike sources (a Poisson drive may emit tens of
    # millions of spikes) are only recorded when the file asks for it.
    recorded = {r.target for r in net.recorders.values() if r.kind == "spikes"}
    for pop_id in net.populations:
        if pop_id not in recorded:
            rec_id = _unused_id(net, f"spikes:{pop_id}")
            net.record_spikes(pop_id, id=rec_id)
    duration_ms = args.duration * 1000.0 if args.duration is not None else net.duration
    building = _BuildProgress(sys.stderr)
    try:
        sim = Simulator(net, build_progress=building.update)
    except ValidationError as exc:
        raise CliError(f"{args.network}: the network is not valid", EXIT_USAGE,
                       readable_error(net, exc).split("\n")) from None
    except BuildError as exc:
        raise CliError(f"{args.network}: cannot build the network: {readable_error(net, exc)}", EXIT_FAILED) from None
    building.finish()
    _compile(sim)
    stream = _stream_to(args, sim)
    progress = _Progress(sys.stderr, duration_ms)
    try:
        results = sim.run(duration_ms / 1000.0, progress=progress.update)
    except BaseException as exc:  # the stream's files go with any failure (Ctrl+C too)
        if stream is not None:
            stream.close()
        if not isinstance(exc, SimulationError):
            raise
        progress.finish(failed_at_ms=sim.t)
        raise CliError(f"{args.network}: simulation failed: {readable_error(net, exc)}", EXIT_FAILED) from None
    progress.finish()
    rows = [row for row in results.summary() if isinstance(net.spiking_nodes().get(row["id"]), Population)]
    title = net.metadata.title or Path(args.network).name
    say(f"{title}: {results.t:g} ms simulated, dt {net.dt:g} ms, seed {net.seed}")
    say(*_table(rows).split("\n"))
    if args.out is not None:
        _write(lambda: stream.finish(results) if stream is not None else results.save(args.out), args.out)
        say(f"results saved to {args.out}")
        if stream is None and results.kept_from > 0:
            say(f"note: to bound memory the saved results hold recordings from {results.kept_from:g} ms on "
                  "(counts cover the whole run); --stream keeps everything", file=sys.stderr)
    if args.csv is not None:
        _write(lambda: _save_csv(rows, args.csv), args.csv)
        say(f"summary saved to {args.csv}")
    if args.csv_dir is not None:
        written = []
        _write(lambda: written.extend(results.save_csv(args.csv_dir)), args.csv_dir)
        say(f"{len(written)} recording{'s' * (len(written) != 1)} saved as CSV in {args.csv_dir}")
    return EXIT_OK


def _stream_to(args, sim):
    """A stream writing ``sim``'s results to ``--out`` as the run goes (``--stream``), or None."""
    if not args.stream:
        return None
    from ..engine.simulation.results_stream import ResultsStream

    try:
        stream = ResultsStream(args.out)
    except OSError as exc:
        raise CliError(f"{args.out}: cannot write there: {exc.strerror or exc}") from None
    sim.results.sink = stream
    return stream


def cmd_validate(args) -> int:
    from ..engine.errors import FileFormatError

    path = _resolve(args.network)
    try:
        net = _read(path)
    except FileFormatError as exc:
        say(*_problem_lines(exc))
        n = len(exc.problems)
        _error(f"{path}: {n} problem{'s' if n != 1 else ''} found")
        return EXIT_FAILED
    from ..engine.simulation.build import build_problems
    from ..plugins.dataset_source import default_datasets
    from ..plugins.registry import default_registry

    registry = default_registry()
    for clash in registry.errors:  # two plugins with one id: said, whether or not this network uses it
        say(f"{PROG}: warning: {clash}", file=sys.stderr)
    blocking = build_problems(net, registry.learning_rules(), datasets=default_datasets())
    if blocking:  # valid on paper, but a run on this machine would be refused
        from ..engine.model.names import readable_text

        say(*(readable_text(net, text) for text in blocking))
        _error(f"{path}: the file is valid but cannot run here: {_count(len(blocking), 'problem')}")
        return EXIT_FAILED
    from ..engine.model.step_size import dt_warnings

    title = net.metadata.title or path.name
    say(f"OK: {title} ({_count(len(net.populations), 'population')}, "
        f"{_count(len(net.projections), 'projection')})")
    say(*(f"warning: {text}" for text in dt_warnings(net)))  # it runs, but the student should know
    return EXIT_OK


def cmd_info(args) -> int:
    from ..engine.model.network import CurrentInput, DatasetInput, PoissonInput, RewardInput, SpikeTimesInput
    from ..engine.simulation.build import estimate_memory
    from ..engine.units import format_bytes

    path = _resolve(args.network)
    net = _load(args.network)
    n_syn, n_bytes = estimate_memory(net)
    md = net.metadata
    out = [f"{md.title or path.name}", f"  file:        {path}"]
    for label, value in (("author", md.author), ("license", md.license)):
        if value:
            out.append(f"  {label + ':':<12} {value}")
    if md.description:
        out += textwrap.wrap(md.description, width=100, initial_indent="  description: ",
                             subsequent_indent=" " * 15)
    out += ["", "settings:", f"  dt:          {net.dt:g} ms", f"  duration:    {net.duration:g} ms",
            f"  seed:        {net.seed}",
            f"  threads:     {net.threads or 'every core'}"]
    width = max([len(i) for i in net.all_ids()] + [4])
    out += ["", "populations:"]
    for pop in net.populations.values():
        out.append(f"  {pop.id:<{width}}  {pop.size:>12,} neurons  {pop.model}")
    n_pop = sum(p.size for p in net.populations.values())
    n_src = 0
    if net.inputs:
        out += ["", "inputs:"]
    for item in net.inputs.values():
        if isinstance(item, PoissonInput):
            n_src += item.size
            rate = "per-neuron rates" if item.rates is not None else f"{item.rate:g} Hz"
            out.append(f"  {item.id:<{width}}  {item.size:>12,} neurons  poisson, {rate}")
        elif isinstance(item, SpikeTimesInput):
            n_src += item.size
            out.append(f"  {item.id:<{width}}  {item.size:>12,} neurons  spike times ({item.times.size:,} spikes)")
        elif isinstance(item, DatasetInput):
            n_src += item.size
            out.append(f"  {item.id:<{width}}  {item.size:>12,} neurons  dataset {item.dataset}, {item.encoder} "
                       f"encoding, samples {item.offset} to {item.offset + item.samples - 1}")
        elif isinstance(item, CurrentInput):
            out.append(f"  {item.id:<{width}}  {'':>12}          current {item.waveform} -> {item.target}")
        elif isinstance(item, RewardInput):
            pulses = f", pulses at spikes of {item.source}" if item.source else ""
            out.append(f"  {item.id:<{width}}  {'':>12}          reward ({item.times.size} scheduled values{pulses})")
    out += ["", f"neurons:             {n_pop:,} in populations, {n_src:,} in spike sources, "
                f"{n_pop + n_src:,} in total",
            f"projections:         {len(net.projections)}",
            f"expected synapses:   {n_syn:,}",
            f"estimated memory:    {format_bytes(n_bytes)}",
            f"recorders:           {len(net.recorders)}"]
    say(*out)
    return EXIT_OK


def cmd_examples(args) -> int:
    from ..resources.examples import DEFAULT_EXAMPLE, example_path, list_examples

    names = list_examples()
    width = max([len(n) for n in names] + [4])
    for name in names:
        title = _read(example_path(name)).metadata.title
        mark = "  (default)" if name == DEFAULT_EXAMPLE else ""
        say(f"{name:<{width}}  {title}{mark}")
    return EXIT_OK


def cmd_warmup(args) -> int:
    from ..engine.errors import BuildError, SimulationError
    from ..engine.simulation.warmup import warmup
    from ..engine.teaching.one_neuron import warm_stepping_loops
    from ..plugins.registry import default_registry
    from ..resources.examples import list_examples

    start = time.perf_counter()

    def show(done: int, total: int, name: str) -> None:
        print(f"[{done + 1}/{total}] kernels of {name} ({time.perf_counter() - start:.0f} s so far)", file=sys.stderr,
              flush=True)

    try:
        seconds = warmup([_load(name) for name in list_examples()], default_registry().learning_rules(), show)
        seconds += warm_stepping_loops()
    except (BuildError, SimulationError) as exc:
        raise CliError(f"warmup failed: {exc}", EXIT_FAILED) from None
    print(f"compiled the simulation kernels in {seconds:.1f} s")
    return EXIT_OK


# --- helpers -----------------------------------------------------------------------------------------


def _compile(sim) -> None:
    """Compile (or load) the time loop before the run, so its "x real time" counts the simulation only; says so
    on stderr when it really compiles (seconds to minutes, first time only)."""
    from ..engine.kernels.compile_status import compile_now, compiled_parts, compiling_text, needs_compile

    if not needs_compile(sim.built):
        compile_now(sim.built)
        return
    sys.stderr.write(compiling_text(compiled_parts(sim.built)) + "\n")
    sys.stderr.flush()
    seconds = compile_now(sim.built)
    sys.stderr.write(f"compiled in {seconds:.1f} s (not counted in the run's time)\n")


def _unused_id(net, wanted: str) -> str:
    ids, candidate, k = net.all_ids(), wanted, 2
    while candidate in ids:
        candidate, k = f"{wanted}#{k}", k + 1
    return candidate


def _save_csv(rows: list[dict], path: Path) -> None:
    from ..engine.files.atomic_file import atomic_write

    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=["id", "name", "neurons", "spikes", "rate_hz", "cv_isi"])
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()})
    data = text.getvalue().encode("utf-8")
    atomic_write(path, lambda f: f.write(data))


def _table(rows: list[dict]) -> str:
    """The summary as an aligned text table: id, neurons, spikes, rate (Hz), CV ISI ('-' when unknown)."""
    header = ("population", "neurons", "spikes", "rate (Hz)", "CV ISI")
    cells = [(r["id"], f"{r['neurons']:,}", f"{r['spikes']:,}", f"{r['rate_hz']:.3f}",
              "-" if math.isnan(r["cv_isi"]) else f"{r['cv_isi']:.3f}") for r in rows]
    widths = [max(len(str(c[i])) for c in [header, *cells]) for i in range(len(header))]
    lines = []
    for c in [header, *cells]:
        lines.append("  ".join([f"{c[0]:<{widths[0]}}"] + [f"{x:>{w}}" for x, w in zip(c[1:], widths[1:])]))
    return "\n".join(lines)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


class _BuildProgress:
    """The synapses drawn so far while a network builds, on ``stream``: redrawn in place on a terminal (at most
    every 0.2 s), and a summary line at the end on a terminal, or elsewhere when wiring took ``SLOW_S`` or more
    (a quick build stays quiet in logs)."""

    SLOW_S = 5.0

    def __init__(self, stream):
        self.stream = stream
        self.start = self.last = None
        self.shown = 0.0
        self.done = self.total = 0
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())

    def update(self, done: int, total: int, projection: str) -> None:
        self.done, self.total = done, total
        now = self.last = time.perf_counter()
        self.start = now if self.start is None else self.start
        if self.live and (now - self.shown > 0.2 or done == total):
            self.shown = now
            frac = done / total if total else 1.0
            self.stream.write(f"\rbuilding: {done:,} of {total:,} synapses ({frac:4.0%}), {projection}\033[K")
            self.stream.flush()

    def finish(self) -> None:
        elapsed = self.last - self.start if self.start is not None else 0.0
        if self.total and (self.live or elapsed >= self.SLOW_S):
            self.stream.write(("\r" if self.live else "") + f"built {self.total:,} synapses in {elapsed:.2f} s"
                              + ("\033[K" if self.live else "") + "\n")
            self.stream.flush()


class _Progress:
    """A plain-text progress bar on ``stream``, redrawn in place with \\r on a terminal.

    When the stream is not a terminal (a pipe, a log file, a test) only the final line is written.
    """

    WIDTH = 30

    def __init__(self, stream, total_ms: float):
        self.stream = stream
        self.total_ms = total_ms
        self.done_ms = 0.0
        self.start = time.perf_counter()
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())

    def update(self, done_ms: float, total_ms: float) -> None:
        self.done_ms, self.total_ms = done_ms, total_ms
        if self.live:
            self.stream.write("\r" + self._line())
            self.stream.flush()

    def finish(self, failed_at_ms: float | None = None) -> None:
        """End the bar with a summary line; ``failed_at_ms`` is the simulated time where a failed run stopped."""
        elapsed = time.perf_counter() - self.start
        if failed_at_ms is not None:
            line = f"stopped at {failed_at_ms:g} of {self.total_ms:g} ms after {elapsed:.2f} s"
        else:
            speed = self.done_ms / 1000.0 / elapsed if elapsed > 0 else math.inf
            line = f"{self._line()}  done in {elapsed:.2f} s ({speed:.3g}x real time)"
        self.stream.write(("\r" if self.live else "") + line + "\n")
        self.stream.flush()

    def _line(self) -> str:
        frac = self.done_ms / self.total_ms if self.total_ms > 0 else 1.0
        filled = int(round(frac * self.WIDTH))
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return f"[{bar}] {frac:4.0%}  {self.done_ms:g}/{self.total_ms:g} ms"
