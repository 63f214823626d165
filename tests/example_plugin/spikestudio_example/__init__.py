"""An example SpikeStudio plugin: the ``bars`` dataset (``bars``), and the exponential integrate-and-fire model and
Vogels-Sprekeler inhibitory STDP as descriptions (``descriptions``: text files shipped in this package). Each is
named by an entry point in ``pyproject.toml``; SpikeStudio imports a module only when it asks for its plugin."""
