"""The inspector's rows for a dataset input: plugin and encoder as dropdowns, their parameters from their specs.

The dataset's parameters come from the plugin's ``PluginInfo`` and the encoder's from ``plugins.encoders``,
so units, ranges and descriptions are the ones the plugin checks.
"""

from __future__ import annotations

from functools import cache

from ...engine.model.catalog import DATASET_INPUT_PARAMS, NODE_PARAMS
from ...engine.model.network import DatasetInput
from ...plugins.encoders import ENCODERS
from ...plugins.registry import default_registry
from .fields import TextField, number_field

__all__ = ["dataset_rows"]


@cache
def _registry():
    return default_registry()


def dataset_rows(item: DatasetInput, net, row, heading, number_row, choice_row) -> list:
    """Rows in ``forms``' types (``row`` = ``forms.Row`` ...), passed in to keep the import one way."""
    registry = _registry()
    ids = registry.ids("datasets")
    choices = [(pid, _plugin_name(pid)) for pid in ids]
    if item.dataset not in ids:  # a file naming a plugin this machine lacks still shows which one
        choices.append((item.dataset, f"{item.dataset} (not installed)"))
    plugin = registry.get("datasets", item.dataset)
    rows = [number_row("size", NODE_PARAMS["size"], item, "Neurons"),
            choice_row("dataset", "Dataset", choices, item, _change_dataset,
                       "The dataset plugin whose samples are shown; changing it starts from its defaults")]
    if plugin is not None:
        rows += [_param_row(row, "dataset_params", name, spec, item) for name, spec in plugin.info.params.items()]
        rows += [_text_row(row, name, tip, item) for name, tip in plugin.info.text_params.items()]
    encoder = ENCODERS.get(item.encoder)
    rows += [heading("Encoding"),
             choice_row("encoder", "Encoder", [(e.id, e.id) for e in ENCODERS.values()], item, _change_encoder,
                        "How a sample becomes spikes", {e.id: e.description for e in ENCODERS.values()})]
    if encoder is not None:
        rows += [_param_row(row, "encoder_params", name, spec, item) for name, spec in encoder.params.items()]
    rows.append(heading("Schedule"))
    rows += [number_row(name, spec, item, name.capitalize()) for name, spec in DATASET_INPUT_PARAMS.items()]
    return rows


def _plugin_name(pid: str) -> str:
    plugin = _registry().get("datasets", pid)
    return plugin.info.display_name if plugin is not None else f"{pid} (not available)"


def _param_row(row, section: str, name: str, spec, item):
    """A number from a plugin's spec; an absent value shows (and means) the default."""
    value = getattr(item, section).get(name, spec.default)
    return row(f"{section}.{name}", name, number_field(spec, value),
               lambda it: getattr(it, section).get(name, spec.default),
               lambda it, v: getattr(it, section).__setitem__(name, v), spec)


def _text_row(row, name: str, tip: str, item):
    field = TextField(str(item.dataset_params.get(name, "")))
    field.setToolTip(tip)
    return row(f"dataset_params.{name}", name, field, lambda it: str(it.dataset_params.get(name, "")),
               lambda it, v: it.dataset_params.__setitem__(name, v))


def _change_dataset(item: DatasetInput, dataset: str) -> None:
    item.dataset, item.dataset_params = dataset, {}


def _change_encoder(item: DatasetInput, encoder: str) -> None:
    item.encoder, item.encoder_params = encoder, {}
