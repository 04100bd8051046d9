"""Behavioural tests written to kill mutants of the checker (glassnet.explain.check, names,
problems) that survived `mutmut run`: each checks a value worked by hand or the exact
message a student reads."""

import pytest

from glassnet.errors import ConfigError
from glassnet.explain import names


# ------------------------------------------------------------------------------ names
@pytest.mark.parametrize(("text", "symbol", "layer", "index", "step", "after", "key"), [
    ("Z[1]", "Z", 1, None, 1, False, "Z[1]"),
    ("  a[2][3,4] in step 2 ", "A", 2, (3, 4), 2, False, "A[2]"),
    ("W[1] after step 3", "W", 1, None, 3, True, "W[1] after"),
    ("W~[2] AFTER STEP 1", "W̃", 2, None, 1, True, "W̃[2] after"),
    ("dwt[1][2,0]", "dW̃", 1, (2, 0), 1, False, "dW̃[1]"),
    ("b[2][1]", "b", 2, (1,), 1, False, "b[2]"),
    ("J", "cost", None, None, 1, False, "cost"),
    ("cost in step 4", "cost", None, None, 4, False, "cost"),
    ("L(2)", "L", None, (2,), 1, False, "L"),
    ("se", "SE", None, None, 1, False, "SE"),
    ("Σ L in step 2", "sum L", None, None, 2, False, "sum L"),
    ("half mse", "half MSE", None, None, 1, False, "half MSE"),
    ("½MSE", "half MSE", None, None, 1, False, "half MSE"),
    ("SSE", "SSE", None, None, 1, False, "SSE"),
])
def test_names_are_read_as_the_notes_write_them(text, symbol, layer, index, step, after, key):
    name = names.parse(text)
    assert (name.symbol, name.layer, name.index, name.step, name.after) == (
        symbol, layer, index, step, after)
    assert name.key == key and name.text == text.strip()
    assert name.whole.index is None and name.whole.key == key


@pytest.mark.parametrize(("text", "message"), [
    (5, f"5 is not a name; {names.GRAMMAR}"),
    ("Q[1]", f"'Q[1]' is not a name glassnet knows; {names.GRAMMAR}"),
    ("cost[1]", "'cost[1]': the cost J is one number, it has no layer or index"),
    ("Z", "'Z' needs a layer number, as in Z[1]"),
    ("Z[1] after step 2",
     "'Z[1] after step 2': only the parameters W, b and W̃ have values 'after step k'; "
     "write 'Z[1] in step 2'"),
    ("A[1] in step 0", "'A[1] in step 0': steps are counted from 1"),
    ("L(1) in step 0", "'L(1) in step 0': steps are counted from 1"),
])
def test_a_name_that_cannot_be_read_says_why(text, message):
    with pytest.raises(ConfigError) as err:
        names.parse(text)
    assert str(err.value) == message
