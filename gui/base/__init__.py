"""What every part of the window shares: colours and sizes (``style``), the light/dark theme and presentation
mode (``theme``), the questions and error reports (``dialogs``), settings and recovery folders
(``app_settings``), garbage collection on the GUI thread (``gc_guard``) and TeX as rich text (``math_html``).
"""
