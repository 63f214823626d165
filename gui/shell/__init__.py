"""The app and its window: start-up (``app``), the main window that holds every part (``main_window``), menus,
toolbar and shortcuts (``actions``, ``theme_actions``) and Help > Plugins (``plugin_dialog``). The top layer.
"""
