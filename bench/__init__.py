"""Benchmarks: numbers, not pass/fail. Each prints figures beside a baseline measured in the same run."""
