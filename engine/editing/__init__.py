"""The network as the editor changes it: ``document`` checks, applies and announces each change (``events``),
``templates`` says what a user can add, ``layout`` places nodes, ``subnetwork`` copies and pastes parts,
``model_edits`` says what saving a model from the model editor changes.
Uses ``model`` and ``files``; the GUI's undo commands call it.
"""
