"""The public API carries type hints (mypy checks them in CI: `python -m mypy`)."""

import inspect

import pytest

import glassnet as gn
from glassnet import (
    activations,
    callbacks,
    datasets,
    diagnostics,
    display,
    explain,
    gradcheck,
    history,
    io,
    losses,
    metrics,
    optimizers,
    plotting,
    regularization,
    schedules,
    training,
    validation,
)


def _public_callables():
    modules = [datasets, metrics, plotting, display, validation, gradcheck]
    for module in modules:
        for name in getattr(module, "__all__", dir(module)):
            obj = getattr(module, name)
            if (inspect.isfunction(obj) and not name.startswith("_")
                    and obj.__module__ == module.__name__):
                yield f"{module.__name__}.{name}", obj
    yield "glassnet.io.save", io.save
    yield "glassnet.io.load", io.load
    yield "glassnet.diagnostics.diagnose", diagnostics.diagnose
    for name in ("train", "split_validation"):
        yield f"glassnet.training.{name}", getattr(training, name)
    for name in ("trace", "check", "load_answers", "load_problem", "problem_from_dict",
                 "examples", "example_path", "find"):
        yield f"glassnet.explain.{name}", getattr(explain, name)
    yield "glassnet.optimizers.get", optimizers.get
    yield "glassnet.schedules.get", schedules.get
    yield "glassnet.regularization.penalty", regularization.penalty
    yield "glassnet.regularization.add_gradient", regularization.add_gradient
    for cls in (activations.Activation, losses.Loss, optimizers.Optimizer, optimizers.Momentum, optimizers.ClassicMomentum,
                optimizers.RMSProp, optimizers.Adam, schedules.Schedule, schedules.Constant,
                schedules.InverseTime, schedules.Exponential, schedules.Step,
                gn.Network, history.History, training.FitState, callbacks.Callback,
                callbacks.EarlyStopping, callbacks.ModelCheckpoint, callbacks.CSVLogger,
                diagnostics.Report, gradcheck.GradientCheck):
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


def test_ci_runs_mypy_before_the_readmes_test_command():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    commands = [line.strip() for line in (root / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    readme = (root / "README.md").read_text()
    assert commands[-1] == "python -m pip install -q -e '.[test]' && python -m pytest -q -p no:cacheprovider"
    assert "python -m pip install -e '.[test]' && python -m pytest" in readme
    assert "python -m mypy" in commands[:-1]
