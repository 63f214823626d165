"""Bundled lessons: one folder per lesson, each with its ``lesson.md`` and the network files it opens.

The networks are written by ``make_lessons.py``; the lessons are read by ``spikestudio.engine.teaching.lesson``.
"""
