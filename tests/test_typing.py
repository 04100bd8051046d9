"""The public API carries type hints (mypy checks them in CI: `python -m mypy`)."""

import inspect

import pytest

import glassnet as gn
from glassnet import (
    callbacks,
    datasets,
    diagnostics,
    display,
    explain,
    history,
    io,
    metrics,
    plotting,
    training,
    validation,
)


def _public_callables():
    modules = [datasets, metrics, plotting, display, validation]
    for module in modules:
        for name in getattr(module, "__all__", dir(module)):
            obj = getattr(module, name)
            if (inspect.isfunction(obj) and not name.startswith("_")
                    and obj.__module__ == module.__name__):
                yield f"{module.__name__}.{name}", obj
    yield "glassnet.io.save", io.save
    yield "glassnet.io.load", io.load
    yield "glassnet.diagnostics.diagnose", diagnostics.diagnose
    for name in ("train", "split_validation", "check_metrics", "metric_value"):
        yield f"glassnet.training.{name}", getattr(training, name)
    for name in ("trace", "check", "load_answers", "load_problem", "problem_from_dict",
                 "examples", "example_path", "find"):
        yield f"glassnet.explain.{name}", getattr(explain, name)
    for cls in (gn.Network, history.History, training.FitState, callbacks.Callback,
                callbacks.EarlyStopping, callbacks.ModelCheckpoint, callbacks.CSVLogger,
                diagnostics.Report):
        for name, member in vars(cls).items():
            if name.startswith("_") and name not in ("__init__", "_repr_html_"):
                continue
            function = member.fget if isinstance(member, property) else member
            function = getattr(function, "__func__", function)  # classmethods
            if inspect.isfunction(function):
                yield f"{cls.__name__}.{name}", function


CALLABLES = dict(_public_callables())


def test_the_list_reaches_every_part_of_the_api():
    assert {"Network.fit", "Network.from_parameters", "Network.W", "History.cost",
            "glassnet.training.train", "glassnet.io.save", "glassnet.io.load",
            "glassnet.datasets.playground", "glassnet.explain.trace",
            "glassnet.plotting.cost_curve", "EarlyStopping.__init__"} <= set(CALLABLES)


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_every_parameter_and_the_return_value_is_annotated(name):
    signature = inspect.signature(CALLABLES[name])
    missing = [p.name for p in signature.parameters.values()
               if p.annotation is inspect.Parameter.empty and p.name not in ("self", "cls")]
    assert not missing, f"{name}: parameters without a type hint: {missing}"
    assert signature.return_annotation is not inspect.Signature.empty, \
        f"{name}: no return type"
