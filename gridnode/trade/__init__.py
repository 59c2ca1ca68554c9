"""The trade engine: gridnode's pure, sans-I/O core.

Everything here is computation: domain types, rate profiles, sale terms and their
evaluation, the wire codec and the buyer and seller session state machines. Nothing in
this package sleeps, reads a clock, opens a socket, touches a relay or calls a wallet;
the runtime feeds events in and carries the returned actions out (DESIGN.md, "The core
is sans-I/O"). The import contracts in ``pyproject.toml`` enforce that.

Time is an ``int`` of milliseconds since the Unix epoch, UTC (``UnixMs``); only rate
profiles convert to local time, through the IANA zone they carry.
"""
