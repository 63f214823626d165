"""The engine: network description, files and the numba simulator; pure Python, numpy and numba, never Qt.

Read it bottom up: ``errors`` and ``units`` (shared by all), ``model`` (what a network is and its checks),
``files`` (the file format) and ``kernels`` (the compiled time loop), ``simulation`` (build a description into
arrays and run it) and ``editing`` (the document the editor changes), then ``teaching``, ``interop`` and
``analysis``, which use a network, and ``experiments`` (sweeps of many runs) on top. A lower layer never imports
a higher one (the contracts in pyproject.toml, checked by tests/test_architecture.py); nothing here imports Qt,
the GUI, the plugins or the CLI. Only ``experiments`` reaches beyond numpy and numba, lazily: Dask when a sweep
goes to a cluster, pandas for a DataFrame or a Parquet table.
"""
