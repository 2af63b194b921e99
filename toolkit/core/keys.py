"""The identity of one value: indicator x year x area x group x sex x measure (used by every stage)."""

from __future__ import annotations

from typing import NamedTuple


class ObservationKey(NamedTuple):
    """One value: indicator x year x area x group x sex x measure.

    A named tuple, not a dataclass: keys are hashed millions of times per merge (dict lookups in the
    readers, rules and the store), and a tuple hashes and compares in C.
    """

    indicator: str
    year: int
    area: str
    group: str
    sex: str
    measure: str
