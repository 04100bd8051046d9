"""validation.check_fraction: the one owner of "a number in [0, 1)" (optimizers' β, μ, ρ
and the estimators' fractions)."""

import pytest

import glassnet as gn
from glassnet.errors import ConfigError
from glassnet.validation import check_fraction


@pytest.mark.parametrize("value", [0, 0.0, 0.5, 0.999999, 1 - 2**-53])
def test_a_fraction_in_the_half_open_interval_is_kept_as_a_float(value):
    assert check_fraction(value, "β") == float(value)
    assert type(check_fraction(value, "β")) is float


@pytest.mark.parametrize("value", [1, 1.0, 1.5, -0.0001, float("nan"), float("inf"), True,
                                   "0.5", None])
def test_anything_else_is_refused_naming_the_setting(value):
    with pytest.raises(ConfigError, match="Adam β₁ must be"):
        check_fraction(value, "Adam β₁")


def test_zero_is_refused_when_the_interval_is_open():
    with pytest.raises(ConfigError, match=r"validation_fraction must be in \(0, 1\), got 0.0"):
        check_fraction(0, "validation_fraction", zero=False)
    assert check_fraction(0.25, "validation_fraction", zero=False) == 0.25


@pytest.mark.parametrize("spec, name", [({"name": "momentum", "beta": 1.0}, "momentum β"),
                                        ({"name": "classic_momentum", "momentum": 1.0},
                                         "momentum μ"),
                                        ({"name": "rmsprop", "rho": 1.0}, "RMSProp ρ"),
                                        ({"name": "adam", "beta_2": 1.0}, "Adam β₂")])
def test_every_optimizer_decay_uses_it(spec, name):
    with pytest.raises(ConfigError, match=rf"{name} must be in \[0, 1\), got 1.0"):
        gn.optimizers.get(spec)
