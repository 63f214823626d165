"""Plots in docks and dialogs (pyqtgraph): live raster, traces, rates, weights, analysis, and their export."""
