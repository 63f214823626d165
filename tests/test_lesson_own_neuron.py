"""Lesson 8, "Write your own neuron", done headless: scripted students write equations into the lesson's network and
the step's checks (``engine.teaching.model_checks``) run them with the real engine. A correct quadratic
integrate-and-fire neuron ticks every task; a linear one, one deaf to its input and one with the wrong scale each
leave a task unticked with a message that says what their model does instead."""

import numpy as np
import pytest
from spikestudio.engine.analysis.spike_stats import fi_curve
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.files import fileformat
from spikestudio.engine.teaching.lesson import (
    Answer,
    Check,
    LessonError,
    apply_answer,
    bundled_lessons,
    check_lesson,
    parse_lesson,
)
from spikestudio.engine.teaching.model_checks import fixed_points_1d, run_checks
from spikestudio.resources.lessons import own_neuron
from spikestudio.resources.lessons.make_lessons import LESSON_TEXTS
from spikestudio.resources.lessons.walkthrough import walk

pytestmark = pytest.mark.timeout(600)
FOLDER = own_neuron.FOLDER


@pytest.fixture(scope="module")
def lesson():
    return next(item for item in bundled_lessons() if item.folder.name == FOLDER)


def checks_of(lesson, title: str) -> list[Check]:
    return [t for t in next(s for s in lesson.steps if s.title == title).tasks if isinstance(t, Check)]


def student_network(lesson, equation: str | None):
    """The lesson's network with the student's ``dv/dt`` line typed over the leaky one (None: left as it is)."""
    net = fileformat.load(lesson.network_path())
    if equation is not None:
        text = own_neuron.STARTING_MODEL.replace(own_neuron.LEAKY_LINE, equation)
        net.models["my_neuron"] = parse_model(text)
    return net


def test_the_lesson_is_bundled_checked_and_its_answer_is_what_make_lessons_writes(lesson):
    assert lesson.title == "Write your own neuron" and lesson.order == 8
    assert check_lesson(lesson) == []
    assert [s.title for s in lesson.steps] == ["Introduction", "The model you start from", "The quadratic term",
                                               "Two fixed points", "The rheobase", "Make it your own"]
    for name, text in LESSON_TEXTS[FOLDER].items():
        assert (lesson.folder / name).read_text(encoding="utf-8") == text, f"{name}: run make_lessons.py"
    intro = lesson.steps[0].text
    assert "**Where you type.**" in intro and intro.count("Edit Model…") == 1  # said once, easy to update
    assert sum("Where you type" in s.text for s in lesson.steps) == 1


def test_a_student_who_writes_the_quadratic_model_ticks_every_check(lesson):
    net = student_network(lesson, own_neuron.QUADRATIC_LINE)
    for title in ("The quadratic term", "Two fixed points", "The rheobase"):
        checks = checks_of(lesson, title)
        results = run_checks(net, checks)
        assert all(r.met for r in results), (title, results)
    fires = run_checks(net, [Check("neuron", "fires", 300.0)])[0]
    assert fires.message == "fires at 26 Hz at 300 pA"
    points = fixed_points_1d(net.models["my_neuron"], net.populations["neuron"].params, 0.0)
    assert [(round(v, 6), stable) for v, stable in points] == [(-70.0, True), (-50.0, False)]


def test_a_student_who_keeps_the_linear_model_is_told_why_it_does_not_fire(lesson):
    net = student_network(lesson, None)
    silent, fires = run_checks(net, checks_of(lesson, "The quadratic term"))
    assert silent.met and not fires.met
    assert "v levels off at -58.0 mV" in fires.message and "quadratic term" in fires.message
    two, none = run_checks(net, checks_of(lesson, "Two fixed points"))
    assert not two.met and not none.met
    assert two.message.startswith("1 fixed point at 0 pA: -70.0 mV (stable).") and "linear equation" in two.message
    assert none.message.startswith("1 fixed point at 300 pA: -58.0 mV (stable)")
    (rheobase,) = run_checks(net, checks_of(lesson, "The rheobase"))
    assert not rheobase.met and rheobase.message == "does not fire at any current up to 375 pA"


def test_a_student_whose_equation_ignores_the_input_is_told_so(lesson):
    net = student_network(lesson, "dv/dt = (v - E_L)*(v - V_c)/(tau_m*Delta_V) + I_e/C")
    silent, fires = run_checks(net, checks_of(lesson, "The quadratic term"))
    assert silent.met and not fires.met
    assert fires.message == "silent: no equation uses I_syn, so no input current reaches the neuron"


def test_a_student_with_the_wrong_scale_misses_the_rheobase_and_is_told_where_it_is(lesson):
    """Twice Delta_V in the denominator halves the rheobase: it still fires and rests, but starts at ~62 pA."""
    net = student_network(lesson, "dv/dt = (v - E_L)*(v - V_c)/(2*tau_m*Delta_V) + (I_e + I_syn)/C")
    assert all(r.met for r in run_checks(net, checks_of(lesson, "The quadratic term")))
    (rheobase,) = run_checks(net, checks_of(lesson, "The rheobase"))
    assert not rheobase.met
    assert rheobase.message == "the F–I curve starts at about 66 pA, 48 % from 125 pA"


def test_walking_the_lesson_as_show_me_does_meets_every_check_and_the_numbers_it_quotes(lesson):
    states = {state.step.title: state.network for state in walk(lesson)}
    for title, net in states.items():
        checks = checks_of(lesson, title)
        if checks:
            assert all(r.met for r in run_checks(net, checks)), title
    assert states["Make it your own"].populations["neuron"].params["Delta_V"] == 10.0
    assert own_neuron.qif_rheobase() == 125.0 and own_neuron.qif_rheobase({**own_neuron.QIF, "Delta_V": 10.0}) == 250
    net = states["The rheobase"]
    curve = fi_curve(net, [0.0, 120.0, 130.0, 200.0, 600.0], 1000.0, population="neuron")
    assert list(curve.rate_hz[:2]) == [0, 0] and 0 < curve.rate_hz[2] < curve.rate_hz[3] < curve.rate_hz[4]
    start = fileformat.load(lesson.network_path())  # the leaky start: 300 pA lifts v to -58 mV, 2250 pA fires
    leaky = fi_curve(start, [2200.0, 2300.0], 500.0, population="neuron")
    assert leaky.rate_hz[0] == 0 and leaky.rate_hz[1] > 0


def test_check_directives_are_read_and_refused_by_line(tmp_path):
    text = ("---\ntitle: T\nsummary: S\n---\n## A\nText.\n@check N fires 300\n@check N silent 0\n"
            "@check N rheobase 125 10%\n@check N rheobase 90\n@check N fixed_points 2 at -5\n@check N fixed_points 0\n"
            "@answer N qif.model\n")
    step = parse_lesson(text, tmp_path).steps[0]
    assert step.tasks == [Check("N", "fires", 300.0), Check("N", "silent", 0.0),
                          Check("N", "rheobase", 125.0, tolerance=0.1), Check("N", "rheobase", 90.0),
                          Check("N", "fixed_points", 2.0, current=-5.0), Check("N", "fixed_points", 0.0)]
    assert step.answer_for("N") == Answer("N", "qif.model") and step.answer_for("M") is None
    assert Check("N", "rheobase", 125.0, tolerance=0.1).describe() == "N's F–I curve starts at 125 pA (within 10 %)"
    for bad, said in (("@check N dances 3", "is not NODE fires PA"), ("@check N fires loud", "“loud” is not a number"),
                      ("@check N fixed_points 1.5", "a whole number"), ("@check N rheobase -3", "must be above 0"),
                      ("@check N fires 3 4", "is not NODE fires PA"), ("@answer N", "cannot read"),
                      ("@check N fires inf", "not a finite number")):
        with pytest.raises(LessonError) as caught:
            parse_lesson(text.replace("@check N fires 300", bad), tmp_path)
        assert said in caught.value.problems[0], (bad, caught.value.problems)


def test_check_lesson_names_answers_that_do_not_read_and_checks_of_missing_populations(lesson, tmp_path):
    folder = tmp_path / "08-x"
    folder.mkdir()
    fileformat.save(fileformat.load(lesson.network_path()), folder / "net.json")
    (folder / "broken.model").write_text("state v = -70 mV\ndv/dt = v/tau\n")
    text = ("---\ntitle: T\nsummary: S\nnetwork: net.json\n---\n## A\n@check neuron fires 300\n@check ghost fires 1\n"
            "@check drive fires 1\n@answer neuron broken.model\n@answer neuron ../../etc/passwd\n"
            "@answer ghost qif.model\n")
    (folder / "lesson.md").write_text(text)
    from spikestudio.engine.teaching.lesson import load_lesson

    problems = check_lesson(load_lesson(folder))
    assert any("no population “ghost” to check" in p for p in problems)
    assert any("no population “drive” to check" in p for p in problems)
    assert any("answer “broken.model”, line 2, column" in p and "tau" in p for p in problems)
    assert any("answer “../../etc/passwd” must be a file in the lesson's folder" in p for p in problems)
    assert any("no population “ghost” to give an answer" in p for p in problems)
    assert not any("“neuron” to check" in p for p in problems)


def test_an_answer_keeps_the_students_parameter_values(lesson):
    net = fileformat.load(lesson.network_path())
    net.populations["neuron"].params["V_c"] = -45.0
    answered = apply_answer(lesson, net, Answer("neuron", "qif.model"))
    assert answered.populations["neuron"].params["V_c"] == -45.0
    assert answered.models["my_neuron"].equations[0].var == "v" and "V_c" in {
        n for n in _names(answered.models["my_neuron"].equations[0].expr)}
    assert net.models["my_neuron"] is not answered.models["my_neuron"]  # the original is untouched
    assert np.isclose(fixed_points_1d(answered.models["my_neuron"], answered.populations["neuron"].params, 0)[1][0],
                      -45.0)


def _names(expr):
    from spikestudio.engine.equations.tree import names_in

    return names_in(expr)
