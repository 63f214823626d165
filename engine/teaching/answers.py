"""A lesson step's answer: a model text of the lesson's folder that "Show me" puts in place of a population's model
(``@answer NODE FILE``), so a student stuck on a check can see equations that pass it. The text is data: read by
the model parser (``engine.equations.text``), never run.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ..equations.description import ModelDescription, ModelError
from ..equations.text import parse_model
from ..model.network import Network

__all__ = ["Answer", "AnswerError", "MAX_ANSWER_BYTES", "answer_text", "answer_change", "apply_answer"]

MAX_ANSWER_BYTES = 100_000


class AnswerError(ValueError):
    """An answer that cannot be used; the message names its file and what is wrong."""


@dataclass(frozen=True)
class Answer:
    """The model text (a file of the lesson's folder) that "Show me" gives population ``target`` for its checks."""

    target: str
    file: str


def answer_text(lesson, answer: Answer) -> str:
    """The text of the answer's file: in the lesson's folder (``lesson.picture_path``'s rules), UTF-8, short."""
    path = lesson.picture_path(answer.file)
    if path is None:
        raise AnswerError(f"answer “{answer.file}” must be a file in the lesson's folder")
    raw = path.read_bytes()
    if len(raw) > MAX_ANSWER_BYTES:
        raise AnswerError(f"answer “{answer.file}” is larger than {MAX_ANSWER_BYTES // 1000} kB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AnswerError(f"answer “{answer.file}” is not UTF-8 text") from None


def answer_change(lesson, net: Network, answer: Answer) -> tuple[str, ModelDescription, dict[str, dict]]:
    """(model id, description, population id -> parameters): the answer's model in place of the target's; its
    populations keep the values of the parameters the answer still has, and get its defaults for the others."""
    pop = net.populations.get(answer.target)
    if pop is None:
        raise AnswerError(f"the network has no population “{answer.target}” to give an answer")
    try:
        desc = parse_model(answer_text(lesson, answer))
    except ModelError as exc:
        raise AnswerError("; ".join(f"answer “{answer.file}”, line {p.line}, column {p.col}: {p.message}"
                                    for p in exc.problems)) from None
    defaults = {p.name: p.default for p in desc.params}
    params = {pid: {**defaults, **{k: v for k, v in other.params.items() if k in defaults}}
              for pid, other in net.populations.items() if other.model == pop.model}
    return pop.model, desc, params


def apply_answer(lesson, net: Network, answer: Answer) -> Network:
    """A copy of ``net`` with the answer's model (what "Show me" does for a check; tests walk lessons this way)."""
    model_id, desc, params = answer_change(lesson, net, answer)
    out = copy.deepcopy(net)
    out.models[model_id] = desc
    for pid, values in params.items():
        out.populations[pid].params = values
    return out
