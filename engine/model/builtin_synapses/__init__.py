"""The built-in synapse kinds as descriptions (``*.synapse``), read through ``importlib.resources``."""
