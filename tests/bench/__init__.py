"""Tests of the benchmark harness (timings are never asserted)."""
