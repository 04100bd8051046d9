"""glassnet's benchmark: training speed against PyTorch, scikit-learn and plain NumPy.

Run it from the repository's root with ``python -m benchmarks.run`` (``--quick`` for the
smoke test's short version).
"""
