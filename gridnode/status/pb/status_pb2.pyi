from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Request(_message.Message):
    __slots__ = ("subscribe", "stop_session", "get_receipt", "reload", "credit")
    SUBSCRIBE_FIELD_NUMBER: _ClassVar[int]
    STOP_SESSION_FIELD_NUMBER: _ClassVar[int]
    GET_RECEIPT_FIELD_NUMBER: _ClassVar[int]
    RELOAD_FIELD_NUMBER: _ClassVar[int]
    CREDIT_FIELD_NUMBER: _ClassVar[int]
    subscribe: Subscribe
    stop_session: StopSession
    get_receipt: GetReceipt
    reload: Reload
    credit: Credit
    def __init__(self, subscribe: _Optional[_Union[Subscribe, _Mapping]] = ..., stop_session: _Optional[_Union[StopSession, _Mapping]] = ..., get_receipt: _Optional[_Union[GetReceipt, _Mapping]] = ..., reload: _Optional[_Union[Reload, _Mapping]] = ..., credit: _Optional[_Union[Credit, _Mapping]] = ...) -> None: ...

class Reload(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Subscribe(_message.Message):
    __slots__ = ("max_interval_ms",)
    MAX_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    max_interval_ms: int
    def __init__(self, max_interval_ms: _Optional[int] = ...) -> None: ...

class StopSession(_message.Message):
    __slots__ = ("session_id", "reason")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    reason: str
    def __init__(self, session_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class GetReceipt(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class Credit(_message.Message):
    __slots__ = ("waive", "seller")
    WAIVE_FIELD_NUMBER: _ClassVar[int]
    SELLER_FIELD_NUMBER: _ClassVar[int]
    waive: bool
    seller: str
    def __init__(self, waive: _Optional[bool] = ..., seller: _Optional[str] = ...) -> None: ...

class Update(_message.Message):
    __slots__ = ("status", "control", "error", "receipt")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CONTROL_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_FIELD_NUMBER: _ClassVar[int]
    status: NodeStatus
    control: ControlResult
    error: Error
    receipt: Receipt
    def __init__(self, status: _Optional[_Union[NodeStatus, _Mapping]] = ..., control: _Optional[_Union[ControlResult, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., receipt: _Optional[_Union[Receipt, _Mapping]] = ...) -> None: ...

class NodeStatus(_message.Message):
    __slots__ = ("role", "fingerprint", "at_ms", "sessions", "warnings", "lnd_reachable", "control_allowed", "ledger_path", "battery")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    LND_REACHABLE_FIELD_NUMBER: _ClassVar[int]
    CONTROL_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    LEDGER_PATH_FIELD_NUMBER: _ClassVar[int]
    BATTERY_FIELD_NUMBER: _ClassVar[int]
    role: str
    fingerprint: str
    at_ms: int
    sessions: _containers.RepeatedCompositeFieldContainer[SessionStatus]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    lnd_reachable: bool
    control_allowed: bool
    ledger_path: str
    battery: BatteryStatus
    def __init__(self, role: _Optional[str] = ..., fingerprint: _Optional[str] = ..., at_ms: _Optional[int] = ..., sessions: _Optional[_Iterable[_Union[SessionStatus, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., lnd_reachable: _Optional[bool] = ..., control_allowed: _Optional[bool] = ..., ledger_path: _Optional[str] = ..., battery: _Optional[_Union[BatteryStatus, _Mapping]] = ...) -> None: ...

class BatteryStatus(_message.Message):
    __slots__ = ("kind", "charge_known", "capacity_mwh", "stored_mwh", "reserve_mwh", "max_mwh", "pledged_sales_mwh", "pledged_purchases_mwh", "offer_msat_per_kwh", "offer_energy_mwh", "not_offering", "bid_msat_per_kwh", "not_buying", "floor_msat_per_kwh", "surplus_power_mw", "surplus_known")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHARGE_KNOWN_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_MWH_FIELD_NUMBER: _ClassVar[int]
    STORED_MWH_FIELD_NUMBER: _ClassVar[int]
    RESERVE_MWH_FIELD_NUMBER: _ClassVar[int]
    MAX_MWH_FIELD_NUMBER: _ClassVar[int]
    PLEDGED_SALES_MWH_FIELD_NUMBER: _ClassVar[int]
    PLEDGED_PURCHASES_MWH_FIELD_NUMBER: _ClassVar[int]
    OFFER_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    OFFER_ENERGY_MWH_FIELD_NUMBER: _ClassVar[int]
    NOT_OFFERING_FIELD_NUMBER: _ClassVar[int]
    BID_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    NOT_BUYING_FIELD_NUMBER: _ClassVar[int]
    FLOOR_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    SURPLUS_POWER_MW_FIELD_NUMBER: _ClassVar[int]
    SURPLUS_KNOWN_FIELD_NUMBER: _ClassVar[int]
    kind: str
    charge_known: bool
    capacity_mwh: int
    stored_mwh: int
    reserve_mwh: int
    max_mwh: int
    pledged_sales_mwh: int
    pledged_purchases_mwh: int
    offer_msat_per_kwh: int
    offer_energy_mwh: int
    not_offering: str
    bid_msat_per_kwh: int
    not_buying: str
    floor_msat_per_kwh: int
    surplus_power_mw: int
    surplus_known: bool
    def __init__(self, kind: _Optional[str] = ..., charge_known: _Optional[bool] = ..., capacity_mwh: _Optional[int] = ..., stored_mwh: _Optional[int] = ..., reserve_mwh: _Optional[int] = ..., max_mwh: _Optional[int] = ..., pledged_sales_mwh: _Optional[int] = ..., pledged_purchases_mwh: _Optional[int] = ..., offer_msat_per_kwh: _Optional[int] = ..., offer_energy_mwh: _Optional[int] = ..., not_offering: _Optional[str] = ..., bid_msat_per_kwh: _Optional[int] = ..., not_buying: _Optional[str] = ..., floor_msat_per_kwh: _Optional[int] = ..., surplus_power_mw: _Optional[int] = ..., surplus_known: _Optional[bool] = ...) -> None: ...

class SessionStatus(_message.Message):
    __slots__ = ("session_id", "peer_name", "peer_fingerprint", "peer_connected", "state", "cause", "relay_on", "voltage_mv", "current_ma", "power_mw", "energy_period_mwh", "energy_total_mwh", "reading_at_ms", "rate_msat_per_kwh", "forecast", "paid_msat", "cost_msat", "credit_msat", "exposure_msat", "exposure_ms", "recent", "breaches", "period_start_ms", "period_stop_ms", "meter_id", "max_power_mw", "notes", "notes_total", "market", "market_score_msat", "market_scored", "side")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    PEER_NAME_FIELD_NUMBER: _ClassVar[int]
    PEER_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    PEER_CONNECTED_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    RELAY_ON_FIELD_NUMBER: _ClassVar[int]
    VOLTAGE_MV_FIELD_NUMBER: _ClassVar[int]
    CURRENT_MA_FIELD_NUMBER: _ClassVar[int]
    POWER_MW_FIELD_NUMBER: _ClassVar[int]
    ENERGY_PERIOD_MWH_FIELD_NUMBER: _ClassVar[int]
    ENERGY_TOTAL_MWH_FIELD_NUMBER: _ClassVar[int]
    READING_AT_MS_FIELD_NUMBER: _ClassVar[int]
    RATE_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    FORECAST_FIELD_NUMBER: _ClassVar[int]
    PAID_MSAT_FIELD_NUMBER: _ClassVar[int]
    COST_MSAT_FIELD_NUMBER: _ClassVar[int]
    CREDIT_MSAT_FIELD_NUMBER: _ClassVar[int]
    EXPOSURE_MSAT_FIELD_NUMBER: _ClassVar[int]
    EXPOSURE_MS_FIELD_NUMBER: _ClassVar[int]
    RECENT_FIELD_NUMBER: _ClassVar[int]
    BREACHES_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_MS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_STOP_MS_FIELD_NUMBER: _ClassVar[int]
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_POWER_MW_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    NOTES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    MARKET_FIELD_NUMBER: _ClassVar[int]
    MARKET_SCORE_MSAT_FIELD_NUMBER: _ClassVar[int]
    MARKET_SCORED_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    peer_name: str
    peer_fingerprint: str
    peer_connected: bool
    state: str
    cause: str
    relay_on: bool
    voltage_mv: int
    current_ma: int
    power_mw: int
    energy_period_mwh: int
    energy_total_mwh: int
    reading_at_ms: int
    rate_msat_per_kwh: int
    forecast: _containers.RepeatedCompositeFieldContainer[RatePoint]
    paid_msat: int
    cost_msat: int
    credit_msat: int
    exposure_msat: int
    exposure_ms: int
    recent: _containers.RepeatedCompositeFieldContainer[PaymentInfo]
    breaches: _containers.RepeatedCompositeFieldContainer[Breach]
    period_start_ms: int
    period_stop_ms: int
    meter_id: str
    max_power_mw: int
    notes: _containers.RepeatedScalarFieldContainer[str]
    notes_total: int
    market: str
    market_score_msat: int
    market_scored: bool
    side: str
    def __init__(self, session_id: _Optional[str] = ..., peer_name: _Optional[str] = ..., peer_fingerprint: _Optional[str] = ..., peer_connected: _Optional[bool] = ..., state: _Optional[str] = ..., cause: _Optional[str] = ..., relay_on: _Optional[bool] = ..., voltage_mv: _Optional[int] = ..., current_ma: _Optional[int] = ..., power_mw: _Optional[int] = ..., energy_period_mwh: _Optional[int] = ..., energy_total_mwh: _Optional[int] = ..., reading_at_ms: _Optional[int] = ..., rate_msat_per_kwh: _Optional[int] = ..., forecast: _Optional[_Iterable[_Union[RatePoint, _Mapping]]] = ..., paid_msat: _Optional[int] = ..., cost_msat: _Optional[int] = ..., credit_msat: _Optional[int] = ..., exposure_msat: _Optional[int] = ..., exposure_ms: _Optional[int] = ..., recent: _Optional[_Iterable[_Union[PaymentInfo, _Mapping]]] = ..., breaches: _Optional[_Iterable[_Union[Breach, _Mapping]]] = ..., period_start_ms: _Optional[int] = ..., period_stop_ms: _Optional[int] = ..., meter_id: _Optional[str] = ..., max_power_mw: _Optional[int] = ..., notes: _Optional[_Iterable[str]] = ..., notes_total: _Optional[int] = ..., market: _Optional[str] = ..., market_score_msat: _Optional[int] = ..., market_scored: _Optional[bool] = ..., side: _Optional[str] = ...) -> None: ...

class RatePoint(_message.Message):
    __slots__ = ("at_ms", "rate_msat_per_kwh")
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    RATE_MSAT_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    at_ms: int
    rate_msat_per_kwh: int
    def __init__(self, at_ms: _Optional[int] = ..., rate_msat_per_kwh: _Optional[int] = ...) -> None: ...

class PaymentInfo(_message.Message):
    __slots__ = ("payment_hash", "amount_msat", "kind", "status", "at_ms")
    PAYMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MSAT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    payment_hash: bytes
    amount_msat: int
    kind: str
    status: str
    at_ms: int
    def __init__(self, payment_hash: _Optional[bytes] = ..., amount_msat: _Optional[int] = ..., kind: _Optional[str] = ..., status: _Optional[str] = ..., at_ms: _Optional[int] = ...) -> None: ...

class Breach(_message.Message):
    __slots__ = ("kind", "text", "at_ms")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    kind: str
    text: str
    at_ms: int
    def __init__(self, kind: _Optional[str] = ..., text: _Optional[str] = ..., at_ms: _Optional[int] = ...) -> None: ...

class ControlResult(_message.Message):
    __slots__ = ("ok", "text")
    OK_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    text: str
    def __init__(self, ok: _Optional[bool] = ..., text: _Optional[str] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("code", "text")
    CODE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    code: int
    text: str
    def __init__(self, code: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class Receipt(_message.Message):
    __slots__ = ("session_id", "ok", "verdict", "text", "command")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    ok: bool
    verdict: str
    text: str
    command: str
    def __init__(self, session_id: _Optional[str] = ..., ok: _Optional[bool] = ..., verdict: _Optional[str] = ..., text: _Optional[str] = ..., command: _Optional[str] = ...) -> None: ...
