"""Deterministic synthetic city for the demo, the tests and the benchmarks."""
