"""The ledger's schema, as numbered migrations applied in order.

``PRAGMA user_version`` holds the number of migrations applied. A ledger written by a
newer gridnode (a higher number than this module knows) is refused, never rewritten.
Each migration runs in one transaction; add new ones at the end, never edit old ones.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE node (
        role TEXT NOT NULL CHECK (role IN ('seller', 'buyer')),
        created_at_ms INTEGER NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE TABLE sessions (
        session_id TEXT PRIMARY KEY,
        peer_fingerprint TEXT NOT NULL,
        meter_id TEXT NOT NULL,
        state TEXT NOT NULL,
        opened_at_ms INTEGER NOT NULL,
        closed_at_ms INTEGER
    );
    -- every Record a session asked for, verbatim, in order
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        kind TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        text TEXT NOT NULL,
        data BLOB NOT NULL DEFAULT x'',
        amount_msat INTEGER,
        payment_hash BLOB
    );
    CREATE INDEX journal_by_session ON journal (session_id, id);
    -- invoices this node issued (seller)
    CREATE TABLE invoices (
        payment_hash BLOB PRIMARY KEY CHECK (length(payment_hash) = 32),
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        purpose TEXT NOT NULL,
        hold INTEGER NOT NULL,
        bolt11 TEXT NOT NULL,
        amount_msat INTEGER NOT NULL CHECK (amount_msat > 0),
        state TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'settled', 'canceled')),
        created_at_ms INTEGER NOT NULL,
        settled_at_ms INTEGER,
        settle_index INTEGER,
        amount_paid_msat INTEGER,
        preimage BLOB CHECK (preimage IS NULL OR length(preimage) = 32),
        pruned INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX invoices_by_settle_index ON invoices (settle_index)
        WHERE settle_index IS NOT NULL;
    -- payments this node made (buyer); a row exists before the payment is attempted
    CREATE TABLE payments (
        payment_hash BLOB PRIMARY KEY CHECK (length(payment_hash) = 32),
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        bolt11 TEXT NOT NULL,
        amount_msat INTEGER NOT NULL CHECK (amount_msat > 0),
        status TEXT NOT NULL CHECK (status IN ('in_flight', 'succeeded', 'failed')),
        fee_msat INTEGER NOT NULL DEFAULT 0,
        preimage BLOB CHECK (preimage IS NULL OR length(preimage) = 32),
        failure TEXT,
        attempted_at_ms INTEGER NOT NULL,
        resolved_at_ms INTEGER,
        pruned INTEGER NOT NULL DEFAULT 0,
        CHECK (status != 'succeeded' OR preimage IS NOT NULL)
    );
    -- signed meter readings (OCMF records), ours and the peer's
    CREATE TABLE readings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        side TEXT NOT NULL CHECK (side IN ('own', 'peer')),
        meter_id TEXT NOT NULL,
        pagination INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        record TEXT NOT NULL,
        UNIQUE (side, meter_id, pagination)
    );
    CREATE TABLE relay_switches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT REFERENCES sessions (session_id),
        relay_on INTEGER NOT NULL,
        cause TEXT NOT NULL,
        at_ms INTEGER NOT NULL
    );
    CREATE TABLE breaches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        at_ms INTEGER NOT NULL
    );
    -- the wallet's settle index, advanced in the same transaction as the credit
    CREATE TABLE wallet_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        settle_index INTEGER NOT NULL
    );
    -- the next OCMF pagination number per meter: it never resets, never repeats
    CREATE TABLE ocmf_pagination (
        meter_id TEXT PRIMARY KEY,
        next_page INTEGER NOT NULL
    );
    """,
    # 2: sessions archived by 'gridnode ledger prune': the row stays (its last signed
    # reading may anchor its meter's OCMF series); the rest is in its receipt file
    """
    ALTER TABLE sessions ADD COLUMN archived_at_ms INTEGER;
    ALTER TABLE sessions ADD COLUMN archive TEXT;
    """,
    # 3: when LND reported each money event, next to when the node recorded it: the
    # seller's settled-invoice stream delivering a settlement, the payer's LND resolving
    # a payment's HTLCs (its own nanosecond clock), so latency is measured, not guessed
    """
    ALTER TABLE invoices ADD COLUMN reported_at_ms INTEGER;
    ALTER TABLE payments ADD COLUMN lnd_resolved_at_ms INTEGER;
    """,
    # 4: credit notes (issue 19): the credit a seller's signed closing statement left,
    # and what became of it (carried into a later session, or paid back once), on both
    # sides; the row exists before any refund is attempted
    """
    CREATE TABLE credit_notes (
        note_id BLOB PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (session_id),
        peer_fingerprint TEXT NOT NULL,
        credit_msat INTEGER NOT NULL,
        statement BLOB NOT NULL,
        state TEXT NOT NULL
            CHECK (state IN ('open', 'carried', 'requested', 'paid', 'waived')),
        bolt11 TEXT NOT NULL DEFAULT '',
        payment_hash BLOB,
        preimage BLOB CHECK (preimage IS NULL OR length(preimage) = 32),
        carried_into TEXT NOT NULL DEFAULT '',
        failure TEXT NOT NULL DEFAULT '',
        noted_at_ms INTEGER NOT NULL,
        settled_at_ms INTEGER,
        CHECK (state != 'paid' OR preimage IS NOT NULL)
    );
    """,
    # 5: what each peer spent over the last day is summed on a timer (the liquidity
    # watch); these let it read that day's rows, not every invoice and payment ever held
    """
    CREATE INDEX invoices_settled_by_time ON invoices (settled_at_ms) WHERE state = 'settled';
    CREATE INDEX payments_succeeded_by_time ON payments (resolved_at_ms)
        WHERE status = 'succeeded';
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
