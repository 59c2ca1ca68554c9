"""The estate demo's market figures per buyer, read afterwards from its ledger and the
circuit's state (docs/market.md): its sessions by seller, the switches between sellers,
the energy (by its own meter's signed readings) and money per seller, the longest gap
without supply at a switch (from the circuit's feed timeline), how long after a seller
was stopped on purpose another one's session began, and ``regret_msat``: what it paid
above the cheapest acceptable seller, by :func:`gridnode.market.regret` from the
journalled choices and the energy metered in each period.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gridnode.demo.configs import NodeFiles
from gridnode.demo.feeds import feed_name
from gridnode.ledger import LedgerStore, PaymentStatus
from gridnode.ledger.rows import ReadingSide
from gridnode.market import regret
from gridnode.ocmf.parse import parse_record
from gridnode.trade.actions import LedgerKind

__all__ = ["longest_gap_s", "market_figures"]

#: (at_ms, energy_mwh) of one session's own readings, in order
Series = list[tuple[int, int]]


def market_figures(
    state_path: Path,
    sellers: Sequence[NodeFiles],
    buyers: Sequence[NodeFiles],
    failed: Mapping[str, float],
) -> tuple[dict[str, dict[str, object]], int]:
    """Each buyer's market figures, and how many times two feeds of one circuit were
    closed at once (the circuit's own count: 0 when break before make held)."""
    state = json.loads(state_path.read_text()) if state_path.is_file() else {}
    circuits = state.get("circuits", [])
    names = {files.identity.fingerprint: files.name for files in sellers}
    feeds = {feed_name(i): files.name for i, files in enumerate(sellers, start=1)}
    out: dict[str, dict[str, object]] = {}
    for i, buyer in enumerate(buyers):
        if not buyer.ledger.exists():
            continue
        figures = _buyer_figures(buyer.ledger, names, failed)
        timeline = circuits[i].get("feed_timeline", []) if i < len(circuits) else []
        figures["longest_switch_gap_s"] = longest_gap_s(
            [(float(at), feeds.get(feed, feed), bool(on)) for at, feed, on in timeline]
        )
        out[buyer.name] = figures
    return out, int(state.get("overlaps", 0))


def _buyer_figures(
    ledger: Path, names: Mapping[str, str], failed: Mapping[str, float]
) -> dict[str, object]:
    sessions: Counter[str] = Counter()
    energy: defaultdict[str, int] = defaultdict(int)
    paid: defaultdict[str, int] = defaultdict(int)
    series: dict[str, tuple[str, Series]] = {}
    choices: dict[int, dict[str, Any]] = {}
    starts: list[tuple[int, str]] = []
    with LedgerStore.open_readonly(ledger) as store:
        for row in store.sessions.find():
            seller = names.get(row.peer_fingerprint, row.peer_fingerprint[:16])
            readings = _series(store.evidence.readings(row.session_id, ReadingSide.OWN))
            for payment in store.payments.find(row.session_id, PaymentStatus.SUCCEEDED):
                paid[seller] += payment.amount.msat
            for entry in store.sessions.entries(row.session_id, (LedgerKind.MARKET.value,)):
                record = json.loads(entry.data) if entry.data else {}
                if "period_start_ms" in record:
                    choices[int(record["period_start_ms"])] = record
            if not readings:
                continue
            sessions[seller] += 1
            energy[seller] += readings[-1][1] - readings[0][1]
            series[row.session_id] = (seller, readings)
            starts.append((row.opened_at_ms, seller))
    starts.sort()
    order = [seller for _, seller in starts]
    switches = sum(a != b for a, b in itertools.pairwise(order))
    periods = [(record, _energy_in(record, series.values())) for record in choices.values()]
    figures: dict[str, object] = {
        "sessions_by_seller": dict(sessions),
        "switches": switches,
        "energy_by_seller_mwh": dict(energy),
        "paid_by_seller_msat": dict(paid),
        "choices": len(choices),
        "regret_msat": regret(periods).msat,
    }
    for name, at_s in failed.items():
        after = [at for at, seller in starts if seller != name and at >= at_s * 1000]
        if after:
            figures.setdefault("failover_s", {})[name] = round(after[0] / 1000 - at_s, 1)  # type: ignore[index]
    return figures


def _series(rows: Sequence[Any]) -> Series:
    out: Series = []
    for row in rows:
        for reading in parse_record(row.record).payload.RD:
            mwh = reading.energy_mwh
            if mwh is not None:
                out.append((row.at_ms, mwh))
    return out


def _energy_in(record: Mapping[str, Any], series: Any) -> int:
    """The energy metered in the record's period from its chosen seller: each step of
    that seller's sessions' readings that ends inside the period."""
    start, stop, chosen = record["period_start_ms"], record["period_stop_ms"], record.get("seller")
    total = 0
    for seller, readings in series:
        if seller != chosen:
            continue
        for (_, before), (at, after) in itertools.pairwise(readings):
            if start < at <= stop:
                total += after - before
    return total


def longest_gap_s(timeline: Sequence[tuple[float, str, bool]]) -> float:
    """The longest time without a closed feed between one feed opening and another
    closing (a switch of sellers), in seconds; 0 without a switch."""
    longest = 0.0
    closed: set[str] = set()
    opened: tuple[float, str] | None = None
    for at, name, on in sorted(timeline):
        if on:
            if opened is not None and opened[1] != name and not closed:
                longest = max(longest, at - opened[0])
            opened = None
            closed.add(name)
        else:
            closed.discard(name)
            if not closed:
                opened = (at, name)
    return round(longest, 3)
