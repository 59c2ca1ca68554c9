"""Offers and rate profiles to and from their protobuf messages."""

from __future__ import annotations

from gridnode.money import Msat
from gridnode.trade.errors import MalformedMessageError
from gridnode.trade.pb import trade_pb2 as pb
from gridnode.trade.profiles import (
    ConstantProfile,
    DailyKnot,
    DailyTableProfile,
    RateProfile,
    TimeOfUseBlock,
    TimeOfUseProfile,
)
from gridnode.trade.sinusoid import SinusoidProfile
from gridnode.trade.terms import (
    ElectricalGuarantees,
    MeteringTolerance,
    Offer,
    PaymentTerms,
    SupplyPolicy,
)
from gridnode.trade.units import DurationMs, MilliAmp, MilliVolt, MsatPerKwh, Mwh


def profile_to_pb(profile: RateProfile, out: pb.RateProfile) -> None:
    out.zone_name = profile.zone_name
    if isinstance(profile, ConstantProfile):
        out.constant.price_msat_per_kwh = profile.price_msat_per_kwh
    elif isinstance(profile, DailyTableProfile):
        out.daily_table.SetInParent()
        for knot in profile.knots:
            out.daily_table.knots.add(
                minute_of_day=knot.minute_of_day, price_msat_per_kwh=knot.price_msat_per_kwh
            )
    elif isinstance(profile, SinusoidProfile):
        out.sinusoid.mean_msat_per_kwh = profile.mean_msat_per_kwh
        out.sinusoid.day_amplitude_msat_per_kwh = profile.day_amplitude_msat_per_kwh
        out.sinusoid.day_phase_ms = profile.day_phase_ms
        out.sinusoid.year_amplitude_msat_per_kwh = profile.year_amplitude_msat_per_kwh
        out.sinusoid.year_phase_ms = profile.year_phase_ms
    elif isinstance(profile, TimeOfUseProfile):
        out.time_of_use.default_msat_per_kwh = profile.default_msat_per_kwh
        for block in profile.blocks:
            out.time_of_use.blocks.add(
                weekday_mask=block.weekday_mask,
                start_minute=block.start_minute,
                stop_minute=block.stop_minute,
                price_msat_per_kwh=block.price_msat_per_kwh,
            )
    else:  # pragma: no cover - the four kinds are all there is
        raise TypeError(f"no wire form for {type(profile).__name__}")


def profile_from_pb(msg: pb.RateProfile) -> RateProfile:
    kind = msg.WhichOneof("kind")
    zone = msg.zone_name
    if kind == "constant":
        return ConstantProfile(MsatPerKwh(msg.constant.price_msat_per_kwh), zone)
    if kind == "daily_table":
        knots = tuple(
            DailyKnot(k.minute_of_day, MsatPerKwh(k.price_msat_per_kwh))
            for k in msg.daily_table.knots
        )
        return DailyTableProfile(knots, zone)
    if kind == "sinusoid":
        s = msg.sinusoid
        return SinusoidProfile(
            MsatPerKwh(s.mean_msat_per_kwh),
            MsatPerKwh(s.day_amplitude_msat_per_kwh),
            s.day_phase_ms,
            MsatPerKwh(s.year_amplitude_msat_per_kwh),
            s.year_phase_ms,
            zone,
        )
    if kind == "time_of_use":
        blocks = tuple(
            TimeOfUseBlock(
                b.weekday_mask, b.start_minute, b.stop_minute, MsatPerKwh(b.price_msat_per_kwh)
            )
            for b in msg.time_of_use.blocks
        )
        return TimeOfUseProfile(blocks, MsatPerKwh(msg.time_of_use.default_msat_per_kwh), zone)
    raise MalformedMessageError("The offer's rate profile names no kind we know.")


def offer_to_pb(offer: Offer, out: pb.Offer) -> None:
    out.start_ms = offer.start_ms
    out.stop_ms = offer.stop_ms
    profile_to_pb(offer.profile, out.profile)
    p = offer.payments
    out.payments.min_payment_msat = p.min_payment.msat
    out.payments.max_payment_msat = p.max_payment.msat
    out.payments.prepayment_msat = p.prepayment.msat
    out.payments.prepayment_ms = p.prepayment_ms
    out.payments.initial_deposit_msat = p.initial_deposit.msat
    out.payments.unpaid_msat = p.unpaid.msat
    out.payments.unpaid_ms = p.unpaid_ms
    e = offer.electrical
    out.electrical.phases = e.phases
    out.electrical.voltage_min_mv = e.voltage_min_mv
    out.electrical.voltage_nominal_mv = e.voltage_nominal_mv
    out.electrical.voltage_max_mv = e.voltage_max_mv
    out.electrical.current_max_ma = e.current_max_ma
    out.electrical.phase_current_max_ma.extend(e.phase_current_max_ma)
    out.electrical.imbalance_max_ma = e.imbalance_max_ma
    out.electrical.neutral_current_max_ma = e.neutral_current_max_ma
    out.electrical.frequency_min_mhz = e.frequency_min_mhz
    out.electrical.frequency_max_mhz = e.frequency_max_mhz
    out.electrical.grace_ms = e.grace_ms
    out.meter_id = offer.meter_id
    out.tolerance.share_ppm = offer.tolerance.share_ppm
    out.tolerance.fixed_mwh = offer.tolerance.fixed_mwh
    s = offer.policy
    out.policy.cutoff_msat = s.cutoff.msat
    out.policy.warn_msat = s.warn.msat
    out.policy.restore_msat = s.restore.msat
    out.policy.min_off_ms = s.min_off_ms
    out.policy.max_switches_per_hour = s.max_switches_per_hour
    out.policy.reading_max_age_ms = s.reading_max_age_ms
    out.policy.renewal_lead_ms = s.renewal_lead_ms
    out.is_renewal = offer.is_renewal
    out.payee_node_id = offer.payee_node_id
    out.seller_metered = offer.seller_metered


def offer_from_pb(msg: pb.Offer) -> Offer:
    for part in ("profile", "payments", "electrical", "tolerance", "policy"):
        if not msg.HasField(part):
            raise MalformedMessageError(f"The offer has no {part}.")
    p, e, t, s = msg.payments, msg.electrical, msg.tolerance, msg.policy
    return Offer(
        start_ms=msg.start_ms,
        stop_ms=msg.stop_ms,
        profile=profile_from_pb(msg.profile),
        payments=PaymentTerms(
            Msat(p.min_payment_msat),
            Msat(p.max_payment_msat),
            Msat(p.prepayment_msat),
            DurationMs(p.prepayment_ms),
            Msat(p.initial_deposit_msat),
            Msat(p.unpaid_msat),
            DurationMs(p.unpaid_ms),
        ),
        electrical=ElectricalGuarantees(
            e.phases,
            MilliVolt(e.voltage_min_mv),
            MilliVolt(e.voltage_nominal_mv),
            MilliVolt(e.voltage_max_mv),
            MilliAmp(e.current_max_ma),
            tuple(MilliAmp(c) for c in e.phase_current_max_ma),
            MilliAmp(e.imbalance_max_ma),
            MilliAmp(e.neutral_current_max_ma),
            e.frequency_min_mhz,
            e.frequency_max_mhz,
            DurationMs(e.grace_ms),
        ),
        meter_id=msg.meter_id,
        tolerance=MeteringTolerance(t.share_ppm, Mwh(t.fixed_mwh)),
        policy=SupplyPolicy(
            cutoff=Msat(s.cutoff_msat),
            warn=Msat(s.warn_msat),
            restore=Msat(s.restore_msat),
            min_off_ms=DurationMs(s.min_off_ms),
            max_switches_per_hour=s.max_switches_per_hour,
            reading_max_age_ms=DurationMs(s.reading_max_age_ms),
            renewal_lead_ms=DurationMs(s.renewal_lead_ms),
        ),
        is_renewal=msg.is_renewal,
        payee_node_id=msg.payee_node_id,
        seller_metered=msg.seller_metered,
    )
