"""Suite-wide settings. Area fixtures live in each tier's own conftest.py."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# One machine is shared and noisy: no per-example deadline, a fixed number of examples.
settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
