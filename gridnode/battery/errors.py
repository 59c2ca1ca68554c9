"""The battery core's typed errors: each reads as a sentence that says what to do."""

from __future__ import annotations

from gridnode.errors import GridnodeError


class BatteryError(GridnodeError):
    """Base of the battery core's errors."""


class BatterySpecError(BatteryError):
    """A battery's description is inconsistent (a reserve above the maximum, an
    efficiency above 100 %); the message names the field and the fix."""


class PledgeError(BatteryError):
    """A pledge operation the book refuses: an unknown or duplicate pledge, or a
    settlement beyond what was pledged (the session should have cut first)."""


class MeterDisagreementError(BatteryError):
    """Two meters' figures cannot both be right (a household that exported more than
    its PV produced); the message names both figures."""
