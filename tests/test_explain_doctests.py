"""The docstring examples of the explain package run, and say what they print."""

import doctest
import importlib
import pkgutil

import pytest

import glassnet.explain

MODULES = ["glassnet.explain"] + [f"glassnet.explain.{m.name}" for m in
                                  pkgutil.iter_modules(glassnet.explain.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples fail"


def test_the_package_docstring_has_examples_that_run():
    finder = doctest.DocTestFinder()
    examples = sum(len(t.examples) for t in finder.find(glassnet.explain))
    assert examples >= 8  # the package docstring's examples, none skipped
    assert "+SKIP" not in glassnet.explain.__doc__
