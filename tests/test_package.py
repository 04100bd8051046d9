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
