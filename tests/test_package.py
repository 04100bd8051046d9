"""The package itself: what ``import glassnet`` loads, lazy names, and ``python -m glassnet``."""

import subprocess
import sys

import pytest

import glassnet as gn


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def test_import_loads_no_extra_and_no_file_machinery():
    result = run_python(
        "import sys, glassnet\n"
        "heavy = ['sklearn', 'matplotlib', 'starlette', 'yaml', 'glassnet.io',\n"
        "         'glassnet.datasets', 'glassnet.estimators', 'glassnet.explain', 'hashlib', 'csv']\n"
        "print([m for m in heavy if m in sys.modules])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_lazy_names_resolve():
    assert gn.save is gn.io.save and gn.load is gn.io.load
    assert gn.datasets.playground is not None
    assert gn.MLPClassifier.__module__ == "glassnet.estimators"
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        gn.nothing  # noqa: B018


def test_a_missing_extra_names_the_command_to_install_it():
    result = run_python(
        "import sys\n"
        "sys.modules['sklearn'] = None  # as if scikit-learn were not installed\n"
        "import glassnet\n"
        "try:\n"
        "    glassnet.MLPClassifier\n"
        "except ImportError as exc:\n"
        "    print(exc)\n")
    assert result.returncode == 0, result.stderr
    assert "glassnet.MLPClassifier needs sklearn: pip install 'glassnet[sklearn]'" in result.stdout


def test_python_dash_m_glassnet():
    result = subprocess.run([sys.executable, "-m", "glassnet", "--help"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0
    for command in ("train", "predict", "info", "explain", "check", "playground"):
        assert command in result.stdout


def test_the_package_docstring_example_runs():
    import doctest

    result = doctest.testmod(gn, verbose=False)
    assert result.attempted >= 6 and result.failed == 0


def test_dir_and_all_list_the_lazily_imported_names():
    listed = dir(gn)
    for name in ("MLPClassifier", "MLPRegressor", "LinearRegression", "LogisticRegression",
                 "save", "load", "datasets", "explain", "plotting"):
        assert name in listed and name in gn.__all__
    for name in gn.__all__:
        assert getattr(gn, name) is not None


def test_the_version_is_written_once():
    from importlib.metadata import version

    assert version("glassnet") == gn.__version__
    import pathlib

    pyproject = pathlib.Path(__file__).parents[1] / "pyproject.toml"
    assert gn.__version__ not in pyproject.read_text()


def test_the_wheel_ships_the_licence_and_py_typed(tmp_path):
    import pathlib
    import zipfile

    root = pathlib.Path(__file__).parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(root)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("glassnet-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "glassnet/py.typed" in names
    licence = [n for n in names if n.endswith("licenses/LICENSE")]
    assert licence, names
    text = zipfile.ZipFile(wheel).read(licence[0]).decode()
    assert text.startswith("MIT License")
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert f"Version: {gn.__version__}" in metadata
