"""The design document: model, schema and validation."""

from .errors import DesignError, Problem
from .model import SUFFIX, Design, dumps, empty

__all__ = ["Design", "DesignError", "Problem", "SUFFIX", "dumps", "empty"]
