"""Helpers shared by the test layers."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip locally, fail under CI=true: a missing service never passes silently there."""
    if IN_CI:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)
