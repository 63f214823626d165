"""Running in the window: build off the GUI thread and run on a worker (``run_controller``), and the Simulation
menu, toolbar, plot docks and status (``simulation_ui``). The plots themselves are in ``gui.plots``.
"""
