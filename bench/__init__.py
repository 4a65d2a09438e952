"""Benchmarks, run on demand with `make bench`."""
