"""The wire codec: every message round-trips, binding messages are signed, and any bytes
either decode or raise a typed DecodeError."""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.money import Msat
from gridnode.ocmf import ClockStatus, Transaction, parse_record
from gridnode.trade import codec
from gridnode.trade.errors import (
    DecodeError,
    MalformedMessageError,
    OversizedMessageError,
    SignatureError,
    TermsError,
    UnknownMessageError,
)
from gridnode.trade.evaluate import Reason, Term
from gridnode.trade.messages import (
    AcceptanceMessage,
    Body,
    CarriedCredit,
    Cause,
    Close,
    ClosingStatement,
    CreditWarning,
    Envelope,
    ErrorMessage,
    Heartbeat,
    Hello,
    InvoiceMessage,
    InvoicePurpose,
    MessageKind,
    MeterReadingMessage,
    OfferMessage,
    PaymentFailure,
    PaymentNotice,
    RefundPaid,
    RefundRequest,
    RejectionMessage,
    RenewalMessage,
    Resume,
    Role,
    Suspend,
)
from gridnode.trade.pb import trade_pb2 as pb
from gridnode.trade.readings import OwnSeries
from gridnode.trade.signing import P256Signer, P256Verifier, fingerprint
from gridnode.trade.terms import ElectricalGuarantees, Offer
from gridnode.trade.units import DurationMs, MilliAmp, MilliVolt
from tests.support.terms import PAYMENTS, T0, demo_offer
from tests.support.trade.strategies import any_profiles

SESSION = bytes(range(16))
SIGNER = P256Signer.generate()
SERIES = OwnSeries(SIGNER, "SDM120-0042", None, ClockStatus.SYNCHRONIZED)
(BEGIN,) = SERIES.begin(SESSION.hex(), T0)
READING = SERIES.sign(Transaction.CHARGING, T0 + 1_000, 1_234)


def _bodies() -> list[Body]:
    reading = READING
    renewal = demo_offer(
        start=T0 + 600_000,
        payments=dataclasses.replace(PAYMENTS, initial_deposit=Msat(0)),
        is_renewal=True,
    )
    return [
        Hello(1, fingerprint(SIGNER.public_key_der), Role.SELLER, "SDM120-0042"),
        OfferMessage(demo_offer()),
        OfferMessage(replace(demo_offer(), payee_node_id="03" + "ab" * 32)),
        RenewalMessage(renewal),
        AcceptanceMessage(b"\x01" * 32, Msat(400)),
        RejectionMessage(b"\x02" * 32, (Reason(Term.DEPOSIT, 150_000, 100_000, "too much"),)),
        InvoiceMessage(
            "lnbcrt1...", b"\x03" * 32, Msat(400), InvoicePurpose.PREPAYMENT, 5, 7, reading
        ),
        MeterReadingMessage(reading),
        PaymentNotice(b"\x03" * 32, b"\x04" * 32, Msat(400), reading),
        PaymentNotice(b"\x03" * 32, b"\x04" * 32, Msat(400), None),
        Suspend(Cause.CREDIT, "credit below cut-off"),
        Resume(Cause.CREDIT),
        Close(Cause.PERIOD_END, "period over"),
        ErrorMessage(3, "malformed"),
        Heartbeat(T0),
        CreditWarning(150, 0, "credit low: pay the open invoice"),
        PaymentFailure(b"\x05" * 32, "no route"),
        OfferMessage(demo_offer(), CarriedCredit(b"\x06" * 16, Msat(1_234))),
        AcceptanceMessage(b"\x01" * 32, Msat(400), "02" + "cd" * 32),
        AcceptanceMessage(b"\x01" * 32, Msat(400), "", seller_metered=True),
        OfferMessage(replace(demo_offer(), seller_metered=True)),
        ClosingStatement(Msat(9_000), Msat(500), b"\x06" * 16, 30_000, Msat(6_001), Msat(3_499)),
        ClosingStatement(Msat(0), Msat(0), b"", 0, Msat(0), Msat(0)),
        RefundRequest("lnbcrt1...", b"\x07" * 32, Msat(3_499)),
        RefundRequest("", b"", Msat(0), waive=True),
        RefundPaid(b"\x07" * 32, b"\x08" * 32, Msat(3_499)),
        # three phases: per-phase maxima, imbalance, neutral, frequency and the grace
        OfferMessage(demo_offer(electrical=THREE_PHASE)),
        RejectionMessage(b"\x02" * 32, (Reason(Term.PHASE_CURRENT, 10_000, 16_000, "L3"),)),
        Suspend(Cause.IMBALANCE, "the phase currents differ by 20000 mA"),
        Close(Cause.FREQUENCY, "the frequency 48000 mHz is outside 49500..50500 mHz"),
        Suspend(Cause.NEUTRAL_CURRENT, "the neutral carries 30000 mA"),
        PaymentFailure(b"\x06" * 32, "below the agreed minimum payment", refused=True),
    ]


THREE_PHASE = ElectricalGuarantees(
    phases=3,
    voltage_min_mv=MilliVolt(207_000),
    voltage_nominal_mv=MilliVolt(230_000),
    voltage_max_mv=MilliVolt(253_000),
    current_max_ma=MilliAmp(32_000),
    phase_current_max_ma=(MilliAmp(32_000), MilliAmp(16_000), MilliAmp(16_000)),
    imbalance_max_ma=MilliAmp(20_000),
    neutral_current_max_ma=MilliAmp(25_000),
    frequency_min_mhz=49_500,
    frequency_max_mhz=50_500,
    grace_ms=DurationMs(1_500),
)


# Encoded once: ECDSA signatures are randomised, and hypothesis needs stable inputs.
FRAMES = [codec.encode(Envelope(SESSION, 3, body), SIGNER) for body in _bodies()]


def test_every_message_kind_is_covered() -> None:
    assert {b.kind for b in _bodies()} == set(MessageKind)


@pytest.mark.parametrize("body", _bodies(), ids=lambda b: type(b).__name__)
def test_every_message_round_trips_through_bytes(body: Body) -> None:
    envelope = Envelope(SESSION, 5, body)
    received = codec.decode(codec.encode(envelope, SIGNER))
    assert received.envelope == envelope
    codec.verify(received, SIGNER.verifier())


@given(any_profiles)
def test_every_rate_profile_round_trips_inside_an_offer(profile: object) -> None:
    offer = demo_offer(profile=profile)
    received = codec.decode(codec.encode(Envelope(SESSION, 1, OfferMessage(offer)), SIGNER))
    assert isinstance(received.envelope.body, OfferMessage)
    decoded: Offer = received.envelope.body.offer
    assert decoded == offer


def test_a_binding_message_needs_a_signer() -> None:
    with pytest.raises(SignatureError, match="must be signed"):
        codec.encode(Envelope(SESSION, 1, OfferMessage(demo_offer())))


def test_a_signature_by_another_key_is_refused() -> None:
    frame = codec.encode(Envelope(SESSION, 1, OfferMessage(demo_offer())), SIGNER)
    received = codec.decode(frame)
    with pytest.raises(SignatureError, match="not signed by its pinned key"):
        codec.verify(received, P256Signer.generate().verifier())


def test_a_tampered_envelope_fails_its_signature() -> None:
    frame = pb.Frame()
    frame.ParseFromString(codec.encode(Envelope(SESSION, 1, OfferMessage(demo_offer())), SIGNER))
    envelope = pb.Envelope()
    envelope.ParseFromString(frame.envelope)
    envelope.offer.payments.initial_deposit_msat += 1
    frame.envelope = envelope.SerializeToString()
    with pytest.raises(SignatureError):
        codec.verify(codec.decode(frame.SerializeToString()), SIGNER.verifier())


def test_a_signed_reading_verifies_and_a_forged_one_does_not() -> None:
    codec.verify_reading(READING, SIGNER.verifier())
    other = OwnSeries(P256Signer.generate(), "SDM120-0042", None)
    other.begin(SESSION.hex(), T0)
    forged = dataclasses.replace(
        READING, signature=other.sign(Transaction.CHARGING, T0 + 1_000, 1_234).signature
    )
    with pytest.raises(SignatureError, match="Meter reading T2"):
        codec.verify_reading(forged, SIGNER.verifier())


def test_a_changed_reading_payload_no_longer_verifies() -> None:
    tampered = READING.text.replace('"RV":0.001234', '"RV":0.001000')
    assert tampered != READING.text
    with pytest.raises(SignatureError):
        codec.verify_reading(parse_record(tampered), SIGNER.verifier())


def test_an_invoice_without_its_reading_is_malformed() -> None:
    message = pb.Envelope(protocol_version=1, session_id=SESSION, seq=1)
    message.invoice.bolt11 = "lnbcrt1"
    message.invoice.payment_hash = b"\x03" * 32
    message.invoice.purpose = pb.INVOICE_PURPOSE_PREPAYMENT
    frame = pb.Frame(envelope=message.SerializeToString())
    with pytest.raises(MalformedMessageError, match="OCMF"):
        codec.decode(frame.SerializeToString())


def test_the_node_id_is_the_sha256_of_the_der_public_key() -> None:
    import hashlib

    der = SIGNER.public_key_der
    assert fingerprint(der) == hashlib.sha256(der).hexdigest()
    assert P256Verifier(der).public_key_der == der
    with pytest.raises(SignatureError, match="DER"):
        P256Verifier(b"not a key")


def test_oversized_frames_are_refused_before_parsing() -> None:
    with pytest.raises(OversizedMessageError, match="over the 65536-byte limit"):
        codec.decode(b"\x00" * (codec.MAX_FRAME_BYTES + 1))


def test_an_envelope_without_a_known_body_is_unknown() -> None:
    envelope = pb.Envelope(protocol_version=1, session_id=SESSION, seq=1)
    frame = pb.Frame(envelope=envelope.SerializeToString() + b"\xfa\x01\x00")  # field 31
    with pytest.raises(UnknownMessageError):
        codec.decode(frame.SerializeToString())


def test_a_newer_protocol_version_is_unknown_not_malformed() -> None:
    envelope = pb.Envelope(protocol_version=2, session_id=SESSION, seq=1)
    envelope.heartbeat.at_ms = 1
    with pytest.raises(UnknownMessageError, match="version 2"):
        codec.decode(pb.Frame(envelope=envelope.SerializeToString()).SerializeToString())


def test_out_of_range_terms_are_malformed() -> None:
    frame = pb.Frame()
    frame.ParseFromString(codec.encode(Envelope(SESSION, 1, OfferMessage(demo_offer())), SIGNER))
    envelope = pb.Envelope()
    envelope.ParseFromString(frame.envelope)
    envelope.offer.stop_ms = envelope.offer.start_ms
    frame.envelope = envelope.SerializeToString()
    with pytest.raises(MalformedMessageError, match="end after it starts"):
        codec.decode(frame.SerializeToString())


def test_a_payee_that_is_not_a_lightning_node_id_is_refused() -> None:
    for bad in ("04" + "ab" * 32, "03" + "ab" * 31, "03" + "AB" * 32, "node"):
        with pytest.raises(TermsError, match="payee_node_id must be a Lightning node id"):
            replace(demo_offer(), payee_node_id=bad)


def test_a_short_session_id_is_malformed() -> None:
    envelope = pb.Envelope(protocol_version=1, session_id=b"x", seq=1)
    envelope.heartbeat.at_ms = 1
    with pytest.raises(MalformedMessageError, match="16 bytes"):
        codec.decode(pb.Frame(envelope=envelope.SerializeToString()).SerializeToString())


@given(st.binary(max_size=512))
def test_any_bytes_decode_or_raise_a_typed_decode_error(data: bytes) -> None:
    with contextlib.suppress(DecodeError):
        codec.decode(data)


@given(st.data())
def test_mutated_valid_frames_decode_or_raise_a_typed_decode_error(data: st.DataObject) -> None:
    frame = bytearray(data.draw(st.sampled_from(FRAMES)))
    for _ in range(data.draw(st.integers(1, 4))):
        frame[data.draw(st.integers(0, len(frame) - 1))] = data.draw(st.integers(0, 255))
    code = 0
    try:
        codec.decode(bytes(frame))
    except DecodeError as exc:
        code = exc.code
    assert code in (0, 2, 3, 4)
