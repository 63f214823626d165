"""Changing the network: undo commands that each call one document operation (``commands``,
``note_commands``), and the inspector with its forms and fields (``inspector``, ``forms``, ``fields``,
``dataset_form``). Uses ``gui.base`` and the engine's editing model.
"""
