"""The text of a built-in neuron model written as equations: where "Duplicate as custom model" starts.

A built-in is its description (``builtin_models/<id>.model``), so the copy starts from that very text.
"""

from __future__ import annotations

from .catalog import NEURON_MODELS, builtin_text

__all__ = ["builtin_model_text"]


def builtin_model_text(model_id: str) -> str:
    """The model language text of built-in ``model_id`` (a ``KeyError`` for a model that is not built in)."""
    if model_id not in NEURON_MODELS:
        raise KeyError(f"{model_id!r} is not a built-in neuron model")
    return builtin_text(model_id)
