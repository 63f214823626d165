"""A lesson done headless: the network each step leaves open once its tasks are met, as a student would.

Tests check each step's behaviour on these networks and the lesson benchmark times them. Tasks carry over
from step to step, as in the app, until a step opens another network; a step's ``@answer`` puts its model in, as
"Show me" does for its checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.engine.teaching.lesson import Answer, Lesson, Open, Step, Task, apply_answer, apply_task

__all__ = ["StepState", "walk"]


@dataclass
class StepState:
    step: Step
    network: Network
    source: str  # the network reference it came from: a file of the lesson folder or ``example:NAME``
    changed: bool  # the step opened a network or asked for a change


def walk(lesson: Lesson) -> list[StepState]:
    """Every step of ``lesson`` with the network open once its tasks are done (``apply_task``)."""
    source = lesson.network
    net = fileformat.load(lesson.network_path())
    out = []
    for step in lesson.steps:
        changed = False
        for action in step.actions:
            if isinstance(action, Open):
                source, net, changed = action.file, fileformat.load(lesson.network_path(action.file)), True
            elif isinstance(action, Task):
                net, changed = apply_task(net, action), True
            elif isinstance(action, Answer):
                net, changed = apply_answer(lesson, net, action), True
        out.append(StepState(step, net, source, changed))
    return out
