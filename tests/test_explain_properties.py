"""Properties of the checker, for any small network and step (Hypothesis):

1. the exact values, written rounded or truncated to any precision ≥ the one asked, are
   all right;
2. any single value moved beyond the tolerance is wrong;
3. error carried forward: a value downstream of a wrong one is right or carried exactly
   when it agrees with the exact value or with what the student's own upstream value
   gives (computed here with NumPy, not by the checker's machinery).

The agreement oracle is written with ``decimal`` (rounded or truncated at k decimals),
apart from ``explain.precision``.
"""

from decimal import ROUND_DOWN, Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet import explain

SIGMA = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}
numbers = st.integers(-20, 20).map(lambda k: k / 10)  # weights and inputs of one decimal


@st.composite
def problems(draw):
    """A 2-layer network (n_x, n[1] ≤ 3 units, one sigmoid output), m ≤ 3, one step; the
    precision asked is k decimals, 2 ≤ k ≤ 5."""
    n_x, n_1, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    g = draw(st.sampled_from(sorted(SIGMA)))
    matrix = lambda r, c: draw(st.lists(st.lists(numbers, min_size=c, max_size=c),  # noqa: E731
                                        min_size=r, max_size=r))
    k = draw(st.integers(2, 5))
    data = {"X": matrix(n_x, m), "Y": [draw(st.lists(st.sampled_from([0, 1]), min_size=m,
                                                     max_size=m))],
            "layers": [{"W": matrix(n_1, n_x), "b": [v[0] for v in matrix(n_1, 1)],
                        "activation": g},
                       {"W": matrix(1, n_1), "b": [draw(numbers)], "activation": "sigmoid"}],
            "loss": draw(st.sampled_from(["half_squared_error", "binary_cross_entropy"])),
            "learning_rate": 0.5, "precision": {"decimals": k}}
    return explain.problem_from_dict(data), k


def written(v, d, truncate=False):
    """v written with d decimals, rounded or truncated."""
    step = Decimal(1).scaleb(-d)
    exact = Decimal(f"{float(v):.12g}")  # float noise off: 0.3·0.5 − 0.1 is 0.05, not 0.0499…
    return str(exact.quantize(step, rounding=ROUND_DOWN) if truncate else exact.quantize(step))


def agrees(text, v, k):
    """The oracle: text, at k decimals, is v rounded or truncated."""
    x, exact, step = Decimal(text), Decimal(f"{float(v):.12g}"), Decimal(1).scaleb(-k)
    return (abs(x - exact) <= step / 2 or
            x.quantize(step, rounding=ROUND_DOWN) == exact.quantize(step, rounding=ROUND_DOWN))


def all_entries(t):
    """(name, value) of every entry of step 1, by the checker's names."""
    step = t.steps[0]
    out = []
    for key, value in step.values.items():
        symbol = key.split("[")[0]
        if symbol in ("L", "SE", "sum L", "SSE", "MSE", "half MSE", "cost"):
            name = key
        else:
            name = key.replace(" after", "") + (" after step 1" if key.endswith("after") else "")
        out.append((name, value))
    return out


def answer(name, value, write):
    """An answer line's value for a whole quantity, each entry written by ``write``."""
    if value.size == 1:
        return write(value[0, 0])
    return [[write(v) for v in row] for row in value]


PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(problems(), st.integers(0, 4), st.booleans())
def test_the_exact_values_are_right_at_any_precision_at_least_the_one_asked(case, extra,
                                                                            truncate):
    problem, k = case
    t = problem.trace()
    answers = {name: answer(name, value, lambda v: written(v, k + extra, truncate))
               for name, value in all_entries(t)}
    result = explain.check(problem, answers)
    assert result.ok, result.report()
    assert all(e.verdict == "right" for e in result.entries)
    assert len(result.entries) == sum(v.size for _, v in all_entries(t))


@PROPERTY
@given(problems(), st.data())
def test_any_single_value_moved_beyond_the_tolerance_is_wrong(case, data):
    problem, k = case
    t = problem.trace()
    entries = all_entries(t)
    name, value = entries[data.draw(st.integers(0, len(entries) - 1), label="which value")]
    r, c = data.draw(st.integers(0, value.shape[0] - 1)), data.draw(
        st.integers(0, value.shape[1] - 1))
    unit = 10.0 ** -k
    shift = data.draw(st.sampled_from([-1, 1])) * data.draw(st.floats(1.5, 1e3)) * unit
    # every other value exactly as computed (its full repr), the chosen one moved
    answers = {n: answer(n, v, lambda x: repr(float(x))) for n, v in entries}
    moved = [[repr(float(x)) for x in row] for row in value]
    moved[r][c] = written(value[r, c] + shift, k + 2)
    answers[name] = moved if value.size > 1 else moved[0][0]
    result = explain.check(problem, answers)
    bad = [e for e in result.entries if not e.right]
    assert len(bad) >= 1 and bad[0].verdict == "wrong" and bad[0].exact == value[r, c]
    first = next(e for e in result.entries if e.verdict == "wrong")
    assert first is bad[0]


@PROPERTY
@given(problems(), st.data())
def test_error_carried_forward_follows_the_students_own_upstream_value(case, data):
    problem, k = case
    t = problem.trace()
    net = problem.network
    g = SIGMA[net.layers[0].activation.name]
    n_1, m = net.sizes[1], t.m
    r, c = data.draw(st.integers(0, n_1 - 1)), data.draw(st.integers(0, m - 1))
    z = float(t["Z[1]"][r, c])
    z_mine = z + data.draw(st.sampled_from([-1, 1])) * data.draw(st.floats(0.1, 3.0))
    z_text = written(z_mine, k)
    a_from_mine = float(g(float(z_text)))  # what the student's own Z gives (NumPy)
    noise = data.draw(st.sampled_from([0.0, 0.0, 3 * 10.0 ** -k, -7 * 10.0 ** -k]))
    a_text = written(a_from_mine + noise, k, truncate=data.draw(st.booleans()))
    # downstream again: Z[2] for the same example from the student's A[1] entry
    A_mine = t["A[1]"].copy()
    A_mine[r, c] = float(a_text)
    z2_from_mine = float(net.W[2][0] @ A_mine[:, c] + net.b[2][0, 0])
    z2_text = written(z2_from_mine + data.draw(st.sampled_from([0.0, 5 * 10.0 ** -k])), k)
    label = f"[{r + 1},{c + 1}]"
    answers = {f"Z[1]{label}": z_text, f"A[1]{label}": a_text, f"Z[2][1,{c + 1}]": z2_text}
    verdicts = {e.label: e.verdict for e in explain.check(problem, answers).entries}
    for name, text, exact, mine in (
            (f"A[1]{label}", a_text, float(t["A[1]"][r, c]), a_from_mine),
            (f"Z[2][1,{c + 1}]", z2_text, float(t["Z[2]"][0, c]), z2_from_mine)):
        upstream_right = verdicts[f"Z[1]{label}"] == "right" if name.startswith("A") else (
            verdicts[f"A[1]{label}"] in ("right", "rounded"))
        if agrees(text, exact, k):
            assert verdicts[name] == "right", (name, text, exact)
        elif agrees(text, mine, k):
            assert verdicts[name] == ("rounded" if upstream_right else "carried"), (
                name, text, exact, mine, verdicts)
        else:
            assert verdicts[name] == "wrong", (name, text, exact, mine, verdicts)
