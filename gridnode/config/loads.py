"""loads.toml read into the load agent's typed settings, every mistake one sentence (exit
code 2). Relays and the bus are read by the node's own hardware readers, and ``need_by``
by the one time-of-day rule (:mod:`gridnode.config.units`: "24:00", the default, is
the end of the day).

.. code-block:: toml

    zone = "Europe/Berlin"          # the local day of the daily needs
    max_power_w = 11000             # optional: loads share this budget by priority
    state_file = "/var/lib/gridnode-loads/needs.json"  # run time kept across restarts

    [feed]
    endpoint = "tcp://127.0.0.1:5556"   # the buyer's rate_feed
    silence_s = 30                      # fail-safe: every load off after this silence
    # server_key = "feed.key"           # CurveZMQ: the buyer's public key (file or text)
    # secret_key = "loads.key_secret"   # and this agent's pair ('gridnode keys curve')

    [bus]                               # only for loads on a Modbus relay board
    port = "/dev/gridnode-rs485"

    [[loads]]
    name = "water heater"
    relay = { kind = "gpio", pin = 17 }  # or { kind = "modbus", address = 2, coil = 0 }
    priority = 2                         # or { kind = "simulated" }
    on_below_msat_per_kwh = 150000
    off_above_msat_per_kwh = 200000
    min_on_s = 300
    min_off_s = 300
    power_w = 3000
    daily_run_minutes = 120              # or daily_energy_wh (with power_w)
    need_by = "07:00"
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gridnode.config import units
from gridnode.config.checks import warn_if_shared
from gridnode.config.hardware import read_bus, read_relay
from gridnode.config.profiles import read_zone
from gridnode.config.reader import Problems, Table, load_toml
from gridnode.errors import UsageError
from gridnode.hardware.config import BusConfig, RelayConfig
from gridnode.loads.decide import LoadSpec
from gridnode.loads.settings import MIN_SILENCE_S, LoadEntry, LoadsSettings
from gridnode.ratefeed import keys
from gridnode.ratefeed.subscriber import CurveClient


def load_loads_settings(path: Path | str, env: Mapping[str, str] | None = None) -> LoadsSettings:
    """Read and check loads.toml; raises :class:`ConfigError` listing every mistake."""
    path = Path(path)
    doc = load_toml(path, env)
    problems = Problems(str(path))
    settings = read_loads_settings(doc, path.resolve().parent, problems)
    problems.raise_if_any()
    assert settings is not None
    return dataclasses.replace(settings, warnings=tuple(problems.warnings))


def read_loads_settings(
    doc: Mapping[str, Any], base: Path, problems: Problems
) -> LoadsSettings | None:
    top = Table(doc, "", problems)
    zone = read_zone(top)
    max_power = top.optional("max_power_w", int)
    if max_power is not None and max_power <= 0:
        problems.add(f"max_power_w must be above 0, not {max_power} (or leave it out)")
    slot_min = top.positive("slot_minutes", 15, hint="the planning slot, like 15")
    tick_ms = top.positive("tick_ms", 500)
    state_file = top.path_value("state_file", base) if top.has("state_file") else None
    if state_file is not None and not state_file.parent.is_dir():
        problems.add(f"state_file: the folder {state_file.parent} does not exist; create it")
    feed = top.table("feed")
    endpoint = feed.get("endpoint", str, "tcp://127.0.0.1:5556")
    if not endpoint.startswith(("tcp://", "ipc://")):
        problems.add('feed.endpoint must be a ZeroMQ endpoint like "tcp://127.0.0.1:5556"')
    silence_s = feed.positive("silence_s", 30)
    if silence_s < MIN_SILENCE_S:
        problems.add(
            f"feed.silence_s is {silence_s}; the feed re-sends every 5 s, so use "
            f"{MIN_SILENCE_S} or more (30 is a good start)"
        )
    curve = _read_curve(feed, base)
    feed.unknown_keys()
    tables = top.tables("loads")
    entries = [_read_load(t, problems) for t in tables]
    if "loads" not in doc:
        problems.add("[[loads]] is missing: list at least one load to switch")
    names = [e.spec.name for e in entries]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.add(f"loads: the name {name!r} is used twice; give each load its own")
    bus: BusConfig | None = None
    if "bus" in doc:
        bus = read_bus(top.table("bus"), meters=False)
    elif any(_relay_kind(t) == "modbus" for t in tables):
        problems.add("[bus] is missing: a load uses a Modbus relay; add [bus] with its port")
    top.unknown_keys()
    if problems.items:
        return None
    return LoadsSettings(
        endpoint=endpoint,
        silence_ms=silence_s * 1000,
        curve=curve,
        zone=zone,
        max_power_w=max_power,
        slot_ms=slot_min * 60_000,
        tick_ms=tick_ms,
        bus=bus,
        loads=tuple(entries),
        state_file=state_file,
    )


def _read_curve(feed: Table, base: Path) -> CurveClient | None:
    server = feed.optional("server_key", str)
    secret = feed.optional("secret_key", str)
    if server is None and secret is None:
        return None
    if server is None or secret is None:
        feed.problems.add(
            "feed.server_key and feed.secret_key go together: the buyer's public key and "
            "this agent's .key_secret file from 'gridnode keys curve'"
        )
        return None
    risk = "pose as this load agent to the buyer's rate feed"
    warn_if_shared(keys.key_path(secret, base), "feed.secret_key", risk, feed.problems)
    try:
        return CurveClient(
            keys.read_secret(secret, base, "feed.secret_key"),
            keys.read_public(server, base, "feed.server_key"),
        )
    except UsageError as exc:
        feed.problems.add(str(exc))
        return None


def _read_load(table: Table, problems: Problems) -> LoadEntry:
    where = table.path
    name = table.get("name", str, hint='like "water heater"')
    relay = _read_relay(table)
    on_below = table.optional("on_below_msat_per_kwh", int)
    off_above = table.optional("off_above_msat_per_kwh", int)
    if (on_below is None) != (off_above is None):
        problems.add(
            f"{where}: give both on_below_msat_per_kwh and off_above_msat_per_kwh (the "
            "hysteresis band) or neither"
        )
    elif on_below is not None and off_above is not None and not 0 <= on_below < off_above:
        problems.add(
            f"{where}.on_below_msat_per_kwh ({on_below}) must be below "
            f"off_above_msat_per_kwh ({off_above}): the gap between them stops flapping"
        )
    power_w = table.get("power_w", int, 0)
    if power_w < 0:
        problems.add(f"{where}.power_w must be 0 or more, not {power_w}")
    run_min = table.optional("daily_run_minutes", int)
    energy_wh = table.optional("daily_energy_wh", int)
    need_ms = 0
    if run_min is not None and energy_wh is not None:
        problems.add(f"{where}: give daily_run_minutes or daily_energy_wh, not both")
    elif run_min is not None:
        if not 0 < run_min <= 1440:
            problems.add(f"{where}.daily_run_minutes must be 1 to 1440, not {run_min}")
        need_ms = run_min * 60_000
    elif energy_wh is not None:
        if energy_wh <= 0 or power_w <= 0:
            problems.add(
                f"{where}.daily_energy_wh needs a positive value and the load's power_w "
                "(the run time is energy / power)"
            )
        else:
            need_ms = -(-energy_wh * 3_600_000 // power_w)
    if on_below is None and not need_ms and (run_min, energy_wh) == (None, None):
        problems.add(
            f"{where}: say when the load runs: on_below_msat_per_kwh and "
            "off_above_msat_per_kwh, or a daily need (daily_run_minutes / daily_energy_wh)"
        )
    spec = LoadSpec(
        name=name,
        priority=table.positive("priority", 1),
        on_below=on_below,
        off_above=off_above,
        min_on_ms=units.at_least_zero_ms(table, "min_on_s", 0),
        min_off_ms=units.at_least_zero_ms(table, "min_off_s", 0),
        power_w=power_w,
        need_ms=need_ms,
        need_by_minute=units.time_of_day(
            table, table.get("need_by", str, "24:00"), "need_by", end_of_day=True
        ),
    )
    table.unknown_keys()
    return LoadEntry(spec, relay)


def _read_relay(table: Table) -> RelayConfig | None:
    """A load's relay: the node's relay kinds, or "simulated" (the demo, a dry run)."""
    relay = table.table("relay")
    if relay.doc.get("kind") == "simulated":
        relay.get("kind", str)
        relay.unknown_keys(of='a "simulated" relay (only kind)')
        return None
    if not relay.doc:
        return None  # the missing table is already a problem
    return read_relay(relay, ("gpio", "modbus", "simulated"))


def _relay_kind(table: Table) -> object:
    """The kind a load's relay table names (even when the table has mistakes)."""
    relay = table.doc.get("relay")
    return relay.get("kind") if isinstance(relay, Mapping) else None
