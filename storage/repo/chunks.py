"""Splitting long id lists for `IN (...)`: bounded statements whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

IN_CHUNK = 1000
"""Values per `IN (...)` list: well under SQLite's and PostgreSQL's parameter limits."""


def chunked(values: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """The distinct values in lists of at most `size`, in first-seen order."""
    batch: list[T] = []
    for value in dict.fromkeys(values):
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
