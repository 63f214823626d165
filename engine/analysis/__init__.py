"""After a run: spike statistics, F-I curves and weight matrices (``spike_stats``), and the readout of what an
unsupervised network learned (``readout``). Uses ``simulation`` and ``model``.
"""
