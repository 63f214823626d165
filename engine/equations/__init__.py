"""Models as equations: a safe expression language with units, model descriptions (text and plain data),
the choice of integration method and the numba code generated from them; learning rules likewise
(``rule_text``, ``rule_description``, ``rule_codegen``, ``rule_loader``).

Text from a file is data here: it is tokenised and parsed by our own whitelist grammar into a tree, never
evaluated by Python. Uses only ``engine.errors`` and, for the compiled loop, ``engine.kernels``.
"""
