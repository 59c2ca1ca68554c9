"""Commented example configurations for a seller and a buyer.

``gridnode init`` writes :func:`for_init`: the whole example with its pairing section
(the peer's address, fingerprint and certificate) left as placeholders to fill in after
the fingerprints were compared (docs/peer-link.md).
"""

from __future__ import annotations

from importlib import resources

PAIRING_MARK = "# --- pairing:"

_PAIRING_PLACEHOLDERS = {
    "seller": (
        "# One [[buyers]] table per buyer this seller sells to, after comparing fingerprints:\n"
        "# [[buyers]]\n"
        '# name = "flat-2"\n'
        '# fingerprint = "<64 hex digits from `gridnode fingerprint` on the buyer>"\n'
        '# certificate = "peers/flat-2.crt"\n'
        '# meter = "flat-2"                   # the [[hardware.meters]] id of this flat\n'
        '# relay = { kind = "gpio", pin = 17, active_high = true }\n'
    ),
    "buyer": (
        "# The one seller this buyer buys from, after comparing fingerprints:\n"
        "[seller]\n"
        '# address = "192.0.2.10:7878"\n'
        '# fingerprint = "<64 hex digits from `gridnode fingerprint` on the seller>"\n'
        '# certificate = "peers/seller.crt"\n'
    ),
}


def example(role: str) -> str:
    """The complete example for ``role`` ("seller" or "buyer")."""
    return resources.files(__name__).joinpath(f"{role}.toml").read_text()


def for_init(role: str) -> str:
    """The example with its pairing section as placeholders."""
    text = example(role)
    head = text[: text.index(PAIRING_MARK)]
    return (
        head
        + PAIRING_MARK
        + " fill in after pairing (docs/peer-link.md) ---\n"
        + (_PAIRING_PLACEHOLDERS[role])
    )
