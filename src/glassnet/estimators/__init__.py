"""scikit-learn estimators: the notes' networks behind ``fit`` / ``predict`` / ``score``.

``MLPClassifier`` and ``MLPRegressor`` take scikit-learn's MLP parameters and train as
scikit-learn's MLPs do (so replacing the import is enough to switch);
``LogisticRegression`` and ``LinearRegression`` are the notes' first chapters: one layer
of neurons, no hidden layer, trained by gradient descent. Each is a ``glassnet.Network``.

The package: ``parameters`` (the table of every constructor argument and its defaults),
``run`` (scikit-learn's training run on the network: loss, gradient, epochs, L-BFGS),
``base`` (the estimators, and the rows-as-examples boundary), ``persistence`` (an
estimator as a file's metadata and arrays).
"""

from .base import (
    EstimatorNotFittedError,
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
)

__all__ = ["EstimatorNotFittedError", "LinearRegression", "LogisticRegression",
           "MLPClassifier", "MLPRegressor"]
