"""The relay against the money: the circuit's own relay log priced against what the seller
credited.

For each buyer's circuit, each interval its relay was on (from the relay's own log in the
circuit's process) belongs to the seller's session that switched it on (its ledger's
relay record comes before the switch). That session's credit at any moment is what it
was credited (its journal's settlements, and a credit note of an earlier session
carried into it) less the true energy delivered in its on intervals so far, priced at
the agreed rate profile. Two rules are checked:

- **cut in time**: once credit is below the cut-off line (the policy's cut-off less the
  most the terms let the seller wait unpaid), the relay is off within one control tick
  plus the scheduling margin; a seller killed with the relay on leaves it to the external
  watchdog, which must drop it within its own timeout plus the margin;
- **restored on credit**: the relay comes on only with credit at or above the restore
  threshold (the seller switches on only then, never on a promise), less a few msat for
  the meter's register step.

The seller's clock may be shifted by a drill (a clock jump): its ledger times are mapped
back to real time with the shifts the drill made (:class:`ClockShifts`), and the energy
is priced at the time the seller's clock read when it flowed, as the seller billed it
(every node shifted at once agrees on that time: an hour ahead, the price an hour ahead).
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from gridnode.trade.profiles import RateProfile, mean_price
from tests.support.drill.money import Problem, rows
from tests.support.drill.recorder import CircuitTrace

#: What the meter's register step (10 mWh) and the billing's rounding may leave between
#: the true energy's price and the seller's own count, at the demo's dearest rate.
RESTORE_SLACK_MSAT = 10


#: How far a stamp may come before the one written ahead of it (stamps are taken a
#: moment before the write); far less than the hour a clock jump moves them.
_ORDER_SLACK_S = 60.0


@dataclass
class ClockShifts:
    """A node's clock offsets as the drill set them: (from real s, offset ms), in order."""

    changes: list[tuple[float, int]] = field(default_factory=list)

    def set(self, at_s: float, shift_ms: int) -> None:
        self.changes.append((at_s, shift_ms))

    def real_s(self, node_ms: int, until_s: float = float("inf")) -> float:
        """The real time (s) of a time stamped by the node, no later than ``until_s``
        (when the stamps were read: a stamp an hour ahead is not an hour in the future);
        where a jump makes it ambiguous, the latest offset that fits."""
        fitting = self._fitting(node_ms, until_s)
        return fitting[-1] if fitting else node_ms / 1000

    def real_times(self, stamps_ms: list[int], until_s: float = float("inf")) -> list[float]:
        """The real times (s) of stamps the node wrote in this order (a ledger table's id
        order): each no earlier than the one before, which settles a stamp two offsets
        fit. A run that went on for more than an hour after a jump forward found the
        stamps of that hour fitting the offset after it too, and took them as an hour
        later (the full drill's session 144f2f6b)."""
        found: list[float] = []
        floor = -math.inf
        for node_ms in stamps_ms:
            fitting = self._fitting(node_ms, until_s)
            later = [t for t in fitting if t >= floor - _ORDER_SLACK_S]
            at_s = min(later) if later else (fitting[-1] if fitting else node_ms / 1000)
            found.append(at_s)
            floor = max(floor, at_s)
        return found

    def _fitting(self, node_ms: int, until_s: float) -> list[float]:
        """Every real time (s) the stamp fits: under the offset in force then."""
        if not self.changes:
            return [node_ms / 1000]
        spans = [*self.changes, (float("inf"), 0)]
        return [
            node_ms / 1000 - shift / 1000
            for (start, shift), (end, _) in zip([(0.0, 0), *spans[:-1]], spans, strict=True)
            if start <= node_ms / 1000 - shift / 1000 < min(end, until_s)
        ]

    def node_ms(self, real_s: float) -> int:
        """What the node's clock read at real time ``real_s``: the terms' rate profile
        is priced on it (both nodes shifted at once agree on that time)."""
        shift = 0
        for start, offset in self.changes:
            if start <= real_s:
                shift = offset
        return round(real_s * 1000) + shift


@dataclass(frozen=True, slots=True)
class SupplyRules:
    cutoff_msat: int
    unpaid_cap_msat: int
    restore_msat: int
    #: one control tick plus the scheduling margin
    cut_within_s: float
    #: the external watchdog's timeout plus the scheduling margin
    watchdog_within_s: float


@dataclass
class SupplyReport:
    problems: list[Problem] = field(default_factory=list)
    on_intervals: int = 0
    cuts_for_credit: int = 0
    #: the longest the relay stayed on after credit fell below the line (s)
    max_on_below_line_s: float = 0.0
    #: the lowest credit seen at a switch-on (msat)
    min_credit_at_switch_on_msat: float | None = None
    #: the longest the relay stayed on after the seller was killed (s)
    max_on_after_seller_kill_s: float = 0.0


@dataclass(frozen=True, slots=True)
class _Session:
    session_id: str
    buyer: int
    #: when each credit was heard (real s, in order) and the running total after it
    credit_times: list[float]
    credit_totals: list[int]
    switch_ons: list[float]

    def paid(self, at_s: float) -> int:
        heard = bisect.bisect_right(self.credit_times, at_s)
        return self.credit_totals[heard - 1] if heard else 0


def check_supply(
    seller_ledger: Path,
    buyer_fingerprints: list[str],
    traces: dict[int, CircuitTrace],
    profile: RateProfile,
    rules: SupplyRules,
    *,
    shifts: ClockShifts,
    seller_kills_s: list[float],
    until_s: float,
) -> SupplyReport:
    report = SupplyReport()
    sessions = _sessions(seller_ledger, buyer_fingerprints, shifts, until_s)
    for index, trace in sorted(traces.items()):
        mine = [s for s in sessions if s.buyer == index]
        owned: dict[str, list[tuple[float, float]]] = {}
        for start, end in trace.on_intervals(until_s):
            report.on_intervals += 1
            owner = _owner(mine, start)
            if owner is None:
                report.problems.append(
                    Problem(
                        "relay_restore",
                        f"buyer-{index + 1}'s relay on at {start:.3f} "
                        "with no switch-on in the seller's ledger before it",
                    )
                )
                continue
            owned.setdefault(owner.session_id, []).append((start, end))
        for session in mine:
            intervals = owned.get(session.session_id, [])
            _check_session(
                session, intervals, trace, profile, rules, shifts, seller_kills_s, report
            )
    return report


def _sessions(
    ledger: Path, fingerprints: list[str], shifts: ClockShifts, until_s: float
) -> list[_Session]:
    """Each session's credits and switch-ons in real time. Stamps are placed in their
    table's own order across every session (:meth:`ClockShifts.real_times`): one
    session's stamps all written during a clock jump fit two hours alike, and only the
    stamps around them tell which (the full drill's c966d20d, whose carried credit went
    an hour late)."""
    settled = _in_order(
        ledger,
        "SELECT session_id, at_ms, amount_msat FROM journal"
        " WHERE kind = 'payment_settled' ORDER BY id",
        shifts,
        until_s,
    )
    ons = _in_order(
        ledger,
        "SELECT session_id, at_ms, 0 FROM relay_switches WHERE relay_on ORDER BY id",
        shifts,
        until_s,
    )
    opened = _in_order(
        ledger, "SELECT session_id, opened_at_ms, 0 FROM sessions ORDER BY rowid", shifts, until_s
    )
    found = []
    for session_id, fingerprint in rows(
        ledger, "SELECT session_id, peer_fingerprint FROM sessions"
    ):
        if fingerprint not in fingerprints:
            continue
        # a credit note of an earlier session carried in counts as paid from its start
        start_s = opened[session_id][0][0]
        carried = rows(
            ledger,
            "SELECT credit_msat FROM credit_notes WHERE state = 'carried'"
            f" AND carried_into = '{session_id}'",
        )
        credits = sorted(settled.get(session_id, []) + [(start_s, int(c)) for (c,) in carried])
        totals = list(itertools.accumulate(amount for _, amount in credits))
        buyer = fingerprints.index(fingerprint)
        switch_ons = [at_s for at_s, _ in ons.get(session_id, [])]
        found.append(_Session(session_id, buyer, [t for t, _ in credits], totals, switch_ons))
    return found


def _in_order(
    ledger: Path, sql: str, shifts: ClockShifts, until_s: float
) -> dict[str, list[tuple[float, int]]]:
    """``(session_id, stamp_ms, value)`` rows in their table's order, by session, each
    stamp placed in real time (s) after the one before it."""
    found = rows(ledger, sql)
    times = shifts.real_times([int(at) for _, at, _ in found], until_s)
    by_session: dict[str, list[tuple[float, int]]] = {}
    for (session_id, _, value), at_s in zip(found, times, strict=True):
        by_session.setdefault(str(session_id), []).append((at_s, int(value)))
    return by_session


#: The relay's own log and the seller's ledger are stamped by two processes; the ledger's
#: record comes first, by at most this much clock difference.
_STAMP_SLACK_S = 0.25


def _owner(sessions: list[_Session], on_at_s: float) -> _Session | None:
    """The session whose latest switch-on record came at or before the relay came on."""
    best: tuple[float, _Session] | None = None
    for session in sessions:
        for at_s in session.switch_ons:
            if at_s <= on_at_s + _STAMP_SLACK_S and (best is None or at_s > best[0]):
                best = (at_s, session)
    return best[1] if best is not None else None


def _check_session(
    session: _Session,
    intervals: list[tuple[float, float]],
    trace: CircuitTrace,
    profile: RateProfile,
    rules: SupplyRules,
    shifts: ClockShifts,
    seller_kills_s: list[float],
    report: SupplyReport,
) -> None:
    cost = Fraction(0)
    times = [sample.at_s for sample in trace.samples]
    line = rules.cutoff_msat - rules.unpaid_cap_msat
    name = f"buyer-{session.buyer + 1} session {session.session_id[:12]}"
    for start, end in intervals:
        credit = session.paid(start) - cost
        lowest = report.min_credit_at_switch_on_msat
        report.min_credit_at_switch_on_msat = min(float(credit), lowest or float(credit))
        if credit < rules.restore_msat - RESTORE_SLACK_MSAT:
            report.problems.append(
                Problem(
                    "relay_restore",
                    f"{name}: relay on at {start:.3f} with credit "
                    f"{float(credit):.0f} msat, under the restore {rules.restore_msat}",
                )
            )
        below_since: float | None = None
        first = bisect.bisect_right(times, start)
        last = bisect.bisect_left(times, end)
        points = [start, *times[first:last], end]
        for t0, t1 in itertools.pairwise(points):
            energy = trace.energy_at(t1) - trace.energy_at(t0)
            if energy > 0:  # priced on the seller's clock, as it billed it
                at0, at1 = shifts.node_ms(t0), shifts.node_ms(t1)
                price = mean_price(profile, min(at0, at1), max(at0, at1, min(at0, at1) + 1))
                cost += Fraction(energy) * price / 1_000_000
            credit = session.paid(t1) - cost
            if credit < line and below_since is None:
                below_since = t1
            elif credit >= line:
                below_since = None
        if below_since is None:
            continue
        report.cuts_for_credit += 1
        late_s = end - below_since
        killed = [k for k in seller_kills_s if start <= k <= end]
        if killed:
            held_s = end - max(killed)
            report.max_on_after_seller_kill_s = max(report.max_on_after_seller_kill_s, held_s)
            if held_s > rules.watchdog_within_s:
                report.problems.append(
                    Problem(
                        "relay_cut",
                        f"{name}: relay held {held_s:.2f} s after the seller "
                        f"was killed (watchdog bound {rules.watchdog_within_s:.2f} s)",
                    )
                )
            continue
        report.max_on_below_line_s = max(report.max_on_below_line_s, late_s)
        if late_s > rules.cut_within_s:
            report.problems.append(
                Problem(
                    "relay_cut",
                    f"{name}: relay on {late_s:.2f} s after credit fell under "
                    f"{line} msat at {below_since:.3f} (bound {rules.cut_within_s:.2f} s)",
                )
            )
