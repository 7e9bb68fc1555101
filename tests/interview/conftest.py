"""The bundled rubric, loaded once for the interview tests."""

from __future__ import annotations

import pytest

from rubric.loader import load_bundled_rubric
from rubric.schema import Rubric


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    """The rubric that ships with citycheck (8 areas, 43 criteria)."""
    return load_bundled_rubric()
