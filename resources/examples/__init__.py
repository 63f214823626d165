"""Example networks shipped with SpikeStudio."""
