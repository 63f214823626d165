"""Example networks, lessons and icons, read through importlib.resources."""
