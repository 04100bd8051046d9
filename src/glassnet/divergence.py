"""Divergence: when training has gone wrong, what to put back, and a rate that works.

A learning rate too large makes each step overshoot: the cost grows, often until it is no
longer a number, but it may also settle high (a saturated sigmoid's cross-entropy is
bounded by the clipping) or climb slowly. ``Watch`` judges every epoch; training has
diverged when

* the parameters or the cost J are not finite numbers;
* the loss (the cost without the regularization term) exceeds ``GROWTH`` = 10 times the
  larger of the loss of the best constant prediction (each output unit predicting its mean
  target: what a network learns first) and the loss of the parameters training started
  from. Healthy descent stays below both, up to minibatch noise; a live change of the
  regularization rate cannot trigger it (the penalty is not part of the loss);
* or J rose in each of the last ``RISING`` = 10 epochs and the loss is now above that
  same reference: a slow climb from the start. (A rise after a fast descent, as Adam's
  momentum overshoots, stays below where training started and is not divergence; J
  includes the penalty, so a regularization rate raised mid-training, which lifts J once
  and then lets it fall, does not trigger it either.)

On divergence the parameters go back to those at the start of the epoch with the lowest
J so far, and ``advise`` tries smaller rates (α/10, α/100, … α/10^TRIALS) for
``TRIAL_EPOCHS`` epochs each on a copy of the network: a rate is suggested only if,
without diverging, its cost stayed below where the trial started in every epoch and ended
below its first epoch's (so that minibatch noise may wobble it, but not lift it).
"""

from dataclasses import dataclass

import numpy as np

from . import optimizers, regularization

GROWTH = 10.0
RISING = 10
TRIAL_EPOCHS = 10
TRIALS = 4
#: the bytes of X evaluated at once when the loss of all m examples is taken outside an
#: epoch (a slice of X may be copied by the matrix product: it stays this small)
_CHUNK_BYTES = 256 * 1024


@dataclass
class Verdict:
    """Why an epoch counts as diverged: ``reason`` is "parameters", "cost", "grew" or
    "rising"; ``text`` says it in words."""

    reason: str
    text: str


def loss_of(net, X, Y):
    """(1/m) Σ L(a(i), y(i)) over checked X, Y, a chunk of columns at a time (so that no
    cache of all m examples is built); call under np.errstate."""
    n_x, m = X.shape
    width = max(1, _CHUNK_BYTES // (n_x * X.itemsize))
    total = 0.0
    for i in range(0, m, width):
        A = net.forward_unchecked(X[:, i:i + width])
        total += net.loss.cost(A, Y[:, i:i + width]) * A.shape[1]
    return total / m


def cost_of(net, X, Y):
    """J over checked X, Y: the loss plus the regularization term (call under np.errstate)."""
    return loss_of(net, X, Y) + regularization.penalty(
        net.parameters[:net.n_weights], X.shape[1], net.l1, net.l2)


def constant_loss(net, Y):
    """The loss of predicting each output unit's mean target for every example."""
    A = np.empty_like(Y)
    A[...] = Y.mean(axis=1, keepdims=True)
    return net.loss.cost(A, Y)


class Watch:
    """Judges each epoch of one run, and keeps the parameters of its lowest-cost epoch.

    ``reference`` is where the run started, max(the constant prediction's loss c, the loss
    J0 of the starting parameters). J0 is a forward pass over all m examples (on a short
    run of a large set, a good part of the run), so it is taken only when a rule needs it:
    loss > k · max(c, J0) holds only if loss > k · c does, and healthy training stays below
    k · c, so J0 is computed (at the starting parameters, kept for it, on a copy of the
    network, whose caches keep the last step) the first time a rule's comparison with c
    alone holds. Until then ``reference`` is None; the verdicts are those of the reference
    taken at the start.

    The starting parameters (``initial``) are copied from the first epoch's ``start``
    when it is judged: while that epoch runs they are the runner's own snapshot, so the
    watch holds no copy of its own. ``best`` is that same array while the first epoch is
    the lowest-cost one; a second copy is made only when a later epoch's cost is lower.
    """

    def __init__(self, net, X, Y):
        self.net, self.X, self.Y = net, X, Y
        self.constant = constant_loss(net, Y)
        self.reference = None
        self.initial = self.best = None
        self.best_cost, self.best_epoch = np.inf, 1
        self.last_cost, self.rises = np.inf, 0

    def judge(self, epoch, loss, cost, start):
        """None if the epoch is healthy, else a Verdict. ``start`` holds the parameters at
        the epoch's start (those its cost belongs to, with batch descent)."""
        first = self.initial is None
        if first:
            self.initial = self.best = start.copy()
        verdict = self._verdict(loss, cost)
        if verdict is None:
            self.rises = self.rises + 1 if cost > self.last_cost else 0
            self.last_cost = cost
            if cost < self.best_cost:
                self.best_cost, self.best_epoch = cost, epoch
                if not first:  # the first epoch's start is ``initial`` itself
                    self._keep_best(start)
        return verdict

    def _keep_best(self, start):
        """``best`` := ``start``, in an array of its own once it is not the first epoch's."""
        if self.best is self.initial:
            self.best = start.copy()
        else:
            np.copyto(self.best, start)

    def _verdict(self, loss, cost):
        bad = _not_finite(self.net)
        if bad:
            return Verdict("parameters", f"the parameters stopped being finite numbers "
                                         f"({bad}) while the cost was still {cost:.4g}"
                           if np.isfinite(cost) else
                           f"the parameters stopped being finite numbers ({bad})")
        if not np.isfinite(cost):
            return Verdict("cost", f"the cost J became {cost} (not a finite number)")
        if self._above(GROWTH, loss):
            what = (f"the cost J rose to {loss:.4g}" if cost == loss else
                    f"the loss (J without the regularization term) rose to {loss:.4g}")
            return Verdict("grew", f"{what}, more than {GROWTH:g} times where it started "
                                   f"({self.reference:.4g})")
        if self.rises + 1 >= RISING and cost > self.last_cost and self._above(1.0, loss):
            return Verdict("rising", f"the cost J rose in each of the last {RISING} epochs, "
                                     f"to {cost:.4g}, above where it started "
                                     f"({self.reference:.4g})")
        return None

    def _above(self, k, loss):
        """loss > k · reference, the reference (J0's forward pass) taken only if loss > k · c."""
        if self.reference is None:
            if not loss > k * self.constant:
                return False
            start = self.net.copy()
            np.copyto(start.parameters, self.initial)
            self.reference = max(self.constant, loss_of(start, self.X, self.Y))
        return loss > k * self.reference

    def restore(self, parameters, start, epoch):
        """Put the lowest-cost epoch's starting parameters back; returns that epoch."""
        np.copyto(parameters, self.best)
        return self.best_epoch


class FiniteWatch(Watch):
    """The older, narrower rule: only parameters or a cost that are not finite numbers
    count as divergence, and the parameters go back to the start of that epoch. For
    callers that must train on where a growing cost would stop (scikit-learn's MLPs warn
    instead of stopping)."""

    def __init__(self, net, X, Y):
        self.net = net

    def judge(self, epoch, loss, cost, start):
        bad = _not_finite(self.net)
        if bad:
            return Verdict("parameters", f"the parameters stopped being finite numbers ({bad})")
        if not np.isfinite(cost):
            return Verdict("cost", f"the cost J became {cost} (not a finite number)")
        return None

    def restore(self, parameters, start, epoch):
        np.copyto(parameters, start)
        return epoch


def _not_finite(net):
    """Which W[l] and b[l] hold NaN or ±inf, in words ('' when all are finite)."""
    # the smallest and the largest value are finite only when all are (NaN propagates):
    # two reductions, without isfinite's array of a boolean per parameter
    if np.isfinite(net.parameters.min()) and np.isfinite(net.parameters.max()):
        return ""
    bad = []
    for l, layer in enumerate(net.layers, 1):
        for name, value in ((f"W[{l}]", layer.W), (f"b[{l}]", layer.b)):
            if not np.all(np.isfinite(value)):
                kind = "NaN" if np.any(np.isnan(value)) else "±inf"
                bad.append(f"{name} holds {kind}")
    return ", ".join(bad)


@dataclass
class Advice:
    """A learning rate that lowered the cost for ``epochs`` epochs on a copy."""

    rate: float
    before: float
    after: float
    epochs: int


def advise(net, X, Y, optimizer, learning_rate, runner_for):
    """Try α/10, α/100, … on copies of ``net`` (whose parameters have been restored), each
    with a fresh optimizer of the same kind and TRIAL_EPOCHS epochs; the first rate that
    passes (see the module docstring) is the Advice, else None. ``runner_for(copy)`` gives
    the epoch runner of a copy (``EpochRunner`` hands in its own kind: this module stays
    below the runner)."""
    try:
        fresh = optimizers.get(optimizer.config())
    except Exception:  # an optimizer that cannot be rebuilt from its settings: none tried
        return None
    if type(fresh) is not type(optimizer):  # a subclass of a registered one: not the same
        return None
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        before = cost_of(net, X, Y)
        for rate in (learning_rate / 10 ** k for k in range(1, TRIALS + 1)):
            trial = net.copy()
            runner = runner_for(trial)
            trial_optimizer = optimizers.get(fresh.config())
            costs = [before]
            try:
                for _ in range(TRIAL_EPOCHS):
                    runner.run_epoch(trial_optimizer, rate)
                    costs.append(cost_of(trial, X, Y))
            except Exception:
                continue
            if max(costs[1:]) < before and costs[-1] < costs[1]:
                return Advice(rate, before, costs[-1], TRIAL_EPOCHS)
    return None


def message(epoch, verdict, learning_rate, restored_epoch, advice):
    """The DivergenceError's text: what happened, what was put back, what to try."""
    text = (f"training diverged at epoch {epoch}: {verdict.text}. The parameters were put "
            f"back as they were at the start of epoch {restored_epoch}. This epoch used the "
            f"learning rate α = {learning_rate:g}; ")
    if advice is not None:
        return text + (f"a smaller learning rate, α = {advice.rate:g}, was tried for "
                       f"{advice.epochs} epochs on a copy of the network and lowered the cost "
                       f"(from {advice.before:.4g} to {advice.after:.4g}): try it, or scale "
                       "the inputs.")
    return text + (f"each smaller learning rate from α/10 to α/{10 ** TRIALS:g} was tried for "
                   f"{TRIAL_EPOCHS} epochs on a copy of the network and none lowered the "
                   "cost: scale the inputs, or check the data and the network.")
