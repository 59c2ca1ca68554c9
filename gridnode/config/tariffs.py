"""A seller's named tariffs (issue 18): ``[tariffs.NAME]`` tables, each a full terms table
as ``[terms]`` is, and the ``tariff = NAME`` a ``[[buyers]]`` entry may name.

The unnamed ``[terms]`` stays the default: a buyer that names no tariff is sold on it. A
tariff is read by the same reader as ``[terms]`` (:func:`gridnode.config.trade.read_terms`),
so its mistakes name its own keys (``tariffs.night.period_s``), and a buyer naming a
tariff the file does not have is a mistake naming the tariffs it has.

.. code-block:: toml

    [terms]                           # the default tariff
    period_s = 3600
    ...
    [tariffs.night]                   # a tariff of its own: every key of [terms]
    period_s = 3600
    ...
    [tariffs.night.profile]
    kind = "constant"
    zone = "Europe/Berlin"
    price_msat_per_kwh = 200_000

    [[buyers]]
    name = "flat-2"
    tariff = "night"                  # optional; without it, [terms]
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gridnode.config.peers import BuyerEntry
from gridnode.config.reader import Table
from gridnode.config.trade import read_terms
from gridnode.trade.terms import OfferTemplate

#: A tariff's name: what a buyer entry's ``tariff`` names, shown in logs and statements.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def read_tariffs(top: Table, *, register_step_mwh: int | None) -> dict[str, OfferTemplate]:
    """Every ``[tariffs.NAME]`` that reads without a mistake, by name (each mistake of a
    broken one is in ``top.problems`` under its own keys)."""
    if not top.has("tariffs"):
        top.table("tariffs", required=False)  # marks the key as read
        return {}
    table = top.table("tariffs")
    found: dict[str, OfferTemplate] = {}
    for name, value in table.doc.items():
        if not isinstance(value, Mapping):
            table.problems.add(
                f"{table.name(name)} must be a table of terms ([tariffs.{name}] with the "
                "keys of [terms]), not a value"
            )
            continue
        if not _NAME.fullmatch(name):
            table.problems.add(
                f"{table.name(name)}: a tariff's name is letters, digits, '-', '_' or '.' "
                "(up to 64), starting with a letter or a digit"
            )
            continue
        terms = read_terms(table.table(name), register_step_mwh=register_step_mwh)
        if terms is not None:
            found[name] = terms
    table.unknown_keys(set(table.doc))
    return found


def check_buyer_tariffs(top: Table, buyers: Mapping[str, BuyerEntry]) -> None:
    """Each buyer's ``tariff`` must name a ``[tariffs.NAME]`` of the file (a broken one is
    reported with its own keys, not again here)."""
    written = top.doc.get("tariffs")
    have = sorted(written) if isinstance(written, Mapping) else []
    for where, entry in buyers.items():
        if not entry.tariff or entry.tariff in have:
            continue
        listed = ", ".join(have) if have else "none"
        top.problems.add(
            f"{where}.tariff names {entry.tariff!r}, which is not a tariff of this file "
            f"(its tariffs: {listed}); add [tariffs.{entry.tariff}] or name one of them, "
            "or leave tariff out to sell on [terms]"
        )
