"""The toy dataset: images with one horizontal (label 0) or vertical (label 1) bright bar."""

import numpy as np
from spikestudio.engine.model.params import ParamSpec
from spikestudio.plugins.api import Dataset, DatasetPlugin, PluginInfo


class Bars(DatasetPlugin):
    info = PluginInfo(
        "bars", "0.2.0", "Bars", "One bright horizontal or vertical bar per image",
        {"size": ParamSpec("size", 8, "pixels", "Width and height of each image", 2, 64, integer=True),
         "count": ParamSpec("count", 20, "", "Number of images", 1, 10_000, integer=True)})

    def _load(self, numbers, texts):
        size, count = numbers["size"], numbers["count"]
        rng = np.random.default_rng(0)
        labels = rng.integers(0, 2, count)
        frames = np.zeros((count, size, size))
        for k, (label, where) in enumerate(zip(labels, rng.integers(0, size, count), strict=True)):
            if label == 0:
                frames[k, where, :] = 1.0
            else:
                frames[k, :, where] = 1.0
        return Dataset("bars", labels, (size, size), frames=frames)


BARS = Bars()
