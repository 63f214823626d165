"""Plugins that ship with SpikeStudio; registered through the same entry points as third-party ones."""
