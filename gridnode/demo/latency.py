"""The demo's latency figures and per-buyer account, from the nodes' own records.

Every time here was taken by a node at the event (issue 17):

- ``credit``: LND's settle time to the seller's ledger credit. LND stamps a payment's
  HTLC resolution in nanoseconds on the payer (the buyer's ledger keeps it) and the
  seller's settled-invoice stream reports the settlement (the seller's ledger keeps when,
  next to the credit's own time); the settle is taken as the earlier of the two, since
  both come after it.
- ``relay_open``: a buyer's missed payment deadline (the seller journals when credit
  ran past its cut line, interpolated between its meter's readings) to the relay
  switching off (the seller's relay table); with ``seen`` from when the seller saw it.
- ``tick_lag``: how late the seller's control ticks ran, from the line each session
  runner logs at its end (:mod:`gridnode.node.tick_lag`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from gridnode.node.tick_lag import PREFIX

#: Relay-off causes that, for a buyer still paying, mean it was starved or wronged.
_UNCAUSED = ("credit", "stale_reading", "period_end", "deposit")


def _connect(ledger: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-round(q * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def credit_latencies(seller: Path, buyers: Iterable[Path]) -> list[int]:
    """Per credited invoice: the seller's credit time less LND's settle time (ms)."""
    resolved: dict[bytes, int] = {}
    for ledger in buyers:
        if not ledger.exists():
            continue
        with _connect(ledger) as db:
            for h, at in db.execute(
                "SELECT payment_hash, lnd_resolved_at_ms FROM payments"
                " WHERE status = 'succeeded' AND lnd_resolved_at_ms IS NOT NULL"
            ):
                resolved[bytes(h)] = int(at)
    found: list[int] = []
    if not seller.exists():
        return found
    with _connect(seller) as db:
        rows = db.execute(
            "SELECT payment_hash, settled_at_ms, reported_at_ms FROM invoices"
            " WHERE state = 'settled' AND NOT hold AND settled_at_ms IS NOT NULL"
        ).fetchall()
    for h, credited, reported in rows:
        marks = [t for t in (resolved.get(bytes(h)), reported) if t is not None]
        if marks:
            found.append(int(credited) - min(marks))
    return found


def relay_open_latencies(seller: Path, stop_ms: int) -> tuple[list[int], list[int]]:
    """Per cut for credit before ``stop_ms``: (from the deadline, from when the seller
    saw it missed) to the relay switching off, in ms."""
    from_deadline: list[int] = []
    from_seen: list[int] = []
    if not seller.exists():
        return from_deadline, from_seen
    with _connect(seller) as db:
        marks = db.execute(
            "SELECT session_id, data FROM journal WHERE kind = 'state'"
            " AND text LIKE 'credit ran past the cut line%' AND at_ms < ?",
            (stop_ms,),
        ).fetchall()
        offs = db.execute(
            "SELECT session_id, at_ms FROM relay_switches WHERE NOT relay_on AND cause = 'credit'"
            " ORDER BY id"
        ).fetchall()
    by_session: dict[str, list[int]] = {}
    for session, at in offs:
        by_session.setdefault(str(session), []).append(int(at))
    for session, data in marks:
        mark = json.loads(bytes(data))
        later = [t for t in by_session.get(str(session), []) if t >= mark["seen_ms"]]
        if later:
            from_deadline.append(later[0] - int(mark["deadline_ms"]))
            from_seen.append(later[0] - int(mark["seen_ms"]))
    return from_deadline, from_seen


def tick_lag(log: Path) -> Counter[int]:
    """Every session's tick lateness histogram in the seller's log, added together."""
    counts: Counter[int] = Counter()
    if not log.exists():
        return counts
    pattern = re.compile(re.escape(PREFIX) + r".*histogram ([0-9:,]+)")
    for line in log.read_text(errors="replace").splitlines():
        if PREFIX not in line:
            continue
        match = pattern.search(line)
        if match is None:
            continue
        for pair in match.group(1).split(","):
            late, count = pair.split(":")
            counts[int(late)] += int(count)
    return counts


def _quantile(counts: Counter[int], q: float) -> int | None:
    total = sum(counts.values())
    if not total:
        return None
    seen = 0
    for late in sorted(counts):
        seen += counts[late]
        if seen >= q * total:
            return late
    return max(counts)


def latency_ms(
    seller: Path, buyers: Iterable[Path], seller_log: Path, stop_ms: int
) -> dict[str, object]:
    """The summary's ``latency_ms``: each figure None when the run had no such event."""
    credits = credit_latencies(seller, buyers)
    from_deadline, from_seen = relay_open_latencies(seller, stop_ms)
    lag = tick_lag(seller_log)
    return {
        "credit_p50": percentile(credits, 0.50),
        "credit_p99": percentile(credits, 0.99),
        "credit_max": max(credits, default=None),
        "credits": len(credits),
        "relay_open_p99": percentile(from_deadline, 0.99),
        "relay_open_max": max(from_deadline, default=None),
        "relay_open_from_seen_p99": percentile(from_seen, 0.99),
        "relay_opens": len(from_deadline),
        "tick_lag_p50": _quantile(lag, 0.50),
        "tick_lag_p99": _quantile(lag, 0.99),
        "tick_lag_max": max(lag, default=None),
        "ticks": sum(lag.values()),
    }


def buyer_account(
    seller: Path, buyer: Path, fingerprint: str, stalled_at_ms: int | None, stop_ms: int
) -> dict[str, object]:
    """One buyer: payments and msat from its own ledger; its cuts from the seller's, and
    whether it was ever cut with nothing to justify it (before it stalled, if it did)."""
    payments, paid = 0, 0
    if buyer.exists():
        with _connect(buyer) as db:
            payments, paid = db.execute(
                "SELECT count(*), coalesce(sum(amount_msat), 0) FROM payments"
                " WHERE status = 'succeeded'"
            ).fetchone()
    cuts: list[tuple[str, int]] = []
    if seller.exists():
        with _connect(seller) as db:
            cuts = [
                (str(cause), int(at))
                for cause, at in db.execute(
                    "SELECT r.cause, r.at_ms FROM relay_switches r JOIN sessions s"
                    " ON r.session_id = s.session_id WHERE s.peer_fingerprint = ?"
                    " AND NOT r.relay_on AND r.at_ms < ?",
                    (fingerprint, stop_ms),
                )
            ]
    until = stop_ms if stalled_at_ms is None else stalled_at_ms
    uncaused = [c for c, at in cuts if c in _UNCAUSED and at < until]
    causes = Counter(c for c, at in cuts if at < until)
    return {
        "payments": int(payments),
        "paid_msat": int(paid),
        "cuts": len(cuts),
        "cut_causes": dict(sorted(causes.items())),
        "cut_without_cause": bool(uncaused),
        "stalled": stalled_at_ms is not None,
    }
