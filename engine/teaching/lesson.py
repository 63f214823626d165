"""Lessons: short Markdown steps with a small header and a closed set of ``@`` directives.

A lesson is data, never code: the parser knows a handful of directives (open a network, highlight or
select a node, probe neurons, show a panel, ask for a parameter change or a run) and rejects anything
else, naming the file and line. Networks and pictures are looked up inside the lesson's own folder (or
among the bundled examples), so a lesson shared by a stranger cannot reach elsewhere on the disk.

File layout: ``<folder>/lesson.md`` beside the network files it opens::

    ---
    title: One neuron
    summary: Membrane potential, threshold and reset.
    network: one_neuron.json
    ---
    Introduction (step 0).

    ## A step
    Text with $\\tau_m$ math.
    @highlight N
    @probe N:0 N:0:syn_exc
    @task N.I_e >= 400
    @run

A step may also ask for behaviour of a model the student writes: ``@check N fires 300`` ticks once population
``N``'s model fires at 300 pA (see ``model_checks``), and ``@answer N qif.model`` gives its "Show me" a model text
of the lesson's folder.
"""

from __future__ import annotations

import copy
import math
import operator
import re
import stat
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import FileFormatError, ValidationError
from ..model.catalog import CURRENT_WAVEFORMS, SYNAPTIC_VARIABLES
from ..model.custom import neuron_model
from ..model.network import CurrentInput, Network, PoissonInput, Population, Projection
from .answers import Answer, AnswerError, answer_change, apply_answer
from .model_checks import Check, check_problem, parse_check

__all__ = ["LessonError", "Lesson", "Step", "Open", "Highlight", "Select", "Probe", "Show", "Task", "RunTask",
           "Restart", "Window", "Check", "Answer", "apply_answer", "answer_change", "AnswerError", "PANELS",
           "MAX_WINDOW_MS", "load_lesson", "parse_lesson", "bundled_lessons", "lessons_folder", "task_value",
           "task_met", "apply_task", "check_lesson", "LESSON_FILE"]

LESSON_FILE = "lesson.md"
MAX_LESSON_BYTES = 1_000_000
MAX_PICTURE_BYTES = 10_000_000
MAX_STEP_CHARS = 20_000  # "short steps": and a bound on what the panel renders at once
MAX_STEP_DIRECTIVES = 50  # a step that does more is not a short step (and each directive costs the window work)
HEADER_KEYS = ("title", "summary", "network", "order", "author")
PANELS = ("raster", "traces", "rates", "weights", "analysis", "phase_plane", "fi_curve", "inspector", "experiment")
OPERATORS = {"=": None, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
NETWORK_SETTINGS = ("dt", "duration", "seed")
MAX_WINDOW_MS = 60_000.0  # the widest plot window the toolbar offers
EXAMPLE_PREFIX = "example:"
_ID = r"[A-Za-z_][\w\-:>]*"  # ids such as E, stim_2, I->E


class LessonError(ValueError):
    """A lesson that cannot be used; ``problems`` lists everything wrong, each naming file and line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


# --- directives ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Open:
    file: str


@dataclass(frozen=True)
class Highlight:
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Select:
    id: str


@dataclass(frozen=True)
class Probe:
    """Neurons whose state the traces show: (node id, neuron, state variable; ``v`` unless named)."""

    probes: tuple[tuple[str, int, str], ...]


@dataclass(frozen=True)
class Show:
    panel: str


@dataclass(frozen=True)
class Restart:
    """The step's run starts at time 0 (the stimulus it is about begins after time 0, not after the last run)."""


@dataclass(frozen=True)
class Window:
    """The plots show this many ms (a 2 ms refractory pause is invisible in a 1000 ms window)."""

    ms: float


@dataclass(frozen=True)
class Task:
    """Change ``target.param`` until ``value <op> wanted`` holds (``target`` is a node id or ``network``)."""

    target: str
    param: str
    op: str
    value: float

    def describe(self) -> str:
        wanted = {"=": "to", "<": "below", "<=": "to at most", ">": "above", ">=": "to at least"}[self.op]
        where = "the network's" if self.target == "network" else f"{self.target}'s"
        return f"Set {where} {self.param} {wanted} {self.value:g}"


@dataclass(frozen=True)
class RunTask:
    def describe(self) -> str:
        return "Press Run"


@dataclass
class Step:
    title: str
    text: str
    actions: list = field(default_factory=list)

    @property
    def tasks(self) -> list:
        return [a for a in self.actions if isinstance(a, (Task, RunTask, Check))]

    def answer_for(self, target: str) -> Answer | None:
        return next((a for a in self.actions if isinstance(a, Answer) and a.target == target), None)


@dataclass
class Lesson:
    title: str
    summary: str
    network: str | None
    folder: Path
    steps: list[Step]
    order: int = 0
    author: str = ""

    def network_path(self, name: str | None = None) -> Path:
        """The file a network reference names: in the lesson folder, or ``example:NAME`` among the examples."""
        name = self.network if name is None else name
        if not name:
            raise LessonError([f"lesson “{self.title}” opens no network"])
        return resolve_reference(self.folder, name)

    def network_at(self, index: int) -> str | None:
        """The network step ``index`` is written for: the last ``@open`` up to it, else the header's (so Back
        across an ``@open`` goes back to the earlier network)."""
        for step in reversed(self.steps[:index + 1]):
            opens = [a.file for a in step.actions if isinstance(a, Open)]
            if opens:
                return opens[-1]
        return self.network

    def picture_path(self, name: str) -> Path | None:
        """A picture of the lesson folder, or None for anything outside it, missing, not a regular file or
        larger than MAX_PICTURE_BYTES."""
        try:
            path = (self.folder / name).resolve()
            info = path.stat()
        except (OSError, ValueError):
            return None
        inside = self.folder.resolve() in path.parents
        return path if inside and stat.S_ISREG(info.st_mode) and info.st_size <= MAX_PICTURE_BYTES else None


def resolve_reference(folder: Path, name: str) -> Path:
    if name.startswith(EXAMPLE_PREFIX):
        from ...resources.examples import example_path

        try:
            return example_path(name[len(EXAMPLE_PREFIX):])
        except KeyError as exc:
            raise LessonError([str(exc.args[0])]) from None
    path = (folder / name).resolve()
    if Path(name).is_absolute() or folder.resolve() not in path.parents:
        raise LessonError([f"network “{name}” must be a file in the lesson's folder"])
    return path


# --- parsing ---------------------------------------------------------------------------------------------
def load_lesson(path: str | Path) -> Lesson:
    """Read a lesson from its folder or its ``lesson.md``; ``LessonError`` lists every problem."""
    path = Path(path)
    if path.is_dir():
        path = path / LESSON_FILE
    try:
        if path.resolve().parent != path.parent.resolve():  # a link out of the folder (a shared folder may hold one)
            raise LessonError([f"{path.name}: a link to a file outside the lesson's folder; not a lesson"])
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or a device (/dev/zero) would hang or fill memory
            raise LessonError([f"{path.name}: not a regular file; not a lesson"])
        with path.open("rb") as file:
            raw = file.read(MAX_LESSON_BYTES + 1)
    except OSError as exc:
        raise LessonError([f"{path}: cannot be read ({exc.strerror or exc})"]) from None
    if len(raw) > MAX_LESSON_BYTES:
        raise LessonError([f"{path.name}: larger than {MAX_LESSON_BYTES // 1000} kB; not a lesson"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LessonError([f"{path.name}: not UTF-8 text"]) from None
    return parse_lesson(text, path.parent, path.name)


def parse_lesson(text: str, folder: Path, source: str = LESSON_FILE) -> Lesson:
    problems: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    header, body_start = _header(lines, source, problems)
    steps = _steps(lines, body_start, source, problems)
    for key in ("title", "summary"):
        if not header.get(key):
            problems.append(f"{source}: the header needs a “{key}:” line")
    order = _order(header.get("order"), folder, source, problems)
    if not any(step.text.strip() or step.actions for step in steps):
        problems.append(f"{source}: the lesson has no steps")
    problems += [f"{source}: step “{step.title[:60]}” is {len(step.text):,} characters long; a step holds at most "
                 f"{MAX_STEP_CHARS:,}" for step in steps if len(step.text) > MAX_STEP_CHARS]
    if problems:
        raise LessonError(problems)
    return Lesson(header["title"], header["summary"], header.get("network") or None, Path(folder), steps, order,
                  header.get("author", ""))


def _header(lines: list[str], source: str, problems: list[str]) -> tuple[dict, int]:
    if not lines or lines[0].strip() != "---":
        problems.append(f"{source}, line 1: a lesson starts with a “---” header (title, summary, network)")
        return {}, 0
    header: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return header, number
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in HEADER_KEYS:
            problems.append(f"{source}, line {number}: unknown header line “{line.strip()[:60]}” "
                            f"(known keys: {', '.join(HEADER_KEYS)})")
            continue
        header[key] = value.strip()
    problems.append(f"{source}: the header is not closed by a “---” line")
    return header, len(lines)


def _order(value: str | None, folder: Path, source: str, problems: list[str]) -> int:
    if value:
        try:
            return int(value)
        except ValueError:
            problems.append(f"{source}: order must be a whole number, got “{value}”")
            return 0
    prefix = re.match(r"\d+", Path(folder).name)
    return int(prefix.group()) if prefix else 0


def _steps(lines: list[str], start: int, source: str, problems: list[str]) -> list[Step]:
    steps = [Step("Introduction", "")]
    text: list[str] = []
    fenced, directives = False, 0
    for number, line in enumerate(lines[start:], start=start + 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            steps[-1].text = "\n".join(text).strip()
            steps.append(Step(line[3:].strip(), ""))
            text, directives = [], 0
        elif not fenced and line.startswith("@"):
            directives += 1
            if directives > MAX_STEP_DIRECTIVES:  # said once per step; the rest are not read
                if directives == MAX_STEP_DIRECTIVES + 1:
                    problems.append(f"{source}, line {number}: step “{steps[-1].title[:60]}” has more than "
                                    f"{MAX_STEP_DIRECTIVES} directives; a step holds at most {MAX_STEP_DIRECTIVES}")
                continue
            action = _directive(line, f"{source}, line {number}", problems)
            if action is not None:
                steps[-1].actions.append(action)
        else:
            text.append(line)
    steps[-1].text = "\n".join(text).strip()
    if not steps[0].text and not steps[0].actions:
        steps.pop(0)
    return steps


def _directive(line: str, where: str, problems: list[str]):
    word, _, rest = line[1:].strip().partition(" ")
    rest = rest.strip()
    args = rest.split()
    try:
        if word == "open" and len(args) == 1:
            return Open(args[0])
        if word == "highlight" and args and all(re.fullmatch(_ID, a) for a in args):
            return Highlight(tuple(args))
        if word == "select" and len(args) == 1 and re.fullmatch(_ID, args[0]):
            return Select(args[0])
        if word == "probe" and args:
            return Probe(tuple(_probe(a) for a in args))
        if word == "show" and len(args) == 1:
            if args[0] not in PANELS:
                raise ValueError(f"unknown panel “{args[0]}” (known: {', '.join(PANELS)})")
            return Show(args[0])
        if word == "task":
            return _task(rest)
        if word == "run" and not args:
            return RunTask()
        if word == "restart" and not args:
            return Restart()
        if word == "window" and len(args) == 1:
            return Window(_window(args[0]))
        if word == "check":
            return parse_check(args)
        if word == "answer" and len(args) == 2 and re.fullmatch(_ID, args[0]):
            return Answer(args[0], args[1])
    except ValueError as exc:
        problems.append(f"{where}: @{word}: {exc}")
        return None
    known = "open, highlight, select, probe, show, task, run, restart, window, check, answer"
    problems.append(f"{where}: cannot read “{line.strip()[:80]}” (directives: {known}; see the lesson format)")
    return None


def _probe(text: str) -> tuple[str, int, str]:
    """``NODE:INDEX`` or ``NODE:INDEX:VARIABLE`` (ids may hold colons; the index is the last number)."""
    parts = text.split(":")
    variable = "v"
    if len(parts) >= 3 and not parts[-1].isdigit() and parts[-2].isdigit():
        variable = parts.pop()
    node, index = ":".join(parts[:-1]), parts[-1]
    if not re.fullmatch(_ID, node) or not index.isdigit() or not re.fullmatch(r"\w+", variable):
        raise ValueError(f"“{text}” is not NODE:INDEX or NODE:INDEX:VARIABLE")
    return node, int(index), variable


def _window(text: str) -> float:
    """``@window 50`` or ``@window 50ms``: a plot window in ms, within what the toolbar offers."""
    try:
        ms = float(text.removesuffix("ms"))
    except ValueError:
        raise ValueError(f"“{text}” is not a time in ms") from None
    if not (1.0 <= ms <= MAX_WINDOW_MS):
        raise ValueError(f"{text} ms is outside 1–{MAX_WINDOW_MS:,.0f} ms")
    return ms


def _task(text: str) -> Task:
    match = re.fullmatch(rf"({_ID})\.(\w+)\s*(<=|>=|=|<|>)\s*(\S+)", text)
    if match is None:
        raise ValueError(f"“{text}” is not NODE.PARAM OP VALUE (OP one of {', '.join(OPERATORS)})")
    target, param, op, raw = match.groups()
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"“{raw}” is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"“{raw}” is not a finite number")
    return Task(target, param, op, value)


# --- bundled lessons -------------------------------------------------------------------------------------
def lessons_folder() -> Path:
    return Path(str(resources.files("spikestudio.resources") / "lessons"))


def bundled_lessons() -> list[Lesson]:
    """The lessons shipped in ``resources/lessons``, in teaching order (a broken one is skipped)."""
    folder = lessons_folder()
    found = []
    if folder.is_dir():
        for sub in sorted(folder.iterdir()):
            if (sub / LESSON_FILE).is_file():
                try:
                    found.append(load_lesson(sub))
                except LessonError:
                    continue
    return sorted(found, key=lambda lesson: (lesson.order, lesson.folder.name))


# --- tasks against a network -----------------------------------------------------------------------------
def task_value(net: Network, task: Task) -> float:
    """The value a task looks at in ``net``; ``LessonError`` names a missing node or parameter."""
    holder, key = _task_slot(net, task)
    if isinstance(holder, Projection):
        return float(getattr(holder, key).value)
    if isinstance(holder, dict):
        return float(holder[key])
    return float(getattr(holder, key))


def task_met(net: Network, task: Task) -> bool:
    try:
        value = task_value(net, task)
    except LessonError:
        return False
    if task.op == "=":
        return math.isclose(value, task.value, rel_tol=1e-9, abs_tol=1e-12)
    return OPERATORS[task.op](value, task.value)


def wanted_value(task: Task) -> float:
    """A value that meets the task: the value itself, or 10 % beyond it for a strict comparison."""
    step = 0.1 * abs(task.value) or 1.0
    return task.value + {">": step, "<": -step}.get(task.op, 0.0)


def apply_task(net: Network, task: Task) -> Network:
    """A copy of ``net`` in which the task is met (what “Show me” does; tests run lessons this way)."""
    out = copy.deepcopy(net)
    holder, key = _task_slot(out, task)
    value = wanted_value(task)
    if key == "seed":
        value = int(round(value))
    if isinstance(holder, Projection):
        getattr(holder, key).value = value
    elif isinstance(holder, dict):
        holder[key] = value
    else:
        setattr(holder, key, value)
    return out


def _task_slot(net: Network, task: Task):
    """Where the task's value lives: (object or dict, key)."""
    name, param = task.target, task.param
    if name == "network":
        if param not in NETWORK_SETTINGS:
            raise LessonError([f"the network has no setting “{param}” (settings: {', '.join(NETWORK_SETTINGS)})"])
        return net, param
    item = net.populations.get(name) or net.inputs.get(name) or net.projections.get(name)
    if item is None:
        raise LessonError([f"the network has no node or projection “{name}”"])
    if isinstance(item, Population) and param in getattr(neuron_model(net, item.model), "params", {}):
        return item.params, param
    if isinstance(item, PoissonInput) and param == "rate":
        return item, "rate"
    if isinstance(item, CurrentInput) and param in CURRENT_WAVEFORMS.get(item.waveform, {}):
        return item.params, param
    if isinstance(item, Projection) and param in ("weight", "delay"):
        if getattr(item, param).kind != "constant":
            raise LessonError([f"{name}'s {param} is a {getattr(item, param).kind} distribution, not one value"])
        return item, param
    raise LessonError([f"“{name}” has no parameter “{param}” a lesson can ask for"])


# --- checking a whole lesson -----------------------------------------------------------------------------
def check_lesson(lesson: Lesson) -> list[str]:
    """Problems a teacher should fix: networks that do not open, ids and parameters they do not have."""
    from ..files import fileformat

    problems: list[str] = []
    net: Network | None = None

    def open_network(name: str, where: str) -> Network | None:
        try:
            return fileformat.load(lesson.network_path(name))
        except LessonError as exc:
            problems.extend(f"{where}: {p}" for p in exc.problems)
        except (FileFormatError, ValidationError, OSError) as exc:
            problems.append(f"{where}: network “{name}” does not open: {exc}")
        return None

    if lesson.network:
        net = open_network(lesson.network, "header")
    nodes = _node_ids(net)
    for number, step in enumerate(lesson.steps):
        where = f"step {number} “{step.title}”"
        for action in step.actions:
            if isinstance(action, Open):
                net = open_network(action.file, where)
                nodes = _node_ids(net)
                continue
            if isinstance(action, Answer):
                problems.extend(f"{where}: {p}" for p in _answer_problems(lesson, net, action))
                continue
            if net is None:
                if not isinstance(action, (Show, RunTask, Restart, Window)):
                    problems.append(f"{where}: {type(action).__name__.lower()} before any network is open")
                continue
            problems.extend(f"{where}: {p}" for p in _action_problems(net, action, nodes))
    return problems


def _node_ids(net: Network | None) -> set[str]:
    """Once per network, not once per directive (a lesson may hold tens of thousands)."""
    return set() if net is None else set(net.populations) | set(net.inputs) | set(net.projections)


def _action_problems(net: Network, action, nodes: set[str]) -> list[str]:
    if isinstance(action, Highlight):
        return [f"no node “{i}” to highlight" for i in action.ids if i not in nodes]
    if isinstance(action, Select):
        return [] if action.id in nodes else [f"no node “{action.id}” to select"]
    if isinstance(action, Probe):
        out = []
        for node, index, variable in action.probes:
            pop = net.populations.get(node)
            if pop is None:
                out.append(f"no population “{node}” to probe")
            elif index >= pop.size:
                out.append(f"“{node}” has {pop.size} neurons; cannot probe neuron {index}")
            elif variable not in getattr(neuron_model(net, pop.model), "state", {}) \
                    and variable not in SYNAPTIC_VARIABLES:
                out.append(f"“{node}” ({pop.model}) has no state variable “{variable}” to probe")
        return out
    if isinstance(action, Task):
        try:
            task_value(net, action)
        except LessonError as exc:
            return exc.problems
    if isinstance(action, Check):
        why = check_problem(net, action)
        return [why] if why else []
    return []



def _answer_problems(lesson: Lesson, net: Network | None, answer: Answer) -> list[str]:
    if net is None:
        return ["answer before any network is open"]
    try:
        answer_change(lesson, net, answer)
    except AnswerError as exc:
        return [str(exc)]
    return []
