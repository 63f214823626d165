"""What a network is: plain dataclasses with stable string ids (``items``, ``network``), the catalogue of
models, rules and their parameters (``catalog``, ``params``; ``builtin_text`` writes a built-in as
equations), and every check of a description (``validate``, ``reward``, ``notes``).
Uses ``engine.errors`` (and ``engine.equations`` for models as equations); everything else builds on it.
"""
