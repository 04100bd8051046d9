"""The playground's protocol: every setting a page or a link may ask for, and its checks.

A browser tab talks to its session with small JSON messages (``{"type": "play"}``,
``{"type": "set", "settings": {"learningRate": 0.1}}``, ...) and keeps the whole state in
its URL hash, in TensorFlow Playground's own keys (``#activation=tanh&networkShape=4,2``).
Nothing the page sends is trusted: this module turns text into settings, or into a
``ConfigError`` that names the setting and says what is allowed. The limits on the
network's size live here, so a hand-edited link cannot exceed them.

Each setting has an *effect*, which tells the session what a change means:

* ``data``: new data and a network back at its starting weights (as TensorFlow Playground);
* ``network``: a new network, from the weight seed;
* ``live``: applied to the running training (learning rate, optimizer, activations, ...);
* ``view``: only how the page draws (shown test data, discretized output).
"""

import json
import math
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .. import expressions
from ..activations import activations as activation_registry
from ..errors import ConfigError
from ..optimizers import optimizers as optimizer_registry

#: the network's size limits (hidden layers, neurons per layer): TensorFlow Playground's
#: by default; "extended" (#63 of its tracker) is an opt-in, with hard caps the server
#: enforces whatever a link says (docs/playground.md gives what they cost in frame size)
LIMITS = {"tensorflow": (6, 8), "extended": (10, 16)}
MAX_HIDDEN_LAYERS, MAX_NEURONS = LIMITS["tensorflow"]
CAP_HIDDEN_LAYERS, CAP_NEURONS = LIMITS["extended"]
MAX_MESSAGE_CHARS = 16_384
MAX_HASH_CHARS = 4_096
MAX_UPLOAD_BYTES = 1_000_000
MAX_UPLOAD_ROWS = 5_000
#: uploaded values beyond ±this are refused: the view around them could not be drawn
MAX_UPLOAD_VALUE = 1e6
MAX_WEIGHT = 1_000.0
MAX_SEED = 2**32 - 1
_DIGITS = re.compile(r"[0-9]{1,12}")
_TF_SEED = re.compile(r"0\.[0-9]{1,9}")

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: epochs trained between two frames; 0 means as many as fit in one frame's time
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 0)

CLASSIFICATION_SETS = ("circle", "xor", "gauss", "spiral", "moons", "spiral3")
REGRESSION_SETS = ("reg-plane", "reg-gauss", "curve")
#: the data sets TensorFlow Playground has, drawn over its fixed square [-6, 6]²
TENSORFLOW_SETS = ("circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss")
UPLOAD = "upload"

#: TensorFlow Playground's URL key of each input feature → glassnet.datasets' name for it
FEATURES = {
    "x": "x1",
    "y": "x2",
    "xSquared": "x1^2",
    "ySquared": "x2^2",
    "xTimesY": "x1*x2",
    "sinX": "sin(x1)",
    "sinY": "sin(x2)",
}
#: the features that need a second input column
USES_X2 = ("y", "ySquared", "xTimesY", "sinY")

# softmax and the exponential are output activations (a distribution over classes, a
# Poisson rate): the page offers neither for hidden layers, where e^(e^z) soon overflows
HIDDEN_ACTIVATIONS = tuple(n for n in activation_registry.names()
                           if n not in ("softmax", "exponential"))
OPTIMIZERS = tuple(optimizer_registry.names())
RECIPES = ("glassnet", "tensorflow")
#: the loss of a classification in glassnet's recipe (TensorFlow's is squared error)
LOSSES = ("crossEntropy", "squaredError")

#: keys of TensorFlow Playground links that this playground accepts and does not use
IGNORED_KEYS = ("collectStats", "hideText", "tutorial", "cosX", "cosY")


# ---------------------------------------------------------------------- value parsers
def _choice(options):
    def parse(value, name):
        if isinstance(value, str) and value in options:
            return value
        raise ConfigError(f"{name} must be one of {', '.join(options)}; got {value!r}")
    return parse


def _boolean(value, name):
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ConfigError(f"{name} must be true or false; got {value!r}")


def _integer(low, high):
    def parse(value, name):
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses
        if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (
                low <= value <= high):
            raise ConfigError(f"{name} must be a whole number from {low} to {high}; "
                              f"got {value!r}")
        return int(value)
    return parse


def _number(value, name):
    """A finite float from a JSON number or a decimal string (never bool, NaN or inf)."""
    if isinstance(value, str) and len(value) <= 32:
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not _finite(value):
        shown = f"a number of {len(str(value))} digits" if isinstance(value, int) else repr(value)
        raise ConfigError(f"{name} must be a finite number; got {shown}")
    return float(value)


def _finite(value):
    """True for a real number that is finite as a float (a huge integer is not)."""
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond the largest float, ±1.8e308
        return False


def _number_between(low, high):
    def parse(value, name):
        number = _number(value, name)
        if not low <= number <= high:
            raise ConfigError(f"{name} must be from {low:g} to {high:g}; got {value!r}")
        return number
    return parse


def _seed(value, name):
    """A whole number 0 … MAX_SEED, or TensorFlow Playground's seed: a decimal fraction
    such as "0.06373" (its Math.random().toFixed(5)), taken as the whole number its
    digits after "0." spell (6373), so that its links open as they are."""
    if isinstance(value, str) and _TF_SEED.fullmatch(value.strip()):
        value = value.strip()[2:].lstrip("0") or "0"
    return _integer(0, MAX_SEED)(value, name)


def _one_of_numbers(options):
    def parse(value, name):
        number = _number(value, name)
        for option in options:
            if math.isclose(number, option, rel_tol=1e-9, abs_tol=1e-12):
                return option
        listed = ", ".join(f"{o:g}" for o in options)
        raise ConfigError(f"{name} must be one of {listed}; got {value!r}")
    return parse


def _items(value, name):
    """A list from a JSON list or a comma-separated string ("4,2"; "" is the empty list)."""
    if isinstance(value, str):
        return [v for v in value.split(",") if v != ""] if value.strip() else []
    if isinstance(value, list):
        return value
    raise ConfigError(f"{name} must be a list or comma-separated text; got {value!r}")


def _network_shape(value, name):
    """Hidden layer sizes as whole numbers, at most the hard cap of layers (``check_settings``
    then holds them to the state's own limits)."""
    items = _items(value, name)
    if len(items) > CAP_HIDDEN_LAYERS:
        raise ConfigError(f"{name}: at most {MAX_HIDDEN_LAYERS} hidden layers "
                          f"({CAP_HIDDEN_LAYERS} with limits=extended); got {len(items)}")
    return [_neurons(n, f"{name}: the neurons of hidden layer {i}") for i, n in
            enumerate(items, 1)]


def _neurons(value, name):
    try:
        return _integer(1, CAP_NEURONS)(value, name)
    except ConfigError:
        raise ConfigError(f"{name} must be a whole number from 1 to {MAX_NEURONS} "
                          f"({CAP_NEURONS} with limits=extended); got {value!r}") from None


def _check_limits(state):
    """Refuse a network beyond the state's limits, saying how to go further."""
    layers, neurons = LIMITS[state["limits"]]
    shape = state["networkShape"]
    beyond = ("" if state["limits"] == "extended" else
              f" (limits=extended allows up to {CAP_HIDDEN_LAYERS} and {CAP_NEURONS})")
    for name in ("networkShape", "activations"):
        if len(state[name]) > layers:
            raise ConfigError(f"{name}: at most {layers} hidden layers{beyond}; "
                              f"got {len(state[name])}")
    for i, n in enumerate(shape, 1):
        if n > neurons:
            raise ConfigError(f"networkShape: the neurons of hidden layer {i} must be a whole "
                              f"number from 1 to {neurons}{beyond}; got {n}")


def _expression(value, name):
    """A custom input feature: "" (none), or a formula ``expressions.parse`` accepts."""
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a formula of x1 and x2 as text; got {value!r}")
    if value.strip():
        expressions.parse(value.strip())
    return value.strip()


def _activation_list(value, name):
    items = _items(value, name)
    if len(items) > CAP_HIDDEN_LAYERS:
        raise ConfigError(f"{name}: at most {MAX_HIDDEN_LAYERS} hidden layers "
                          f"({CAP_HIDDEN_LAYERS} with limits=extended); got {len(items)}")
    parse = _choice(HIDDEN_ACTIVATIONS)
    return [parse(g, f"{name}: hidden layer {i}") for i, g in enumerate(items, 1)]


# ---------------------------------------------------------------------- the settings
@dataclass(frozen=True)
class Setting:
    """One entry of the page's state: its default, its parser, what a change does."""

    name: str
    default: Any
    parse: Callable[[Any, str], Any]
    effect: str


SETTINGS = {s.name: s for s in [
    Setting("problem", "classification", _choice(("classification", "regression")), "data"),
    Setting("dataset", "circle", _choice(CLASSIFICATION_SETS), "data"),
    Setting("regDataset", "reg-plane", _choice(REGRESSION_SETS), "data"),
    Setting("noise", 0, _integer(0, 50), "data"),
    Setting("percTrainData", 50, _integer(10, 90), "data"),
    Setting("seed", 0, _seed, "data"),
    Setting("limits", "tensorflow", _choice(tuple(LIMITS)), "view"),
    Setting("networkShape", [4, 2], _network_shape, "network"),
    Setting("recipe", "glassnet", _choice(RECIPES), "network"),
    Setting("loss", "crossEntropy", _choice(LOSSES), "network"),
    Setting("initZero", False, _boolean, "network"),
    Setting("initSeed", 0, _integer(0, MAX_SEED), "network"),
    *[Setting(key, key in ("x", "y"), _boolean, "network") for key in FEATURES],
    # one more input feature: a formula of x1 and x2 ("" = none), glassnet.expressions
    Setting("customFeature", "", _expression, "network"),
    Setting("activation", "tanh", _choice(HIDDEN_ACTIVATIONS), "live"),
    Setting("activations", ["tanh", "tanh"], _activation_list, "live"),
    # TensorFlow Playground's wire/link name of the library's learning_rate, α
    Setting("learningRate", 0.03, _one_of_numbers(LEARNING_RATES), "live"),
    Setting("regularization", "none", _choice(("none", "L1", "L2")), "live"),
    # TensorFlow's rate r: the session sets the network's λ = r·B (playground.session)
    Setting("regularizationRate", 0.0, _one_of_numbers(REGULARIZATION_RATES), "live"),
    Setting("optimizer", "sgd", _choice(OPTIMIZERS), "live"),
    Setting("batchSize", 10, _integer(1, 30), "live"),
    Setting("speed", 2, _one_of_numbers(SPEEDS), "live"),
    # stop conditions (0 = none): at this epoch, at test loss <= x, at test accuracy
    # (R² for regression) >= y; checked after every epoch
    Setting("stopEpoch", 0, _integer(0, 10**7), "live"),
    Setting("stopLoss", 0.0, _number_between(0.0, 1e6), "live"),
    Setting("stopScore", 0.0, _number_between(0.0, 1.0), "live"),
    Setting("showTestData", False, _boolean, "view"),
    Setting("discretize", False, _boolean, "view"),
]}

#: what a classroom link may hide with ``<control>_hide=true``: every setting, and these
HIDEABLE = (*SETTINGS, "playButton", "stepButton", "resetButton", "newWeightsButton",
            "regenerate", "numHiddenLayers", "features", "upload", "export", "explain",
            # TensorFlow's own keys for the +/− buttons of hidden layer l
            *(f"numNodes{l}" for l in range(1, CAP_HIDDEN_LAYERS + 1)),
            "lossChart")


#: the values the page offers in its drop-downs and thumbnails
CHOICES = {
    "learningRate": LEARNING_RATES,
    "regularizationRate": REGULARIZATION_RATES,
    "activation": HIDDEN_ACTIVATIONS,
    "regularization": ("none", "L1", "L2"),
    "problem": ("classification", "regression"),
    "optimizer": OPTIMIZERS,
    "recipe": RECIPES,
    "loss": LOSSES,
    "limits": tuple(LIMITS),
    "speed": SPEEDS,
    "dataset": CLASSIFICATION_SETS,
    "regDataset": REGRESSION_SETS,
}


def defaults():
    """A fresh copy of the default state (TensorFlow Playground's defaults)."""
    state = {name: (list(s.default) if isinstance(s.default, list) else s.default)
             for name, s in SETTINGS.items()}
    state["hidden"] = []
    return state


def check_settings(changes, state):
    """Check a dict of changes against ``state``; return the new state (a copy).

    All or nothing: the first bad value raises a ``ConfigError`` and nothing changes.
    Setting ``activation`` sets every hidden layer's; a new ``networkShape`` keeps each
    layer's activation where the layer still exists and gives new layers ``activation``.
    """
    if not isinstance(changes, dict):
        raise ConfigError(f"settings must be an object of name: value; got {changes!r}")
    new = {**state, "networkShape": list(state["networkShape"]),
           "activations": list(state["activations"])}
    for name, value in changes.items():
        if name not in SETTINGS:
            raise ConfigError(f"unknown setting {name!r}; valid settings are: "
                              f"{', '.join(SETTINGS)}")
        new[name] = SETTINGS[name].parse(value, name)
    if "activation" in changes and "activations" not in changes:
        new["activations"] = [new["activation"]] * len(new["networkShape"])
    _check_limits(new)
    return _fit_activations(new)


def _fit_activations(state):
    """Make the per-layer activations one per hidden layer (new layers get ``activation``)."""
    n = len(state["networkShape"])
    acts = state["activations"][:n]
    state["activations"] = acts + [state["activation"]] * (n - len(acts))
    return state


def effects(old, new):
    """The set of effects ({"data", "network", "live", "view"}) of going from old to new."""
    return {SETTINGS[name].effect for name in SETTINGS if old[name] != new[name]}


# ---------------------------------------------------------------------- the URL hash
def parse_hash(text):
    """The state a URL hash asks for, and the list of problems found on the way.

    Each bad value is reported and replaced by its default, so that a link with one typo
    still opens; keys are TensorFlow Playground's (its links open here).
    """
    state, problems = defaults(), []
    if not isinstance(text, str):
        return state, [f"the link's settings must be text; got {type(text).__name__}"]
    text = text[1:] if text.startswith("#") else text
    if len(text) > MAX_HASH_CHARS:
        return state, [f"the link's settings are {len(text)} characters long; the limit is "
                       f"{MAX_HASH_CHARS}, so the defaults are used"]
    pairs = parse_qsl(text, keep_blank_values=True)
    # the limits come first and per-layer activations win over the common one, whatever
    # the order in the link
    pairs.sort(key=lambda pair: (pair[0] != "limits", pair[0] == "activations"))
    for key, value in pairs:
        if key.endswith("_hide"):
            control = key[:-len("_hide")]
            if control not in HIDEABLE:
                problems.append(f"{key}: there is no control {control!r} to hide")
            elif value == "true" and control not in state["hidden"]:
                state["hidden"].append(control)
            continue
        if key in IGNORED_KEYS:
            continue
        if key == "dataset" and value == UPLOAD:
            problems.append("uploaded data is not stored in the link: upload the file again")
            continue
        try:
            state = check_settings({key: value}, state)
        except ConfigError as exc:
            problems.append(str(exc))
    return _fit_activations(state), problems


def to_hash(state):
    """The URL hash (without '#') that reproduces ``state``."""
    pairs = []
    for name in SETTINGS:
        value = state[name]
        if name == "activations" and len(set(value)) <= 1:
            continue  # all layers alike: 'activation' says it, as in TensorFlow's links
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, float):
            value = f"{value:g}"
        pairs.append((name, value))
    pairs = [(k, v) for k, v in pairs if v != UPLOAD]  # an upload is not in the link
    pairs += [(f"{control}_hide", "true") for control in state["hidden"]]
    return urlencode(pairs, safe=",")


# ---------------------------------------------------------------------- messages
def _field(message, key, parse, name=None):
    if key not in message:
        raise ConfigError(f"a {message['type']!r} message needs a {key!r} field")
    return parse(message[key], name or key)


def _index(value, name):
    return _integer(0, 10_000)(value, name)


def _weight(value, name):
    value = _number(value, name)
    if abs(value) > MAX_WEIGHT:
        raise ConfigError(f"{name} must lie between -{MAX_WEIGHT:g} and {MAX_WEIGHT:g}; "
                          f"got {value:g}")
    return value


def _coordinate(value, name):
    value = _number(value, name)
    if abs(value) > 1e6:
        raise ConfigError(f"{name} must lie between -1e6 and 1e6; got {value:g}")
    return value


def _parse_init(m):
    return {"hash": m.get("hash", "")}


def _parse_set(m):
    settings = _field(m, "settings", lambda v, n: v)
    if not isinstance(settings, dict):
        raise ConfigError(f"'settings' must be an object of name: value; got {settings!r}")
    # the page numbers its changes; state messages echo the last one handled ("ack")
    seq = _integer(0, 2**53)(m["seq"], "seq") if "seq" in m else 0
    return {"settings": settings, "seq": seq}


def _parse_edit(m):
    kind = _field(m, "kind", _choice(("W", "b")))
    layer = _field(m, "layer", _integer(1, CAP_HIDDEN_LAYERS + 1))
    row = _field(m, "row", _index)
    col = _field(m, "col", _index) if kind == "W" else 0
    value = _field(m, "value", _weight, f"the new value of {kind}[{layer}]")
    return {"kind": kind, "layer": layer, "row": row, "col": col, "value": value}


def _parse_explain(m):
    return {"layer": _field(m, "layer", _integer(1, CAP_HIDDEN_LAYERS + 1)),
            "unit": _field(m, "unit", _index),
            "x1": _field(m, "x1", _coordinate), "x2": _field(m, "x2", _coordinate)}


def _parse_focus(m):
    """The neuron the page shows large (its map is sent at full size), or none: layer null."""
    if m.get("layer") is None:
        return {"layer": None, "unit": 0}
    return {"layer": _field(m, "layer", _integer(1, MAX_HIDDEN_LAYERS + 1)),
            "unit": _field(m, "unit", _index)}


def _no_fields(m):
    return {}


MESSAGES = {
    "init": _parse_init,
    "set": _parse_set,
    "play": _no_fields,
    "pause": _no_fields,
    "step": _no_fields,
    "reset": _no_fields,
    "newWeights": _no_fields,
    "regenerate": _no_fields,
    "edit": _parse_edit,
    "explain": _parse_explain,
    "focus": _parse_focus,
}


def parse_message(text):
    """A checked message ``{"type": ..., **fields}`` from the text a page sent.

    Raises ``ConfigError`` for text that is too long, not JSON, not an object, of an
    unknown type, or with a missing or bad field.
    """
    if not isinstance(text, str):
        raise ConfigError("messages must be JSON text, not binary data")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ConfigError(f"message of {len(text)} characters refused; the limit is "
                          f"{MAX_MESSAGE_CHARS}")
    try:
        message = json.loads(text)
    except RecursionError:  # "[[[[…": nested deeper than the parser goes
        raise ConfigError("message is nested too deeply to be one of the playground's") from None
    except ValueError as exc:
        raise ConfigError(f"message is not valid JSON: {exc}") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ConfigError('a message must be a JSON object with a "type" field, '
                          f"one of {', '.join(MESSAGES)}")
    kind = message["type"]
    if kind not in MESSAGES:
        raise ConfigError(f"unknown message type {kind[:40]!r}; valid types are: "
                          f"{', '.join(MESSAGES)}")
    return {"type": kind, **MESSAGES[kind](message)}
