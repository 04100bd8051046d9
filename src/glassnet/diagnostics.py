"""Diagnostics: the troubles the notes warn about, looked for in a network and some data.

``diagnose(net, X, Y=None)`` runs one forward pass on X (and, given Y, one backward pass)
and reports, layer by layer in the notes' numbering:

* **symmetric units**: hidden units of layer l whose rows of W[l] and entries of b[l] are
  equal. They compute the same a[l] for every example; when their outgoing weights in
  W[l+1] are equal too (as after zero initialization) they also get the same gradients
  and stay identical forever: the notes' symmetry problem.
* **dead units**: ReLU units whose z is never positive on the data. ReLU'(z) = 0 for
  z ≤ 0, so no gradient passes through them and their weights never change.
* **saturated units**: sigmoid or tanh hidden units whose |z| is so large on most examples
  that g'(z) is below 1% of its peak (σ'(0) = 1/4, tanh'(0) = 1): the "gradient close to 0"
  that the notes say slows gradient descent down.
* **vanishing or exploding gradients** (needs Y), judged three ways for each layer:
  against the output layer, ‖dW[l]‖ far smaller (or larger) than ‖dW[L]‖; on the way
  back, dZ[l] far smaller (or larger) than dZ[L] (root mean squares), which catches a deep
  network whose every ‖dW[l]‖ is equally tiny or huge; and on the layer's own scale:
  one step of α (0.01 unless told) would move W[l] by more than its own size,
  α‖dW[l]‖ > ‖W[l]‖ (or > the ‖W[l]‖ of a healthy He/Xavier start, when W[l] is
  smaller). A 10-layer linear network of width 4 with N(0, 1) weights is caught by the
  last: every layer multiplies the signal by about √4 = 2 on the way forward and on the
  way back, so each ‖dW[l]‖ is hundreds to millions of times ‖W[l]‖ ≈ 4, while the ratio
  ‖dW[l]‖ / ‖dW[L]‖ stays moderate. A gradient is not called vanishing for its absolute
  size: near a minimum every gradient is small, so vanishing is judged only relative to
  the output layer.

Each finding names its layer and units (counting from 1, as a₁[1], a₂[1], …) and gives a
hint. The network's parameters are not changed; only its caches of Z, A, dZ, dW are
overwritten by the passes.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import initializers
from .display import html_table, text_table
from .errors import GlassnetTypeError
from .network import Network
from .validation import check_learning_rate, check_non_negative

_SATURATING = ("sigmoid", "tanh")
_RELU = ("relu",)


@dataclass(frozen=True)
class Finding:
    """One problem: its ``kind``, the ``layer`` l and ``units`` (from 1), and what to do.

    ``kind`` is one of "symmetric", "dead", "saturated", "vanishing_gradient",
    "exploding_gradient". ``units`` is empty when the finding is about a whole layer.
    """

    kind: str
    layer: int
    units: tuple
    message: str
    hint: str

    def __str__(self):
        return f"{self.message}\n  hint: {self.hint}"


@dataclass(frozen=True)
class LayerStats:
    """What was measured on layer l: how many units are dead or saturated, ‖W[l]‖, ‖dW[l]‖.

    Norms are Frobenius norms; ``gradient_norm`` is None when no Y was given.
    """

    layer: int
    activation: str
    units: int
    dead: int
    saturated: int
    weight_norm: float
    gradient_norm: float | None


class Report:
    """The findings of ``diagnose``, and the per-layer measurements they come from.

    A report is a sequence of ``Finding`` (``len(report) == 0`` means nothing was found);
    ``report.layers`` holds one ``LayerStats`` per layer; ``str(report)`` is a readable
    table followed by the findings and their hints.
    """

    def __init__(self, findings: Iterable[Finding], layers: Iterable[LayerStats], m: int,
                 gradients_checked: bool) -> None:
        self.findings = list(findings)
        self.layers = list(layers)
        self.m = m
        self.gradients_checked = gradients_checked

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __getitem__(self, i: int) -> Finding:
        return self.findings[i]

    def kinds(self) -> list[str]:
        """The kinds found, each once, in the order found."""
        return list(dict.fromkeys(f.kind for f in self.findings))

    def __repr__(self):
        return f"<Report: {len(self)} finding(s) {self.kinds()}>"

    def __str__(self) -> str:
        caption, rows, notes = self._parts()
        return "\n".join([caption, *text_table(rows, indent="  "), *notes])

    def _repr_html_(self) -> str:
        """The table and the findings as HTML, for a Jupyter notebook."""
        caption, rows, notes = self._parts()
        return html_table(rows, caption, notes)

    def _parts(self) -> tuple[str, list[tuple[str, ...]], list[str]]:
        """The report's caption line, its table's rows (the first the header) and the lines
        after the table: the findings, each run of findings with one hint showing it once."""
        head = ("layer", "g", "units", "dead", "saturated", "‖W[l]‖", "‖dW[l]‖")
        rows: list[tuple[str, ...]] = [head, *(
            (str(s.layer), s.activation, str(s.units), str(s.dead), str(s.saturated),
             f"{s.weight_norm:.3g}",
             "" if s.gradient_norm is None else f"{s.gradient_norm:.3g}")
            for s in self.layers)]
        caption = (f"Diagnostics on m = {self.m} examples"
                   + ("" if self.gradients_checked else " (gradients not checked: pass Y)"))
        if not self.findings:
            return caption, rows, ["no problems found"]
        notes = [f"{len(self.findings)} problem(s) found:"]
        for i, finding in enumerate(self.findings):
            notes.append(f"- {finding.message}")
            last = i + 1 == len(self.findings) or self.findings[i + 1].hint != finding.hint
            if last:
                notes.append(f"  hint: {finding.hint}")
        return caption, rows, notes


def diagnose(net: Network, X: ArrayLike, Y: ArrayLike | None = None, *,
             saturation: float = 0.01, fraction: float = 0.9,
             gradient_ratio: float = 1e3, learning_rate: float = 0.01) -> Report:
    """Look for symmetric, dead and saturated units (and, given Y, gradient trouble).

    X has shape (n_x, m) and Y shape (n[L], m), as for training. A sigmoid/tanh unit is
    saturated when g'(z) < ``saturation`` × its peak on more than ``fraction`` of the
    examples; a layer's gradient vanishes (explodes) when ‖dW[l]‖ or RMS(dZ[l]) is more than
    ``gradient_ratio`` times smaller (larger) than at the output layer, and explodes too
    when one step of ``learning_rate`` α would move W[l] by more than its own size,
    α‖dW[l]‖ > ‖W[l]‖ (or > the ‖W[l]‖ of a healthy start, if that is larger). Returns a
    ``Report``.
    """
    if not isinstance(net, Network):
        raise GlassnetTypeError(
            f"diagnose needs a glassnet Network, got {type(net).__name__}; for a fitted "
            "estimator pass its network: diagnose(est.network_, X.T, Y.T)"
        )
    saturation = check_non_negative(saturation, "saturation")
    fraction = check_non_negative(fraction, "fraction")
    gradient_ratio = check_non_negative(gradient_ratio, "gradient_ratio")
    learning_rate = check_learning_rate(learning_rate)
    net.forward(X)  # checks X; fills net.Z[l] and net.A[l]
    grad_norms = None
    if Y is not None:
        net.backward(Y)  # checks Y; fills net.dW[l] (and leaves Z[l], A[l] as they were)
        grad_norms = [None] + [float(np.linalg.norm(net.dW[l])) for l in range(1, net.L + 1)]

    findings: list[Finding] = []
    stats: list[LayerStats] = []
    for l in range(1, net.L + 1):
        g = net.layers[l - 1].activation
        hidden = l < net.L
        symmetric = _symmetric_units(net, l) if hidden else []
        dead = _dead_units(l, net.Z[l]) if g.name in _RELU else []
        saturated = (_saturated_units(net, l, net.Z[l], net.A[l], saturation, fraction)
                     if hidden and g.name in _SATURATING else [])
        findings += symmetric + dead + saturated
        stats.append(LayerStats(
            layer=l, activation=g.name, units=net.sizes[l],
            dead=sum(len(f.units) for f in dead),
            saturated=sum(len(f.units) for f in saturated),
            weight_norm=float(np.linalg.norm(net.W[l])),
            gradient_norm=None if grad_norms is None else grad_norms[l],
        ))
    if grad_norms is not None:
        findings += _gradient_findings(net, grad_norms, gradient_ratio, learning_rate)
    return Report(findings, stats, net.A[0].shape[1], grad_norms is not None)


# ------------------------------------------------------------------------------- checks
def _units_text(units, l):
    """'unit 3 of layer 1' or 'units 1, 2 and 4 of layer 1'."""
    if len(units) == 1:
        return f"unit {units[0]} of layer {l}"
    listed = ", ".join(str(u) for u in units[:-1]) + f" and {units[-1]}"
    return f"units {listed} of layer {l}"


def _initializer_for(net, l):
    """The usual random initializer for layer l's activation (He or Xavier/Glorot)."""
    return initializers.default_for(net.layers[l - 1].activation.name).name


def _close(M, reference):
    """Entry-wise M == reference up to rounding: within √ε of the dtype, relatively.

    Units that start out equal get equal updates, but BLAS may sum different rows in a
    different order, so after training they can differ in the last bits.
    """
    tolerance = np.sqrt(np.finfo(M.dtype).eps)
    return np.abs(M - reference) <= tolerance * (1.0 + np.abs(reference))


def _symmetric_units(net, l):
    """Groups of hidden units of layer l with equal rows of [W[l] | b[l]]."""
    rows = np.hstack([net.W[l], net.b[l]])
    findings, grouped = [], np.zeros(rows.shape[0], dtype=bool)
    for i in range(rows.shape[0]):
        if grouped[i]:
            continue
        same = np.flatnonzero(np.all(_close(rows, rows[i]), axis=1) & ~grouped)
        if same.size < 2:
            continue
        grouped[same] = True
        units = tuple(int(j) + 1 for j in same)
        outgoing = net.W[l + 1][:, same]
        if np.all(_close(outgoing, outgoing[:, :1])):
            consequence = (f"and their outgoing weights in W[{l + 1}] are equal too, so they "
                           "get the same gradients and stay identical: the symmetry problem")
        else:
            consequence = (f"so they compute the same a[{l}] for every example (their outgoing "
                           f"weights in W[{l + 1}] differ, so training may still separate them)")
        findings.append(Finding(
            "symmetric", l, units,
            f"{_units_text(units, l).capitalize()} are identical (W[{l}] rows and b[{l}] "
            f"entries equal), {consequence}",
            f"initialize W randomly, e.g. initializer='{_initializer_for(net, l)}' "
            "(zero biases are fine)",
        ))
    return findings


def _dead_units(l, Z_l):
    """ReLU units of layer l whose z is ≤ 0 for every example."""
    units = tuple(int(j) + 1 for j in np.flatnonzero(np.all(Z_l <= 0, axis=1)))
    if not units:
        return []
    verb = "is" if len(units) == 1 else "are"
    return [Finding(
        "dead", l, units,
        f"{_units_text(units, l).capitalize()} {verb} dead: Z[{l}] ≤ 0 on all "
        f"{Z_l.shape[1]} examples, so ReLU'(z) = 0 and no gradient reaches W[{l}] and "
        f"b[{l}] through {'it' if len(units) == 1 else 'them'}",
        "use leaky_relu (its slope keeps a small gradient for z ≤ 0), a smaller learning "
        "rate, or He initialization with zero biases (initializer='he_normal')",
    )]


def _saturated_units(net, l, Z_l, A_l, saturation, fraction):
    """Units whose g'(z) < saturation · g'(0) on more than ``fraction`` of the examples."""
    g = net.layers[l - 1].activation
    zero = np.zeros((1, 1), dtype=Z_l.dtype)
    peak = float(g.derivative(zero, g.forward(zero))[0, 0])
    share = np.mean(g.derivative(Z_l, A_l) < saturation * peak, axis=1)
    chosen = np.flatnonzero(share > fraction)
    if chosen.size == 0:
        return []
    units = tuple(int(j) + 1 for j in chosen)
    median_z = float(np.median(np.abs(Z_l[chosen])))
    verb = "is" if len(units) == 1 else "are"
    return [Finding(
        "saturated", l, units,
        f"{_units_text(units, l).capitalize()} ({g.name}) {verb} saturated: |Z[{l}]| is "
        f"large (median |z| = {median_z:.3g}), so g'(z) is below {saturation:.0%} of its peak "
        f"g'(0) = {peak:g} on at least {share[chosen].min():.0%} of the examples and almost "
        "no gradient passes",
        "scale the inputs (mean 0, variance 1 per feature) and start from smaller weights, "
        f"e.g. initializer='{_initializer_for(net, l)}'",
    )]


def _gradient_findings(net, norms, ratio, alpha):
    """Gradient trouble, judged three ways for each layer l (see ``diagnose``)."""
    L = net.L
    findings = [Finding(
        "exploding_gradient", l, (),
        f"‖dW[{l}]‖ is not a finite number: the gradient overflowed on its way back",
        "start from smaller weights and scale the inputs (mean 0, variance 1 per feature)",
    ) for l in range(1, L + 1) if not np.isfinite(norms[l])]
    if findings:
        return findings
    gains = _backward_gains(net)
    for l in range(1, L + 1):
        own = _own_scale_finding(net, l, norms[l], alpha)
        back = _backward_finding(net, l, norms, gains[l], ratio) if l < L and norms[L] > 0 \
            else None
        # one finding a layer: the comparison on the way back says where the gradient grew,
        # unless it calls vanishing a gradient too large for the layer's own weights
        finding = back if back is not None and (own is None or back.kind == own.kind) else own
        findings += [finding] if finding is not None else []
    return findings


def _backward_gains(net):
    """RMS(dZ[l]) / RMS(dZ[L]) for l = 1 … L: how much the gradient grew on its way back.

    Root mean squares, so that a wide layer is not judged larger for its width alone.
    """
    dZ = [None] + [net.dZ[l] for l in range(1, net.L + 1)]
    rms = [None] + [float(np.sqrt(np.mean(np.square(d)))) for d in dZ[1:]]
    return [None] + [r / rms[-1] if rms[-1] > 0 else 1.0 for r in rms[1:]]


def _healthy_norm(net, l):
    """‖W[l]‖ of a start from the usual initializer for layer l's g (He or Xavier/Glorot)."""
    init = initializers.default_for(net.layers[l - 1].activation.name)
    return float(np.linalg.norm(init.init(np.random.default_rng(0), net.W[l].shape)))


def _own_scale_finding(net, l, norm, alpha):
    """One step of α moving W[l] by more than its own size (or a healthy start's, if larger)."""
    weights, healthy = float(np.linalg.norm(net.W[l])), _healthy_norm(net, l)
    scale = max(weights, healthy)
    if not alpha * norm > scale:
        return None
    return Finding(
        "exploding_gradient", l, (),
        f"‖dW[{l}]‖ = {norm:.3g} is {norm / scale:.3g} × the size of W[{l}] itself (‖W[{l}]‖ = "
        f"{weights:.3g}; a {_initializer_for(net, l)} start gives about {healthy:.3g}): a step "
        f"of α = {alpha:g} would move W[{l}] {alpha * norm / scale:.3g} times its own size (the "
        "exploding gradient problem)",
        "scale the inputs (mean 0, variance 1 per feature) and start from smaller weights "
        f"(initializer='{_initializer_for(net, l)}'), or use fewer layers",
    )


def _backward_finding(net, l, norms, gain, ratio):
    """Layer l's gradient far smaller or larger than the output layer's, by dW or by dZ."""
    L = net.L
    blocked = [k for k in range(l + 1, L + 1) if not np.any(net.W[k])]
    if norms[l] == 0 and blocked:
        k = blocked[-1]
        return Finding(
            "vanishing_gradient", l, (),
            f"dW[{l}] = 0: no gradient reaches layer {l}, because W[{k}] = 0 passes none "
            f"back (dA[{k - 1}] = W[{k}]ᵀ dZ[{k}] = 0)",
            f"initialize W randomly, e.g. initializer='{_initializer_for(net, k)}'",
        )
    compared = (f"‖dW[{l}]‖ = {norms[l]:.3g} is {norms[l] / norms[L]:.2g} × ‖dW[{L}]‖ = "
                f"{norms[L]:.3g} at the output layer, and dZ[{l}] is {gain:.2g} × dZ[{L}] "
                "(root mean squares)")
    if norms[l] * ratio < norms[L] or gain * ratio < 1:
        return Finding(
            "vanishing_gradient", l, (),
            f"{compared}: the gradient vanishes on its way back and W[{l}] barely learns "
            "(the vanishing gradient problem)",
            "use ReLU hidden layers with He initialization (activations='relu', "
            "initializer='he_normal'), or fewer layers",
        )
    if norms[l] > ratio * norms[L] or gain > ratio:
        return Finding(
            "exploding_gradient", l, (),
            f"{compared}: the gradient grows on its way back and a step on W[{l}] overshoots "
            "(the exploding gradient problem)",
            f"start from smaller weights (initializer='{_initializer_for(net, l)}'), use a "
            "smaller learning rate, or fewer layers",
        )
    return None
