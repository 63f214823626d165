"""Plugins: the API a plugin implements (``api``), the registry that finds them through entry points
(``registry``) and the built-ins (``builtin``: learning rules, datasets and their file readers). Beside them,
the consumer side of dataset plugins: ``encoders`` turn samples into spikes, ``dataset_source`` resolves a
network's dataset inputs through the registry, and ``unsupervised`` trains and tests on one. Uses the engine;
never the GUI.
"""
