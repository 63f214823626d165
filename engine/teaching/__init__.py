"""Teaching without Qt: lessons (``lesson``: Markdown steps with a closed set of directives, parsed as data)
and phase planes of two-variable neuron models (``phase_plane``). Uses ``files`` and ``model``.
"""
