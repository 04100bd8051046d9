"""Marking a class as a teacher would, at its edges: the symmetry exercise's equal weights,
single entries, the shapes exercises, and what a class hands in at its worst (zeros, a
sign flipped, a matrix transposed, a factor 10, integers, 1e400, wrong or doubled ids,
hostile student names). Every score below is worked by hand from the rule in
``glassnet.explain.marking``.
"""

import csv

import numpy as np
import pytest
import yaml

from glassnet.cli import main
from glassnet.cli.mark import grades_csv
from glassnet.errors import FileFormatError
from glassnet.explain import exercise, find
from glassnet.explain.marking import mark_student
from glassnet.explain.problems import problem_from_dict, read_file
from glassnet.explain.worksheet import numbered_ids, write_class


def _class(tmp_path, example, ids, seed=2026):
    out = tmp_path / "class"
    write_class(find(example), out, seed, ids)
    (tmp_path / "answers").mkdir()
    return out


def _key(out, ident):
    return yaml.load((out / ident / "key.yaml").read_text(), Loader=yaml.BaseLoader)


def _hand_in(tmp_path, ident, answers):
    text = answers if isinstance(answers, str) else yaml.safe_dump(
        answers, sort_keys=False, allow_unicode=True)
    (tmp_path / "answers" / f"{ident}.yaml").write_text(text)


def _mark(tmp_path, capsys):
    grades = tmp_path / "grades.csv"
    assert main(["mark", str(tmp_path / "class"), "--answers", str(tmp_path / "answers"),
                 "--csv", str(grades)]) == 0
    return {r["id"]: r for r in csv.DictReader(grades.open())}, capsys.readouterr().err


def _solution_line(out, ident, start):
    lines = (out / ident / "solution.md").read_text().splitlines()
    return next(k for k, text in enumerate(lines, 1) if text.startswith(start))


def _map(value, f):
    return [_map(v, f) for v in value] if isinstance(value, list) else f(value)


# --------------------------------------------------------------------------- symmetry
def test_the_symmetry_exercise_keeps_each_layers_weights_equal_with_new_numbers():
    data, problem, rules = exercise.load(find("seed000_5_symmetry"))
    assert rules.symmetric
    taken, values = set(), set()
    for ident in numbered_ids(30):
        student = problem_from_dict(exercise.variant(data, problem, rules, 3, ident, taken))
        taken.add(exercise.identity(student))
        net = student.network
        for l in range(1, net.L + 1):
            assert np.all(net.W[l] == net.W[l][0, 0]) and np.all(net.b[l] == net.b[l][0, 0])
            values |= {float(net.W[l][0, 0]), float(net.b[l][0, 0])}
        trace = student.trace()
        assert trace.symmetric_layers() == [1]  # the hidden units stay identical
        A1 = trace["A[1]"]
        assert np.array_equal(A1[0], A1[1])
    assert len(taken) == 30 and 0.0 not in values  # new numbers, never the problem's zeros


def test_without_symmetric_a_variants_weights_are_drawn_one_by_one():
    data, problem, _ = exercise.load(find("seed000_5_symmetry"))
    data["exercise"]["symmetric"] = False
    rules = exercise.scheme(data, problem)
    W = problem_from_dict(exercise.variant(data, problem, rules, 3, "v1")).network.W[1]
    assert len(set(W.ravel().tolist())) > 1


# ----------------------------------------------------------------------- single entries
def test_single_entries_earn_their_share_of_the_quantitys_marks(tmp_path, capsys):
    out = _class(tmp_path, "seed003_math_problem", ["ann", "ben", "cat"])
    # ann: A[1] (2 marks, 2×4) written entry by entry, all right
    A1 = _key(out, "ann")["A[1]"]
    _hand_in(tmp_path, "ann", {f"A[1][{r + 1},{c + 1}]": A1[r][c]
                               for r in range(2) for c in range(4)})
    # ben: Z[1] whole; 4 entries of A[1], one of them wrong: 3 of 8 right
    ben = _key(out, "ben")
    wrong = f"{float(ben['A[1]'][1][3]) + 0.1:.3f}"
    _hand_in(tmp_path, "ben", {"Z[1]": ben["Z[1]"], "A[1][1,1]": ben["A[1]"][0][0],
                               "A[1][1,2]": ben["A[1]"][0][1], "a[1][2,1]": ben["A[1]"][1][0],
                               "A[1][2,4]": wrong})
    # cat: A[1] whole and right, and one entry of it again, wrongly: the whole is marked
    cat = _key(out, "cat")
    _hand_in(tmp_path, "cat", {"A[1]": cat["A[1]"], "A[1][1,4]": "0.123"})
    rows, _ = _mark(tmp_path, capsys)
    assert (rows["ann"]["A[1]"], rows["ann"]["score"]) == ("2", "2")
    assert (rows["ben"]["Z[1]"], rows["ben"]["A[1]"], rows["ben"]["score"]) == ("2", "0.75",
                                                                                  "2.75")
    assert (rows["cat"]["A[1]"], rows["cat"]["score"]) == ("2", "2")
    feedback = (out / "ben" / "feedback.md").read_text()
    line = _solution_line(out, "ben", "a^{[1](4)}_{2} &=")
    assert f"**A[1][2,4]** = {wrong}: wrong" in feedback and f"(solution.md, line {line})" in feedback
    assert "A[1]: 0.75 — wrong" in feedback
    assert "- A[1]: 2 — right" in (out / "cat" / "feedback.md").read_text()


def test_a_single_entry_asked_is_a_column_of_the_grades(tmp_path, capsys):
    data = read_file(find("seed003_math_problem"))
    data["exercise"] = {"marks": {"Z[1]": 2, "A[1][1,4]": 1, "cost": 1}}
    problem_file = tmp_path / "problem.yaml"
    problem_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    write_class(problem_file, tmp_path / "class", 1, ["dan", "eve", "fay"])
    (tmp_path / "answers").mkdir()
    out = tmp_path / "class"
    assert "A[1][1,4]:\n" in (out / "dan" / "answers.yaml").read_text()
    # dan hands in all of A[1], worked to 3 decimals; eve the entry asked; fay a wrong one
    trace = problem_from_dict(read_file(out / "dan" / "problem.yaml")).trace()
    _hand_in(tmp_path, "dan", {"A[1]": [[f"{x:.3f}" for x in row] for row in trace["A[1]"]]})
    _hand_in(tmp_path, "eve", {"A[1][1,4]": _key(out, "eve")["A[1][1,4]"]})
    _hand_in(tmp_path, "fay", {"a[1][1,4]": "0.5", "cost": _key(out, "fay")["cost"]})
    rows, _ = _mark(tmp_path, capsys)
    assert list(rows["dan"]) == ["id", "score", "out of", "Z[1]", "A[1][1,4]", "cost"]
    assert [rows[i]["A[1][1,4]"] for i in ("dan", "eve", "fay")] == ["1", "1", "0"]
    assert [rows[i]["score"] for i in ("dan", "eve", "fay")] == ["1", "1", "1"]
    line = _solution_line(out, "fay", "a^{[1](4)}_{1} &=")
    assert f"(solution.md, line {line})" in (out / "fay" / "feedback.md").read_text()


# --------------------------------------------------------------------------------- shapes
def _shapes_sizes(out, ident):
    problem = problem_from_dict(read_file(out / ident / "problem.yaml"))
    return problem.network.sizes


def test_a_shapes_class_is_marked_as_a_teacher_would(tmp_path, capsys):
    ids = ["ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal"]
    out = _class(tmp_path, "seed002_three_layer_shapes", ids)
    # 12 shapes and 3 layer counts, 1 mark each, and the total, 2 marks: 17
    (tmp_path / "answers" / "ann.yaml").write_text((out / "ann" / "key.yaml").read_text())
    # ben: the same answers spelled every way a student may
    _, n1, n2, _ = _shapes_sizes(out, "ben")
    ben = {"shape of W[1]": f"({n1}, n_x)", "shape of b[1]": [str(n1), "1"],
           "shape of Z[1]": f"{n1} x 1", "shape of A[1]": f"[{n1}, 1]",
           "shape of w[2]": f"{n2} by {n1}", "shape of b[2]": f"{n2}×1",
           "shape of Z[2]": f"{n2}, 1", "shape of a[2]": f"{n2}X1",
           "shape of W[3]": f"1×{n2}", "shape of b[3]": "1×1", "shape of Z[3]": "1x1",
           "shape of A[3]": "1 × 1", "parameters of layer 1": f"{n1} + {n1}*n_x",
           "parameters of layer 2": str(n2 * n1 + n2), "Parameters of layer 3": str(n2 + 1),
           "parameters": f"{n1 + n2 * n1 + n2 + n2 + 1} + {n1}n_x"}
    _hand_in(tmp_path, "ben", ben)
    # cat: W[1] with its rows and columns swapped, the rest right
    cat = _key(out, "cat")
    _, c1, _, _ = _shapes_sizes(out, "cat")
    cat["shape of W[1]"] = f"n_x×{c1}"
    _hand_in(tmp_path, "cat", cat)
    # dan: n[2] taken one too big, and carried on: shapes of W[2], b[2], Z[2], A[2] and W[3]
    # wrong, the counts of layers 2 and 3 and the total right from them
    _, d1, d2, _ = _shapes_sizes(out, "dan")
    dan, k = _key(out, "dan"), d2 + 1
    dan.update({"shape of W[2]": f"{k}×{d1}", "shape of b[2]": f"{k}×1",
                "shape of Z[2]": f"{k}×1", "shape of A[2]": f"{k}×1",
                "shape of W[3]": f"1×{k}", "parameters of layer 2": str(k * d1 + k),
                "parameters of layer 3": str(k + 1),
                "parameters": f"{d1}n_x + {d1 + k * d1 + k + k + 1}"})
    _hand_in(tmp_path, "dan", dan)
    # eve: one line unreadable; fay: no file; gus: an empty file
    eve = _key(out, "eve")
    eve["shape of W[1]"] = "banana"
    _hand_in(tmp_path, "eve", eve)
    (tmp_path / "answers" / "gus.yaml").write_text("")
    # hal: the layer counts right, the total added up wrongly (not from them)
    hal = _key(out, "hal")
    hal["parameters"] = hal["parameters"].replace(" + ", " + 1")
    _hand_in(tmp_path, "hal", hal)
    rows, err = _mark(tmp_path, capsys)
    scores = {i: rows[i]["score"] for i in ids}
    assert scores == {"ann": "17", "ben": "17", "cat": "16", "dan": "12", "eve": "16",
                      "fay": "0", "gus": "0", "hal": "15"}
    assert {r["out of"] for r in rows.values()} == {"17"}
    assert rows["dan"]["parameters"] == "2" and rows["dan"]["shape of W[2]"] == "0"
    assert rows["hal"]["parameters"] == "0"
    feedback = (out / "cat" / "feedback.md").read_text()
    line = _solution_line(out, "cat", "Layer 1:")
    assert (f"**shape of W[1]** = n_x×{c1}: wrong: rows and columns swapped; the right value "
            f"is {c1}×n_x (solution.md, line {line})") in feedback
    feedback = (out / "dan" / "feedback.md").read_text()
    assert "right given your parameters of layer 2, parameters of layer 3 (error carried " \
           f"forward); the right value is {_key(out, 'dan')['parameters']} (solution.md, line " \
           f"{_solution_line(out, 'dan', 'Total:')})" in feedback
    assert "shape of W[1]" in err and "banana" in (out / "eve" / "feedback.md").read_text()
    assert "fay: answers not marked" in err and "gus: answers not marked" in err


def test_a_bias_column_shapes_exercise_carries_a_wrong_shape_into_the_total(tmp_path, capsys):
    out = _class(tmp_path, "seed000_4_dimensions", ["ann", "ben"])
    n_x, n1, n2 = _shapes_sizes(out, "ben")
    assert _key(out, "ann")["shape of W̃[1]"] == f"{_shapes_sizes(out, 'ann')[1]}×" \
                                                 f"{_shapes_sizes(out, 'ann')[0] + 1}"
    (tmp_path / "answers" / "ann.yaml").write_text((out / "ann" / "key.yaml").read_text())
    # ben forgets the bias column of W̃[1] and adds up from his shapes
    _hand_in(tmp_path, "ben", {"shape of W~[1]": f"{n1}×{n_x}",
                               "shape of W̃[2]": f"{n2}×{n1 + 1}",
                               "parameters": str(n1 * n_x + n2 * (n1 + 1))})
    rows, _ = _mark(tmp_path, capsys)
    assert (rows["ann"]["score"], rows["ben"]["score"], rows["ben"]["out of"]) == ("3", "2", "3")
    assert "right given your shape of W~[1] (error carried forward)" in (
        out / "ben" / "feedback.md").read_text()


# ------------------------------------------------------------------ the worst of a class
def test_zeros_signs_transposes_factors_integers_and_huge_numbers(tmp_path, capsys):
    ids = ["zero", "zero3", "sign", "trans", "ten", "int", "huge"]
    out = _class(tmp_path, "seed003_math_problem", ids, seed=7)
    # every variant of seed 7 is drawn from its id; int's Z[1] and Z[2], marked by hand below
    assert _key(out, "int")["Z[1]"] == [["0.400", "1.000", "0.500", "1.100"],
                                        ["0.600", "1.400", "1.200", "2.000"]]
    assert _key(out, "int")["Z[2]"] == ["1.340", "1.561", "1.465", "1.643"]
    key = {i: _key(out, i) for i in ids}
    # a sheet of zeros, written 0 or 0.000: all wrong, and the backward pass it makes
    # vanish (dZ = (A − Y)·A(1 − A) = 0 from A = 0) earns no error-carried-forward credit
    _hand_in(tmp_path, "zero", {k: _map(v, lambda x: "0") for k, v in key["zero"].items()})
    _hand_in(tmp_path, "zero3", {k: _map(v, lambda x: "0.000") for k, v in key["zero3"].items()})
    # Z[1] with its signs flipped, transposed, or 10 times too big; the rest right
    for ident, wrong in (("sign", lambda Z: _map(Z, lambda x: f"{-float(x):.3f}")),
                         ("trans", lambda Z: [list(r) for r in zip(*Z, strict=True)]),
                         ("ten", lambda Z: _map(Z, lambda x: f"{10 * float(x):.2f}"))):
        _hand_in(tmp_path, ident, {**key[ident], "Z[1]": wrong(key[ident]["Z[1]"])})
    # every value rounded to an integer: in Z[1], 1 for 1.000 and 2 for 2.000 are right, 1
    # for 1.1, 1.4 and 1.2 imprecise with their first figure right (half credit), 0 for 0.4
    # and 0.5 and 1 for 0.6 no figure right: Z[1] earns 2·(1 + 1 + 3·½)/8 = 0.875 (0.88);
    # Z[2] 1, 2, 1, 2: all imprecise, 1·(4·½)/4 = 0.5; every other value is below 1 in
    # size (0 or 1 written: no figure right) or wrong: 1.38 in all
    _hand_in(tmp_path, "int", {k: _map(v, lambda x: str(round(float(x))))
                               for k, v in key["int"].items()})
    _hand_in(tmp_path, "huge", {**key["huge"], "cost": "1e400"})
    assert all(abs(float(x)) < 1 for k, v in key["int"].items() if k not in ("Z[1]", "Z[2]")
               for x in np.ravel(v))
    rows, err = _mark(tmp_path, capsys)
    assert {i: rows[i]["score"] for i in ids} == {
        "zero": "0", "zero3": "0", "sign": "18", "trans": "18", "ten": "18", "int": "1.38",
        "huge": "19"}
    assert rows["int"]["Z[1]"] == "0.88" and rows["int"]["Z[2]"] == "0.5"
    assert "written transposed" in err and "1e400 is outside the numbers" in err
    assert "which makes it 0: no credit" in (out / "zero3" / "feedback.md").read_text()
    assert "not even the first significant figure" in (out / "int" / "feedback.md").read_text()


def test_wrong_and_doubled_answer_ids_are_reported_and_the_class_goes_on(tmp_path, capsys):
    out = _class(tmp_path, "seed004_forward_pass", ["ann", "ben"])
    answers = tmp_path / "answers"
    (answers / "ann.yaml").write_text((out / "ann" / "key.yaml").read_text())
    (answers / "ann.json").write_text("{}")
    (answers / "BEN.yaml").write_text((out / "ben" / "key.yaml").read_text())
    (answers / "ben.yml").mkdir()  # a folder where a file should be
    rows, err = _mark(tmp_path, capsys)
    assert (rows["ann"]["score"], rows["ben"]["score"]) == ("0", "0")
    assert "ann: answers not marked: 2 answers files for ann: ann.yaml, ann.json" in err
    assert "BEN.yaml: no variant of that id" in err
    assert "ben: answers not marked: cannot read" in err and "not a regular file" in err


@pytest.mark.parametrize("ids, message", [
    ("ann\nben\nann\n", "'ann' is given twice"), ("ann\n../x\n", "'../x' is not a usable id"),
    ("/etc/x\n", "is not a usable id"), ("a/b\n", "is not a usable id"),
    (".x\n", "is not a usable id"), ("ann smith\n", "is not a usable id"),
    ("\n\n# nobody\n", "expected 1")])
def test_a_hostile_students_file_writes_nothing(tmp_path, capsys, ids, message):
    (tmp_path / "students.txt").write_text(ids)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["exercise", "seed004_forward_pass", "--ids", str(tmp_path / "students.txt"),
                 "--out", str(tmp_path / "out" / "class")]) == 1
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing, in or out of --out


def test_blank_lines_and_comments_of_a_students_file_are_skipped(tmp_path):
    (tmp_path / "students.txt").write_text("\n  ann  \n\n# the late ones\nben # twice late\n\n")
    assert main(["exercise", "seed004_forward_pass", "--ids", str(tmp_path / "students.txt"),
                 "--out", str(tmp_path / "class")]) == 0
    assert sorted(p.name for p in (tmp_path / "class").iterdir()) == ["ann", "ben"]
    assert mark_student(tmp_path / "class" / "ann", tmp_path / "class" / "ann" / "key.yaml",
                        "ann").score == exercise.load(find("seed004_forward_pass"))[2].out_of


def test_a_name_given_twice_in_an_answers_file_is_reported_never_the_last_kept(tmp_path,
                                                                             capsys):
    out = _class(tmp_path, "seed004_forward_pass", ["ann", "ben"])
    key = (out / "ann" / "key.yaml").read_text()
    first = key.splitlines()[0]
    (tmp_path / "answers" / "ann.yaml").write_text(key + first + "\n")
    (tmp_path / "answers" / "ben.yaml").write_text((out / "ben" / "key.yaml").read_text())
    rows, err = _mark(tmp_path, capsys)
    n = len(key.splitlines()) + 1
    assert rows["ann"]["score"] == "0" and rows["ben"]["score"] == rows["ben"]["out of"]
    assert f"line {n}: not valid YAML ('{first.split(':')[0]}' is given twice)" in err


@pytest.mark.parametrize("suffix, text", [
    (".yaml", "X: [1, 2]\nlayers:\n  - W: [[0.5]]\n    b: [0.1]\n    W: [[0.7]]\n"
              "    activation: sigmoid\n"),
    (".json", '{"X": [1, 2], "X": [3, 4], "layers": []}')])
def test_a_field_given_twice_in_a_problem_file_is_refused(tmp_path, suffix, text):
    path = tmp_path / f"problem{suffix}"
    path.write_text(text)
    with pytest.raises(FileFormatError, match="given twice"):
        read_file(path)


ASKED = ["W̃[1] after step 1", "L(2)", "L", "sum L", "W[2] in step 2", "dW̃[2]",
         "b[1][2] after step 3", "A[2] in step 3", "A[1][2,3]"]


def test_every_kind_of_name_the_checker_reads_can_be_asked_and_marked(tmp_path):
    data = read_file(find("seed000_5_symmetry"))  # 3 steps: names of later steps too
    data["exercise"]["marks"] = dict.fromkeys(ASKED, 1)
    problem_file = tmp_path / "problem.yaml"
    problem_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    write_class(problem_file, tmp_path, 1, ["v"])  # one variant, marked for each answer
    key = _key(tmp_path, "v")

    def marked(answers):
        (tmp_path / "answers.yaml").write_text(yaml.safe_dump(answers, allow_unicode=True))
        return mark_student(tmp_path / "v", tmp_path / "answers.yaml", "v")

    for label in ASKED:  # the key's line alone: its marks (all of L answers L(2) too, and
        student = marked({label: key[label]})  # L(2) is one of L's 4 entries: ¼ of it)
        assert student.marks[label] == 1 and not student.problems
        assert student.score == {"L": 2, "L(2)": 1.25}.get(label, 1), label
    wrong = marked({label: _map(v, lambda x: f"{float(x) + 1:.3f}") for label, v in key.items()})
    assert wrong.score == 0  # a line for each wrong number, L(2) once (it is in L too)
    assert len(wrong.feedback) == sum(np.size(v) for v in key.values()) - 1
    header = next(csv.reader(grades_csv([wrong]).splitlines()))
    assert header == ["id", "score", "out of", *ASKED]
