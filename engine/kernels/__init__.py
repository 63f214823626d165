"""The compiled kernels: the chunked time loop (``kernel``), neuron, plasticity and connectivity updates, the
random generator and the integer codes they switch on, with numba's flags in one place (``jit``). They take
arrays and scalars only and import nothing else of SpikeStudio, so they compile and test on their own.
"""
