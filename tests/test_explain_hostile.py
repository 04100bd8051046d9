"""Hostile or absurd problem and answers files: each is refused early, in bounded time and
memory, with a glassnet error naming the file and the field, and never a traceback from
the command line (run here as a real process). `glassnet check` exits 2 on invalid input."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import glassnet
from glassnet import explain
from glassnet.errors import GlassnetError
from glassnet.explain import problems

SRC = str(Path(glassnet.__file__).resolve().parents[1])
SEED003 = explain.example_path("seed003_math_problem")
SMALL = ("X: [[0, 1]]\nY: [[0, 1]]\nlayers:\n  - {W: [[0.5]], b: [0.1], "
         "activation: sigmoid}\nlearning_rate: 0.5\n")


def cli(*argv, timeout=120):
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "glassnet", *argv], capture_output=True,
                          text=True, timeout=timeout, env=env)


def assert_one_line_error(result, code, *words):
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert result.stderr.startswith("glassnet: error: ") and len(result.stderr.splitlines()) == 1
    for word in words:
        assert word in result.stderr, result.stderr


HOSTILE_PROBLEMS = {
    # 246 bytes that would run forever
    "steps": (SMALL + "steps: 1000000000000\n", ["steps: 1000000000000 steps"]),
    "steps_inf": (SMALL + "steps: .inf\n", ["steps is inf"]),
    "steps_nan": (SMALL + "steps: .nan\n", ["steps is nan"]),
    # shapes only: 2.3 GB of parameters, and a MemoryError
    "n_x_12000": ("n_x: 12000\nlayers:\n  - {units: 12000, activation: relu}\n  - "
                  "{units: 1, activation: sigmoid}\n", ["n_x: a network of 144,024,001"]),
    "n_x_100000": ("n_x: 100000\nlayers:\n  - {units: 100000, activation: relu}\n",
                   ["n_x: a network of"]),
    "units": ("n_x: 2\nlayers:\n  - {units: 3000000, activation: relu}\n",
              ["layer 1: units: a network of"]),
    "deep_yaml": ("X: " + "[" * 5000 + "]" * 5000 + "\n", ["nested too deeply"]),
    "digits_5000": ("X: [[" + "9" * 5000 + "]]\n" + SMALL[SMALL.index("Y"):],
                    ["a value cannot be read"]),
    "digits_400": ("X: [[" + "9" * 400 + "]]\n" + SMALL[SMALL.index("Y"):],
                   ["X[1,1]: a number of 400 digits is too large"]),
    "string_slope": (SMALL.replace("activation: sigmoid",
                                   "activation: {name: leaky_relu, slope: steep}"),
                     ["layer 1: activation: slope: expected a number, got 'steep'"]),
    "nan_slope": (SMALL.replace("activation: sigmoid",
                                "activation: {name: leaky_relu, slope: .nan}"),
                  ["layer 1: activation: slope is nan"]),
    "unknown_parameter": (SMALL.replace("activation: sigmoid",
                                        "activation: {name: elu, slope: 3}"),
                          ["layer 1: activation:", "elu"]),
    "aliases": ("a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                "g: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n", ["more than 200000 values"]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_PROBLEMS))
def test_a_hostile_problem_file_is_refused_with_its_field(tmp_path, case):
    text, words = HOSTILE_PROBLEMS[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    with pytest.raises(GlassnetError) as exc:
        explain.load_problem(path).trace()
    for word in words:
        assert word in str(exc.value)
    assert path.name in str(exc.value)


@pytest.mark.parametrize("case", ["steps", "n_x_100000", "deep_yaml", "digits_5000",
                                  "string_slope", "aliases"])
def test_the_command_line_refuses_a_hostile_problem_in_one_line(tmp_path, case):
    text, words = HOSTILE_PROBLEMS[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    assert_one_line_error(cli("explain", str(path)), 1, path.name, *words)
    answers = tmp_path / "answers.yaml"
    answers.write_text("cost: 0.090\n")
    assert_one_line_error(cli("check", str(path), str(answers)), 2, path.name, *words)


def test_deep_json_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"X": ' + "[" * 100000 + "]" * 100000 + "}")
    with pytest.raises(GlassnetError, match="nested too deeply"):
        explain.load_problem(path)
    answers = tmp_path / "deep_answers.json"
    answers.write_text('{"cost": ' + "[" * 100000 + "]" * 100000 + "}")
    assert_one_line_error(cli("check", str(SEED003), str(answers)), 2, "deep_answers.json",
                          "nested too deeply")


@pytest.mark.parametrize("written, words", [
    ("1e-400", ["cost: 1e-400 is outside the numbers that can be judged"]),
    ("1e400", ["cost: 1e400 is outside the numbers that can be judged"]),
    ("-1E+999", ["outside the numbers"]),
    ("9" * 5000, ["a number of 5000 characters"]),
    ("0.0" + "0" * 60 + "1", ["a number of 64 characters"]),
])
def test_an_answer_beyond_a_float_is_refused_and_exits_2(tmp_path, written, words):
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"cost: {written}\n")
    assert_one_line_error(cli("check", "seed003_math_problem", str(answers)), 2,
                          "answers.yaml", *words)


def test_invalid_answers_exit_2_and_wrong_ones_exit_1(tmp_path):
    answers = tmp_path / "answers.yaml"
    for text, code in (("cost: 0.090\n", 0), ("cost: 0.091\n", 1), ("cost: 0\n", 1),
                       ("cost: about\n", 2), ("Q[1]: 1\n", 2), ("A[2]: [1, 2]\n", 2),
                       ("cost: [\n", 2), ("- 1\n", 2)):
        answers.write_text(text)
        result = cli("check", "seed003_math_problem", str(answers))
        assert result.returncode == code, (text, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
    answers.write_bytes(b"\xff\xfe cost")
    assert_one_line_error(cli("check", "seed003_math_problem", str(answers)), 2,
                          "not a text file")
    bad = tmp_path / "bad.yaml"
    bad.write_text("X: [1, 2]\nlayers: []\n")
    answers.write_text("cost: 0.090\n")
    assert_one_line_error(cli("check", str(bad), str(answers)), 2, "bad.yaml", "layers")


def test_only_a_regular_file_of_bounded_size_is_read(tmp_path):
    with pytest.raises(GlassnetError, match="not a regular file"):
        problems.read_file(Path("/dev/zero"))
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # a reader that waited for a writer would hang
    with pytest.raises(GlassnetError, match="not a regular file"):
        problems.read_file(fifo)
    big = tmp_path / "big.yaml"
    big.write_text("title: " + "x" * problems.MAX_FILE_BYTES + "\n")
    with pytest.raises(GlassnetError, match="bytes; a problem or answers file has at most"):
        explain.load_problem(big)
    assert_one_line_error(cli("check", "seed003_math_problem", "/dev/zero"), 2,
                          "not a regular file")


def test_the_limits_leave_room_for_every_exercise():
    for name in explain.examples():
        explain.load_problem(explain.example_path(name)).trace()
    limit = problems.MAX_STEPS
    text = SMALL + f"steps: {limit}\n"
    data = problems.problem_from_dict({**_yaml(text)})
    assert data.steps == limit


def _yaml(text):
    import yaml

    return yaml.safe_load(text)
