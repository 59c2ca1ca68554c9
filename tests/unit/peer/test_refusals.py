"""Refusal log lines: one per host per interval (a flooder cannot fill the SD card), and a
TLS failure explained in words."""

from __future__ import annotations

import logging
import ssl

import pytest

from gridnode.peer.server import RefusalLog, explain_tls_failure


def test_one_line_per_host_per_interval_with_a_count(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="gridnode.peer")
    now = [1_000.0]
    log = RefusalLog(interval_s=0.05, monotonic=lambda: now[0])
    for port in range(100):
        log.refused(f"198.51.100.7:{port}", "garbage")
    log.refused("203.0.113.9:1", "garbage")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2  # one for each host
    now[0] += 0.04
    log.refused("198.51.100.7:4000", "garbage")
    assert len(caplog.records) == 2  # still within the interval: counted, not logged
    now[0] += 0.02
    log.refused("198.51.100.7:5000", "garbage")
    assert "[100 more refusals from 198.51.100.7 not logged]" in caplog.records[-1].getMessage()


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (TimeoutError(), "no TLS handshake within 10 s"),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "not speaking TLS"),
        (ssl.SSLError(1, "[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol"), "TLS 1.3"),
        (
            ssl.SSLError(
                1, "[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate"
            ),
            "no client certificate",
        ),
    ],
)
def test_tls_failures_are_explained(exc: BaseException, words: str) -> None:
    assert words in explain_tls_failure(exc, 10.0)
