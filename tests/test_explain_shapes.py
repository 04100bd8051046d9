"""Shapes exercises: the names, the written shapes and counts, and their verdicts, each
worked by hand for the notes' networks (seed 001: 3 → 4 → 1; seed 002: n_x → 3 → 2 → 1)."""

import pytest

from glassnet.errors import ConfigError, DataError
from glassnet.explain import check, find, load_problem, shapes
from glassnet.explain.shapes import Linear

SEED001 = load_problem(find("seed001_two_layer_shapes"))
SEED002 = load_problem(find("seed002_three_layer_shapes"))


@pytest.mark.parametrize("label, value", [
    ("shape of W[1]", "4×3"), ("shape of b[1]", "4×1"), ("shape of Z[1]", "4×m"),
    ("shape of A[2]", "1×m"), ("shape of W̃[1]", "4×4"), ("shape of W~[2]", "1×5"),
    ("parameters of layer 1", "16"), ("parameters of layer 2", "5"), ("parameters", "21")])
def test_seed001s_shapes_and_counts_as_the_notes_write_them(label, value):
    assert shapes.show(shapes.exact(SEED001, shapes.parse(label, SEED001))) == value


@pytest.mark.parametrize("label, value", [
    ("shape of W[1]", "3×n_x"), ("shape of W̃[1]", "3×n_x + 1"), ("shape of Z[1]", "3×1"),
    ("parameters of layer 1", "3n_x + 3"), ("parameters of layer 2", "8"),
    ("parameters", "3n_x + 14")])  # the notes' 3m + 14, with n_x for their m
def test_seed002_leaves_n_x_open_as_the_notes_do(label, value):
    assert shapes.show(shapes.exact(SEED002, shapes.parse(label, SEED002))) == value


@pytest.mark.parametrize("written", ["3×n_x", "3 x n_x", "(3, n_x)", "[3, n_x]", "3 by n_x",
                                     ["3", "n_x"], " 3X n_x "])
def test_a_shape_may_be_written_every_way_a_student_writes_it(written):
    name = shapes.parse("shape of W[1]")
    assert shapes.read(name, written, "W") == (Linear(3), Linear(n_x=1))


@pytest.mark.parametrize("written, value", [
    ("3n_x + 14", Linear(14, 3)), ("14+3n_x", Linear(14, 3)), ("3*n_x + 14", Linear(14, 3)),
    ("n_x + n_x + n_x + 14", Linear(14, 3)), ("21", Linear(21)), ("−3", Linear(-3)),
    ("3·n_x", Linear(0, 3))])
def test_a_count_is_a_sum_of_terms(written, value):
    assert shapes.read(shapes.parse("parameters"), written, "parameters") == value


@pytest.mark.parametrize("label, written, message", [
    ("shape of W[1]", "4×3×2", "expected a shape"), ("shape of W[1]", "banana", "expected a shape"),
    ("shape of W[1]", "4×banana", "not a size"),
    ("shape of W[1]", "4", "expected a shape"), ("parameters", "1e400", "not a size"),
    ("parameters", "3n_xm", "not a size"), ("parameters", ["1", "2"], "a number of parameters"),
    ("parameters", "", "not a size"), ("parameters", "1" * 50, "not a size")])
def test_what_is_not_a_shape_or_a_count_is_named(label, written, message):
    with pytest.raises(DataError, match=message):
        shapes.read(shapes.parse(label), written, label)


@pytest.mark.parametrize("label, message", [
    ("shape of W[3]", "layers 1 … 2"), ("shape of dW[1]", "not a name"), ("Z[1]", "not a name"),
    ("parameters of layer 0", "layers 1 … 2")])
def test_a_name_outside_the_exercise_is_refused(label, message):
    with pytest.raises(ConfigError, match=message):
        shapes.parse(label, SEED001)


def test_verdicts_right_swapped_wrong_and_carried_forward():
    result = check(SEED001, {"shape of W[1]": "3×4", "shape of b[1]": "4×1",
                             "parameters of layer 1": "15",  # 3·4 + 4 = 16: wrong
                             "shape of W̃[2]": "1×4",   # the bias column forgotten
                             "parameters of layer 2": "4",   # right from 1×4
                             "parameters": "19"})           # 15 + 4: right from them
    verdicts = {j.label: (j.verdict, j.why, j.culprits) for j in result.judged}
    assert verdicts == {
        "shape of W[1]": ("wrong", "wrong: rows and columns swapped", []),
        "shape of b[1]": ("right", "", []),
        "parameters of layer 1": ("wrong", "", []),  # 3·4 + 4 = 16 from the 3×4 written too
        "shape of W̃[2]": ("wrong", "", []),
        "parameters of layer 2": ("carried", "", ["shape of W̃[2]"]),
        "parameters": ("carried", "", ["parameters of layer 1", "parameters of layer 2"])}
    assert "Result: 1 of 6 values right." in result.report()
    assert result.to_dict()["values"][4]["carried_from"] == ["shape of W̃[2]"]


def test_a_total_is_carried_from_a_layers_shapes_where_its_count_is_not_given():
    result = check(SEED001, {"shape of W[1]": "5×3", "shape of b[1]": "5×1",
                             "parameters of layer 2": "5", "parameters": "25"})
    assert [j.verdict for j in result.judged] == ["wrong", "wrong", "right", "carried"]


def test_more_variants_than_a_network_of_shapes_has_are_refused_saying_so(tmp_path, capsys):
    from glassnet.cli import main

    # seed001: n_x and n[1] in 2 … 9, n[1] not n_x (8 pairs) or n_x + 1 (7): 64 − 15 = 49
    # variants, so 60 cannot all differ; nothing is written
    assert main(["exercise", "seed001_two_layer_shapes", "--variants", "60",
                 "--out", str(tmp_path / "class")]) == 1
    assert "a network of shapes only has few" in capsys.readouterr().err
    assert not (tmp_path / "class").exists()
