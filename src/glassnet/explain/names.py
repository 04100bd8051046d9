"""Names: how a student (or a program) refers to one value of a worked solution.

The names are the notes' symbols, written as in text:

    Z[1]  A[2]  cost (or J)  dA[2]  dZ[2]  dW[1]  db[1]      a value of step 1
    A[1][2,3]                                                unit 2, example 3 (from 1)
    b[2][1]  A[2][3]                                         one index for a vector
    Z[1] in step 2                                           a later step
    W[1] after step 1   b[2] after step 1                    after the update of step 1
    W̃[1] after step 1  dW̃[1]   (also W~ or Wt)              the bias-column form [b | W]

The cost's working, example by example (as seed 003 writes it), has names of its own:

    L(2)      the loss of example 2, L(a⁽²⁾, y⁽²⁾); L alone is the row of all m
    sum L     Σᵢ L(i) (also ΣL), whose mean is the cost J (cost or J)
    SE(2)     the squared error ‖a⁽²⁾ − y⁽²⁾‖² of example 2, for the squared-error losses
    SSE       Σᵢ SE(i), their sum
    MSE       SSE / (m n[L]): the mean squared error, one convention of the cost
    half MSE  MSE / 2 (also ½MSE): the other, the notes' (1/2n) Σ (a − y)²

Entry indices count from 1, as the notes do (z₁, a₂, W₁₂), except the columns of W̃ and
dW̃, which count from 0 because column 0 is the bias (the exercises' W₁₀). Lower-case
z, a, w and dz, da, dw are read as Z, A, W, dZ, dA, dW.
"""

import re
from dataclasses import dataclass

from ..errors import ConfigError

#: the values of the cost's working with one number per example (the others, cost, sum L,
#: SSE, MSE and half MSE, are one number each)
PER_EXAMPLE = ("L", "SE")

#: each bias-column name and the two it joins: W̃[l] = [b[l] | W[l]]
BIAS_COLUMN = {"W̃": ("b", "W"), "dW̃": ("db", "dW")}

_SYMBOLS = {
    "z": "Z", "a": "A", "w": "W", "b": "b",
    "dz": "dZ", "da": "dA", "dw": "dW", "db": "db",
    "w̃": "W̃", "w~": "W̃", "wt": "W̃", "dw̃": "dW̃", "dw~": "dW̃", "dwt": "dW̃",
    "cost": "cost", "j": "cost",
}

_NAME = re.compile(
    r"""^\s*(?P<symbol>d?[zawb](?:\u0303|~|t)?|cost|j)\s*
        (?:\[\s*(?P<layer>\d+)\s*\])?\s*
        (?:\[\s*(?P<index>\d+(?:\s*,\s*\d+)?)\s*\])?\s*
        (?:(?P<when>in|after)\s+step\s+(?P<step>\d+))?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

_COST_NAME = re.compile(
    r"""^\s*(?:(?P<total>sum\s*L|Σ\s*L|SSE|MSE|half\s*MSE|½\s*MSE)
        |(?P<each>L|SE)\s*(?:\(\s*(?P<example>\d+)\s*\))?)\s*
        (?:in\s+step\s+(?P<step>\d+))?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

GRAMMAR = ("names look like Z[1], A[2], cost, dW[1], db[2], A[1][2,3] (unit 2, example 3, "
           "counted from 1), Z[1] in step 2, W[1] after step 1, W̃[1] after step 1, "
           "L(2), sum L, SE(2), SSE, MSE, half MSE")


@dataclass(frozen=True)
class Name:
    """A parsed name: ``symbol`` (Z, A, dA, dZ, dW, db, W, b, W̃, dW̃ or cost), ``layer``,
    ``index`` (as written, or None for the whole quantity), ``step`` and ``after``."""

    symbol: str
    layer: int | None
    index: tuple | None
    step: int
    after: bool
    text: str

    @property
    def key(self):
        """The key of the value in a step: "Z[1]", "cost", "W[1] after", "W[1]", "L"."""
        if self.layer is None:
            return self.symbol
        return f"{self.symbol}[{self.layer}]" + (" after" if self.after else "")

    @property
    def whole(self):
        """The same name without its entry index."""
        return Name(self.symbol, self.layer, None, self.step, self.after, self.text)


def parse(text):
    """The ``Name`` that ``text`` spells, or a ConfigError saying what names look like."""
    if not isinstance(text, str):
        raise ConfigError(f"{text!r} is not a name; {GRAMMAR}")
    cost_name = _COST_NAME.match(text)
    if cost_name:
        return _cost_name(cost_name, text)
    match = _NAME.match(text)
    symbol = match and _SYMBOLS.get(match["symbol"].lower())
    if not symbol:
        raise ConfigError(f"{text!r} is not a name glassnet knows; {GRAMMAR}")
    layer = None if match["layer"] is None else int(match["layer"])
    index = None if match["index"] is None else tuple(
        int(i) for i in match["index"].split(","))
    step = 1 if match["step"] is None else int(match["step"])
    after = match["when"] is not None and match["when"].lower() == "after"
    if symbol == "cost":
        if layer is not None or index is not None:
            raise ConfigError(f"{text!r}: the cost J is one number, it has no layer or index")
    elif layer is None:
        raise ConfigError(f"{text!r} needs a layer number, as in {symbol}[1]")
    if after and symbol not in ("W", "b", "W̃"):
        raise ConfigError(
            f"{text!r}: only the parameters W, b and W̃ have values 'after step k'; "
            f"write '{symbol}[{layer}] in step {step}'"
        )
    if step < 1:
        raise ConfigError(f"{text!r}: steps are counted from 1")
    return Name(symbol, layer, index, step, after, text.strip())


def _cost_name(match, text):
    """A name of the cost's working: L(2), sum L, SE, SSE, MSE, half MSE."""
    step = 1 if match["step"] is None else int(match["step"])
    if step < 1:
        raise ConfigError(f"{text!r}: steps are counted from 1")
    if match["total"]:
        words = match["total"].replace(" ", "").lower()
        symbol = {"suml": "sum L", "σl": "sum L", "sse": "SSE", "mse": "MSE",
                  "halfmse": "half MSE", "½mse": "half MSE"}[words]
        return Name(symbol, None, None, step, False, text.strip())
    symbol = match["each"].upper()
    index = None if match["example"] is None else (int(match["example"]),)
    return Name(symbol, None, index, step, False, text.strip())
