"""A neuron model and a learning rule as descriptions: text files shipped in this package, read as data.

SpikeStudio parses each text with its own whitelist grammar and generates the compiled code from it; none of this
package's Python runs while a network runs, and a network file that uses the model or the rule carries the text,
so it opens where this package is not installed.
"""

from importlib.resources import files

from spikestudio.plugins.api import described_model, described_rule


def shipped(name: str) -> str:
    """The text of the package-data file ``name``."""
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


EXP_IF = described_model("exp_if", "0.2.0", shipped("exponential_if.model"),
                         "Exponential integrate-and-fire (example plugin)")
VOGELS_SPREKELER = described_rule("vogels_sprekeler", "0.2.0", shipped("vogels_sprekeler.rule"))
