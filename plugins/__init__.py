"""Plugin API, registry and built-in plugins (learning rules, datasets)."""
