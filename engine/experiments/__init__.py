"""Experiments: parameter sweeps and repeated trials. A sweep description (``sweep_spec``, read strictly by
``sweep_file``) names parameters by address (``addresses``), each run is simulated by ``worker`` on a backend
(``backends``: in process, a process pool or a Dask cluster) under ``sweep_run``'s control, measured by
``measures`` and collected by ``table``. Uses ``analysis``, ``simulation``, ``files`` and ``model``.
"""
