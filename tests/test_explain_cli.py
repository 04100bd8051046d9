"""`glassnet explain` and `glassnet check` from the command line."""

import json

import pytest

from glassnet import explain
from glassnet.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt, start", [("text", "Seed 003"), ("markdown", "# Seed 003"),
                                        ("latex", "\\documentclass"), ("json", "{")])
def test_explain_writes_each_format(capsys, fmt, start):
    code, out, err = run(capsys, "explain", "seed003_math_problem", "--format", fmt)
    assert code == 0 and err == "" and out.startswith(start)
    t = explain.load_problem(explain.example_path("seed003_math_problem")).trace()
    expected = {"text": t.to_text, "markdown": t.to_markdown, "latex": t.to_latex,
                "json": t.to_json}[fmt]()
    assert out == expected


def test_explain_a_file_with_digits_and_detail_to_an_output_file(capsys, tmp_path):
    problem = tmp_path / "p.yaml"
    problem.write_text(explain.example_path("seed000_1_single_neuron").read_text())
    out_file = tmp_path / "solution.md"
    code, out, _ = run(capsys, "explain", str(problem), "--digits", "5", "--detail", "full",
                       "--format", "markdown", "-o", str(out_file))
    assert code == 0 and f"wrote the solution to {out_file}" in out
    assert "= 0.62246" in out_file.read_text()
    assert {p.name for p in tmp_path.iterdir()} == {"p.yaml", "solution.md"}  # no temp left


def test_explain_lists_the_examples(capsys):
    code, out, _ = run(capsys, "explain", "--list")
    assert code == 0
    assert out.split() == explain.examples() + explain.examples(answers=True)


def test_check_exit_codes(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "seed003_math_problem", "seed003_notes_answers")
    assert code == 1 and "15 wrong, 4 of them only because of earlier mistakes" in out
    code, out, _ = run(capsys, "check", "seed000_1_single_neuron", "seed000_1_notes_answers")
    assert code == 0 and out.rstrip().endswith("Result: 2 of 2 values right.")
    answers = tmp_path / "mine.yaml"
    answers.write_text("A[1][1,4]: 0.711\ncost: 0.0903\n")
    code, out, _ = run(capsys, "check", "seed003_math_problem", str(answers), "--format", "json")
    assert code == 0 and json.loads(out)["ok"] is True


@pytest.mark.parametrize("argv, code, message", [
    (["explain", "no_such_problem"], 1, "cannot read no_such_problem: no such file"),
    (["check", "seed003_math_problem", "nothing.yaml"], 2, "cannot read nothing.yaml"),
    (["check", "nothing.yaml", "seed003_notes_answers"], 2, "cannot read nothing.yaml"),
])
def test_expected_errors_are_one_line_without_traceback(capsys, argv, code, message):
    got, out, err = run(capsys, *argv)
    assert got == code and out == ""
    assert err.startswith("glassnet: error: ") and message in err and len(err.splitlines()) == 1


def test_a_bad_problem_file_names_its_field(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("X: [1, 2]\nlayers:\n  - {W: [[1, 2]], b: [0], activation: sigmod}\n")
    code, _, err = run(capsys, "explain", str(bad))
    assert code == 1 and "bad.yaml: layer 1: activation: unknown activation 'sigmod'" in err


def test_usage_errors_exit_2(capsys):
    assert run(capsys, "explain")[0] == 2
    with pytest.raises(SystemExit) as exc:
        main(["explain", "seed003_math_problem", "--format", "pdf"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["check", "seed003_math_problem"])
    assert exc.value.code == 2
