"""After a run: spike statistics, F-I curves and weight matrices (``spike_stats``), the readout of what an
unsupervised network learned (``readout``), and the model editor's preview of a model (``model_preview``).
Uses ``simulation`` and ``model``.
"""
