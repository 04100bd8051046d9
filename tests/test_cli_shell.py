"""The command line as a shell runs it: the real ``glassnet`` console script, in pipes."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet import io
from glassnet.cli import main
from glassnet.errors import ConfigError

GLASSNET = shutil.which("glassnet")
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


def shell(command, cwd):
    """(exit code, stdout, stderr) of a shell command line that runs the console script."""
    assert GLASSNET, "the glassnet console script is not installed"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    code, out, err = shell("glassnet train --epochs 3 --save m.npz --json", folder)
    assert code == 0, err
    report = json.loads(out)  # stdout holds the JSON report alone
    assert report["sizes"] == [2, 8, 8, 1] and set(report["scores"]) == {"training", "test"}
    assert "saved the network to m.npz" in err
    np.savetxt(folder / "x.csv", np.random.default_rng(0).normal(size=(7, 2)), delimiter=",")
    return folder


def test_a_closed_pipe_ends_the_command_quietly(model):
    # enough lines that the pipe closes while glassnet still writes
    rows = np.random.default_rng(1).normal(size=(50_000, 2))
    np.savetxt(model / "big.csv", rows, delimiter=",")
    for command in ("glassnet info m.npz | head -1",
                    "glassnet predict m.npz big.csv | head -1",
                    "glassnet explain --list | head -1"):
        code, out, err = shell(command, model)
        assert out.count("\n") == 1, command
        assert err == "", (command, err)  # no traceback, no "Exception ignored"
        assert code in (0, 141), command  # 141 = 128 + SIGPIPE, the shell's convention


def test_predict_reads_standard_input_and_writes_standard_output(model):
    code, from_file, _ = shell("glassnet predict m.npz x.csv", model)
    assert code == 0
    code, from_pipe, err = shell("cat x.csv | glassnet predict m.npz -", model)
    assert code == 0, err
    assert from_pipe == from_file and from_file.count("\n") == 7
    code, out, _ = shell("glassnet predict m.npz - --json < x.csv", model)
    assert json.loads(out) == [float(line) for line in from_file.split()]


def test_info_json_is_the_saved_configuration(model):
    code, out, _ = shell("glassnet info --json m.npz", model)
    assert code == 0
    found = json.loads(out)
    net = gn.load(model / "m.npz")
    assert found["network"] == json.loads(json.dumps(net.config()))
    assert found["parameters"] == net.n_parameters == 105
    assert found["task"]["type"] == "classification" and found["task"]["inputs"] == 2


@pytest.mark.parametrize("argv, culprit", [
    ("train --activation softmax", "--output softmax"),
    ("train --activation relu softmax --layers 4 4", "hidden layer"),
    ("train --epochs 0", "--epochs"),
    ("predict m.npz /dev/zero", "not a regular file"),
    ("predict m.npz nowhere.csv", "no such file"),
    ("info .", "not a regular file"),
    ("predict m.npz x.csv -o " + "n" * 256, "255"),
    ("explain --list -o missing/dir/out.txt", "no folder"),
    # ranges only the library knows, refused as usage errors all the same (issue 12)
    ("train gauss --noise 0.9", "noise must lie in [0, 0.5]"),
    ("train spirals --classes 1", "n_classes must be a whole number"),
])
def test_usage_errors_exit_2_with_one_line_naming_the_culprit(model, argv, culprit):
    code, out, err = shell(f"glassnet {argv}", model)
    assert code == 2, err
    assert culprit in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_fifo_is_refused_before_anything_blocks_on_it(model):
    fifo = model / "pipe.csv"
    os.mkfifo(fifo)
    try:
        code, _, err = shell("glassnet predict m.npz pipe.csv", model)
    finally:
        fifo.unlink()
    assert code == 2 and "not a regular file" in err


def test_predict_output_is_atomic_and_leaves_no_temporary_file(model, capsys, monkeypatch):
    target = model / "out.txt"
    target.write_text("old\n")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    code = main(["predict", str(model / "m.npz"), str(model / "x.csv"), "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 1 and "the disk is full" in err and str(target) in err
    assert target.read_text() == "old\n"  # the old file is intact
    assert not [p for p in os.listdir(model) if p.endswith(".tmp")]


def test_write_text_replaces_the_file_and_names_it_on_failure(tmp_path):
    path = tmp_path / ("x" * 250)  # a long name still leaves room for the temporary file
    io.write_text(path, "é\n")
    assert path.read_bytes() == "é\n".encode()
    assert os.listdir(tmp_path) == [path.name]
    with pytest.raises(ConfigError, match="cannot write .*no-such-folder"):
        io.write_text(tmp_path / "no-such-folder" / "f.txt", "x")


@pytest.mark.parametrize("argv, option, module, extra", [
    (["train", "--epochs", "3", "--plot", "run.png"], "--plot", "matplotlib", "plot"),
    (["explain", "seed003_math_problem", "--format", "html", "-o", "s.html"], "--format html",
     "latex2mathml", "explain"),
])
def test_a_missing_extra_is_found_before_the_work(tmp_path, argv, option, module, extra):
    # the console script's entry point, in an interpreter where the module cannot be imported
    script = (f"import sys; sys.modules[{module!r}] = None; from glassnet.cli import main; "
              "sys.exit(main())")
    done = subprocess.run([sys.executable, "-c", script, *argv], cwd=tmp_path, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""  # no training report, no solution: nothing was done
    assert done.stderr == (f"glassnet: error: {option} needs {module}, which is not "
                           f"installed: pip install 'glassnet[{extra}]'\n")
    assert os.listdir(tmp_path) == []


def test_explain_and_check_need_only_the_base_install(tmp_path):
    # PyYAML is a core dependency (pyproject.toml), so problem files need no extra
    import tomllib

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    core = {name.split(">")[0].split("=")[0] for name in project["project"]["dependencies"]}
    assert {"numpy", "pyyaml", "pandas"} <= core
    answers = tmp_path / "a.yaml"
    answers.write_text("cost: 0.5\n")
    script = ("import sys; sys.modules['latex2mathml'] = sys.modules['sklearn'] = "
              "sys.modules['matplotlib'] = None; from glassnet.cli import main; sys.exit(main())")
    for argv in (["explain", "seed003_math_problem"],
                 ["check", "seed003_math_problem", str(answers)]):
        done = subprocess.run([sys.executable, "-c", script, *argv], cwd=tmp_path, env=ENV,
                              capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr and "glassnet: error" not in done.stderr, argv
        assert done.stdout.strip(), argv
