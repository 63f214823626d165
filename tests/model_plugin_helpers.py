"""A third-party-style plugin that contributes neuron models as descriptions, installed the way pip leaves a
package (a ``*.dist-info`` folder with ``entry_points.txt`` and a module on ``sys.path``): a quadratic
integrate-and-fire model with a ``PluginInfo``, an exponential one as bare text, and broken ones."""

import math
import sys
import textwrap

import numpy as np

MODULES = ("qif_models", "broken_models", "raising_models")

QIF_TEXT = """\
# Quadratic integrate-and-fire (Latham et al. 2000; Ermentrout & Kopell 1986), a test-only plugin model.
title Quadratic integrate-and-fire
about The quadratic term makes a spike: below the rheobase a stable rest and an unstable critical point.
state v = -70 mV
param C = 250 pF (0, inf) "Membrane capacitance"
param tau_m = 10 ms (0, inf) "Membrane time constant"
param E_L = -70 mV "Resting potential"
param V_c = -50 mV "Critical potential"
param Delta_V = 20 mV (0, inf) "Voltage scale of the quadratic"
param V_peak = 20 mV "Spike cut-off"
param V_reset = -70 mV "Reset"
param t_ref = 2 ms [0, 100] "Refractory period"
param I_e = 0 pA "Constant input current"
dv/dt = (v - E_L)*(v - V_c)/(tau_m*Delta_V) + (I_e + I_syn)/C
threshold v >= V_peak
reset v = V_reset
refractory t_ref clamp v
"""
QIF_PARAMS = {"C": 250.0, "tau_m": 10.0, "E_L": -70.0, "V_c": -50.0, "Delta_V": 20.0, "V_peak": 20.0,
              "V_reset": -70.0, "t_ref": 2.0}

PLUGIN_MODULE = f'''
from spikestudio.plugins.api import PluginInfo

TEXT = {QIF_TEXT!r}


class QuadraticIF:
    info = PluginInfo("qif", "1.2", "Quadratic integrate-and-fire (plugin)",
                      "A neuron whose spike comes from a quadratic term, from the qif-models package.")
    text = TEXT


QIF = QuadraticIF()
EIF = open({{path!r}}).read()
'''
BROKEN_MODULE = '''
UNKNOWN_NAME = """
state v = -70 mV
param tau = 10 ms
dv/dt = (v - E_L)/tau
threshold v > -50*mV
"""
BUILT_IN_ID = "state v = -70 mV\\ndv/dt = -v/(10*ms)\\n"
NOT_TEXT = 42


class _Exits:
    @property
    def text(self):
        raise SystemExit(3)


EXITS = _Exits()
'''


def install(site, name: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """A real ``*.dist-info`` folder (group ``spikestudio.neuron_models``) plus modules on ``site``."""
    info = site / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    lines = ["[spikestudio.neuron_models]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for module, source in modules.items():
        (site / f"{module}.py").write_text(textwrap.dedent(source))


def install_models(site, eif_path, broken: bool = True) -> None:
    """The good plugin (qif, eif) and, with ``broken``, a package of broken ones."""
    install(site, "qif-models", {"qif": "qif_models:QIF", "eif": "qif_models:EIF"},
            {"qif_models": PLUGIN_MODULE.format(path=str(eif_path))})
    if broken:
        install(site, "broken-models", {"typo": "broken_models:UNKNOWN_NAME", "lif": "broken_models:BUILT_IN_ID",
                                        "number": "broken_models:NOT_TEXT", "crash": "raising_models:X",
                                        "quits": "broken_models:EXITS"},
                {"broken_models": BROKEN_MODULE, "raising_models": "raise RuntimeError('no licence server')\n"})


def forget_modules() -> None:
    for module in MODULES:
        sys.modules.pop(module, None)


def qif_rheobase(p: dict = QIF_PARAMS) -> float:
    """pA: the current at which the two fixed points of dv/dt merge, C (V_c - E_L)^2 / (4 tau_m Delta_V)."""
    return p["C"] * (p["V_c"] - p["E_L"]) ** 2 / (4.0 * p["tau_m"] * p["Delta_V"])


def qif_rate(current: float, p: dict = QIF_PARAMS) -> float:
    """Hz: 1 / (t_ref + the time from V_reset to V_peak) under DC ``current``; 0 at or below the rheobase."""
    a = 1.0 / (p["tau_m"] * p["Delta_V"])
    b = (current - qif_rheobase(p)) / p["C"]
    if b <= 0:
        return 0.0
    mid, k = 0.5 * (p["E_L"] + p["V_c"]), math.sqrt(a / b)
    climb = (math.atan(k * (p["V_peak"] - mid)) - math.atan(k * (p["V_reset"] - mid))) / math.sqrt(a * b)
    return 1000.0 / (p["t_ref"] + climb)


qif_rates = np.vectorize(qif_rate, excluded={1})
