"""Shared builders for the OCMF tests: a fixed node key, a meter, and whole sessions."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec

from gridnode.ocmf import (
    ClockStatus,
    MeterIdentity,
    MeterSeries,
    NodeSigner,
    OcmfRecord,
    Transaction,
    UserAssignment,
)

#: A fixed key, so golden records are stable (signing is deterministic, RFC 6979).
GOLDEN_KEY = ec.derive_private_key(
    0x6772696E646E6F64652D6F636D662D676F6C64656E2D6B6579, ec.SECP256R1()
)
#: 2026-11-23T13:22:04,000+0000
T0_MS = 1_795_440_124_000
METER = MeterIdentity(serial="SDM120-0042", vendor="Eastron", model="SDM120", firmware="1.2")
OTHER_METER = MeterIdentity(serial="SDM120-0099", vendor="Eastron", model="SDM120", firmware="1.2")
SYNCED = ClockStatus.SYNCHRONIZED


def golden_series(meter: MeterIdentity = METER) -> MeterSeries:
    return MeterSeries(NodeSigner(GOLDEN_KEY), meter, gateway_version="0.1.0")


def session(
    series: MeterSeries,
    *,
    start_ms: int = T0_MS,
    start_mwh: int = 1_234_567,
    steps: int = 4,
    session_id: str = "sess-01",
) -> list[OcmfRecord]:
    """A whole session: Begin, intermediate readings (one a tariff change), End."""
    user = UserAssignment.session(session_id)
    records = [series.begin(start_ms, start_mwh, SYNCED, user)]
    for step in range(1, steps + 1):
        tx = Transaction.TARIFF_CHANGE if step == 2 else Transaction.CHARGING
        records.append(series.issue(tx, start_ms + step * 2_000, start_mwh + step * 1_111, SYNCED))
    end_ms = start_ms + (steps + 1) * 2_000
    records.append(series.end(end_ms, start_mwh + (steps + 1) * 1_111, SYNCED))
    return records


def texts(records: list[OcmfRecord]) -> list[str]:
    return [record.text for record in records]


# The specification's example (OCMF 1.2, Figure 1), with its display whitespace.
SPEC_EXAMPLE = """OCMF|{
    "FV": "1.0", "GI": "ABL SBC-301", "GS": "808829900001", "GV": "1.4p3", "PG": "T12345",
    "MV": "Phoenix Contact", "MM": "EEM-350-D-MCB", "MS": "BQ27400330016", "MF": "1.0",
    "IS": true, "IL": "VERIFIED", "IF": ["RFID_PLAIN", "OCPP_RS_TLS"], "IT": "ISO14443",
    "ID": "1F2D3A4F5506C7", "TT": "Tarif 1",
    "LC": {"LN": "cable_name", "LI": 1, "LR": 2, "LU": "mOhm"},
    "RD": [
        {"TM": "2018-07-24T13:22:04,000+0200 S", "TX": "B", "RV": 2935.6, "RI": "1-b:1.8.0",
         "RU": "kWh", "RT": "DC", "EF": "", "ST": "G"},
        {"TM": "2018-07-24T13:26:04,000+0200 S", "TX": "E", "RV": 2965.1, "CL": 0.5,
         "RI": "1-b:1.8.0", "RU": "kWh", "RT": "DC", "EF": "", "ST": "G"}
    ]
}|{
    "SD": "887FABF407AC82782EEFFF2220C2F856AEB0BC22364BBCC6B55761911ED651D1A922BADA8881"""
SPEC_EXAMPLE += """8C9671AFEE7094D7F536"
}"""
