"""Encoders: turn one sample into spikes for an input population, and lay samples out in time.

A frame (intensities in [0, 1], one neuron per pixel) can be encoded as Poisson rates, as latencies
(brighter fires earlier) or as a rank order; an event recording is played back with one neuron per
pixel and polarity. ``present`` shows samples one after another with a rest between them and keeps the
label and onset of each, so results can be matched to what was shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..engine.model.params import ParamSpec, check_params, fill_params
from .api import Dataset, DatasetError

__all__ = ["ENCODERS", "Encoder", "Presentation", "present", "population_size"]

Spikes = tuple[np.ndarray, np.ndarray]  # neuron indices, times in ms (from the start of the sample)


def _rate(frame: np.ndarray, window: float, rng: np.random.Generator, p: dict) -> Spikes:
    """Independent Poisson trains at ``max_rate`` x intensity (Diehl & Cook 2015 use 63.75 Hz for white)."""
    rates = np.clip(frame.ravel(), 0.0, 1.0) * p["max_rate"]
    counts = rng.poisson(rates * window / 1000.0)
    neurons = np.repeat(np.arange(rates.size), counts)
    return neurons, rng.uniform(0.0, window, neurons.size)


def _latency(frame: np.ndarray, window: float, rng, p: dict) -> Spikes:
    """One spike per pixel above ``threshold``, at window x (1 - intensity): the brightest fire first."""
    values = np.clip(frame.ravel(), 0.0, 1.0)
    neurons = np.flatnonzero(values > p["threshold"])
    return neurons, window * (1.0 - values[neurons])


def _rank_order(frame: np.ndarray, window: float, rng, p: dict) -> Spikes:
    """One spike per pixel above ``threshold``, in order of decreasing intensity, evenly spaced in the window."""
    values = frame.ravel()
    neurons = np.flatnonzero(values > p["threshold"])
    order = neurons[np.argsort(-values[neurons], kind="stable")]
    return order, np.arange(order.size) * (window / max(order.size, 1))


def _events(events: np.ndarray, shape: tuple[int, int], window: float, p: dict) -> Spikes:
    """Neuron 2 (y W + x) + polarity fires at each event's time x ``time_scale``, within the window."""
    columns = shape[1]
    times = events["t"] / 1000.0 * p["time_scale"]
    keep = (times < window) & (events["x"] < columns) & (events["y"] < shape[0])
    neurons = 2 * (events["y"][keep].astype(np.int64) * columns + events["x"][keep]) + events["p"][keep]
    return neurons, times[keep]


@dataclass(frozen=True)
class Encoder:
    id: str
    description: str
    params: dict[str, ParamSpec]
    kind: str  # "frames" or "events": which datasets it takes
    encode: Callable


def _spec(name, default, unit, description, low, high) -> dict[str, ParamSpec]:
    return {name: ParamSpec(name, default, unit, description, low, high)}


ENCODERS: dict[str, Encoder] = {e.id: e for e in (
    Encoder("rate", "Poisson spike trains, rate proportional to intensity",
            _spec("max_rate", 63.75, "Hz", "Rate of a pixel of intensity 1", 0.0, 10_000.0), "frames", _rate),
    Encoder("latency", "One spike per pixel; brighter pixels fire earlier",
            _spec("threshold", 0.0, "", "Pixels at or below this intensity stay silent", 0.0, 1.0), "frames",
            _latency),
    Encoder("rank_order", "One spike per pixel, in order of decreasing intensity",
            _spec("threshold", 0.0, "", "Pixels at or below this intensity stay silent", 0.0, 1.0), "frames",
            _rank_order),
    Encoder("events", "Play back an event-camera recording (one neuron per pixel and polarity)",
            _spec("time_scale", 1.0, "", "Playback speed factor on the recorded times (2 = half speed)",
                  1e-3, 1e3), "events", None),
)}


def population_size(dataset: Dataset) -> int:
    """Neurons an input population needs for this dataset: one per pixel (and polarity, for events)."""
    rows, columns = dataset.shape
    return rows * columns * (2 if dataset.kind == "events" else 1)


@dataclass
class Presentation:
    """Spikes of a run through the samples, with what was shown when (label and onset in ms of each)."""

    neurons: np.ndarray
    times: np.ndarray
    labels: np.ndarray
    onsets: np.ndarray
    size: int


def present(dataset: Dataset, encoder: str = "rate", *, samples=None, presentation: float = 350.0,
            rest: float = 150.0, seed: int = 1, **params) -> Presentation:
    """Encode ``samples`` (indices; default all) one after another, ``presentation`` ms each, ``rest`` ms apart."""
    enc = ENCODERS.get(encoder)
    if enc is None:
        raise DatasetError(f'unknown encoder "{encoder}" (known: {", ".join(ENCODERS)})')
    if enc.kind != dataset.kind:
        raise DatasetError(f'the {encoder} encoder takes {enc.kind}, but {dataset.name} holds {dataset.kind}')
    problems = check_params(enc.params, params, encoder)
    if presentation <= 0 or rest < 0:
        problems.append(f"presentation must be > 0 ms and rest >= 0 ms, got {presentation:g} and {rest:g}")
    if problems:
        raise DatasetError("; ".join(map(str, problems)))
    p = fill_params(enc.params, params)
    chosen = np.arange(len(dataset)) if samples is None else np.asarray(samples, np.int64)
    rng = np.random.default_rng(seed)
    neurons, times, onsets = [], [], []
    for k, index in enumerate(chosen):
        onset = k * (presentation + rest)
        if enc.kind == "frames":
            n, t = enc.encode(dataset.frames[index], presentation, rng, p)
        else:
            n, t = _events(dataset.events[index], dataset.shape, presentation, p)
        neurons.append(n)
        times.append(t + onset)
        onsets.append(onset)
    neurons = np.concatenate(neurons) if neurons else np.zeros(0, np.int64)
    times = np.concatenate(times) if times else np.zeros(0)
    order = np.argsort(times, kind="stable")
    return Presentation(neurons[order].astype(np.int64), times[order], dataset.labels[chosen],
                        np.asarray(onsets, float), population_size(dataset))
