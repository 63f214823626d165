"""What a network is: plain dataclasses with stable string ids (``items``, ``network``), the catalogue of
models, rules and their parameters (``catalog``, ``params``; the built-in neuron models are descriptions in
``builtin_models/``, read with ``engine.equations``; ``builtin_text`` gives a built-in's text to copy), and every
check of a description (``validate``, ``reward``, ``notes``). Uses ``engine.equations``, ``engine.kernels.codes``
and ``engine.errors``; everything else in SpikeStudio builds on it.
"""
