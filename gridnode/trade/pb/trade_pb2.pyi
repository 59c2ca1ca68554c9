from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_SELLER: _ClassVar[Role]
    ROLE_BUYER: _ClassVar[Role]

class InvoicePurpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INVOICE_PURPOSE_UNSPECIFIED: _ClassVar[InvoicePurpose]
    INVOICE_PURPOSE_DEPOSIT: _ClassVar[InvoicePurpose]
    INVOICE_PURPOSE_PREPAYMENT: _ClassVar[InvoicePurpose]

class Cause(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAUSE_UNSPECIFIED: _ClassVar[Cause]
    CAUSE_CREDIT: _ClassVar[Cause]
    CAUSE_PERIOD_END: _ClassVar[Cause]
    CAUSE_STALE_READING: _ClassVar[Cause]
    CAUSE_OVERCURRENT: _ClassVar[Cause]
    CAUSE_VOLTAGE: _ClassVar[Cause]
    CAUSE_METER_DISAGREEMENT: _ClassVar[Cause]
    CAUSE_OVER_INVOICED: _ClassVar[Cause]
    CAUSE_PROTOCOL: _ClassVar[Cause]
    CAUSE_REQUESTED: _ClassVar[Cause]
    CAUSE_REJECTED: _ClassVar[Cause]
    CAUSE_DEPOSIT: _ClassVar[Cause]
    CAUSE_FREQUENCY: _ClassVar[Cause]
    CAUSE_IMBALANCE: _ClassVar[Cause]
    CAUSE_NEUTRAL_CURRENT: _ClassVar[Cause]
    CAUSE_REMOVED: _ClassVar[Cause]
ROLE_UNSPECIFIED: Role
ROLE_SELLER: Role
ROLE_BUYER: Role
INVOICE_PURPOSE_UNSPECIFIED: InvoicePurpose
INVOICE_PURPOSE_DEPOSIT: InvoicePurpose
INVOICE_PURPOSE_PREPAYMENT: InvoicePurpose
CAUSE_UNSPECIFIED: Cause
CAUSE_CREDIT: Cause
CAUSE_PERIOD_END: Cause
CAUSE_STALE_READING: Cause
CAUSE_OVERCURRENT: Cause
CAUSE_VOLTAGE: Cause
CAUSE_METER_DISAGREEMENT: Cause
CAUSE_OVER_INVOICED: Cause
CAUSE_PROTOCOL: Cause
CAUSE_REQUESTED: Cause
CAUSE_REJECTED: Cause
CAUSE_DEPOSIT: Cause
CAUSE_FREQUENCY: Cause
CAUSE_IMBALANCE: Cause
CAUSE_NEUTRAL_CURRENT: Cause
CAUSE_REMOVED: Cause

class Frame(_message.Message):
    __slots__ = ("envelope", "signature")
    ENVELOPE_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    envelope: bytes
    signature: bytes
    def __init__(self, envelope: _Optional[bytes] = ..., signature: _Optional[bytes] = ...) -> None: ...

class Envelope(_message.Message):
    __slots__ = ("protocol_version", "session_id", "seq", "hello", "offer", "acceptance", "rejection", "invoice", "payment_notice", "meter_reading", "renewal", "suspend", "resume", "close", "error", "heartbeat", "credit_warning", "payment_failure", "closing_statement", "refund_request", "refund_paid")
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    HELLO_FIELD_NUMBER: _ClassVar[int]
    OFFER_FIELD_NUMBER: _ClassVar[int]
    ACCEPTANCE_FIELD_NUMBER: _ClassVar[int]
    REJECTION_FIELD_NUMBER: _ClassVar[int]
    INVOICE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_NOTICE_FIELD_NUMBER: _ClassVar[int]
    METER_READING_FIELD_NUMBER: _ClassVar[int]
    RENEWAL_FIELD_NUMBER: _ClassVar[int]
    SUSPEND_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    CREDIT_WARNING_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_FAILURE_FIELD_NUMBER: _ClassVar[int]
    CLOSING_STATEMENT_FIELD_NUMBER: _ClassVar[int]
    REFUND_REQUEST_FIELD_NUMBER: _ClassVar[int]
    REFUND_PAID_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    session_id: bytes
    seq: int
    hello: Hello
    offer: Offer
    acceptance: Acceptance
    rejection: Rejection
    invoice: Invoice
    payment_notice: PaymentNotice
    meter_reading: MeterReading
    renewal: Offer
    suspend: Suspend
    resume: Resume
    close: Close
    error: Error
    heartbeat: Heartbeat
    credit_warning: CreditWarning
    payment_failure: PaymentFailure
    closing_statement: ClosingStatement
    refund_request: RefundRequest
    refund_paid: RefundPaid
    def __init__(self, protocol_version: _Optional[int] = ..., session_id: _Optional[bytes] = ..., seq: _Optional[int] = ..., hello: _Optional[_Union[Hello, _Mapping]] = ..., offer: _Optional[_Union[Offer, _Mapping]] = ..., acceptance: _Optional[_Union[Acceptance, _Mapping]] = ..., rejection: _Optional[_Union[Rejection, _Mapping]] = ..., invoice: _Optional[_Union[Invoice, _Mapping]] = ..., payment_notice: _Optional[_Union[PaymentNotice, _Mapping]] = ..., meter_reading: _Optional[_Union[MeterReading, _Mapping]] = ..., renewal: _Optional[_Union[Offer, _Mapping]] = ..., suspend: _Optional[_Union[Suspend, _Mapping]] = ..., resume: _Optional[_Union[Resume, _Mapping]] = ..., close: _Optional[_Union[Close, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., credit_warning: _Optional[_Union[CreditWarning, _Mapping]] = ..., payment_failure: _Optional[_Union[PaymentFailure, _Mapping]] = ..., closing_statement: _Optional[_Union[ClosingStatement, _Mapping]] = ..., refund_request: _Optional[_Union[RefundRequest, _Mapping]] = ..., refund_paid: _Optional[_Union[RefundPaid, _Mapping]] = ...) -> None: ...

class Hello(_message.Message):
    __slots__ = ("protocol_version", "node_id", "role", "meter_id")
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    node_id: str
    role: Role
    meter_id: str
    def __init__(self, protocol_version: _Optional[int] = ..., node_id: _Optional[str] = ..., role: _Optional[_Union[Role, str]] = ..., meter_id: _Optional[str] = ...) -> None: ...

class ConstantProfile(_message.Message):
    __slots__ = ("price_msat_per_kwh",)
    PRICE_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    price_msat_per_kwh: int
    def __init__(self, price_msat_per_kwh: _Optional[int] = ...) -> None: ...

class DailyKnot(_message.Message):
    __slots__ = ("minute_of_day", "price_msat_per_kwh")
    MINUTE_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    PRICE_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    minute_of_day: int
    price_msat_per_kwh: int
    def __init__(self, minute_of_day: _Optional[int] = ..., price_msat_per_kwh: _Optional[int] = ...) -> None: ...

class DailyTableProfile(_message.Message):
    __slots__ = ("knots",)
    KNOTS_FIELD_NUMBER: _ClassVar[int]
    knots: _containers.RepeatedCompositeFieldContainer[DailyKnot]
    def __init__(self, knots: _Optional[_Iterable[_Union[DailyKnot, _Mapping]]] = ...) -> None: ...

class SinusoidProfile(_message.Message):
    __slots__ = ("mean_msat_per_kwh", "day_amplitude_msat_per_kwh", "day_phase_ms", "year_amplitude_msat_per_kwh", "year_phase_ms")
    MEAN_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    DAY_AMPLITUDE_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    DAY_PHASE_MS_FIELD_NUMBER: _ClassVar[int]
    YEAR_AMPLITUDE_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    YEAR_PHASE_MS_FIELD_NUMBER: _ClassVar[int]
    mean_msat_per_kwh: int
    day_amplitude_msat_per_kwh: int
    day_phase_ms: int
    year_amplitude_msat_per_kwh: int
    year_phase_ms: int
    def __init__(self, mean_msat_per_kwh: _Optional[int] = ..., day_amplitude_msat_per_kwh: _Optional[int] = ..., day_phase_ms: _Optional[int] = ..., year_amplitude_msat_per_kwh: _Optional[int] = ..., year_phase_ms: _Optional[int] = ...) -> None: ...

class TimeOfUseBlock(_message.Message):
    __slots__ = ("weekday_mask", "start_minute", "stop_minute", "price_msat_per_kwh")
    WEEKDAY_MASK_FIELD_NUMBER: _ClassVar[int]
    START_MINUTE_FIELD_NUMBER: _ClassVar[int]
    STOP_MINUTE_FIELD_NUMBER: _ClassVar[int]
    PRICE_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    weekday_mask: int
    start_minute: int
    stop_minute: int
    price_msat_per_kwh: int
    def __init__(self, weekday_mask: _Optional[int] = ..., start_minute: _Optional[int] = ..., stop_minute: _Optional[int] = ..., price_msat_per_kwh: _Optional[int] = ...) -> None: ...

class TimeOfUseProfile(_message.Message):
    __slots__ = ("blocks", "default_msat_per_kwh")
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    blocks: _containers.RepeatedCompositeFieldContainer[TimeOfUseBlock]
    default_msat_per_kwh: int
    def __init__(self, blocks: _Optional[_Iterable[_Union[TimeOfUseBlock, _Mapping]]] = ..., default_msat_per_kwh: _Optional[int] = ...) -> None: ...

class RateProfile(_message.Message):
    __slots__ = ("zone_name", "constant", "daily_table", "sinusoid", "time_of_use")
    ZONE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONSTANT_FIELD_NUMBER: _ClassVar[int]
    DAILY_TABLE_FIELD_NUMBER: _ClassVar[int]
    SINUSOID_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_USE_FIELD_NUMBER: _ClassVar[int]
    zone_name: str
    constant: ConstantProfile
    daily_table: DailyTableProfile
    sinusoid: SinusoidProfile
    time_of_use: TimeOfUseProfile
    def __init__(self, zone_name: _Optional[str] = ..., constant: _Optional[_Union[ConstantProfile, _Mapping]] = ..., daily_table: _Optional[_Union[DailyTableProfile, _Mapping]] = ..., sinusoid: _Optional[_Union[SinusoidProfile, _Mapping]] = ..., time_of_use: _Optional[_Union[TimeOfUseProfile, _Mapping]] = ...) -> None: ...

class PaymentTerms(_message.Message):
    __slots__ = ("min_payment_msat", "max_payment_msat", "prepayment_msat", "prepayment_ms", "initial_deposit_msat", "unpaid_msat", "unpaid_ms")
    MIN_PAYMENT_MSAT_FIELD_NUMBER: _ClassVar[int]
    MAX_PAYMENT_MSAT_FIELD_NUMBER: _ClassVar[int]
    PREPAYMENT_MSAT_FIELD_NUMBER: _ClassVar[int]
    PREPAYMENT_MS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_DEPOSIT_MSAT_FIELD_NUMBER: _ClassVar[int]
    UNPAID_MSAT_FIELD_NUMBER: _ClassVar[int]
    UNPAID_MS_FIELD_NUMBER: _ClassVar[int]
    min_payment_msat: int
    max_payment_msat: int
    prepayment_msat: int
    prepayment_ms: int
    initial_deposit_msat: int
    unpaid_msat: int
    unpaid_ms: int
    def __init__(self, min_payment_msat: _Optional[int] = ..., max_payment_msat: _Optional[int] = ..., prepayment_msat: _Optional[int] = ..., prepayment_ms: _Optional[int] = ..., initial_deposit_msat: _Optional[int] = ..., unpaid_msat: _Optional[int] = ..., unpaid_ms: _Optional[int] = ...) -> None: ...

class ElectricalGuarantees(_message.Message):
    __slots__ = ("phases", "voltage_min_mv", "voltage_nominal_mv", "voltage_max_mv", "current_max_ma", "phase_current_max_ma", "imbalance_max_ma", "neutral_current_max_ma", "frequency_min_mhz", "frequency_max_mhz", "grace_ms")
    PHASES_FIELD_NUMBER: _ClassVar[int]
    VOLTAGE_MIN_MV_FIELD_NUMBER: _ClassVar[int]
    VOLTAGE_NOMINAL_MV_FIELD_NUMBER: _ClassVar[int]
    VOLTAGE_MAX_MV_FIELD_NUMBER: _ClassVar[int]
    CURRENT_MAX_MA_FIELD_NUMBER: _ClassVar[int]
    PHASE_CURRENT_MAX_MA_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_MAX_MA_FIELD_NUMBER: _ClassVar[int]
    NEUTRAL_CURRENT_MAX_MA_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_MIN_MHZ_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_MAX_MHZ_FIELD_NUMBER: _ClassVar[int]
    GRACE_MS_FIELD_NUMBER: _ClassVar[int]
    phases: int
    voltage_min_mv: int
    voltage_nominal_mv: int
    voltage_max_mv: int
    current_max_ma: int
    phase_current_max_ma: _containers.RepeatedScalarFieldContainer[int]
    imbalance_max_ma: int
    neutral_current_max_ma: int
    frequency_min_mhz: int
    frequency_max_mhz: int
    grace_ms: int
    def __init__(self, phases: _Optional[int] = ..., voltage_min_mv: _Optional[int] = ..., voltage_nominal_mv: _Optional[int] = ..., voltage_max_mv: _Optional[int] = ..., current_max_ma: _Optional[int] = ..., phase_current_max_ma: _Optional[_Iterable[int]] = ..., imbalance_max_ma: _Optional[int] = ..., neutral_current_max_ma: _Optional[int] = ..., frequency_min_mhz: _Optional[int] = ..., frequency_max_mhz: _Optional[int] = ..., grace_ms: _Optional[int] = ...) -> None: ...

class MeteringTolerance(_message.Message):
    __slots__ = ("share_ppm", "fixed_mwh")
    SHARE_PPM_FIELD_NUMBER: _ClassVar[int]
    FIXED_MWH_FIELD_NUMBER: _ClassVar[int]
    share_ppm: int
    fixed_mwh: int
    def __init__(self, share_ppm: _Optional[int] = ..., fixed_mwh: _Optional[int] = ...) -> None: ...

class SupplyPolicy(_message.Message):
    __slots__ = ("cutoff_msat", "warn_msat", "restore_msat", "min_off_ms", "max_switches_per_hour", "reading_max_age_ms", "renewal_lead_ms")
    CUTOFF_MSAT_FIELD_NUMBER: _ClassVar[int]
    WARN_MSAT_FIELD_NUMBER: _ClassVar[int]
    RESTORE_MSAT_FIELD_NUMBER: _ClassVar[int]
    MIN_OFF_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_SWITCHES_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    READING_MAX_AGE_MS_FIELD_NUMBER: _ClassVar[int]
    RENEWAL_LEAD_MS_FIELD_NUMBER: _ClassVar[int]
    cutoff_msat: int
    warn_msat: int
    restore_msat: int
    min_off_ms: int
    max_switches_per_hour: int
    reading_max_age_ms: int
    renewal_lead_ms: int
    def __init__(self, cutoff_msat: _Optional[int] = ..., warn_msat: _Optional[int] = ..., restore_msat: _Optional[int] = ..., min_off_ms: _Optional[int] = ..., max_switches_per_hour: _Optional[int] = ..., reading_max_age_ms: _Optional[int] = ..., renewal_lead_ms: _Optional[int] = ...) -> None: ...

class Offer(_message.Message):
    __slots__ = ("start_ms", "stop_ms", "profile", "payments", "electrical", "meter_id", "tolerance", "policy", "is_renewal", "payee_node_id", "carried_credit", "seller_metered")
    START_MS_FIELD_NUMBER: _ClassVar[int]
    STOP_MS_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    ELECTRICAL_FIELD_NUMBER: _ClassVar[int]
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    IS_RENEWAL_FIELD_NUMBER: _ClassVar[int]
    PAYEE_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    CARRIED_CREDIT_FIELD_NUMBER: _ClassVar[int]
    SELLER_METERED_FIELD_NUMBER: _ClassVar[int]
    start_ms: int
    stop_ms: int
    profile: RateProfile
    payments: PaymentTerms
    electrical: ElectricalGuarantees
    meter_id: str
    tolerance: MeteringTolerance
    policy: SupplyPolicy
    is_renewal: bool
    payee_node_id: str
    carried_credit: CarriedCredit
    seller_metered: bool
    def __init__(self, start_ms: _Optional[int] = ..., stop_ms: _Optional[int] = ..., profile: _Optional[_Union[RateProfile, _Mapping]] = ..., payments: _Optional[_Union[PaymentTerms, _Mapping]] = ..., electrical: _Optional[_Union[ElectricalGuarantees, _Mapping]] = ..., meter_id: _Optional[str] = ..., tolerance: _Optional[_Union[MeteringTolerance, _Mapping]] = ..., policy: _Optional[_Union[SupplyPolicy, _Mapping]] = ..., is_renewal: _Optional[bool] = ..., payee_node_id: _Optional[str] = ..., carried_credit: _Optional[_Union[CarriedCredit, _Mapping]] = ..., seller_metered: _Optional[bool] = ...) -> None: ...

class CarriedCredit(_message.Message):
    __slots__ = ("from_session_id", "credit_msat")
    FROM_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    CREDIT_MSAT_FIELD_NUMBER: _ClassVar[int]
    from_session_id: bytes
    credit_msat: int
    def __init__(self, from_session_id: _Optional[bytes] = ..., credit_msat: _Optional[int] = ...) -> None: ...

class Acceptance(_message.Message):
    __slots__ = ("offer_digest", "payment_size_msat", "refund_node_id", "seller_metered")
    OFFER_DIGEST_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_SIZE_MSAT_FIELD_NUMBER: _ClassVar[int]
    REFUND_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_METERED_FIELD_NUMBER: _ClassVar[int]
    offer_digest: bytes
    payment_size_msat: int
    refund_node_id: str
    seller_metered: bool
    def __init__(self, offer_digest: _Optional[bytes] = ..., payment_size_msat: _Optional[int] = ..., refund_node_id: _Optional[str] = ..., seller_metered: _Optional[bool] = ...) -> None: ...

class Reason(_message.Message):
    __slots__ = ("term", "offered", "limit", "text")
    TERM_FIELD_NUMBER: _ClassVar[int]
    OFFERED_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    term: int
    offered: int
    limit: int
    text: str
    def __init__(self, term: _Optional[int] = ..., offered: _Optional[int] = ..., limit: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class Rejection(_message.Message):
    __slots__ = ("offer_digest", "reasons")
    OFFER_DIGEST_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    offer_digest: bytes
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    def __init__(self, offer_digest: _Optional[bytes] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ...) -> None: ...

class Invoice(_message.Message):
    __slots__ = ("bolt11", "payment_hash", "amount_msat", "purpose", "energy_from_mwh", "energy_to_mwh", "reading")
    BOLT11_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MSAT_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    ENERGY_FROM_MWH_FIELD_NUMBER: _ClassVar[int]
    ENERGY_TO_MWH_FIELD_NUMBER: _ClassVar[int]
    READING_FIELD_NUMBER: _ClassVar[int]
    bolt11: str
    payment_hash: bytes
    amount_msat: int
    purpose: InvoicePurpose
    energy_from_mwh: int
    energy_to_mwh: int
    reading: str
    def __init__(self, bolt11: _Optional[str] = ..., payment_hash: _Optional[bytes] = ..., amount_msat: _Optional[int] = ..., purpose: _Optional[_Union[InvoicePurpose, str]] = ..., energy_from_mwh: _Optional[int] = ..., energy_to_mwh: _Optional[int] = ..., reading: _Optional[str] = ...) -> None: ...

class MeterReading(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: str
    def __init__(self, record: _Optional[str] = ...) -> None: ...

class PaymentNotice(_message.Message):
    __slots__ = ("payment_hash", "preimage", "amount_msat", "buyer_reading")
    PAYMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    PREIMAGE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MSAT_FIELD_NUMBER: _ClassVar[int]
    BUYER_READING_FIELD_NUMBER: _ClassVar[int]
    payment_hash: bytes
    preimage: bytes
    amount_msat: int
    buyer_reading: str
    def __init__(self, payment_hash: _Optional[bytes] = ..., preimage: _Optional[bytes] = ..., amount_msat: _Optional[int] = ..., buyer_reading: _Optional[str] = ...) -> None: ...

class Suspend(_message.Message):
    __slots__ = ("cause", "text")
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    cause: Cause
    text: str
    def __init__(self, cause: _Optional[_Union[Cause, str]] = ..., text: _Optional[str] = ...) -> None: ...

class Resume(_message.Message):
    __slots__ = ("cause",)
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    cause: Cause
    def __init__(self, cause: _Optional[_Union[Cause, str]] = ...) -> None: ...

class Close(_message.Message):
    __slots__ = ("cause", "text")
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    cause: Cause
    text: str
    def __init__(self, cause: _Optional[_Union[Cause, str]] = ..., text: _Optional[str] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("code", "text")
    CODE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    code: int
    text: str
    def __init__(self, code: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class CreditWarning(_message.Message):
    __slots__ = ("credit_msat", "cutoff_msat", "text")
    CREDIT_MSAT_FIELD_NUMBER: _ClassVar[int]
    CUTOFF_MSAT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    credit_msat: int
    cutoff_msat: int
    text: str
    def __init__(self, credit_msat: _Optional[int] = ..., cutoff_msat: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class PaymentFailure(_message.Message):
    __slots__ = ("payment_hash", "reason", "refused")
    PAYMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REFUSED_FIELD_NUMBER: _ClassVar[int]
    payment_hash: bytes
    reason: str
    refused: bool
    def __init__(self, payment_hash: _Optional[bytes] = ..., reason: _Optional[str] = ..., refused: _Optional[bool] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ("at_ms",)
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    at_ms: int
    def __init__(self, at_ms: _Optional[int] = ...) -> None: ...

class ClosingStatement(_message.Message):
    __slots__ = ("paid_msat", "carried_in_msat", "carried_from_session_id", "energy_mwh", "cost_msat", "credit_msat")
    PAID_MSAT_FIELD_NUMBER: _ClassVar[int]
    CARRIED_IN_MSAT_FIELD_NUMBER: _ClassVar[int]
    CARRIED_FROM_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ENERGY_MWH_FIELD_NUMBER: _ClassVar[int]
    COST_MSAT_FIELD_NUMBER: _ClassVar[int]
    CREDIT_MSAT_FIELD_NUMBER: _ClassVar[int]
    paid_msat: int
    carried_in_msat: int
    carried_from_session_id: bytes
    energy_mwh: int
    cost_msat: int
    credit_msat: int
    def __init__(self, paid_msat: _Optional[int] = ..., carried_in_msat: _Optional[int] = ..., carried_from_session_id: _Optional[bytes] = ..., energy_mwh: _Optional[int] = ..., cost_msat: _Optional[int] = ..., credit_msat: _Optional[int] = ...) -> None: ...

class RefundRequest(_message.Message):
    __slots__ = ("bolt11", "payment_hash", "amount_msat", "waive")
    BOLT11_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MSAT_FIELD_NUMBER: _ClassVar[int]
    WAIVE_FIELD_NUMBER: _ClassVar[int]
    bolt11: str
    payment_hash: bytes
    amount_msat: int
    waive: bool
    def __init__(self, bolt11: _Optional[str] = ..., payment_hash: _Optional[bytes] = ..., amount_msat: _Optional[int] = ..., waive: _Optional[bool] = ...) -> None: ...

class RefundPaid(_message.Message):
    __slots__ = ("payment_hash", "preimage", "amount_msat")
    PAYMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    PREIMAGE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MSAT_FIELD_NUMBER: _ClassVar[int]
    payment_hash: bytes
    preimage: bytes
    amount_msat: int
    def __init__(self, payment_hash: _Optional[bytes] = ..., preimage: _Optional[bytes] = ..., amount_msat: _Optional[int] = ...) -> None: ...
