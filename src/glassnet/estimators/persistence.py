"""An estimator as a file's contents: JSON metadata and NumPy arrays, and back.

The public protocol ``glassnet.save`` / ``glassnet.load`` use: ``est.glassnet_state()``
gives (meta, arrays); ``Class.from_glassnet_state(meta, arrays)`` rebuilds the estimator,
fitted exactly as it was. Nothing is pickled. What a fit left is the estimator's to say
(``est.save_state()``, ``Class.from_saved_state(params, state)``: objects in memory); this
module writes it as plain JSON and arrays and reads it back. A file is refused (``FileFormatError``)
when its parts do not fit together: the network's inputs against ``n_features_in_``, its
output units and output activation against the classes (1 unit for 2 classes, one per
class otherwise).
"""

import numbers

import numpy as np

from .. import optimizers
from ..errors import FileFormatError, GlassnetError, GlassnetTypeError
from ..network import Network
from ..registry import Named


def state_of(est):
    """(meta, arrays) of an estimator, fitted or not."""
    meta = {"class": type(est).__name__, "params": _json_params(est),
            "fitted": hasattr(est, "network_")}
    arrays = {}
    if meta["fitted"]:
        state = est.save_state()
        net = state["network"]
        meta.update(network=net.config(), n_features_in_=int(state["n_features_in_"]),
                    attributes={key: _to_json(value, key)
                                for key, value in state["attributes"].items()})
        if state["feature_names_in_"] is not None:
            meta["feature_names_in_"] = [str(name) for name in state["feature_names_in_"]]
        arrays["parameters"] = net.parameters
        arrays["best_parameters"] = state["best_parameters"]
        opt = state["optimizer"]
        if opt is not None:
            meta["optimizer"] = {"config": opt.config(), "t": opt.t, "state": sorted(opt.state)}
            arrays.update({f"optimizer.{key}": value for key, value in opt.state.items()})
        classes = state["classes"]
        if classes is not None:
            if classes.dtype == object:
                if not all(isinstance(c, str) for c in classes):
                    raise GlassnetTypeError(
                        "only numbers, booleans and strings can be saved as class labels; "
                        f"classes_ holds {sorted({type(c).__name__ for c in classes})}")
                classes = classes.astype(str)  # an open format holds no Python objects
            arrays["classes"] = classes
            meta["multilabel"] = state["multilabel"]
    return meta, arrays


def estimator_from(cls, meta, arrays):
    """The estimator of class ``cls`` that ``state_of`` described."""
    try:
        params = {key: _from_json(value) for key, value in meta["params"].items()}
        if not meta["fitted"]:
            return cls(**params)
        net = Network.from_config(meta["network"], arrays["parameters"])
        _check_fits(net, meta, arrays)
        stochastic = "optimizer" in meta or "loss_curve_" in meta["attributes"]
        return cls.from_saved_state(params, {
            "network": net, "attributes": meta["attributes"],
            "n_features_in_": int(meta["n_features_in_"]),
            "feature_names_in_": (np.array(meta["feature_names_in_"], dtype=object)
                                  if "feature_names_in_" in meta else None),
            "best_parameters": np.array(arrays["best_parameters"], dtype=net.dtype),
            "optimizer": _optimizer_from(meta["optimizer"], arrays) if stochastic else None,
            "classes": np.array(arrays["classes"]) if "classes" in arrays else None,
            "multilabel": bool(meta.get("multilabel"))})
    except GlassnetError:
        raise
    except (LookupError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise FileFormatError(
            f"the saved {cls.__name__} is incomplete or damaged ({type(exc).__name__}: "
            f"{exc}); save the estimator again") from None


def _optimizer_from(saved, arrays):
    """A stochastic fit's optimizer, with its step count t and running averages."""
    opt = optimizers.get(saved["config"])
    opt.t = int(saved["t"])
    opt.state = {key: np.array(arrays[f"optimizer.{key}"]) for key in saved["state"]}
    return opt


def _check_fits(net, meta, arrays):
    """Refuse a file whose network cannot be the estimator it says it is."""
    if net.n_x != meta["n_features_in_"]:
        raise FileFormatError(f"the file's network takes n_x = {net.n_x} inputs but says "
                              f"n_features_in_ = {meta['n_features_in_']!r}")
    if "best_parameters" not in arrays or np.shape(arrays["best_parameters"]) != (
            net.parameters.size,):
        raise FileFormatError("the file's best_parameters do not match the network's")
    if "classes" not in arrays:
        return
    k, n_out, output = len(arrays["classes"]), net.sizes[-1], net.output_activation.name
    multilabel = bool(meta.get("multilabel"))
    wanted = (k, "sigmoid") if multilabel else ((1, "sigmoid") if k == 2 else (k, "softmax"))
    if k < 2 or (n_out, output) != wanted:
        raise FileFormatError(
            f"the file's classifier has {k} class(es) but its network has n[L] = {n_out} "
            f"output unit(s) with a {output} output; {k} classes need {wanted[0]} unit(s) "
            f"with a {wanted[1]} output: the file is damaged or crafted")


def _to_json(value, name):
    """A value as JSON: tuples become lists, glassnet objects their config."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_to_json(v, name) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v, name) for k, v in value.items()}
    if isinstance(value, Named):
        return value.config()
    raise GlassnetTypeError(
        f"{name}={value!r} cannot be written to a file (it is a {type(value).__name__}); "
        f"set it to a plain value first, e.g. est.set_params({name}=0)")


def _json_params(est):
    return {name: _to_json(value, name) for name, value in est.get_params(deep=False).items()}


def _from_json(value):
    """JSON lists back to tuples (hidden_layer_sizes and per-layer activations)."""
    return tuple(_from_json(v) for v in value) if isinstance(value, list) else value
