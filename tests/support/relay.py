"""An in-process relay for tests of code that takes a relay port or driver.

:class:`MemoryRelay` is the package's :class:`~gridnode.hardware.relay.SimulatedRelay`
(state only) plus what a test wants to see and provoke: every switch in order, and a
relay that refuses to switch on.
"""

from __future__ import annotations

from gridnode.hardware.errors import RelayError
from gridnode.hardware.relay import SimulatedRelay


class MemoryRelay(SimulatedRelay):
    """Records each switch (``switches``: True for on, False for off); with ``fail`` every
    switch on raises :class:`RelayError`."""

    def __init__(self, *, fail: bool = False) -> None:
        super().__init__()
        self.fail = fail
        self.switches: list[bool] = []

    async def switch_on(self) -> None:
        if self.fail:
            raise RelayError("The test relay was told to fail.")
        await super().switch_on()
        self.switches.append(True)

    def off_now(self) -> None:
        if self.on:
            self.switches.append(False)
        super().off_now()
