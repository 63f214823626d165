"""Built-in datasets: scikit-learn's 8x8 digits, MNIST and Fashion-MNIST from IDX files, and event-camera
recordings (N-MNIST, N-Caltech101) from their binary files. Nothing is downloaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...engine.model.params import ParamSpec
from ..api import Dataset, DatasetError, DatasetPlugin, PluginInfo
from .events import read_events
from .idx import read_idx

__all__ = ["DIGITS", "MNIST", "FASHION_MNIST", "NMNIST", "NCALTECH101"]

LIMIT = {"limit": ParamSpec("limit", 0, "", "Use only the first this many samples (0: all)", 0, 1e9, integer=True)}


def _limited(n: int, limit: int) -> int:
    return n if limit <= 0 else min(n, limit)


class DigitsDataset(DatasetPlugin):
    info = PluginInfo("digits", "1.0", "Handwritten digits (8x8)",
                      "The 1,797 8x8 digits bundled with scikit-learn (no download); needs the 'digits' extra.",
                      LIMIT, requires={"sklearn": "scikit-learn (pip install 'spikestudio[digits]')"})

    def _load(self, numbers: dict, texts: dict) -> Dataset:
        try:
            from sklearn.datasets import load_digits
        except ImportError:
            raise DatasetError("the digits dataset needs scikit-learn: pip install 'spikestudio[digits]'") from None
        bunch = load_digits()
        n = _limited(len(bunch.target), numbers["limit"])
        return Dataset("digits", bunch.target[:n].astype(np.int64), (8, 8), frames=bunch.images[:n] / 16.0)


class IdxDataset(DatasetPlugin):
    """MNIST-style images and labels from two IDX files the user points to."""

    def __init__(self, plugin_id: str, name: str, description: str):
        self.info = PluginInfo(plugin_id, "1.0", name, description, LIMIT, {
            "images": "Path of the images file (e.g. train-images-idx3-ubyte.gz)",
            "labels": "Path of the labels file (e.g. train-labels-idx1-ubyte.gz)"})

    def _load(self, numbers: dict, texts: dict) -> Dataset:
        missing = [k for k in ("images", "labels") if not texts.get(k)]
        if missing:
            raise DatasetError(f"{self.info.id}: say where the {' and '.join(missing)} file{'s' * (len(missing) > 1)} "
                               f"{'are' if len(missing) > 1 else 'is'} (parameter {', '.join(missing)})")
        images, labels = read_idx(texts["images"]), read_idx(texts["labels"])
        if images.ndim != 3 or labels.ndim != 1:
            raise DatasetError(f"{self.info.id}: expected images of 3 dimensions and labels of 1, got "
                               f"{images.ndim} and {labels.ndim}")
        if len(images) != len(labels):
            raise DatasetError(f"{self.info.id}: {len(images)} images but {len(labels)} labels")
        n = _limited(len(labels), numbers["limit"])
        return Dataset(self.info.id, labels[:n].astype(np.int64), images.shape[1:],
                       frames=images[:n].astype(np.float64) / 255.0)


class EventDataset(DatasetPlugin):
    """Recordings in class folders (``<folder>/<class>/<sample>.bin``); the label is the class's index."""

    def __init__(self, plugin_id: str, name: str, description: str, shape: tuple[int, int]):
        self.shape = shape
        self.info = PluginInfo(plugin_id, "1.0", name, description, LIMIT, {
            "folder": "Folder holding one subfolder of .bin recordings per class"})

    def _load(self, numbers: dict, texts: dict) -> Dataset:
        folder = Path(texts.get("folder") or "")
        if not texts.get("folder") or not folder.is_dir():
            raise DatasetError(f"{self.info.id}: {folder if texts.get('folder') else 'no folder given'}: "
                               "expected a folder with one subfolder of .bin recordings per class")
        classes = sorted(p.name for p in folder.iterdir() if p.is_dir())
        files = [(label, f) for label, name in enumerate(classes) for f in sorted((folder / name).glob("*.bin"))]
        if not files:
            raise DatasetError(f"{self.info.id}: {folder}: no .bin recordings in class subfolders")
        files = files[:_limited(len(files), numbers["limit"])]
        events = [read_events(f) for _, f in files]
        return Dataset(self.info.id, np.asarray([label for label, _ in files], np.int64), self.shape, events=events)


DIGITS = DigitsDataset()
MNIST = IdxDataset("mnist", "MNIST", "Handwritten digits (28x28) from local IDX files (raw or .gz).")
FASHION_MNIST = IdxDataset("fashion_mnist", "Fashion-MNIST", "Clothing images (28x28) from local IDX files.")
NMNIST = EventDataset("nmnist", "N-MNIST", "MNIST seen by an event camera (34x34), from local .bin files.",
                      (34, 34))
NCALTECH101 = EventDataset("ncaltech101", "N-Caltech101", "Caltech101 seen by an event camera, from .bin files.",
                           (180, 240))
