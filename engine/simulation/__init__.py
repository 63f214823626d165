"""From a description to a running simulation: ``build`` turns a network into flat arrays (``connectivity``,
``plasticity``, ``dataset_input``, ``reward_tables``), ``simulator`` runs them chunk by chunk, ``runner`` does so
on a worker thread, ``live``/``live_diff``/``live_edits`` feed live views and take edits while running, and
``results`` keeps what was recorded. Uses ``kernels``, ``files``, ``model`` and ``errors``.
"""
