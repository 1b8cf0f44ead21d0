-- Signet's shared store, version 1 (applied by signet-host's store::postgres in one
-- transaction, together with its row in signet_schema_version).
--
-- Every counter lives in signet_ledger: next_index (reservations ever made, blocks
-- included), committed (signatures produced), released (aborted or handed back).
-- used = next_index - released. A reservation is one conditional UPDATE of that row
-- (`... WHERE next_index - released < limit`), never a read followed by a write.

CREATE TABLE signet_ledger (
    id bigserial PRIMARY KEY,
    next_index bigint NOT NULL DEFAULT 0,
    committed bigint NOT NULL DEFAULT 0,
    released bigint NOT NULL DEFAULT 0,
    -- The size of the block the last reservation took: PostgreSQL 15's RETURNING
    -- sees only new values, so the reserving UPDATE stores it here to return it.
    last_block bigint NOT NULL DEFAULT 0,
    CHECK (committed >= 0 AND released >= 0 AND committed + released <= next_index)
);

CREATE TABLE signet_budget (
    fingerprint text PRIMARY KEY CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    not_before bigint NOT NULL,
    not_after bigint NOT NULL,
    allotment bigint NOT NULL CHECK (allotment >= 0),
    revoked boolean NOT NULL DEFAULT false,
    signer text NOT NULL,
    policy boolean NOT NULL DEFAULT false,
    ledger_id bigint NOT NULL UNIQUE REFERENCES signet_ledger (id),
    -- Bumped by every change: a change made from a stale read is refused.
    version bigint NOT NULL DEFAULT 0
);

CREATE TABLE signet_purchase (
    fingerprint text NOT NULL REFERENCES signet_budget (fingerprint),
    position integer NOT NULL CHECK (position >= 0),
    at bigint NOT NULL,
    by_user text NOT NULL,
    signatures bigint NOT NULL CHECK (signatures > 0),
    PRIMARY KEY (fingerprint, position)
);

-- Policies and requests keep Signet's own JSON records (the file store's), so both
-- stores decode them with the same checks.
CREATE TABLE signet_policy (
    fingerprint text PRIMARY KEY,
    record text NOT NULL
);

CREATE TABLE signet_request (
    id bigint PRIMARY KEY CHECK (id > 0),
    record text NOT NULL
);

CREATE TABLE signet_grant (
    id bigint PRIMARY KEY REFERENCES signet_request (id),
    fingerprint text NOT NULL,
    signer text NOT NULL,
    grantee text NOT NULL,
    valid_from bigint NOT NULL,
    valid_until bigint,
    allowed_ops bigint CHECK (allowed_ops >= 0),
    revoked boolean NOT NULL DEFAULT false,
    ledger_id bigint NOT NULL UNIQUE REFERENCES signet_ledger (id),
    version bigint NOT NULL DEFAULT 0
);

-- A host's open reservation: what it holds (reserved, not yet settled). A clean
-- close settles it and deletes the row; a crash leaves it, still counted as used,
-- until an operator settles it (`signet budget settle`).
CREATE TABLE signet_reservation (
    id bigserial PRIMARY KEY,
    ledger_id bigint NOT NULL REFERENCES signet_ledger (id),
    host text NOT NULL,
    pid bigint NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    held bigint NOT NULL CHECK (held >= 0)
);

-- The audit chain: one row per record; the head row is locked (FOR UPDATE) by every
-- append, so the chain stays linear when hosts append at once.
CREATE TABLE signet_audit (
    seq bigint PRIMARY KEY CHECK (seq > 0),
    line text NOT NULL
);
CREATE TABLE signet_audit_head (
    id integer PRIMARY KEY CHECK (id = 1),
    seq bigint,
    hash text
);
INSERT INTO signet_audit_head (id, seq, hash) VALUES (1, NULL, NULL);

-- Roles (NOLOGIN groups; grant them to login roles):
--   signet_signer: signs (reads everything, moves ledger counts, its reservations,
--                  appends audit records, takes part in approvals).
--   signet_admin:  everything signet_signer may, plus budgets and policies.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'signet_signer') THEN
        CREATE ROLE signet_signer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'signet_admin') THEN
        CREATE ROLE signet_admin NOLOGIN;
    END IF;
END
$$;

GRANT SELECT ON signet_schema_version, signet_ledger, signet_budget, signet_purchase, signet_policy,
    signet_request, signet_grant, signet_reservation, signet_audit, signet_audit_head TO signet_signer;
GRANT UPDATE (next_index, committed, released, last_block) ON signet_ledger TO signet_signer;
GRANT INSERT, UPDATE, DELETE ON signet_reservation TO signet_signer;
GRANT INSERT ON signet_audit TO signet_signer;
GRANT UPDATE ON signet_audit_head TO signet_signer;
-- Requests and approvals are made by signers; a grant (and its ledger) is issued by
-- the approval that completes the last step.
GRANT INSERT, UPDATE ON signet_request TO signet_signer;
GRANT INSERT ON signet_grant, signet_ledger TO signet_signer;
GRANT USAGE ON SEQUENCE signet_ledger_id_seq, signet_reservation_id_seq TO signet_signer;

GRANT signet_signer TO signet_admin;
GRANT INSERT, UPDATE ON signet_budget, signet_policy, signet_grant TO signet_admin;
GRANT INSERT, DELETE ON signet_purchase TO signet_admin;
