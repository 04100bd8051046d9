"""Every docstring example in the library's modules outside explain/ runs and prints what
it says (explain/ has its own: tests/test_explain_doctests.py)."""

import doctest
import importlib
import pkgutil

import pytest

import glassnet

MODULES = [f"glassnet.{m.name}" for m in pkgutil.iter_modules(glassnet.__path__)
           if m.name not in ("explain", "__main__")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples fail"


def test_the_modules_with_examples_are_among_those_run():
    with_examples = {name for name in MODULES
                     if any(t.examples for t in doctest.DocTestFinder().find(
                         importlib.import_module(name)))}
    assert {"glassnet.network", "glassnet.datasets", "glassnet.io"} <= with_examples
