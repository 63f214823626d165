"""The model editor: write a neuron model as equations with highlighting and live validation, try it out (a
step-current trace and an F–I curve from the engine), save it into the network (undoably) and into the user's
model library, which the palette lists. Uses ``gui.plots``, ``gui.editing``, ``gui.base`` and the engine.
"""
