"""The hello's checks: role, identity, clock skew, each refused with a sentence."""

from __future__ import annotations

import pytest

from gridnode.identity import Role
from gridnode.peer.errors import CloseCode, HelloRefusedError
from gridnode.peer.frames import Hello
from gridnode.peer.handshake import check_hello

FP = bytes(range(32))


def _hello(role: Role = Role.BUYER, clock_s: float = 1000.0, fp: bytes = FP) -> Hello:
    return Hello(role, int(clock_s * 1000), fp, b"s" * 16, bytes(16), 5000)


def test_a_good_hello_passes() -> None:
    check_hello(
        _hello(clock_s=1004.0),
        expected_role=Role.BUYER,
        expected_fingerprint=FP.hex(),
        now_s=1000.0,
        max_skew_s=5.0,
    )


@pytest.mark.parametrize("clock_s", [1006.0, 994.0])
def test_clock_skew_above_the_limit_is_refused(clock_s: float) -> None:
    with pytest.raises(HelloRefusedError, match="synchronised") as caught:
        check_hello(
            _hello(clock_s=clock_s),
            expected_role=Role.BUYER,
            expected_fingerprint=FP.hex(),
            now_s=1000.0,
            max_skew_s=5.0,
        )
    assert caught.value.code is CloseCode.CLOCK_SKEW
    assert "6.0 s" in str(caught.value)


def test_a_buyer_talking_to_a_buyer_is_refused() -> None:
    with pytest.raises(HelloRefusedError) as caught:
        check_hello(
            _hello(role=Role.BUYER),
            expected_role=Role.SELLER,
            expected_fingerprint=FP.hex(),
            now_s=1000.0,
            max_skew_s=5.0,
        )
    assert caught.value.code is CloseCode.WRONG_ROLE


def test_a_hello_naming_another_key_than_tls_is_refused() -> None:
    with pytest.raises(HelloRefusedError) as caught:
        check_hello(
            _hello(fp=bytes(32)),
            expected_role=Role.BUYER,
            expected_fingerprint=FP.hex(),
            now_s=1000.0,
            max_skew_s=5.0,
        )
    assert caught.value.code is CloseCode.IDENTITY
    assert FP.hex() in str(caught.value)
