"""factcli: a cited fact base on the Japanese abductees, Charles Robert Jenkins and the
1959-1984 repatriation, with a command line on top.

    >>> from factcli import load
    >>> facts = load()              # the shipped fact base
    >>> facts.entities["charles-robert-jenkins"].claims[0].citations[0].quote
"""

from .errors import ExitCode, FactBaseError, FactcliError, Problem
from .load import default_facts_path
from .model import Citation, Claim, Entity, FactBase, PartialDate, Period, Source
from .store import load
from .version import __version__

__all__ = [
    "Citation", "Claim", "Entity", "ExitCode", "FactBase", "FactBaseError", "FactcliError",
    "PartialDate", "Period", "Problem", "Source", "__version__", "default_facts_path", "load",
]  # fmt: skip
