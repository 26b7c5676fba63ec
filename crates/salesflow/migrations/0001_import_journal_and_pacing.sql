-- salesflow (Rust SDK), migration 1: the import journal and the pacing state, shared by every
-- process that imports into a campaign or paces an account. Applied by
-- `salesflow::postgres::PgStore::migrate` (and `PgStore::connect`), once per database, inside
-- a transaction holding an advisory lock, and recorded in salesflow_schema_migrations.

-- The workers of import jobs: a worker holds the rows it claimed while its lease is renewed
-- (renewed_at + lease in the future) and it is not closed; after that any worker may take its
-- rows over (and looks them up on the server before sending anything again).
CREATE TABLE IF NOT EXISTS salesflow_import_workers (
    worker      text PRIMARY KEY,
    campaign_id bigint NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    renewed_at  timestamptz NOT NULL DEFAULT now(),
    lease       interval NOT NULL,
    closed_at   timestamptz
);

-- One row per (campaign, canonical profile): the journal of the import engine.
--   claimed   a worker claimed it before sending its request (it may have been sent)
--   imported  imported as a new member (member_id)
--   duplicate the vendor answered with a member flagged MEMBER_DUPLICATE (member_id)
--   found     its outcome was unknown and a lookup found it on the server (member_id)
--   failed    the request failed and surely did nothing (error): it may be sent again
--   unknown   the request may have been carried out (error): looked up before a resend
CREATE TABLE IF NOT EXISTS salesflow_import_rows (
    campaign_id  bigint NOT NULL,
    profile      text NOT NULL,
    state        text NOT NULL
        CHECK (state IN ('claimed', 'imported', 'duplicate', 'found', 'failed', 'unknown')),
    -- The worker that claimed it last (kept once it is settled).
    worker       text,
    -- Its row in that worker's input (a CSV line, an index).
    row_number   bigint,
    -- Claimed for a lookup: its outcome was unknown when it was claimed.
    needs_lookup boolean NOT NULL DEFAULT false,
    member_id    bigint,
    error        text,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, profile)
)
-- Room on each page for the new version of a row that is settled (a HOT update: no index
-- changes, as no indexed column does).
WITH (fillfactor = 70);

-- The request rate of each account (GCRA): the theoretical arrival time of its next request.
CREATE TABLE IF NOT EXISTS salesflow_pacing (
    account_key text PRIMARY KEY,
    tat         timestamptz NOT NULL
);

-- The daily budget of imports of each account, per UTC day.
CREATE TABLE IF NOT EXISTS salesflow_budget (
    account_key text NOT NULL,
    day         date NOT NULL,
    used        integer NOT NULL,
    PRIMARY KEY (account_key, day)
);
