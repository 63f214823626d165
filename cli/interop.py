"""The ``spikestudio export`` and ``spikestudio import`` commands (NIR graphs; PyNN and Brian2 scripts)."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import EXIT_FAILED, EXIT_OK, CliError, _load, _problem_lines, _write, say

__all__ = ["cmd_export", "cmd_import", "FORMATS"]

FORMATS = ("nir", "pynn", "brian2")


def cmd_export(args) -> int:
    if args.to not in FORMATS:
        raise CliError(f"unknown export format {args.to!r} (choose from {', '.join(FORMATS)})")
    if args.output is None and args.to == "nir":
        raise CliError("export --to nir needs an output file: -o OUT.nir")
    _check_parent(args.output)
    net = _load(args.network)
    if args.to == "nir":
        return _export_nir(net, args)
    return _export_script(net, args)


def _export_nir(net, args) -> int:
    from ..engine.interop.nir_export import write_nir
    from ..engine.interop.report import ExportError

    try:
        report = [None]
        _write(lambda: report.__setitem__(0, write_nir(net, args.output, strict=args.strict)), args.output)
    except ExportError as exc:
        raise CliError(f"{args.network}: cannot be exported to NIR exactly ({len(exc.report.problems)} "
                       f"problem{'s' if len(exc.report.problems) != 1 else ''}); nothing was written", EXIT_FAILED,
                       exc.report.lines()) from None
    _tell_left_out(report[0], "NIR")
    say(f"NIR graph written to {args.output}")
    return EXIT_OK


def _export_script(net, args) -> int:
    from ..engine.interop import ExportError, brian2_export, pynn_export
    from ..engine.interop.script_export import export_script
    from ..plugins.dataset_source import default_datasets
    from ..plugins.registry import default_registry

    wiring, replay = getattr(args, "wiring", "rules"), getattr(args, "replay_inputs", False)
    if replay and wiring != "realised":
        raise CliError("--replay-inputs needs --wiring realised")
    plugins = {"datasets": default_datasets()}  # dataset inputs travel as their encoded spikes, STDP as equations
    if args.to == "brian2":
        plugins["rules"] = default_registry().learning_rules()
    if args.output is None:  # stdout: every array inline
        export = brian2_export if args.to == "brian2" else pynn_export
        text, report = export(net, wiring=wiring, replay_inputs=replay, **plugins)
        if args.strict and not report.ok:
            raise CliError(f"{args.network}: cannot be exported to {args.to} exactly; nothing was written",
                           EXIT_FAILED, report.lines())
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        done = []
        try:
            _write(lambda: done.extend(export_script(net, args.output, args.to, wiring, replay, args.strict,
                                                        **plugins)),
                   args.output)
        except ExportError as exc:
            raise CliError(f"{args.network}: cannot be exported to {args.to} exactly; nothing was written",
                           EXIT_FAILED, exc.report.lines()) from None
        report, files = done
        extra = len(files) - 1
        arrays = f" (and {extra} array file{'s' if extra != 1 else ''} beside it)" if extra else ""
        say(f"{args.to} script written to {args.output}{arrays}")
    _tell_left_out(report, args.to)
    return EXIT_OK


def cmd_import(args) -> int:
    from ..engine.errors import FileFormatError
    from ..engine.files import fileformat
    from ..engine.interop.nir_import import read_nir

    path = Path(args.file)
    if not path.exists():
        raise CliError(f"{path}: no such file")
    if path.is_dir():
        raise CliError(f"{path}: is a directory, not a NIR file")
    if args.output.suffix.lower() not in (".snn", ".json"):
        raise CliError(f"{args.output}: the output must be a .snn or .json file")
    _check_parent(args.output)
    inferred: list[str] = []
    try:
        net = read_nir(path, spike_step=args.spike_step, notes=inferred)
    except FileFormatError as exc:
        raise CliError(f"{path}: cannot import the NIR graph", details=_problem_lines(exc)) from None
    for note in inferred:
        print(f"inferred: {note}", file=sys.stderr)
    _write(lambda: fileformat.save(net, args.output), args.output)
    say(f"imported {len(net.populations)} population{'s' if len(net.populations) != 1 else ''} and "
        f"{len(net.projections)} projection{'s' if len(net.projections) != 1 else ''}; saved to {args.output}")
    return EXIT_OK


def _check_parent(path: Path | None) -> None:
    if path is not None and not path.parent.is_dir():
        raise CliError(f"{path}: cannot write there (no such directory {str(path.parent)!r})")


def _tell_left_out(report, what: str) -> None:
    lines = report.lines() if hasattr(report, "lines") else []
    if lines:
        say(f"left out of the {what} export ({len(lines)}):", *(f"  {line}" for line in lines), file=sys.stderr)
