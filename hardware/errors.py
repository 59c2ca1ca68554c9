"""Typed errors of the hardware edge: each reads as a sentence that says what to do.

Meter faults split the way the node must react to them:

- :class:`MeterUnreachableError` (no answer, a broken frame, an unusable port): the
  reading is missing, so it is not fresh; exit code 3 at the command line.
- :class:`MeterProtocolError` (the meter answered with a Modbus exception, such as an
  illegal data address): the profile or the address is wrong; exit code 2.
- :class:`ImplausibleReadingError` (a value outside physics, a counter going backwards):
  the meter answered but the value must not be billed.
"""

from __future__ import annotations

from gridnode.errors import DependencyUnreachableError, GridnodeError, UsageError


class HardwareError(GridnodeError):
    """Base class of every error raised by gridnode.hardware."""


class ProfileError(HardwareError, UsageError):
    """A device profile (register map) is missing or malformed."""


class MeterUnreachableError(HardwareError, DependencyUnreachableError):
    """The meter gave no usable answer (after the driver's retries)."""


class NoAnswerError(MeterUnreachableError):
    """The meter did not answer within the timeout."""


class CrcError(MeterUnreachableError):
    """The answer arrived but its CRC did not match: noise on the bus or a bad frame."""


class MalformedAnswerError(MeterUnreachableError):
    """The answer was cut short or did not fit the request."""


class MeterProtocolError(HardwareError, UsageError):
    """The meter answered with a Modbus exception code."""

    def __init__(self, message: str, exception_code: int) -> None:
        super().__init__(message)
        #: The Modbus exception code on the wire (1 illegal function, 2 illegal address, ...).
        self.exception_code = exception_code


class IllegalAddressError(MeterProtocolError):
    """The meter reported Modbus exception 2, illegal data address."""


class ImplausibleReadingError(HardwareError):
    """The meter answered, but a value is outside what physics or the last reading allow."""


class CounterWentBackwardsError(ImplausibleReadingError):
    """An energy counter decreased: a counter reset or a swapped meter. Never billed."""

    def __init__(self, message: str, register: str, previous_mwh: int, current_mwh: int) -> None:
        super().__init__(message)
        self.register = register
        self.previous_mwh = previous_mwh
        self.current_mwh = current_mwh


class MeterSwappedError(ImplausibleReadingError):
    """The meter's serial number changed between two readings."""


class RelayError(HardwareError):
    """A relay could not be switched or read back."""


class RelayMismatchError(RelayError):
    """The relay's read-back state differs from the state it was told to take."""
