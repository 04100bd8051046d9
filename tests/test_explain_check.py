"""Checking a hand calculation: the precision rule, errors carried forward, and the notes'
own worked solutions, whose slips the check must list exactly."""

import json

import numpy as np
import pytest

from glassnet import explain
from glassnet.errors import ConfigError, DataError

SEED003 = explain.example_path("seed003_math_problem")


def verdicts(result):
    return {e.label: e.verdict for e in result.entries}


def wrong(result):
    return {e.label: e.verdict for e in result.entries if not e.right}


def test_the_notes_seed003_hand_solution_and_its_slips():
    result = explain.check(SEED003, explain.example_path("seed003_notes_answers"))
    assert not result.ok
    assert wrong(result) == {
        # "σ(0.9) ≈ 0.696": σ(0.9) = 0.7109 (the notes' matrix then uses 0.711)
        "A[1][1,4]": "wrong",
        # A[2] = [0.752 …]: σ(1.1033) = 0.7509 → 0.751
        "A[2][1,1]": "wrong",
        # a − y = 0.752 − 0 follows from that 0.752: right given their A[2]
        "dA[2][1,1]": "carried",
        # "δ(2) = [.140 −.091 −.043 −.039]": −0.0409 → −0.041 and −0.0382 → −0.038
        "dZ[2][1,2]": "wrong",
        "dZ[2][1,4]": "wrong",
        # "gradient_w(2) = [−0.0005, −0.0000]": dW[2] = [−0.000175, −0.000577]
        "dW[2][1,1]": "wrong",
        "dW[2][1,2]": "wrong",
        # ① = W[2]ᵀ δ(2): the first column's sign is lost (0.4·0.140 = +0.056, 0.6·0.140)
        "dA[1][1,1]": "wrong",
        "dA[1][2,1]": "wrong",
        # δ(1): −0.0135 from their −0.056: −0.056·0.574·0.426 = −0.0137, which at the
        # precision asked (2 significant figures here: −0.014) −0.0135 agrees with
        # (before the precision rule it was judged at its own 4 decimals: wrong)
        "dZ[1][1,1]": "carried",
        # −0.0197 = −0.084·0.622·0.378: right given their dA[1][2,1] = −0.084
        "dZ[1][2,1]": "carried",
        # (dZ[1][2,4] = −0.0038 is now right: the exact −0.003862 truncated to the 4
        # decimals asked is −0.0038, and truncation is accepted as rounding is)
        # db[1] "0.0008": exactly 0.000726 → 0.00073 asked; from their values 0.000748
        "db[1][1]": "wrong",
        # the cost's working: (0.752 − 0)² = 0.5655 → 0.565 (truncated) from their 0.752
        "SE(1)": "carried",
        # (0.770 − 1)² = 0.0529 (exactly 0.0531), written 0.059
        "SE(2)": "wrong",
        # "= 0.123": the sum is 0.723 (their own four give 0.729), as they write later
        "SSE": "wrong",
        # (their SE(3) = 0.056 is the exact 0.0567 truncated, SE(4) = 0.049 is right, and
        # MSE = 0.181 is right)
    }
    assert {e.label: e.culprits for e in result.entries if e.verdict == "carried"} == {
        "dA[2][1,1]": ["A[2]"], "dZ[1][1,1]": ["dA[1]"], "dZ[1][2,1]": ["dA[1]"],
        "SE(1)": ["A[2]"]}
    # Right only through truncation or the precision asked, where the old rule (half a
    # unit of the written digit) needed the student's own rounded earlier values:
    assert {e.label: e.verdict for e in result.entries if e.label in (
        "dZ[1][1,3]",  # −0.0040: the exact −0.004061 truncated to 4 decimals
        "dW[1][2,1]",  # −0.0023: the exact −0.002352 truncated to 4 decimals
        "b[2] after step 1",  # 0.4978 agrees with the exact 0.497731 at the 3 decimals asked
    )} == {"dZ[1][1,3]": "right", "dW[1][2,1]": "right", "b[2] after step 1": "right"}
    # 71 values before the cost's working was added (SE, SSE, MSE: 6 more, 3 of them right)
    assert len(result.entries) == 77 and sum(e.right for e in result.entries) == 62


def test_the_seed003_report_lists_the_right_value_and_its_step():
    report = explain.check(SEED003, explain.example_path("seed003_notes_answers")).report()
    assert ("✗ A[1][1,4] = 0.696: wrong, should be 0.711 (0.71095), computed in the forward "
            "pass, layer 1: A[1][1,4] = σ(0.9) = 1/(1 + e^−0.9) = 0.711") in report
    assert ("dZ[1][2,1] = -0.0197: wrong, should be 0.0198 (0.0198053), computed in the "
            "backward pass, layer 1") in report
    assert ("but it is right given your dA[1] (error carried forward): dZ[1][2,1] = "
            "(−0.084)·0.622(1 − 0.622) = −0.0197") in report
    assert "✓ cost = 0.090: right" in report
    assert report.rstrip().endswith(
        "Result: 62 of 77 values right; 15 wrong, 4 of them only because of earlier mistakes.")


def test_the_notes_seed004_forward_pass_and_its_slips():
    result = explain.check(explain.example_path("seed004_forward_pass"),
                           explain.example_path("seed004_notes_answers"))
    assert wrong(result) == {
        # ("sigmoid(0.52) = 0.62": 0.6271 truncated to the 2 decimals the exercise works
        # to, so right; before the precision rule it was judged wrong, as rounding only)
        "Z[1][2]": "wrong",  # "(0.2×0.2) + (0.5×0.3) + (−0.9×0.1) + 0.1 = 0.55": it is 0.20
        "A[1][2]": "carried",  # σ(0.55) = 0.634 → 0.63: right given their 0.55
        "Z[2]": "carried",  # (0.62·0.2) + (0.63·0.6) + (0.77·0.2) + 0.1 = 0.756
        "A[2]": "carried",  # σ(0.756) = 0.6805 → 0.68 (exactly σ(0.7097) = 0.670)
    }
    assert {e.label: e.culprits for e in result.entries if e.verdict == "carried"} == {
        "A[1][2]": ["Z[1][2]"], "Z[2]": ["A[1][2]"], "A[2]": ["Z[2]"]}


@pytest.mark.parametrize("name", ["seed000_1", "seed000_2", "seed000_3", "seed000_5"])
def test_the_notes_seed000_solutions_are_right(name):
    problem = next(p for p in explain.examples() if p.startswith(name))
    result = explain.check(explain.example_path(problem),
                           explain.example_path(f"{name}_notes_answers"))
    assert result.ok and all(e.verdict == "right" for e in result.entries)


@pytest.mark.parametrize("written, verdict", [
    ("0.711", "right"),  # σ(0.9) = 0.7109495: rounded to the 3 decimals asked
    ("0.710", "right"),  # truncated to 3 decimals
    ("0.7110", "right"), ("0.7109", "right"), ("0.7108", "right"),  # more digits: judged
    ("0.71095", "right"), ("0.71096", "right"),  # at the 3 decimals asked
    (".711", "right"), ("7.11e-1", "right"), ("0.7109495026", "right"),
    ("0.71", "imprecise"), ("0.7", "imprecise"), ("1", "imprecise"), ("7.1e-1", "imprecise"),
    ("0.712", "wrong"), ("0.709", "wrong"), ("0.696", "wrong"), ("0.7116", "wrong"), ("0.7099", "wrong"),
    ("-0.711", "wrong"),  # a sign
    ("7.11", "wrong"), ("0.0711", "wrong"),  # a factor of 10
    ("0", "wrong"), ("0.000", "wrong"), ("2", "wrong"), ("0.6", "wrong"),
])
def test_each_value_is_judged_at_the_precision_the_problem_asks_for(written, verdict):
    result = explain.check(SEED003, {"A[1][1,4]": written})
    assert verdicts(result) == {"A[1][1,4]": verdict}
    assert result.ok == (verdict == "right")


@pytest.mark.parametrize("precision, written, verdict", [
    ({"decimals": 4}, "0.7109", "right"), ({"decimals": 4}, "0.7110", "wrong"),
    ({"decimals": 4}, "0.711", "imprecise"), ({"decimals": 1}, "0.7", "right"),
    ({"decimals": 1}, "1", "imprecise"), ({"significant": 5}, "0.71095", "right"),
    ({"significant": 5}, "0.7109", "imprecise"), ({"significant": 1}, "0.7", "right"),
    # for db[2] = 0.004537: 3 decimals alone accept 0.005; 2 significant figures do not
    ({"decimals": 3}, "0.005", "right"), ({"decimals": 3, "significant": 2}, "0.005",
                                           "imprecise"),
])
def test_a_problem_says_how_many_digits_it_asks_for(precision, written, verdict):
    data = explain.problems.read_file(SEED003)
    problem = explain.problem_from_dict({**data, "precision": precision})
    name = "db[2]" if written == "0.005" else "A[1][1,4]"
    assert verdicts(explain.check(problem, {name: written})) == {name: verdict}


def test_small_values_need_their_significant_figures():
    # dW[2] = [−0.000175, −0.000577]: zeros and a sign flip are never right, nor is a value
    # with fewer figures than asked (the default: 2 significant figures for small values)
    for written, verdict in (("-0.00018", "right"), ("-0.00017", "right"),
                             ("0.00018", "wrong"), ("0", "imprecise"), ("0.0000", "wrong"),
                             ("-0.0002", "imprecise"), ("-0.000175251", "right"),
                             ("-0.0018", "wrong")):
        assert verdicts(explain.check(SEED003, {"dW[2][1,1]": written})) == {
            "dW[2][1,1]": verdict}, written


def test_an_exact_value_written_in_full_is_right_whatever_its_digits():
    # Z[1] = [[0.3, 0.7, 0.5, 0.9], …] exactly: "0.3" is the value, not an approximation
    assert explain.check(SEED003, {"Z[1]": [["0.3", "0.7", "0.5", "0.9"],
                                            ["0.5", "1", "0.8", "1.3"]]}).ok
    assert not explain.check(SEED003, {"Z[1][1,1]": "0"}).ok


def test_a_transposed_matrix_is_wrong():
    t = explain.load_problem(SEED003).trace()
    A = [[f"{v:.3f}" for v in row] for row in t["A[1]"]]
    assert explain.check(SEED003, {"A[1]": A}).ok
    transposed = [list(col) for col in zip(*A, strict=True)]
    with pytest.raises(DataError, match="expected 2 rows of 4 numbers"):
        explain.check(SEED003, {"A[1]": transposed})
    square = explain.load_problem(SEED003).trace()["dW[1]"]  # 2×2: a transposed one fits
    written = [[f"{v:.5f}" for v in row] for row in square.T]
    result = explain.check(SEED003, {"dW[1]": written})
    assert verdicts(result) == {"dW[1][1,1]": "right", "dW[1][1,2]": "wrong",
                                "dW[1][2,1]": "wrong", "dW[1][2,2]": "right"}


def test_the_issue_reproduction_zeros_are_not_right(tmp_path):
    answers = tmp_path / "z.yaml"
    answers.write_text("cost: 0\ndW[1]: [[0,0],[0,0]]\ndW[2]: [0,0]\nA[1][1,4]: 1\n")
    result = explain.check(SEED003, answers)
    assert not result.ok and sum(e.right for e in result.entries) == 0
    assert "✗ cost = 0: given to 0 decimals, 3 asked, should be 0.090" in result.report()


def test_a_minus_sign_copied_from_the_solution_is_read():
    result = explain.check(SEED003, {"dW[2][1,1]": "−0.000175"})
    assert result.ok


def test_errors_are_carried_forward_and_the_nearest_cause_is_named():
    answers = {
        "Z[1][1,4]": "1.0",  # wrong (0.9)
        "A[1][1,4]": "0.731",  # σ(1.0): right given Z[1][1,4] = 1.0
        "Z[2][1,4]": "1.268",  # 0.4·0.731 + 0.6·0.786 + 0.5 = 1.2640 from their A: wrong
        "A[2][1,4]": "0.7798",  # σ(1.268) = 0.7804: wrong twice over
    }
    result = explain.check(SEED003, answers)
    assert verdicts(result) == {"Z[1][1,4]": "wrong", "A[1][1,4]": "carried",
                                "Z[2][1,4]": "wrong", "A[2][1,4]": "wrong"}
    assert result.entries[1].culprits == ["Z[1][1,4]"]
    # with Z[2][1,4] written as it follows from their A, the next value is carried too
    answers.update({"Z[2][1,4]": "1.264", "A[2][1,4]": "0.780"})
    result = explain.check(SEED003, answers)
    assert verdicts(result)["Z[2][1,4]"] == "carried" and verdicts(result)["A[2][1,4]"] == "carried"
    assert result.entries[2].culprits == ["A[1][1,4]"] and result.entries[3].culprits == [
        "Z[2][1,4]"]


def test_a_whole_matrix_is_what_later_values_are_computed_from():
    # the notes write σ(0.9) ≈ 0.696 beside a matrix with 0.711: later values are computed
    # from the matrix's 0.711, whichever order the two are written in
    matrix = [["0.574", "0.668", "0.622", "0.711"], ["0.622", "0.731", "0.690", "0.786"]]
    for first, second in (("A[1][1,4]", "A[1]"), ("A[1]", "A[1][1,4]")):
        values = {"A[1][1,4]": "0.696", "A[1]": matrix}
        answers = {first: values[first], second: values[second], "Z[2][1,4]": "1.250"}
        z = next(e for e in explain.check(SEED003, answers).entries if e.label == "Z[2][1,4]")
        assert z.carried == pytest.approx(0.4 * 0.711 + 0.6 * 0.786 + 0.5, rel=1e-12)
        assert z.verdict == "wrong"  # 1.250 = 0.4·0.696 + …, but 0.696 was not carried on


def test_later_steps_and_the_bias_column_form(tmp_path):
    problem = explain.load_problem(explain.example_path("seed000_5_symmetry"))
    t = problem.trace()
    answers = {"W̃[2] after step 1": [f"{v:.4f}" for v in t["W̃[2] after step 1"].ravel()],
               "Z[2][1,3] in step 2": f"{t['Z[2] in step 2'][0, 2]:.5f}",
               "cost in step 3": f"{t['cost in step 3'][0, 0]:.3f}",
               "W[1] in step 3": [[f"{v:.6f}" for v in row] for row in t["W[1] in step 3"]]}
    result = explain.check(problem, answers)
    assert result.ok, result.report()
    labels = [e.label for e in result.entries]
    assert labels[:3] == ["W̃[2][1,0] after step 1", "W̃[2][1,1] after step 1",
                          "W̃[2][1,2] after step 1"]
    assert {(e.step, e.key) for e in result.entries[:3]} == {(1, "b[2] after"),
                                                              (1, "W[2] after")}
    answers["cost in step 3"] = "0.123"
    assert not explain.check(problem, answers).ok


def test_answers_in_json_keep_the_written_precision(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"A[1][1,4]": 0.7}).replace("0.7", "0.710"))
    # 0.710 (σ(0.9) truncated), not the float 0.71 (2 decimals, fewer than asked)
    assert verdicts(explain.check(SEED003, path)) == {"A[1][1,4]": "right"}
    path.write_text('{"A[1][1,4]": 0.71}')
    assert verdicts(explain.check(SEED003, path)) == {"A[1][1,4]": "imprecise"}
    path.write_text('{"A[1][1,4]": "0.711", "cost": 0.090}')
    assert explain.check(SEED003, path).ok


@pytest.mark.parametrize("answers, error, message", [
    ({"Q[1]": "1"}, ConfigError, "not a name"),
    ({"A[2]": ["0.75", "0.77"]}, DataError, r"A\[2\]: expected 4 numbers \(shape 1×4\), got 2"),
    ({"A[1]": ["1", "2", "3", "4", "5", "6", "7", "8"]}, DataError, "expected 2×4 numbers"),
    ({"A[1]": [["1", "2"], ["3", "4"]]}, DataError, "expected 2 rows of 4 numbers"),
    ({"cost": "about 0.09"}, DataError, "'about 0.09' is not a number"),
    ({"A[1][1,4]": ["0.7", "0.8"]}, DataError, "one entry needs one number"),
    ({"W[1]": [["0.2", "0.4"], ["0.3", "0.5"]]}, ConfigError,
     "is given; write 'W.1. after step 1'"),
    ({"A[0]": "1"}, ConfigError, "A.0. is X"),
    ({"Z[1] in step 2": "1"}, ConfigError, "1 step"),
    ({}, ConfigError, "must map names to values"),
])
def test_bad_answers_get_a_clear_error(answers, error, message):
    with pytest.raises(error, match=message):
        explain.check(SEED003, answers)


def test_the_result_as_data():
    data = explain.check(SEED003, {"A[1][1,4]": "0.696", "cost": "0.090"}).to_dict()
    assert data["ok"] is False
    first = data["values"][0]
    assert first["name"] == "A[1][1,4]" and first["verdict"] == "wrong"
    assert first["exact"] == pytest.approx(1 / (1 + np.exp(-0.9)), rel=1e-14)
    assert first["computed_in"] == "the forward pass, layer 1"
    assert (first["asked_decimals"], first["written_decimals"]) == (3, 3)
    data = explain.check(SEED003, {"db[2]": "0.005"}).to_dict()["values"][0]
    assert (data["verdict"], data["asked_decimals"], data["written_decimals"]) == (
        "imprecise", 4, 3)


def test_right_from_the_students_own_rounded_values_at_a_finer_precision():
    # asked to 4 decimals: b[2] := 0.5 − 0.5·0.0045 = 0.49775 → 0.4978 from their rounded
    # db[2], although the exact 0.497731 is 0.4977: right ("rounded"), and said so
    data = explain.problems.read_file(SEED003)
    problem = explain.problem_from_dict({**data, "precision": {"decimals": 4}})
    result = explain.check(problem, {"db[2]": "0.0045", "b[2] after step 1": "0.4978"})
    assert verdicts(result) == {"db[2]": "right", "b[2] after step 1": "rounded"}
    assert result.ok
    assert ("b[2] after step 1 = 0.4978 is right from your rounded earlier values (the exact "
            "0.497731 rounds to 0.4977)") in result.report()
    assert result.report().startswith(
        "Checking 2 answers (2 values) against Seed 003: one step of gradient descent on a "
        "2-2-1 sigmoid network.\nA value is right when it agrees with the exact value to 4 "
        "decimals (rounded or truncated)")
    assert repr(problem) == "<Problem Seed 003: one step of gradient descent on a 2-2-1 " \
                            "sigmoid network: Network(2 → 2 → 1)>"


def test_the_summary_counts_each_kind_of_mistake():
    result = explain.check(SEED003, {"cost": "0", "A[1][1,4]": "0.696", "Z[1][1,4]": "1.0",
                                     "A[1]": [["0.574", "0.668", "0.622", "0.731"],
                                              ["0.622", "0.731", "0.690", "0.786"]]})
    report = result.report()
    assert report.endswith("Result: 7 of 11 values right; 4 wrong, 1 of them only because of "
                           "earlier mistakes, 1 given with fewer digits than asked.\n")
    assert "✗ A[1]: 1 of 8 values wrong\n    A[1][1,4] = 0.731: wrong, should be 0.711" in report
    assert str(result) == report and not bool(result) and len(result.wrong) == 4
    assert explain.check(SEED003, {"cost": "0.090"}).report().endswith(
        "✓ cost = 0.090: right\n\nResult: 1 of 1 values right.\n")
