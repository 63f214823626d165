"""The lesson file format: header, steps, directives, tasks against a network, and refusals that name the line."""

from pathlib import Path

import pytest
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Distribution, Network
from spikestudio.engine.teaching.lesson import (
    Highlight,
    LessonError,
    Open,
    Probe,
    RunTask,
    Select,
    Show,
    Task,
    apply_task,
    check_lesson,
    load_lesson,
    parse_lesson,
    task_met,
    task_value,
)

LESSON = """---
title: One neuron
summary: Threshold and reset.
network: one.json
---
Welcome to the lesson.

## Drive it
Raise the current: $I_e > 375$ pA.
@highlight N stim
@select N
@probe N:0 N:1:syn_exc
@show traces
@task N.I_e >= 400
@run

## Code is only text
```
@run this is not a directive
```
@task syn.weight > 2
@task network.duration = 500
"""


def small_network() -> Network:
    net = Network(seed=3)
    net.add_population("N", 2)
    net.add_poisson("stim", 5, rate=20.0)
    net.connect("stim", "N", id="syn", weight=1.5, rule="all_to_all")
    return net


def write_lesson(folder: Path, text: str = LESSON, net: Network | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lesson.md").write_text(text, encoding="utf-8")
    fileformat.save(net or small_network(), folder / "one.json")
    return folder


def test_header_steps_and_directives(tmp_path):
    lesson = load_lesson(write_lesson(tmp_path / "03-one"))
    assert (lesson.title, lesson.summary, lesson.network, lesson.order) == ("One neuron", "Threshold and reset.",
                                                                            "one.json", 3)
    assert [s.title for s in lesson.steps] == ["Introduction", "Drive it", "Code is only text"]
    assert lesson.steps[0].text == "Welcome to the lesson." and not lesson.steps[0].actions
    drive = lesson.steps[1]
    assert drive.actions == [Highlight(("N", "stim")), Select("N"), Probe((("N", 0, "v"), ("N", 1, "syn_exc"))),
                             Show("traces"), Task("N", "I_e", ">=", 400.0), RunTask()]
    assert "@" not in drive.text and "$I_e > 375$" in drive.text
    fenced = lesson.steps[2]
    assert "@run this is not a directive" in fenced.text  # inside a code fence: text, not a directive
    assert fenced.tasks == [Task("syn", "weight", ">", 2.0), Task("network", "duration", "=", 500.0)]
    assert lesson.network_path() == (tmp_path / "03-one" / "one.json").resolve()


def test_tasks_read_met_and_applied():
    net = small_network()
    task = Task("N", "I_e", ">=", 400.0)
    assert task_value(net, task) == 0.0 and not task_met(net, task)
    done = apply_task(net, task)
    assert done.populations["N"].params["I_e"] == 400.0 and task_met(done, task)
    assert net.populations["N"].params["I_e"] == 0.0  # the original is untouched
    strict = Task("syn", "weight", ">", 2.0)
    assert apply_task(net, strict).projections["syn"].weight.value == pytest.approx(2.2)
    assert task_met(apply_task(net, Task("stim", "rate", "<", 10.0)), Task("stim", "rate", "<", 10.0))
    assert apply_task(net, Task("network", "seed", "=", 7)).seed == 7
    equal = Task("network", "duration", "=", 500.0)
    assert not task_met(net, equal) and task_met(apply_task(net, equal), equal)


def test_task_on_missing_or_unsuitable_values_names_it():
    net = small_network()
    with pytest.raises(LessonError, match="no node or projection “X”"):
        task_value(net, Task("X", "I_e", "=", 1))
    with pytest.raises(LessonError, match="“N” has no parameter “rate”"):
        task_value(net, Task("N", "rate", "=", 1))
    net.projections["syn"].weight = Distribution("uniform", low=0, high=1)
    with pytest.raises(LessonError, match="uniform distribution"):
        task_value(net, Task("syn", "weight", "=", 1))
    assert not task_met(net, Task("X", "I_e", "=", 1))


@pytest.mark.parametrize("bad, message", [
    ("@exec rm -rf /", "line 7: cannot read “@exec rm -rf /”"),
    ("@task N.I_e ~ 3", "line 7: @task: “N.I_e ~ 3” is not NODE.PARAM OP VALUE"),
    ("@task N.I_e >= nan", "not a finite number"),
    ("@show everything", "unknown panel “everything”"),
    ("@probe N", "“N” is not NODE:INDEX or NODE:INDEX:VARIABLE"),
    ("@probe N:0:v-x", "“N:0:v-x” is not NODE:INDEX"),
])
def test_unknown_or_malformed_directives_are_refused_by_line(tmp_path, bad, message):
    text = "---\ntitle: T\nsummary: S\n---\n## Step\nText\n" + bad + "\n"
    with pytest.raises(LessonError) as info:
        parse_lesson(text, tmp_path)
    assert any(message in p for p in info.value.problems), info.value.problems


def test_a_step_with_too_many_directives_is_refused_at_the_first_one_too_many(tmp_path):
    from spikestudio.engine.teaching.lesson import MAX_STEP_DIRECTIVES

    many = "\n".join(["@highlight N"] * 4000)
    text = f"---\ntitle: T\nsummary: S\n---\n## Step\nText\n{many}\n## Next\n@run\n"
    with pytest.raises(LessonError) as info:
        parse_lesson(text, tmp_path)
    line = 7 + MAX_STEP_DIRECTIVES
    assert info.value.problems == [f"lesson.md, line {line}: step “Step” has more than {MAX_STEP_DIRECTIVES} "
                                   f"directives; a step holds at most {MAX_STEP_DIRECTIVES}"]
    fine = "\n".join(f"## S{i}\n" + "\n".join(["@highlight N"] * MAX_STEP_DIRECTIVES) for i in range(3))
    lesson = parse_lesson(f"---\ntitle: T\nsummary: S\n---\n{fine}\n", tmp_path)
    assert [len(step.actions) for step in lesson.steps] == [MAX_STEP_DIRECTIVES] * 3


def test_header_problems_are_all_listed(tmp_path):
    with pytest.raises(LessonError) as info:
        parse_lesson("---\ntitle:\ncolour: red\norder: first\n---\n", tmp_path)
    problems = " | ".join(info.value.problems)
    for part in ("unknown header line “colour: red”", "needs a “summary:” line", "needs a “title:” line",
                 "order must be a whole number", "no steps"):
        assert part in problems
    with pytest.raises(LessonError, match="starts with a “---” header"):
        parse_lesson("# Just markdown\n", tmp_path)
    with pytest.raises(LessonError, match="not closed"):
        parse_lesson("---\ntitle: T\n", tmp_path)


def test_files_outside_the_lesson_folder_are_refused(tmp_path):
    lesson = load_lesson(write_lesson(tmp_path / "l"))
    for name in ("../one.json", "/etc/passwd", "sub/../../x.json"):
        with pytest.raises(LessonError, match="must be a file in the lesson's folder"):
            lesson.network_path(name)
    assert lesson.network_path("example:cuba").name == "cuba.json"
    with pytest.raises(LessonError, match="no bundled example"):
        lesson.network_path("example:nothing")
    assert lesson.picture_path("../../etc/passwd") is None
    (tmp_path / "l" / "pic.png").write_bytes(b"\x89PNG")
    assert lesson.picture_path("pic.png") == (tmp_path / "l" / "pic.png").resolve()


def test_unreadable_lessons(tmp_path):
    with pytest.raises(LessonError, match="cannot be read"):
        load_lesson(tmp_path / "missing")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "lesson.md").write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(LessonError, match="not UTF-8"):
        load_lesson(tmp_path / "bin")


def test_check_lesson_finds_ids_params_and_networks(tmp_path):
    assert check_lesson(load_lesson(write_lesson(tmp_path / "good"))) == []
    text = LESSON.replace("@select N", "@select Q").replace("@probe N:0 N:1:syn_exc", "@probe N:5 stim:0 N:0:m")
    text += "@open gone.json\n"
    problems = check_lesson(load_lesson(write_lesson(tmp_path / "bad", text)))
    assert any("no node “Q” to select" in p for p in problems)
    assert any("“N” has 2 neurons; cannot probe neuron 5" in p for p in problems)
    assert any("no population “stim” to probe" in p for p in problems)
    assert any("“N” (lif) has no state variable “m” to probe" in p for p in problems)
    assert any("network “gone.json” does not open" in p for p in problems)
    assert all(p.startswith(("step ", "header")) for p in problems)


def test_open_directive_switches_the_checked_network(tmp_path):
    folder = write_lesson(tmp_path / "two", LESSON + "\n## Second network\n@open two.json\n@highlight M\n")
    other = Network()
    other.add_population("M", 1)
    fileformat.save(other, folder / "two.json")
    lesson = load_lesson(folder)
    assert Open("two.json") in lesson.steps[-1].actions
    assert check_lesson(lesson) == []


def test_ids_with_arrows_and_colons_and_gate_probes(tmp_path):
    text = "---\ntitle: T\nsummary: S\n---\n## Step\n@highlight I->E\n@probe rec:E:3 axon:0:m\n"
    step = parse_lesson(text, tmp_path).steps[0]
    assert step.actions == [Highlight(("I->E",)), Probe((("rec:E", 3, "v"), ("axon", 0, "m")))]


def test_lesson_files_that_are_not_plain_files_or_too_long_are_refused(tmp_path):
    import os

    folder = tmp_path / "fifo"
    folder.mkdir()
    os.mkfifo(folder / "lesson.md")  # reading it would wait for ever
    with pytest.raises(LessonError, match="not a regular file"):
        load_lesson(folder)
    linked = tmp_path / "linked"
    linked.mkdir()
    (tmp_path / "elsewhere.md").write_text("---\ntitle: T\nsummary: S\n---\n## A\ntext\n")
    (linked / "lesson.md").symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(LessonError, match="outside the lesson's folder"):
        load_lesson(linked)
    with pytest.raises(LessonError, match="step “Long” is 20,001 characters long"):
        parse_lesson("---\ntitle: T\nsummary: S\n---\n## Long\n" + "x" * 20_001 + "\n", tmp_path)
    big = tmp_path / "big"
    big.mkdir()
    (big / "lesson.md").write_bytes(b"x" * 1_000_001)
    with pytest.raises(LessonError, match="larger than 1000 kB"):
        load_lesson(big)


def test_pictures_must_be_regular_files_of_the_folder(tmp_path):
    import os

    lesson = load_lesson(write_lesson(tmp_path / "l"))
    os.mkfifo(tmp_path / "l" / "pipe.png")
    (tmp_path / "l" / "zero.png").symlink_to("/dev/zero")
    assert lesson.picture_path("pipe.png") is None and lesson.picture_path("zero.png") is None


def test_the_network_a_step_is_written_for_follows_opens_backwards_too(tmp_path):
    text = "---\ntitle: T\nsummary: S\nnetwork: a.json\n---\n## One\nx\n## Two\n@open b.json\n## Three\ny\n"
    lesson = parse_lesson(text, tmp_path)
    assert [lesson.network_at(i) for i in range(3)] == ["a.json", "b.json", "b.json"]


def test_restart_and_window_directives_are_read_and_checked():
    from spikestudio.engine.teaching.lesson import Restart, Window, parse_lesson

    text = "---\ntitle: T\nsummary: S\n---\n## A\nText.\n@restart\n@window 50\n## B\nMore.\n@window 20ms\n"
    lesson = parse_lesson(text, Path("."))
    assert lesson.steps[0].actions == [Restart(), Window(50.0)] and lesson.steps[1].actions == [Window(20.0)]
    for bad, said in (("@window 0.5", "outside 1–60,000 ms"), ("@window soon", "“soon” is not a time in ms"),
                      ("@restart now", "cannot read")):
        with pytest.raises(LessonError) as caught:
            parse_lesson(text.replace("@window 50", bad), Path("."))
        assert said in caught.value.problems[0], caught.value.problems
