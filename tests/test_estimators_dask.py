"""Scale out: out-of-core training with dask_ml.wrappers.Incremental over partial_fit.

On a small LocalCluster (threads, no processes), a dask array of several blocks is fed to
an MLPClassifier block by block; the result equals partial_fit called on the same blocks
in order by hand; the docs' grid search through joblib's Dask backend runs as a script.
(The grid search's scores against a serial search are in test_estimators.)
"""

import dask.array as da
import dask.distributed as distributed
import dask_ml.wrappers as wrappers  # the test extra has dask-ml: missing, this fails
import numpy as np

from glassnet.estimators import MLPClassifier


def test_incremental_over_blocks_equals_partial_fit_block_by_block():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    settings = dict(hidden_layer_sizes=(4,), random_state=0, learning_rate_init=0.01)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        X_dask = da.from_array(X, chunks=(100, 3))  # four blocks: larger than one block
        y_dask = da.from_array(y, chunks=100)
        assert X_dask.numblocks == (4, 1)
        model = wrappers.Incremental(MLPClassifier(**settings), shuffle_blocks=False)
        model.fit(X_dask, y_dask, classes=[0, 1])
        fitted = model.estimator_
    by_hand = MLPClassifier(**settings)
    for start in range(0, 400, 100):
        by_hand.partial_fit(X[start:start + 100], y[start:start + 100], classes=[0, 1])
    assert fitted.t_ == 400 and len(fitted.loss_curve_) == 4
    np.testing.assert_array_equal(fitted.network_.parameters, by_hand.network_.parameters)
    assert fitted.loss_curve_ == by_hand.loss_curve_


def test_the_docs_grid_search_example_runs_as_a_script(tmp_path):
    """docs/estimators.md's GridSearchCV-on-Dask example, run as a user runs it: a script
    whose worker processes import it again (the ``__main__`` guard keeps them from
    starting clusters of their own)."""
    import ast
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "estimators.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python no-run\n(.*?)```", text, flags=re.S)
    script = next(b for b in blocks if "joblib.parallel_backend" in b)
    assert 'if __name__ == "__main__":' in script
    (tmp_path / "search.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), *sys.path])}
    done = subprocess.run([sys.executable, "search.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    best = ast.literal_eval(done.stdout.strip().splitlines()[-1])  # best_params_, printed
    assert set(best) == {"hidden_layer_sizes", "learning_rate_init"}
