"""Feature expressions: a formula of the raw inputs x1 and x2 typed by a user (``x1*sin(x2)``).

The playground feeds such a formula to the network as one more input feature. Text from a
page is never run as Python: ``parse`` reads it with a small recursive-descent parser of
this grammar, and anything else is refused with a ``ConfigError`` that names the token
and its position::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("-" | "+") unary | power
    power      := atom (("^" | "**") unary)?            (right-associative: 2^3^2 = 2^9)
    atom       := number | x1 | x2 | pi | e | function "(" expression ")" | "(" expression ")"

The functions are those of ``FUNCTIONS``. The text is at most ``MAX_CHARS`` characters and
nests at most ``MAX_DEPTH`` deep. An ``Expression`` evaluates on NumPy arrays
(``evaluate``), writes itself as NumPy source (``numpy_source``, for exported code; it
computes the same numbers bit for bit), and ``check_finite`` refuses it where it is not a
finite number (log of a negative, an overflowing power), naming the sub-expression and the
point, or beyond ±``MAX_VALUE``.
"""

import math
import operator
import re
from dataclasses import dataclass

import numpy as np

from . import datasets
from .errors import ConfigError

MAX_CHARS = 120
MAX_DEPTH = 12
MAX_VALUE = 1e6  #: a feature's values must lie within ±this on the data and the view

#: the functions an expression may call: NumPy's function and its name in NumPy source
FUNCTIONS = {name: (getattr(np, name), f"np.{name}") for name in (
    "sin", "cos", "tan", "tanh", "exp", "log", "sqrt", "abs")}
CONSTANTS = {"pi": math.pi, "e": math.e}
VARIABLES = ("x1", "x2")
#: the operators, as Python's (on arrays they are NumPy's ufuncs, as in the exported code)
_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "^": operator.pow}
_SOURCE = {"^": "**"}
_TOKEN = re.compile(r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>\*\*|[-+*/^()]))")
_VALID = (f"the inputs {', '.join(VARIABLES)}, numbers, + - * / ^ and brackets, the "
          f"constants {', '.join(CONSTANTS)} and the functions {', '.join(FUNCTIONS)}")


@dataclass(frozen=True)
class Expression:
    """A parsed formula: ``op`` is "number", "x1", "x2", a function name, "neg" or one of
    + - * / ^; ``args`` its operands; ``value`` the number of a "number" node."""

    op: str
    args: tuple = ()
    value: float = 0.0

    def evaluate(self, x1, x2):
        """The formula's values at the points (x1, x2) (arrays of one shape); NumPy's
        warnings are silenced: ``check_finite`` says where a value is not finite."""
        with np.errstate(all="ignore"):
            values = self._value(np.asarray(x1, float), np.asarray(x2, float))
        return np.array(np.broadcast_to(values, np.shape(x1)), dtype=float)

    def _value(self, x1, x2):
        if self.op == "number":
            return np.float64(self.value)
        if self.op in VARIABLES:
            return x1 if self.op == "x1" else x2
        values = [a._value(x1, x2) for a in self.args]
        if self.op == "neg":
            return -values[0]
        if self.op in FUNCTIONS:
            return FUNCTIONS[self.op][0](values[0])
        return _OPERATORS[self.op](*values)

    def uses(self, variable):
        """True when the formula reads ``variable`` ("x1" or "x2")."""
        return self.op == variable or any(a.uses(variable) for a in self.args)

    def numpy_source(self):
        """Python source computing the formula from NumPy arrays x1 and x2: the same
        operations in the same order, so the same values bit for bit."""
        if self.op == "number":
            return repr(self.value)
        if self.op in VARIABLES:
            return self.op
        inner = [a.numpy_source() for a in self.args]
        if self.op == "neg":
            return f"(-{inner[0]})"
        if self.op in FUNCTIONS:
            return f"{FUNCTIONS[self.op][1]}({inner[0]})"
        return f"({inner[0]} {_SOURCE.get(self.op, self.op)} {inner[1]})"

    def check_finite(self, x1, x2, text, where="at"):
        """The formula's values at the points, or a ``ConfigError`` where one is not a
        finite number (naming the innermost sub-formula that is not, and its operands'
        values there) or lies beyond ±``MAX_VALUE``."""
        values = self.evaluate(x1, x2)
        bad = ~(np.abs(values) <= MAX_VALUE)  # NaN too
        if not bad.any():
            return values
        k = int(np.flatnonzero(bad.ravel())[0])
        p1, p2 = float(np.ravel(x1)[k]), float(np.ravel(x2)[k])
        if np.isfinite(values.ravel()[k]):
            raise ConfigError(f"the feature {text!r} is {values.ravel()[k]:g} {where} x1 = "
                              f"{p1:g}, x2 = {p2:g}; a feature must stay within "
                              f"±{MAX_VALUE:g} (the network cannot learn from larger inputs)")
        node = self._culprit(p1, p2)
        operands = ", ".join(f"{float(a.evaluate(p1, p2)):g}" for a in node.args)
        result = node.evaluate(p1, p2)
        what = "not a number (NaN)" if np.isnan(result) else "infinite"
        raise ConfigError(
            f"the feature {text!r} is {what} {where} x1 = {p1:g}, x2 = {p2:g}: "
            f"{node.describe()} of {operands} is {float(result):g} ({_advice(node.op)})")

    def _culprit(self, x1, x2):
        """The innermost sub-formula that is not finite at the point (children finite)."""
        for a in self.args:
            if not np.isfinite(a.evaluate(x1, x2)):
                return a._culprit(x1, x2)
        return self

    def describe(self):
        """The operation's name in words ("log", "the power ^", …)."""
        return {"neg": "minus", "^": "the power ^", "/": "the division /",
                "*": "the product *", "+": "the sum +", "-": "the difference -"}.get(
                    self.op, self.op)


def _advice(op):
    return {"log": "log needs a positive number", "sqrt": "sqrt needs a number ≥ 0",
            "/": "the divisor must not be 0",
            "^": "a negative number has no fractional power, and large powers overflow",
            "exp": "exp overflows above about 709"}.get(
                op, "a value beyond ±1.8e308 overflows")


def feature_inputs(X, names, where="at"):
    """A[0] of a network whose inputs are the features ``names``, for raw points X (2, m):
    each name is a feature of ``glassnet.datasets.FEATURES`` (x1, x1^2, sin(x1), …) or else
    a formula, read by ``parse`` and refused where it is not finite (``check_finite``)."""
    return np.vstack([
        datasets.features(X, [name]) if name in datasets.FEATURES
        else parse(name).check_finite(X[0], X[1], name, where).reshape(1, -1)
        for name in names])


def parse(text):
    """The ``Expression`` a text spells, or a ``ConfigError`` naming the bad token.

    >>> parse("x1*sin(x2)").evaluate(np.array([2.0]), np.array([math.pi / 2]))
    array([2.])
    """
    if not isinstance(text, str):
        raise ConfigError(f"a feature expression must be text; got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ConfigError(f"the feature expression has {len(text)} characters; the limit "
                          f"is {MAX_CHARS}")
    parser = _Parser(text)
    if not parser.tokens:
        raise ConfigError(f"the feature expression is empty; write a formula of {_VALID}")
    tree = parser.expression(0)
    if parser.i < len(parser.tokens):
        parser.fail("an operator (+ - * / ^) or the end")
    return tree


class _Parser:
    """Recursive descent over the tokens (kind, text, position) of one text."""

    def __init__(self, text):
        self.text, self.tokens, self.i = text, [], 0
        position = 0
        while text[position:].strip():
            match = _TOKEN.match(text, position)
            if not match:
                at = position + len(text[position:]) - len(text[position:].lstrip())
                raise ConfigError(f"unexpected character {text[at]!r} at position {at + 1} "
                                  f"of the feature expression {text!r}; it may use {_VALID}")
            kind = match.lastgroup
            start = match.start(kind)
            self.tokens.append((kind, match.group(kind), start))
            position = match.end()

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "", len(self.text))

    def take(self, *texts):
        kind, token, _ = self.peek()
        if kind == "op" and token in texts:
            self.i += 1
            return "^" if token == "**" else token
        return None

    def fail(self, expected):
        kind, token, at = self.peek()
        shown = "the end of the text" if kind == "end" else repr(token)
        raise ConfigError(f"expected {expected} at position {at + 1} of the feature "
                          f"expression {self.text!r}, found {shown}")

    def expression(self, depth):
        if depth > MAX_DEPTH:
            raise ConfigError(f"the feature expression {self.text!r} nests more than "
                              f"{MAX_DEPTH} deep")
        tree = self.term(depth)
        while op := self.take("+", "-"):
            tree = Expression(op, (tree, self.term(depth)))
        return tree

    def term(self, depth):
        tree = self.unary(depth)
        while op := self.take("*", "/"):
            tree = Expression(op, (tree, self.unary(depth)))
        return tree

    def unary(self, depth):
        if depth > MAX_DEPTH:
            raise ConfigError(f"the feature expression {self.text!r} nests more than "
                              f"{MAX_DEPTH} deep")
        if op := self.take("-", "+"):
            inner = self.unary(depth + 1)
            return Expression("neg", (inner,)) if op == "-" else inner
        base = self.atom(depth)
        if self.take("^", "**"):
            return Expression("^", (base, self.unary(depth + 1)))
        return base

    def atom(self, depth):
        kind, token, at = self.peek()
        if kind == "number":
            self.i += 1
            value = float(token)
            if not math.isfinite(value):
                raise ConfigError(f"the number {token} at position {at + 1} of the feature "
                                  f"expression is beyond ±1.8e308")
            return Expression("number", value=value)
        if kind == "name":
            self.i += 1
            if token in VARIABLES:
                return Expression(token)
            if token in CONSTANTS:
                return Expression("number", value=CONSTANTS[token])
            if token in FUNCTIONS:
                if not self.take("("):
                    self.fail(f"'(' after the function {token}")
                inner = self.expression(depth + 1)
                if not self.take(")"):
                    self.fail("')'")
                return Expression(token, (inner,))
            raise ConfigError(f"unknown name {token!r} at position {at + 1} of the feature "
                              f"expression {self.text!r}; it may use {_VALID}")
        if self.take("("):
            inner = self.expression(depth + 1)
            if not self.take(")"):
                self.fail("')'")
            return inner
        self.fail("a number, x1, x2, a function or '('")
        raise AssertionError("unreachable")  # fail always raises
