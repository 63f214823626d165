"""The window (the only package that imports Qt), in layers: ``base`` (look, dialogs, settings), ``editing``
(undo commands and the inspector), ``canvas`` and ``plots``, then ``files``, ``simulation`` and ``teaching``,
and ``shell`` (the app, main window and menus) on top. A layer never imports one above it (pyproject.toml).
"""
