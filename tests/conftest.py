"""Shared pytest setup for gotmpl's tests.

This module owns the session-wide test environment: the ``oracle`` and
``shared`` fixtures (skipping cleanly where the Go oracle or ``../shared`` is
missing), the ``--nightly`` switch with :func:`hypothesis_examples` to scale
Hypothesis example counts, and the Hypothesis settings profile.

Test modules import helpers from here and from the sibling modules directly
(``from conftest import hypothesis_examples``, ``from oracle import Oracle``):
``tests/`` has no ``__init__.py``, so pytest puts it on ``sys.path``.
"""

from __future__ import annotations

import os
import pathlib
from typing import Iterator

import pytest
from hypothesis import HealthCheck, settings

from oracle import Oracle, find_oracle, shared_dir

NIGHTLY_FACTOR = 10
# Also honoured outside pytest (ad hoc scripts) and by tools that cannot pass options.
NIGHTLY_ENV = "GOTMPL_NIGHTLY"

_nightly = os.environ.get(NIGHTLY_ENV, "") not in ("", "0")

# deadline=None: oracle round trips and parser warm-up make timings noisy.
# The suppressed checks fire on our deliberately rich template generators,
# not on real problems. derandomize stays off so every run explores anew.
settings.register_profile(
    "gotmpl",
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "gotmpl"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--nightly",
        action="store_true",
        default=False,
        help=f"long run: multiply Hypothesis example counts by {NIGHTLY_FACTOR} "
        f"(same as {NIGHTLY_ENV}=1)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Runs before test modules are imported, so @settings(max_examples=
    # hypothesis_examples(...)) evaluated at import time sees the flag.
    global _nightly
    if config.getoption("--nightly"):
        _nightly = True


def is_nightly() -> bool:
    """True under ``--nightly`` (or ``GOTMPL_NIGHTLY=1``)."""
    return _nightly


def hypothesis_examples(default: int) -> int:
    """Example count for a Hypothesis test: ``default``, or 10x when nightly."""
    return default * NIGHTLY_FACTOR if _nightly else default


@pytest.fixture(scope="session")
def nightly() -> bool:
    """Whether this is a ``--nightly`` run."""
    return is_nightly()


@pytest.fixture(scope="session", name="hypothesis_examples")
def hypothesis_examples_fixture() -> object:
    """The :func:`hypothesis_examples` helper, for tests that scale loops at run time."""
    return hypothesis_examples


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    """One Go oracle process for the whole session; skips if unavailable."""
    binary = find_oracle()
    if binary is None:
        pytest.skip("Go oracle not available: set GOTMPL_ORACLE or provide ../shared/oracle")
    client = Oracle(binary)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="session")
def shared() -> pathlib.Path:
    """The ``../shared`` folder (upstream Istio files, oracle sources); skips if absent."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared not available (expected next to the repository root)")
    return path
