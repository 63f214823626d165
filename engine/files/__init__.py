"""Network files: ``.snn`` zips and bare ``.json``, written exactly and read strictly. ``fileformat`` is the
entry point (load, save); ``file_reader``/``file_values``/``file_checks`` read and locate problems,
``file_writer``/``archive_writer`` write atomically, ``safe_archive`` and ``strict_json`` guard reading,
``migrations`` upgrade old versions; ``model_library`` keeps the user's own models as ``.model`` files.
Uses ``model``, ``equations`` and ``errors`` only.
"""
