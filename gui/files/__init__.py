"""Files in the window: New, Open, Save and recent files (``file_controller``), autosave and crash recovery
(``recovery``), and File > Export / Import (``export_controller``, ``export_formats``).
"""
