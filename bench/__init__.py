"""Benchmarks (`make bench`): run as modules, `python -m bench.run`; no app imports them."""
