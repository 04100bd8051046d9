"""Precision: how many digits an answer must have, and when a written number agrees.

A problem asks for its values to a number of ``decimals``, of ``significant`` figures, or
both (then the finer of the two applies to each value). Without a ``precision:`` field a
problem asks for **3 decimals or 2 significant figures, whichever is finer**: 0.711 for
σ(0.9) = 0.710950, 0.0045 for db[2] = 0.004537, 0.00018 for dW[2] = −0.000175 (so that 0
or 0.000 is never right for a small nonzero value).

A written number with u its unit (one unit of its last written digit: 0.001 for 0.711, 1
for 2, 0.01 for 7.1e-1) agrees with a value v to the required unit r when

* it *is* v (an exact value written in full: 0.5 for Z = 0.5, 1 for 1.0), or
* it is written to r or finer (u ≤ r) and, at r, it is v rounded (|x − v| ≤ r/2) or v
  truncated (x lies between v cut off after r and the next unit of r, on v's side of 0).

A number written with fewer digits than asked (u > r) that is v rounded at its own
precision is *imprecise*: "given to 1 decimal, 3 asked" (0.7 for 0.711, 0 for 0.090). A relative slack of
1e-9 absorbs the binary representation of decimals.
"""

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..errors import ConfigError, DataError

_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_SLACK = 1e-9
#: the longest number text read, and the magnitudes a written number may have
MAX_DIGITS = 40
SMALLEST, LARGEST = 1e-300, 1e300


@dataclass(frozen=True)
class Precision:
    """What a problem asks for: ``decimals`` and/or ``significant`` figures (None: not
    asked); with both, each value needs the finer of the two."""

    decimals: int | None = 3
    significant: int | None = 2

    def unit(self, value):
        """The unit r a value must be given to: 10^−decimals, or the unit of its
        ``significant``-th figure, whichever is finer (an exact 0 needs the decimals only)."""
        units = []
        if self.decimals is not None:
            units.append(10.0 ** -self.decimals)
        if self.significant is not None and value != 0 and math.isfinite(value):
            units.append(10.0 ** (math.floor(math.log10(abs(value))) - self.significant + 1))
        return min(units) if units else 10.0 ** -3

    def describe(self):
        """"3 decimals or 2 significant figures, whichever is finer", for the report."""
        parts = []
        if self.decimals is not None:
            parts.append(f"{self.decimals} decimal{'s' * (self.decimals != 1)}")
        if self.significant is not None:
            parts.append(f"{self.significant} significant figure"
                         f"{'s' * (self.significant != 1)}")
        return " or ".join(parts) + (", whichever is finer" if len(parts) == 2 else "")


DEFAULT = Precision()


def precision_from_field(value):
    """The ``Precision`` a problem file's ``precision:`` field gives (None: the default).

    ``precision: {decimals: 2}``, ``{significant: 3}`` or both; a bare number is decimals.
    """
    if value is None:
        return DEFAULT
    if not isinstance(value, dict):
        value = {"decimals": value}
    unknown = [k for k in value if k not in ("decimals", "significant")]
    if unknown or not value:
        raise ConfigError("precision: expected decimals and/or significant, e.g. "
                          "'precision: {decimals: 3}' or '{significant: 2}'"
                          + (f"; unknown key {unknown[0]!r}" if unknown else ""))
    counts = {}
    for key in ("decimals", "significant"):
        n = value.get(key)
        if n is None:
            counts[key] = None
            continue
        if isinstance(n, bool) or not isinstance(n, int | str) or not str(n).isdigit():
            raise ConfigError(f"precision: {key}: expected a whole number, got {n!r}")
        n = int(n)
        low = 1 if key == "significant" else 0
        if not low <= n <= 15:
            raise ConfigError(f"precision: {key}: expected {low} … 15, got {n}")
        counts[key] = n
    return Precision(**counts)


def written_number(text, label):
    """(value, u) of a number as written, u one unit of its last written digit.

    A number too long to be hand-written, or beyond what a float holds (1e400, 1e-400),
    is refused with a ``DataError`` naming ``label``.
    """
    text = str(text).strip().replace("−", "-")  # a minus sign copied from glassnet's output
    if len(text) > MAX_DIGITS:
        raise DataError(f"{label}: a number of {len(text)} characters; a written value has "
                        f"at most {MAX_DIGITS}")
    if not _NUMBER.match(text):
        raise DataError(f"{label}: {text!r} is not a number")
    try:
        exact = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only Decimal's syntax
        raise DataError(f"{label}: {text!r} is not a number") from None
    if exact != 0 and not SMALLEST <= abs(exact) <= LARGEST:
        raise DataError(f"{label}: {text} is outside the numbers that can be judged "
                        f"({SMALLEST:g} … {LARGEST:g} in size)")
    exponent = exact.as_tuple().exponent
    if not -330 <= exponent <= 330:
        raise DataError(f"{label}: {text} is written to a digit beyond 1e±330")
    return float(exact), 10.0 ** exponent


def decimals_of(unit):
    """The decimals a unit stands for: 3 for 0.001, 0 for 1 (and for 10)."""
    return max(0, -round(math.log10(unit)))


def agrees(x, u, v, r):
    """Whether x, written to unit u, agrees with the value v required to unit r."""
    if abs(x - v) <= _SLACK * max(abs(v), u * 1e-3):
        return True  # the exact value, written in full
    return u <= r * (1 + _SLACK) and within(x, v, r)


def within(x, v, r):
    """Whether x is v rounded or truncated at unit r (x may carry more digits)."""
    if abs(x - v) <= 0.5 * r * (1 + _SLACK) + _SLACK * abs(v):
        return True
    sign = -1.0 if v < 0 else 1.0
    cut = math.floor(abs(v) / r * (1 + _SLACK)) * r
    return cut - _SLACK * r <= sign * x < cut + r * (1 - _SLACK)


def imprecise(x, u, v, r):
    """Whether x is v rounded at its own precision u, coarser than the unit r asked."""
    return u > r * (1 + _SLACK) and abs(x - v) <= 0.5 * u * (1 + _SLACK) + _SLACK * abs(v)
