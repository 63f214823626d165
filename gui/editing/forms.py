"""What the inspector shows for each kind of item: rows of (label, field, how to read it, how to apply it).

Every row of numbers is built from the engine's ``ParamSpec``s, so units, ranges and descriptions are
the ones the loader and the engine check. ``signature`` tells when the form's shape must change
(another model, rule or distribution) and when refreshing the values is enough.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from ...engine.equations.tex import rule_tex, synapse_tex
from ...engine.model.catalog import (
    CONNECTIVITY_RULES,
    CURRENT_WAVEFORMS,
    DELAY_SPEC,
    GRADED_KINDS,
    NETWORK_PARAMS,
    NEURON_MODELS,
    NODE_PARAMS,
    POISSON_PARAMS,
    RECEPTOR_DEFAULTS,
    RECEPTORS,
    RECORDER_PARAMS,
    SYNAPSE_KINDS,
    SYNAPTIC_VARIABLES,
    WEIGHT_SPECS,
)
from ...engine.model.custom import neuron_model
from ...engine.model.network import (
    CurrentInput,
    DatasetInput,
    Distribution,
    Plasticity,
    PoissonInput,
    Population,
    Projection,
    Recorder,
    RewardInput,
    SpikeTimesInput,
)
from ...engine.model.params import ParamSpec, fill_params
from ...engine.model.receptors import acting_synapse, named_receptor, target_receptors, with_model_kinetics
from ...engine.model.reward import REWARD_PARAMS, reward_ids, reward_reference_problems
from ...engine.model.synapse_kinds import SYNAPSE_DESCRIPTIONS, kind_specs
from ...engine.simulation.described_rules import description_of, with_carried_rules
from .distribution_form import distribution_rows, distribution_shape
from .fields import CheckField, ChoiceField, LongTextField, TextField, number_field
from .form_rows import Equations, Heading, Row, choice_row, get_path, number_row, text_row

__all__ = ["Row", "Heading", "Equations", "item_rows", "settings_rows", "signature", "get_path"]


class PresetButtons(QWidget):
    """One button per preset (Izhikevich's RS, IB, CH ...); clicking one applies it as one undo step."""

    committed = Signal(object)

    def __init__(self, presets: dict[str, dict], parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.buttons = {}
        for name, values in presets.items():
            button = QToolButton(self)
            button.setText(name)
            button.setToolTip(", ".join(f"{k} = {v:g}" for k, v in values.items()))
            button.clicked.connect(lambda _=False, n=name: self.committed.emit(n))
            layout.addWidget(button)
            self.buttons[name] = button
        layout.addStretch(1)

    def set_value(self, value) -> None:
        """Presets are actions, not a value, so there is nothing to show."""


# --- per kind ------------------------------------------------------------------------------------------


def item_rows(item, net) -> list:
    builder = {Population: _population_rows, PoissonInput: _poisson_rows, SpikeTimesInput: _spike_time_rows,
               DatasetInput: _dataset_rows, CurrentInput: _current_rows, RewardInput: _reward_rows,
               Projection: _projection_rows,
               Recorder: _recorder_rows}[type(item)]
    return [text_row("name", "Name", item), *builder(item, net)]


def signature(item) -> tuple:
    """Changes in any of these rebuild the form; other edits only refresh its values."""
    if item is None:
        return ("settings",)
    parts = [type(item).__name__, getattr(item, "model", None), getattr(item, "waveform", None),
             getattr(item, "kind", None)]
    if isinstance(item, Population):
        parts += [(var, distribution_shape(dist)) for var, dist in item.initial.items()]
    if isinstance(item, Projection):
        parts += [item.rule, item.synapse.kind, distribution_shape(item.weight), distribution_shape(item.delay),
                  item.source == item.target,
                  item.plasticity.rule if item.plasticity is not None else None]
    if isinstance(item, Recorder):
        parts.append(item.target)
    if isinstance(item, DatasetInput):
        parts += [item.dataset, item.encoder]
    return tuple(parts)


def _population_rows(pop: Population, net) -> list:
    model = neuron_model(net, pop.model)
    models = list(NEURON_MODELS.values()) + [neuron_model(net, m) for m in getattr(net, "models", {})]
    rows = [choice_row("model", "Model", [(m.id, m.display_name) for m in models], pop,
                       lambda it, model_id: _change_model(it, model_id, net),
                       "The neuron model; changing it starts from the new model's defaults",
                       {m.id: m.description for m in models}),
            number_row("size", NODE_PARAMS["size"], pop, "Neurons")]
    if model is None:
        return rows
    if model.presets:
        rows.append(Row("preset", "Presets", PresetButtons(model.presets), lambda it: None,
                        lambda it, name: it.params.update(model.presets[name])))
    if model.equations:
        rows += [Heading(f"{model.display_name}: equations"), Equations(model.equations)]
    rows.append(Heading(f"{model.display_name} parameters"))
    rows += [number_row(f"params.{name}", spec, pop) for name, spec in model.params.items()]
    for var, dist in pop.initial.items():
        unit = model.state.get(var, "")
        if not isinstance(dist, Distribution):  # learned values, one per neuron: shown, edited by a run only
            rows += [Heading(f"Initial {var}"), Row(f"initial.{var}", "Per neuron", _per_neuron_field(dist, unit),
                                                    lambda it, v=var, u=unit: _per_neuron_text(it.initial[v], u), None)]
            continue
        spec = ParamSpec(var, 0.0, unit, f"Initial value of {var}, drawn per neuron", -1e6, 1e6)
        rows += distribution_rows(f"initial.{var}", f"Initial {var}", pop, spec)
    return rows


def _per_neuron_text(values, unit: str) -> str:
    return f"{values.size:,} values, {values.min():.4g} to {values.max():.4g} {unit}".rstrip()


def _per_neuron_field(values, unit: str) -> TextField:
    field = TextField(_per_neuron_text(values, unit))
    field.setReadOnly(True)
    field.setToolTip("One value per neuron, kept from a run (e.g. learned adaptive thresholds)")
    return field


def _change_model(pop: Population, model_id: str, net=None) -> None:
    """A new model starts from its defaults; initial values of state it lacks are dropped."""
    model = neuron_model(net, model_id)
    pop.model, pop.params = model_id, fill_params(model.params, {})
    pop.initial = {k: v for k, v in pop.initial.items() if k in model.state}


def _poisson_rows(item: PoissonInput, net) -> list:
    rows = [number_row("size", NODE_PARAMS["size"], item, "Neurons")]
    if item.rates is None:
        rows.append(number_row("rate", POISSON_PARAMS["rate"], item, "Rate"))
    return rows


def _spike_time_rows(item: SpikeTimesInput, net) -> list:
    text = ", ".join(f"{n}@{t:g}" for n, t in zip(item.neurons.tolist(), item.times.tolist(), strict=True))
    field = TextField(text)
    field.setToolTip("Spikes as neuron@time in ms, separated by commas, e.g. 0@10, 0@25.5, 1@40")
    return [number_row("size", NODE_PARAMS["size"], item, "Neurons"),
            Row("spikes", "Spikes", field, lambda it: ", ".join(f"{n}@{t:g}" for n, t in zip(
                it.neurons.tolist(), it.times.tolist(), strict=True)), _set_spike_times)]


def _set_spike_times(item: SpikeTimesInput, text: str) -> None:
    import numpy as np

    neurons, times = _parse_pairs(text, "@", int, float, "neuron@time (e.g. 0@12.5)")
    item.neurons, item.times = np.asarray(neurons, np.int64), np.asarray(times, np.float64)


def _parse_pairs(text: str, sep: str, first, second, form: str) -> tuple[list, list]:
    """``"a<sep>b, a<sep>b"`` (commas or semicolons) -> ([a, ...], [b, ...]); ValueError naming a bad pair."""
    left, right = [], []
    for pair in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        a, found, b = pair.partition(sep)
        try:
            if not found:
                raise ValueError
            left.append(first(a))
            right.append(second(b))
        except ValueError:
            raise ValueError(f'"{pair}" is not {form}') from None
    return left, right


def _dataset_rows(item: DatasetInput, net) -> list:
    from .dataset_form import dataset_rows  # loads the plugin registry only once a dataset input is shown

    return dataset_rows(item, net, Row, Heading, number_row, choice_row)


def _current_rows(item: CurrentInput, net) -> list:
    specs = CURRENT_WAVEFORMS.get(item.waveform, {})
    rows = [choice_row("target", "Drives", [(p, net.populations[p].name) for p in net.populations], item,
                       tip="The population every neuron of which receives this current"),
            choice_row("waveform", "Waveform", list(CURRENT_WAVEFORMS), item, _change_waveform,
                       "The shape of the current in time; changing it starts from its defaults"),
            Heading("Waveform parameters")]
    return rows + [number_row(f"params.{name}", spec, item) for name, spec in specs.items()]


def _change_waveform(item: CurrentInput, waveform: str) -> None:
    item.waveform, item.params = waveform, fill_params(CURRENT_WAVEFORMS[waveform], {})


def _reward_rows(item: RewardInput, net) -> list:
    field = TextField(_schedule_text(item))
    field.setToolTip("The reward from each time on, as time: value in ms, separated by commas, e.g. 100: 1, 200: 0 "
                     "(0 before the first time; negative values punish)")
    sources = [("", "nothing")] + [(k, v.name) for k, v in net.spiking_nodes().items()]
    return [Row("schedule", "Schedule", field, _schedule_text, _set_schedule),
            choice_row("source", "Pulses from", sources, item,
                       tip="Each spike of this population or source adds a reward pulse (drag it onto the node)"),
            *[number_row(name, spec, item) for name, spec in REWARD_PARAMS.items()]]


def _schedule_text(item: RewardInput) -> str:
    return ", ".join(f"{t:g}: {v:g}" for t, v in zip(item.times.tolist(), item.values.tolist(), strict=True))


def _set_schedule(item: RewardInput, text: str) -> None:
    import numpy as np

    times, values = _parse_pairs(text, ":", float, float, "time: value (e.g. 100: 1)")
    item.times, item.values = np.asarray(times, np.float64), np.asarray(values, np.float64)


@cache
def _learning_rules() -> dict:
    from ...plugins.registry import default_registry

    return default_registry().learning_rules()


def _available_rules(net) -> dict:
    """Every learning rule a projection of ``net`` can use: the installed plugins, then the described rules the
    network carries that none of them provides (a file's rules), by id."""
    return with_carried_rules(net, dict(_learning_rules())) or {}


def _rule_plugin(proj: Projection, net):
    """The plugin of ``proj``'s rule: installed, or a described rule the network carries (its file's rules)."""
    return _available_rules(net).get(proj.plasticity.rule)


NO_RULE = ""  # the learning-rule choice "None (static)": the weights stay as built


def _learning_rule_row(proj: Projection, net) -> Row:
    """A dropdown of "None (static)" and every available rule; a rule that cannot apply to this network is
    shown disabled with the engine's reason (a reward-modulated rule while there is no reward node)."""
    rules = _available_rules(net)
    installed = _learning_rules()
    choices = [(NO_RULE, "None (static)")]
    tips = {NO_RULE: "No learning: the weights stay as they were built"}
    disabled = {}
    for rule_id, plugin in rules.items():
        label = plugin.info.display_name or rule_id
        choices.append((rule_id, label if rule_id in installed else f"{label} (carried by this network)"))
        tips[rule_id] = plugin.info.description or label
        why = _rule_refusal(proj, rule_id, plugin, net)
        if why:
            disabled[rule_id] = why
    current = proj.plasticity.rule if proj.plasticity is not None else NO_RULE
    if current not in rules and current != NO_RULE:
        choices.append((current, f"{current} (not installed)"))
        tips[current] = "No installed plugin provides this rule and the network does not carry its text"
    widget = ChoiceField(choices, current, tips=tips, disabled=disabled)
    widget.setToolTip("How this projection's weights change while the network runs; choosing a rule starts "
                      "from its defaults, None removes it")
    return Row("plasticity.rule", "Learning rule", widget,
               lambda it: it.plasticity.rule if it.plasticity is not None else NO_RULE,
               lambda it, rule_id: _change_learning_rule(it, rule_id, net), merges=False)


def _default_plasticity(proj: Projection, rule_id: str, plugin, net) -> Plasticity:
    """``rule_id`` with its default parameters; a reward-modulated rule reads the reward node the projection's
    rule already read, else the network's first (its only one, usually)."""
    params = fill_params(plugin.info.params, {})
    if "reward" in plugin.info.text_params:
        rewards = reward_ids(net)
        before = proj.plasticity.params.get("reward") if proj.plasticity is not None else None
        params["reward"] = before if before in rewards else (rewards[0] if rewards else "")
    return Plasticity(rule_id, params)


def _rule_refusal(proj: Projection, rule_id: str, plugin, net) -> str:
    """Why the engine's validation would refuse ``rule_id`` on ``proj`` with its defaults ("" when it would not)."""
    params = _default_plasticity(proj, rule_id, plugin, net).params
    problems = reward_reference_problems(params, net, "plasticity.params")
    if not problems:
        return ""
    return (f"{problems[0].message}. This rule is modulated by a reward signal: add a reward node (palette: "
            "Inputs) first, then choose it here.")


def _change_learning_rule(proj: Projection, rule_id: str, net) -> None:
    """Give ``proj`` the rule ``rule_id`` with its defaults, or no rule for ``NO_RULE``."""
    if rule_id == NO_RULE:
        proj.plasticity = None
        return
    plugin = _available_rules(net).get(rule_id)
    if plugin is None:
        raise ValueError(f'no installed plugin provides the learning rule "{rule_id}"')
    proj.plasticity = _default_plasticity(proj, rule_id, plugin, net)


def _rule_equation_rows(proj: Projection, net) -> list:
    """The equations of the rule that runs these parameters (the trees its code is generated from), if any."""
    plugin = _rule_plugin(proj, net)
    desc = description_of(plugin, proj.plasticity.params) if plugin is not None else None
    if desc is None:
        return []
    return [Heading(f"{desc.title or proj.plasticity.rule}: equations"), Equations(rule_tex(desc))]


def _plasticity_rows(proj: Projection, net) -> list:
    """The rule's parameters, and for a reward-modulated rule a dropdown of the network's reward nodes."""
    plugin = _rule_plugin(proj, net)
    if plugin is None:
        return [Heading(f"Plasticity: {proj.plasticity.rule} (no parameters known here)")]
    rows = [Heading(f"{plugin.info.display_name or proj.plasticity.rule} parameters")]
    params = proj.plasticity.params
    if "reward" in plugin.info.text_params:
        choices = [(k, v.name) for k, v in net.inputs.items() if isinstance(v, RewardInput)]
        widget = ChoiceField(choices, params.get("reward", ""))
        widget.setToolTip(plugin.info.text_params["reward"])
        rows.append(Row("plasticity.params.reward", "Reward", widget, lambda it: it.plasticity.params.get("reward", ""),
                        lambda it, v: it.plasticity.params.__setitem__("reward", v)))
    for name, spec in plugin.info.params.items():
        rows.append(Row(f"plasticity.params.{name}", name, number_field(spec, params.get(name, spec.default)),
                        lambda it, n=name, d=spec.default: it.plasticity.params.get(n, d),
                        lambda it, v, n=name: it.plasticity.params.__setitem__(n, v), spec))
    return rows


def _projection_rows(proj: Projection, net) -> list:
    rules = [r for r in CONNECTIVITY_RULES if r != "explicit" or proj.rule == "explicit"]
    rows = [Heading(f"{_name(net, proj.source)} → {_name(net, proj.target)}")]
    rows += _synapse_rows(proj, net)
    rows += [Heading("Connectivity"), choice_row("rule", "Rule", rules, proj, _change_rule,
                                                 "Which pairs of neurons are connected", RULE_TIPS)]
    rows += [number_row(f"rule_params.{n}", s, proj) for n, s in CONNECTIVITY_RULES.get(proj.rule, {}).items()]
    if proj.source == proj.target:
        rows.append(Row("allow_autapses", "", CheckField("Allow self-connections", proj.allow_autapses),
                        lambda it: it.allow_autapses, lambda it, v: setattr(it, "allow_autapses", v)))
    kind = acting_synapse(net, proj).kind  # a named receptor's kind is its model's
    rows += distribution_rows("weight", "Weight", proj, WEIGHT_SPECS.get(kind, WEIGHT_SPECS["current"]))
    rows += distribution_rows("delay", "Delay", proj, DELAY_SPEC)
    rows += [Heading("Learning"), _learning_rule_row(proj, net)]
    if proj.plasticity is not None:
        rows += _rule_equation_rows(proj, net) + _plasticity_rows(proj, net)
    return rows


def _synapse_rows(proj: Projection, net) -> list:
    """The receptor (the target model's, named ones included), then the synapse's kind and kinetics: editable
    for excitatory and inhibitory, shown read-only for a named receptor (its model is their one source)."""
    graded = proj.synapse.kind in GRADED_KINDS  # acts through voltages: no receptor of the target's model
    receptors = list(dict.fromkeys((RECEPTORS if graded else ()) + target_receptors(net, proj.target)))
    if proj.synapse.receptor not in receptors:  # an invalid choice stays visible (validation names it)
        receptors.append(proj.synapse.receptor)
    rows = [choice_row("synapse.receptor", "Receptor", receptors, proj,
                       lambda it, v: _change_receptor(it, v, net),
                       "Excitatory synapses raise the target's potential, inhibitory ones lower it (the weight "
                       "is a magnitude); choosing one sets its usual tau and E_rev. A named receptor takes its "
                       "kind, tau and E_rev from the target's model")]
    named = named_receptor(net, proj)
    if named is not None:
        kinetics = [named.kind] + ([f"τ {named.tau:g} ms"] if named.kind != "delta" else [])
        kinetics += [f"E_rev {named.E_rev:g} mV"] if named.kind == "conductance" else \
            ["inhibitory" if named.sign < 0 else "excitatory"]
        return rows + [Heading(f"{named.name} (from the model): {', '.join(kinetics)}")] + _kind_equations(named.kind)
    rows.append(choice_row("synapse.kind", "Synapse", [(k, k) for k in SYNAPSE_KINDS], proj,
                           tip="How a spike acts on the target, or a graded synapse or gap junction (no spikes)",
                           tips=SYNAPSE_KINDS))
    if proj.synapse.kind not in SYNAPSE_DESCRIPTIONS:  # an unknown kind stays visible (validation names it)
        return rows
    rows += [number_row(f"synapse.{name}", spec, proj, name) for name, spec in kind_specs(proj.synapse.kind).items()]
    return rows + _kind_equations(proj.synapse.kind)


def _kind_equations(kind: str) -> list:
    """The equations of a synapse kind's description, as a neuron model's are shown."""
    desc = SYNAPSE_DESCRIPTIONS.get(kind)
    return [] if desc is None else [Heading(f"{desc.title}: equations"),
                                     Equations(synapse_tex(desc), "synapse_equations")]


def _change_receptor(proj: Projection, receptor: str, net) -> None:
    """The receptor and its usual kinetics; a named receptor's are copied from the model, so the file shows the
    values the projection acts with (the build reads the model's either way)."""
    proj.synapse.receptor = receptor
    if named_receptor(net, proj) is not None:
        proj.synapse = with_model_kinetics(net, proj.target, proj.synapse)
        return
    defaults = RECEPTOR_DEFAULTS.get(receptor, RECEPTOR_DEFAULTS["excitatory"])
    proj.synapse.tau, proj.synapse.E_rev = defaults["tau"], defaults["E_rev"]


def _change_rule(proj: Projection, rule: str) -> None:
    proj.rule, proj.rule_params = rule, fill_params(CONNECTIVITY_RULES[rule], {})


RULE_TIPS = {
    "all_to_all": "Every source neuron to every target neuron",
    "one_to_one": "Neuron i to neuron i (both sides the same size)",
    "fixed_probability": "Each pair independently with probability p",
    "fixed_indegree": "Each target neuron gets exactly k inputs, chosen at random",
    "fixed_outdegree": "Each source neuron makes exactly k outputs, chosen at random",
    "fixed_total": "Exactly n synapses between random pairs",
    "gaussian": "On 2-D grids, with a probability falling off with distance",
    "explicit": "A list of (pre, post) pairs from the file",
}
def _recorder_rows(rec: Recorder, net) -> list:
    spiking = net.spiking_nodes()
    targets = spiking if rec.kind == "spikes" else net.populations
    rows = [choice_row("kind", "Records", [("spikes", "spikes"), ("state", "a state variable"),
                                           ("rate", "population rate")], rec, _change_recorder_kind),
            choice_row("target", "Of", [(k, v.name) for k, v in targets.items()], rec)]
    if rec.kind == "state":
        target = net.populations.get(rec.target)
        model = neuron_model(net, target.model) if target else None
        variables = list(model.state) if model else []
        rows.append(choice_row("variable", "Variable", variables + list(SYNAPTIC_VARIABLES), rec))
        field = TextField(", ".join(map(str, rec.neurons)))
        field.setToolTip("Indices of the neurons to record, separated by commas (first neuron is 0)")
        rows.append(Row("neurons", "Neurons", field, lambda it: ", ".join(map(str, it.neurons)), _set_neurons))
        rows.append(number_row("interval", RECORDER_PARAMS["interval"], rec, "Interval"))
    if rec.kind == "rate":
        rows.append(number_row("bin", RECORDER_PARAMS["bin"], rec, "Bin"))
    return rows


def _change_recorder_kind(rec: Recorder, kind: str) -> None:
    rec.kind = kind
    if kind == "state":
        rec.variable, rec.neurons = "v", [0]


def _set_neurons(rec: Recorder, text: str) -> None:
    try:
        rec.neurons = [int(p) for p in text.replace(";", ",").split(",") if p.strip()]
    except ValueError:
        raise ValueError(f'"{text}" is not a list of neuron indices such as 0, 1, 5') from None


def _name(net, item_id: str) -> str:
    return net.node(item_id).name


# --- network settings ----------------------------------------------------------------------------------


def settings_rows(settings) -> list:
    rows = [Heading("Simulation")]
    rows += [Row(name, {"dt": "Time step", "duration": "Duration", "seed": "Seed", "threads": "Threads"}[name],
                 number_field(spec, getattr(settings, name)), lambda s, n=name: getattr(s, n),
                 None, spec) for name, spec in NETWORK_PARAMS.items()]
    rows.append(Heading("About this network"))
    for name, label in (("title", "Title"), ("author", "Author"), ("license", "Licence")):
        rows.append(Row(name, label, TextField(getattr(settings, name)), lambda s, n=name: getattr(s, n), None))
    rows.append(Row("description", "Description", LongTextField(settings.description),
                    lambda s: s.description, None))
    return rows
