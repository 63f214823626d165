"""What a network is: plain dataclasses with stable string ids (``items``, ``network``), the catalogue of
models, rules and their parameters (``catalog``, ``params``), and every check of a description (``validate``,
``reward``, ``notes``). Uses only ``engine.errors``; everything else in SpikeStudio builds on it.
"""
