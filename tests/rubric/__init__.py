"""Tests of the rubric: loading, validation, scoring and planning."""
