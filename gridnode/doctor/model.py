"""What the doctor reports: a line per check, with what it found and how to fix it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Outcome(enum.Enum):
    """How one check came out."""

    #: It works.
    OK = "ok"
    #: It works today, but something needs a look before it stops working.
    WARNING = "warning"
    #: It does not work: the node cannot trade (or not safely) until it is fixed.
    FAILURE = "failure"
    #: Not run: it needs something this run did not have (the fix says what).
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report."""

    #: What was checked ("meter tenant-1", "channel to flat-2").
    name: str
    outcome: Outcome
    #: What the check found, as a sentence.
    detail: str
    #: How to fix it (or how to run a skipped check); empty when it is ok.
    fix: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "outcome": self.outcome.value,
            "detail": self.detail,
            "fix": self.fix,
        }


def ok(name: str, detail: str) -> Check:
    return Check(name, Outcome.OK, detail)


def warning(name: str, detail: str, fix: str) -> Check:
    return Check(name, Outcome.WARNING, detail, fix)


def failure(name: str, detail: str, fix: str) -> Check:
    return Check(name, Outcome.FAILURE, detail, fix)


def skipped(name: str, detail: str, fix: str) -> Check:
    return Check(name, Outcome.SKIPPED, detail, fix)


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """Every check of one run, in the order they ran."""

    role: str
    config: str
    #: Whether the node was running (its status socket answered) during the checks.
    node_running: bool
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """Nothing failed (warnings and skipped checks do not fail a run)."""
        return all(c.outcome is not Outcome.FAILURE for c in self.checks)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for c in self.checks if c.outcome is outcome)

    def to_json(self) -> dict[str, object]:
        return {
            "role": self.role,
            "config": self.config,
            "node_running": self.node_running,
            "passed": self.passed,
            "counts": {o.value: self.count(o) for o in Outcome},
            "checks": [c.to_json() for c in self.checks],
        }

    def text(self) -> str:
        """A line per check (and its fix, indented), then the tally."""
        width = max((len(c.name) for c in self.checks), default=0)
        lines = []
        for check in self.checks:
            lines.append(f"{check.outcome.value:<8} {check.name:<{width}}  {check.detail}")
            if check.fix:
                lines.append(f"{'':<8} {'':<{width}}  fix: {check.fix}")
        tally = ", ".join(f"{self.count(o)} {o.value}" for o in Outcome if self.count(o))
        verdict = "passed" if self.passed else "FAILED"
        lines.append(f"{verdict}: {tally}")
        return "\n".join(lines)
