"""Both log formats carry the session id a runner's LoggerAdapter sets (and the peer a link
sets), so a systemd journal in the default text format can still be followed by session."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from gridnode.cli.common import configure_logging

SESSION_ID = "1a2b3c4d5e6f708192a3b4c5d6e7f801"  # as the seller makes one: 16 random bytes, hex


class Stderr:
    """What configure_logging's handler writes on stderr (captured by pytest)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def getvalue(self) -> str:
        return self.capsys.readouterr().err


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Iterator[Stderr]:
    """configure_logging binds the stderr of the moment; the root logger is restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield Stderr(capsys)
    root.handlers[:] = handlers
    root.setLevel(level)


def _session_log() -> logging.LoggerAdapter[logging.Logger]:
    """A logger as gridnode.node.runner.SessionRunner holds one."""
    return logging.LoggerAdapter(logging.getLogger("gridnode.test"), {"session_id": SESSION_ID})


def test_text_lines_end_with_the_short_session_id(stderr: Stderr) -> None:
    configure_logging("text")
    _session_log().info("invoice %s settled", "ab12")
    line = stderr.getvalue().rstrip("\n")
    assert line.endswith("INFO gridnode.test: invoice ab12 settled [session 1a2b3c4d…]")
    assert SESSION_ID not in line  # short and readable; the JSON format keeps it whole


def test_text_lines_name_the_peer_too(stderr: Stderr) -> None:
    configure_logging("text")
    logging.getLogger("gridnode.peer").warning("refused", extra={"peer": "buyer-2"})
    assert stderr.getvalue().rstrip("\n").endswith("gridnode.peer: refused [peer buyer-2]")


def test_text_lines_of_a_session_and_a_peer_carry_both(stderr: Stderr) -> None:
    configure_logging("text")
    adapter = logging.LoggerAdapter(
        logging.getLogger("gridnode.test"), {"session_id": SESSION_ID, "peer": "buyer-1"}
    )
    adapter.info("relay on")
    assert stderr.getvalue().rstrip("\n").endswith("relay on [session 1a2b3c4d… peer buyer-1]")


def test_text_lines_without_a_session_are_unchanged(stderr: Stderr) -> None:
    configure_logging("text")
    logging.getLogger("gridnode.test").info("listening on %s", "127.0.0.1:9735")
    assert stderr.getvalue().rstrip("\n").endswith("gridnode.test: listening on 127.0.0.1:9735")


def test_a_short_session_id_is_shown_whole_without_an_ellipsis(stderr: Stderr) -> None:
    configure_logging("text")
    logging.getLogger("gridnode.test").info("x", extra={"session_id": "s1"})
    assert stderr.getvalue().rstrip("\n").endswith("x [session s1]")


def test_the_session_tag_stays_on_the_event_line_above_a_traceback(stderr: Stderr) -> None:
    configure_logging("text")
    try:
        raise RuntimeError("meter gone")
    except RuntimeError:
        _session_log().exception("read failed")
    lines = stderr.getvalue().splitlines()
    assert lines[0].endswith("read failed [session 1a2b3c4d…]")
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "RuntimeError: meter gone"


def test_json_lines_carry_the_whole_session_id_and_the_peer(stderr: Stderr) -> None:
    configure_logging("json")
    _session_log().info("invoice %s settled", "ab12")
    logging.getLogger("gridnode.peer").warning("refused", extra={"peer": "buyer-2"})
    logging.getLogger("gridnode.test").info("no session")
    first, second, third = (json.loads(line) for line in stderr.getvalue().splitlines())
    assert first["event"] == "invoice ab12 settled"
    assert first["session_id"] == SESSION_ID
    assert (first["level"], first["logger"]) == ("info", "gridnode.test")
    assert second["peer"] == "buyer-2"
    assert "session_id" not in second
    assert "session_id" not in third
    assert "peer" not in third
