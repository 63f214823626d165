"""The descriptions of the built-in neuron models (``*.model``, data read through ``importlib.resources``)."""
