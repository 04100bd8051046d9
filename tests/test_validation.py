"""validation.check_fraction: the one owner of "a number in [0, 1)" (optimizers' β, μ, ρ
and the estimators' fractions)."""

import pytest

import glassnet as gn
from glassnet import optimizers
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
        optimizers.get(spec)


@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_a_whole_number_beyond_any_float_is_refused_not_a_numpy_error(value):
    # NumPy's isfinite raised a TypeError on it; float() an OverflowError
    from glassnet.validation import check_learning_rate, check_non_negative, check_number

    for check in (check_learning_rate, check_non_negative, check_fraction,
                  lambda v, name: check_number(v, name, 0, 1)):
        with pytest.raises(ConfigError, match="the rate must be a finite number"):
            check(value, "the rate")
    with pytest.raises(ConfigError, match="learning rate α must be a finite number > 0"):
        gn.Network([1, 1]).fit([[0.0]], [[1.0]], learning_rate=value, epochs=1)
