"""Tests of the pure interview: engine table, parser, pause times."""
