"""Benchmarks: the real app over HTTP against the sandbox Slack, measured against bare Bolt."""
