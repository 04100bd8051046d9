"""Names: every spelling the grammar accepts, what it means, and every refusal."""

import pytest

from glassnet.errors import ConfigError
from glassnet.explain import names
from glassnet.explain.names import Name, parse


@pytest.mark.parametrize("text, symbol, layer, index, step, after", [
    ("Z[1]", "Z", 1, None, 1, False), ("z[1]", "Z", 1, None, 1, False),
    ("A[2]", "A", 2, None, 1, False), ("a[0]", "A", 0, None, 1, False),
    ("dA[2]", "dA", 2, None, 1, False), ("dz[1]", "dZ", 1, None, 1, False),
    ("dW[1]", "dW", 1, None, 1, False), ("dw[3]", "dW", 3, None, 1, False),
    ("db[2]", "db", 2, None, 1, False), ("DB[2]", "db", 2, None, 1, False),
    ("W[1] after step 1", "W", 1, None, 1, True), ("w[1]", "W", 1, None, 1, False),
    ("b[2] after step 3", "b", 2, None, 3, True), ("B[2]", "b", 2, None, 1, False),
    ("A[1][2,3]", "A", 1, (2, 3), 1, False), ("A[1][ 2 , 3 ]", "A", 1, (2, 3), 1, False),
    ("b[2][1]", "b", 2, (1,), 1, False), ("Z[1] in step 2", "Z", 1, None, 2, False),
    ("  Z [1] [1,2]  in  step  4 ", "Z", 1, (1, 2), 4, False),
    ("W̃[1] after step 1", "W̃", 1, None, 1, True), ("W~[2]", "W̃", 2, None, 1, False),
    ("Wt[2]", "W̃", 2, None, 1, False), ("dW̃[1]", "dW̃", 1, None, 1, False),
    ("dW~[1]", "dW̃", 1, None, 1, False), ("dWt[1][1,0]", "dW̃", 1, (1, 0), 1, False),
    ("cost", "cost", None, None, 1, False), ("J", "cost", None, None, 1, False),
    ("cost in step 3", "cost", None, None, 3, False), ("j in step 2", "cost", None, None, 2, False),
    ("L(2)", "L", None, (2,), 1, False), ("L", "L", None, None, 1, False),
    ("l(1) in step 2", "L", None, (1,), 2, False), ("SE(3)", "SE", None, (3,), 1, False),
    ("SE", "SE", None, None, 1, False), ("se( 2 )", "SE", None, (2,), 1, False),
    ("sum L", "sum L", None, None, 1, False), ("ΣL", "sum L", None, None, 1, False),
    ("Σ L in step 2", "sum L", None, None, 2, False), ("SSE", "SSE", None, None, 1, False),
    ("MSE", "MSE", None, None, 1, False), ("mse in step 2", "MSE", None, None, 2, False),
    ("half MSE", "half MSE", None, None, 1, False), ("½MSE", "half MSE", None, None, 1, False),
    ("halfmse", "half MSE", None, None, 1, False),
])
def test_each_spelling_means_one_value(text, symbol, layer, index, step, after):
    name = parse(text)
    assert (name.symbol, name.layer, name.index, name.step, name.after) == (
        symbol, layer, index, step, after)
    assert name.text == text.strip()


@pytest.mark.parametrize("text, key", [
    ("Z[1]", "Z[1]"), ("W[2] after step 1", "W[2] after"), ("W[2]", "W[2]"),
    ("cost", "cost"), ("L(2)", "L"), ("sum L", "sum L"), ("half MSE", "half MSE"),
    ("A[1][2,3] in step 2", "A[1]"), ("W̃[1] after step 1", "W̃[1] after"),
])
def test_the_key_of_a_name_in_a_step(text, key):
    assert parse(text).key == key


def test_the_whole_quantity_of_an_entry():
    name = parse("A[1][2,3] in step 2")
    assert name.whole == Name("A", 1, None, 2, False, "A[1][2,3] in step 2")
    assert parse("L(2)").whole.index is None


@pytest.mark.parametrize("text, message", [
    ("Q[1]", "not a name glassnet knows"), ("", "not a name glassnet knows"),
    ("Z", r"needs a layer number, as in Z\[1\]"), ("dW", r"as in dW\[1\]"),
    ("cost[1]", "the cost J is one number, it has no layer or index"),
    ("J[1][2]", "no layer or index"),
    ("Z[1] after step 1", r"only the parameters W, b and W̃ have values 'after step k'; "
                          r"write 'Z\[1\] in step 1'"),
    ("dW[1] after step 2", r"write 'dW\[1\] in step 2'"),
    ("Z[1] in step 0", "steps are counted from 1"), ("L(1) in step 0", "counted from 1"),
    ("SSE in step 0", "counted from 1"), ("Z[1] in step", "not a name"),
    ("Z[-1]", "not a name"), ("Z[1][1,2,3]", "not a name"), ("L(1,2)", "not a name"),
    ("sum", "not a name"), ("MSE(2)", "not a name"),
])
def test_a_misspelt_name_says_what_names_look_like(text, message):
    with pytest.raises(ConfigError, match=message):
        parse(text)


@pytest.mark.parametrize("value", [1, None, 2.5, ["Z[1]"]])
def test_a_name_must_be_text(value):
    with pytest.raises(ConfigError, match="is not a name; names look like"):
        parse(value)


def test_the_grammar_lists_every_form():
    for form in ("Z[1]", "cost", "A[1][2,3]", "in step 2", "after step 1", "W̃[1]", "L(2)",
                 "sum L", "SE(2)", "SSE", "MSE", "half MSE"):
        assert form in names.GRAMMAR
    assert names.BIAS_COLUMN == {"W̃": ("b", "W"), "dW̃": ("db", "dW")}
    assert names.PER_EXAMPLE == ("L", "SE")
