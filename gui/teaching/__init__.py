"""Teaching in the window: the welcome page and example gallery (``welcome``, ``gallery``), and the lesson
panel with what a lesson step does (``lesson_panel``, ``lesson_controller``).
"""
