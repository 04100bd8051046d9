"""The classroom loop: variants of every seed exercise, and a class marked as a teacher
would (exact answers, planted slips, slips carried forward, imprecise, malformed, missing).
"""

import csv
import math

import numpy as np
import pytest
import yaml

from glassnet.cli import main
from glassnet.errors import ConfigError
from glassnet.explain import check, examples, exercise, find, names
from glassnet.explain.marking import mark_class, mark_student, statistics
from glassnet.explain.problems import problem_from_dict
from glassnet.explain.worksheet import check_ids, numbered_ids, write_class, write_variant

SEEDS = examples()  # every seed exercise shipped, those of shapes only included


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def test_every_seed_exercise_is_tested():
    assert len(SEEDS) == 9 and "seed001_two_layer_shapes" in SEEDS


@pytest.mark.parametrize("example", SEEDS)
def test_30_variants_are_distinct_well_posed_and_keyed_in_the_checkers_names(example, tmp_path):
    data, problem, rules = exercise.load(find(example))
    assert data["exercise"]["marks"]  # every seed exercise ships its marks
    taken, variants = set(), []
    for ident in numbered_ids(30):
        new = exercise.variant(data, problem, rules, 11, ident, taken)
        student = problem_from_dict(new)
        assert exercise.identity(student) not in taken
        taken.add(exercise.identity(student))
        variants.append((new, student))
        assert exercise.well_posed(student, rules)
        _assert_well_posed(problem, student, rules)
    assert len(taken) == 30
    # the same (seed, id) gives the same numbers; another seed others
    first = variants[0][1]
    again = problem_from_dict(exercise.variant(data, problem, rules, 11, "v01"))
    assert exercise.identity(again) == exercise.identity(first)
    other = problem_from_dict(exercise.variant(data, problem, rules, 12, "v01"))
    assert exercise.identity(other) != exercise.identity(first)
    # the key is in the names marking reads, and marks the variant's papers in full
    write_variant(tmp_path / "v01", variants[0][0], first, rules)
    marked = mark_student(tmp_path / "v01", tmp_path / "v01" / "key.yaml", "v01")
    assert (marked.score, marked.problems, marked.feedback) == (rules.out_of, [], [])
    if problem.given_parameters:
        key = exercise.key_values(first, rules)
        assert all(names.parse(label) for label in key)
        assert check(first, key).ok


def _assert_well_posed(problem, student, rules):
    """The issue's well-posed, checked apart from ``exercise.well_posed``."""
    if not problem.given_parameters:
        sizes = student.network.sizes
        assert sizes[-1] == problem.network.sizes[-1]  # the output layer is the problem's
        assert student.n_x_open == problem.n_x_open and student.m == problem.m
        assert all(2 <= n <= 9 for n in sizes[student.n_x_open:-1])
        known = sizes[student.n_x_open:]  # n_x open: W[1] has n_x columns, never square
        assert all(n not in (k, k + 1) for k, n in zip(known, known[1:], strict=False))
        return
    assert np.array_equal(student.X, problem.X) and student.network.sizes == problem.network.sizes
    values = student.trace().steps[0].values
    for l, layer in enumerate(student.network.layers, 1):
        limit = exercise.SATURATION.get(layer.activation.name, np.inf)
        assert np.abs(values[f"Z[{l}]"]).max() <= limit
        if layer.activation.name == "relu":
            assert (values[f"Z[{l}]"] > 0).any(axis=1).all()
    for value in exercise.key_values(student, rules).values():
        assert all(float(x) != 0 for x in np.ravel(value))  # nothing rounds to 0


def test_the_drawn_numbers_keep_the_problems_decimals():
    data, problem, rules = exercise.load(find("seed003_math_problem"))
    new = exercise.variant(data, problem, rules, 5, "ann")
    for layer in new["layers"]:
        for x in np.ravel(layer["W"]).tolist() + list(layer["b"]):
            assert x != 0 and round(x, 1) == x
            assert abs(x) <= 0.6 + 0.3 + 1e-12


def test_a_sigmoid_that_would_saturate_is_redrawn_or_refused():
    data = {"X": [10, 20, 30], "layers": [{"W": [[2, 2, 2]], "b": [0], "activation": "sigmoid"}]}
    problem = problem_from_dict(data)
    rules = exercise.scheme(data, problem)
    with pytest.raises(ConfigError, match="no well-posed variant"):
        exercise.variant(data, problem, rules, 0, "v1")


def test_a_dead_relu_is_refused_unless_the_exercise_is_about_it():
    layers = [{"W": [[-1.0]], "b": [-1.0], "activation": "relu"},
              {"W": [[0.5]], "b": [0.5], "activation": "sigmoid"}]
    data = {"X": [[1, 2]], "layers": layers, "exercise": {"spread": 0.1, "marks": {"Z[2]": 1}}}
    problem = problem_from_dict(data)
    rules = exercise.scheme(data, problem)
    with pytest.raises(ConfigError, match="dead_relu"):
        exercise.variant(data, problem, rules, 0, "v1")
    data["exercise"]["dead_relu"] = True
    rules = exercise.scheme(data, problem)
    assert problem_from_dict(exercise.variant(data, problem, rules, 0, "v1"))


@pytest.mark.parametrize("marks, message", [
    ({"sum after step 1": 1}, "not a name"), ({"Z[3]": 1}, "layers 1"), ({"Z[1]": 0}, "> 0"),
    ({"Z[1]": "two"}, "number of marks")])
def test_a_bad_marking_scheme_is_refused_naming_the_line(marks, message):
    data = {"X": [1, 2], "layers": [{"W": [[0.5, 0.2]], "b": [0.1], "activation": "sigmoid"}],
            "exercise": {"marks": marks}}
    with pytest.raises(ConfigError, match=message):
        exercise.scheme(data, problem_from_dict(data))


@pytest.mark.parametrize("ids, message", [(["a", "a"], "twice"), (["../x"], "not a usable"),
                                          ([], "expected 1")])
def test_bad_student_ids_are_refused(ids, message):
    with pytest.raises(ConfigError, match=message):
        check_ids(ids)


def _key(folder):
    return yaml.load((folder / "key.yaml").read_text(), Loader=yaml.BaseLoader)


def _write(path, answers):
    path.write_text(yaml.safe_dump(answers, sort_keys=False, allow_unicode=True))


def test_a_class_is_marked_as_a_teacher_would(tmp_path, capsys):
    ids = ["ann", "ben", "cat", "dan", "eve", "fay", "gus"]
    out, answers = tmp_path / "class", tmp_path / "answers"
    answers.mkdir()
    write_class(find("seed003_math_problem"), out, 2026, ids)
    for ident in ids:
        for name in ("problem.yaml", "worksheet.md", "worksheet.html", "answers.yaml",
                     "solution.md", "solution.html", "key.yaml"):
            assert (out / ident / name).is_file()
    # ann: the key itself
    (answers / "ann.yaml").write_text((out / "ann" / "key.yaml").read_text())
    # ben: one slip in Z[1] (entry 1,1), A[1] worked on from it (carried), the rest exact
    ben = _key(out / "ben")
    z = float(ben["Z[1]"][0][0]) + 0.4
    ben["Z[1]"][0][0] = f"{z:.3f}"
    ben["A[1]"][0][0] = f"{_sigmoid(z):.3f}"
    _write(answers / "ben.yaml", ben)
    # cat: the cost to 2 decimals, 3 asked (imprecise: half its mark), dW[2] wrong in both
    cat = _key(out / "cat")
    cost = float(cat["cost"])
    assert 0.01 < cost < 0.1
    cat["cost"] = f"{cost:.2f}"
    cat["dW[2]"] = [f"{float(v) + 0.5:.3f}" for v in cat["dW[2]"]]
    _write(answers / "cat.yaml", cat)
    # dan: malformed YAML; eve: no file; fay: empty file
    (answers / "dan.yaml").write_text("Z[1]: [[0.1, 0.2\n")
    (answers / "fay.yaml").write_text("")
    # gus: the blank sheet with two answers filled in, one line in a name glassnet refuses
    gus = _key(out / "gus")
    _write(answers / "gus.yaml", {"Z[1]": gus["Z[1]"], "sum after step 1": "0.5",
                                  "A[2]": gus["A[2]"], "cost": ""})
    grades = tmp_path / "grades.csv"
    assert main(["mark", str(out), "--answers", str(answers), "--csv", str(grades)]) == 0
    rows = {r["id"]: r for r in csv.DictReader(grades.open())}
    assert set(rows) == set(ids)
    assert {r["out of"] for r in rows.values()} == {"20"}
    assert rows["ann"]["score"] == "20"
    assert rows["ben"]["Z[1]"] == "1.75" and rows["ben"]["A[1]"] == "2"
    assert rows["ben"]["score"] == "19.75"
    assert rows["cat"]["cost"] == "0.5" and rows["cat"]["dW[2]"] == "0"
    assert rows["cat"]["score"] == "17.5"
    for ident in ("dan", "eve", "fay"):
        assert rows[ident]["score"] == "0"
    assert rows["gus"]["score"] == "3" and rows["gus"]["Z[1]"] == "2"
    # feedback: the wrong value, the right one, and the line of the worked solution
    feedback = (out / "ben" / "feedback.md").read_text()
    solution = (out / "ben" / "solution.md").read_text().splitlines()
    line = next(k for k, text in enumerate(solution, 1) if text.startswith("z^{[1](1)}_{1} &="))
    assert f"**Z[1][1,1]** = {ben['Z[1]'][0][0]}: wrong" in feedback
    assert f"(solution.md, line {line})" in feedback
    assert "error carried forward" in feedback
    assert "not marked" in (out / "dan" / "feedback.md").read_text()
    assert "no such file" in (out / "eve" / "feedback.md").read_text()
    assert "sum after step 1" in (out / "gus" / "feedback.md").read_text()
    assert (out / "gus" / "feedback.html").read_text().startswith("<!DOCTYPE html>")
    # the blank sheet handed back as it is: 0, nothing reported as unreadable
    blank = mark_student(out / "ann", out / "ann" / "answers.yaml", "ann")
    assert blank.score == 0 and blank.problems == []
    # a stranger's file is reported; a spoilt variant folder does not stop the class
    (answers / "zed.yaml").write_text("cost: 0.1\n")
    cat_problem = (out / "cat" / "problem.yaml").read_text()
    (out / "cat" / "problem.yaml").write_text("layers: 3\n")
    assert main(["mark", str(out), "--answers", str(answers)]) == 0
    err = capsys.readouterr().err
    assert "zed.yaml: no variant" in err and "cat: variant not marked" in err
    (out / "cat" / "problem.yaml").write_text(cat_problem)
    stats = statistics(mark_class(out, answers))
    assert stats["Z[1]"] == (3, 7) and stats["cost"] == (2, 7) and stats["dW[2]"] == (2, 7)


def test_exercise_command_writes_the_same_papers_again(tmp_path, capsys):
    ids = tmp_path / "students.txt"
    ids.write_text("# class 1\nann\nben  # late\n\n")
    for run in ("a", "b"):
        assert main(["exercise", "seed004_forward_pass", "--ids", str(ids), "--seed", "4",
                     "--out", str(tmp_path / run)]) == 0
    for ident in ("ann", "ben"):
        assert ((tmp_path / "a" / ident / "problem.yaml").read_text()
                == (tmp_path / "b" / ident / "problem.yaml").read_text())
    assert main(["exercise", "seed001_two_layer_shapes", "--variants", "2",
                 "--out", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "v2" / "key.yaml").read_text().startswith("shape of W[1]: ")
