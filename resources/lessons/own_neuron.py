"""Lesson 8, "Write your own neuron": the network the student starts from (a leaky neuron written as equations,
with the quadratic model's parameters already declared), the quadratic integrate-and-fire model "Show me" puts in,
and the picture of dv/dt against v. ``make_lessons`` writes them into the lesson's folder.
"""

from __future__ import annotations

import numpy as np
from spikestudio.engine.model.network import Metadata, Network, NodeLayout
from spikestudio.resources.lessons.pictures import Curve, Panel, line_plot

__all__ = ["FOLDER", "STARTING_MODEL", "QIF_MODEL", "QIF", "own_neuron", "phase_line_picture", "qif_rheobase",
           "LEAKY_LINE", "QUADRATIC_LINE"]

FOLDER = "08-write-your-own-neuron"
MODEL_ID = "my_neuron"
# The parameters of the quadratic model (mV, ms, pF, pA); its rheobase is C (V_c - E_L)^2 / (4 tau_m Delta_V).
QIF = {"C": 250.0, "tau_m": 10.0, "E_L": -70.0, "V_c": -50.0, "Delta_V": 20.0, "V_peak": 20.0, "V_reset": -70.0,
       "t_ref": 2.0, "I_e": 0.0}
LEAKY_LINE = "dv/dt = (E_L - v)/tau_m + (I_e + I_syn)/C"
QUADRATIC_LINE = "dv/dt = (v - E_L)*(v - V_c)/(tau_m*Delta_V) + (I_e + I_syn)/C"

_MODEL = """\
# {comment}
title {title}
state v = -70 mV
param C = 250 pF (0, inf) "Membrane capacitance"
param tau_m = 10 ms (0, inf) "Membrane time constant"
param E_L = -70 mV [-200, 200] "Resting potential"
param V_c = -50 mV [-200, 200] "Critical potential: where the quadratic term turns from negative to positive"
param Delta_V = 20 mV (0, 1000] "Voltage scale of the quadratic term"
param V_peak = 20 mV [-200, 200] "Spike cut-off: v is reset once it gets here"
param V_reset = -70 mV [-200, 200] "Reset potential"
param t_ref = 2 ms [0, 1000] "Refractory period"
param I_e = 0 pA "Constant input current"
{equation}
threshold v >= V_peak
reset v = V_reset
refractory t_ref clamp v
"""
STARTING_MODEL = _MODEL.format(comment="Your neuron. It starts leaky and linear: make its dv/dt quadratic.",
                               title="My neuron", equation=LEAKY_LINE)
QIF_MODEL = _MODEL.format(comment="A quadratic integrate-and-fire neuron (Ermentrout & Kopell 1986; Latham et "
                                  "al. 2000).", title="Quadratic integrate-and-fire", equation=QUADRATIC_LINE)


def qif_rheobase(p: dict = QIF) -> float:
    """pA: the current at which dv/dt's two zeros (rest and critical point) merge and vanish."""
    return p["C"] * (p["V_c"] - p["E_L"]) ** 2 / (4.0 * p["tau_m"] * p["Delta_V"])


def own_neuron() -> Network:
    """One neuron of the student's model (leaky to start with) and a constant 300 pA into it."""
    net = Network(dt=0.1, duration=500.0, seed=1, metadata=Metadata(
        title="Lesson 8: write your own neuron", author="SpikeStudio", license="CC0-1.0", description=(
            "One neuron of the model my_neuron, described by equations in this file. It starts as a leaky "
            "integrate-and-fire neuron with its spike cut-off at V_peak = 20 mV, so 300 pA only lifts v to -58 mV; "
            "the lesson makes its dv/dt quadratic, (v - E_L)(v - V_c)/(tau_m Delta_V) + I/C, whose rheobase is "
            f"C (V_c - E_L)^2 / (4 tau_m Delta_V) = {qif_rheobase():g} pA.")))
    net.add_model(MODEL_ID, STARTING_MODEL)
    net.add_population("neuron", 1, MODEL_ID)
    net.add_current("drive", "neuron", "dc", amplitude=300.0)
    net.record_spikes("neuron")
    net.record_state("neuron", "v", neurons=[0], interval=0.1)
    net.layout = {"neuron": NodeLayout(0.0, 0.0, "#d62728"), "drive": NodeLayout(-300.0, 0.0, "#7f7f7f")}
    net.add_note("hint", f"Quadratic: dv/dt = (v - E_L)(v - V_c)/(tau_m Delta_V) + I/C\nRheobase: C (V_c - E_L)^2 / "
                 f"(4 tau_m Delta_V) = {qif_rheobase():g} pA", -80.0, -220.0, width=360.0, height=90.0)
    return net


def phase_line_picture() -> str:
    """dv/dt against v for the quadratic model at 0, the rheobase and 300 pA, and for the leaky one at 0 pA."""
    p, v = QIF, np.linspace(-85.0, -35.0, 201)
    quadratic = (v - p["E_L"]) * (v - p["V_c"]) / (p["tau_m"] * p["Delta_V"])
    curves = [Curve(v, quadratic + current / p["C"], color, label) for current, color, label in (
        (0.0, "#1f77b4", "QIF, 0 pA"), (qif_rheobase(), "#2ca02c", "QIF, 125 pA (rheobase)"),
        (300.0, "#d62728", "QIF, 300 pA"))]
    curves.append(Curve(v, (p["E_L"] - v) / p["tau_m"], "#7f7f7f", "leaky, 0 pA"))
    marks = [(p["E_L"], "E_L"), (p["V_c"], "V_c")]
    return line_plot([Panel(curves, "dv/dt (mV/ms)", (-4.0, 9.0), marks=marks)], "v (mV)", (-85.0, -35.0),
                     panel_height=200)
