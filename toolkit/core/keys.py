"""The identity of one value: indicator x year x area x group x sex x measure x age group x nationality (used by every
stage)."""

from __future__ import annotations

from typing import NamedTuple

ALL = "alle"  # the age group and the nationality of a value that is not broken down by them: all ages, all nationalities


class ObservationKey(NamedTuple):
    """One value: indicator x year x area x group x sex x measure x age group x nationality.

    A named tuple, not a dataclass: keys are hashed millions of times per merge (dict lookups in the readers, rules
    and the store), and a tuple hashes and compares in C.

    Age group and nationality come last, with the default "alle": every key made before they existed (six fields,
    positional, in every stage and in stored layouts) still means the same value, and the store's key columns keep
    their order with the two new ones appended. Where the key is shown (matrix, export) the columns follow the order
    of the data model: sex, age group, nationality, measure.
    """

    indicator: str
    year: int
    area: str
    group: str
    sex: str
    measure: str
    age: str = ALL  # an age group code of the catalogue (sheet Altersgruppen), or "alle"
    nationality: str = ALL  # a key of the Staatsangehörigkeitsschlüssel ("475" = Syrien), or "alle"


KEY_SIZE = len(ObservationKey._fields)  # a row of key fields then value, flag, note … holds the key in row[:KEY_SIZE]
