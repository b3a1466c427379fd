-- The ledger: every migration decision and every migration job. Portable between PostgreSQL (production)
-- and H2 in PostgreSQL mode (the embedded default): no partial indexes, no JSON types.

CREATE TABLE decisions (
    id               VARCHAR(36)   PRIMARY KEY,
    decided_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    kind             VARCHAR(16)   NOT NULL,
    requester        VARCHAR(200)  NOT NULL,
    domain_name      VARCHAR(255),
    domain_uuid      VARCHAR(36),
    source_host      VARCHAR(63),
    target_host      VARCHAR(63),
    decision         VARCHAR(16)   NOT NULL,
    rule_decision    VARCHAR(16)   NOT NULL,
    reasons          VARCHAR(2000) NOT NULL,
    override_reason  VARCHAR(2000),
    policy_revision  VARCHAR(32)   NOT NULL,
    request_json     TEXT          NOT NULL,
    evaluation_json  TEXT          NOT NULL
);
CREATE INDEX decisions_decided_at ON decisions (decided_at);

CREATE SEQUENCE migration_job_seq;

CREATE TABLE migration_jobs (
    id               VARCHAR(36)   PRIMARY KEY,
    seq              BIGINT        NOT NULL UNIQUE,
    decision_id      VARCHAR(36)   NOT NULL REFERENCES decisions (id),
    decision         VARCHAR(16)   NOT NULL,
    domain_name      VARCHAR(255)  NOT NULL,
    domain_uuid      VARCHAR(36)   NOT NULL,
    source_host      VARCHAR(63)   NOT NULL,
    target_host      VARCHAR(63)   NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    -- The domain's UUID while the job is QUEUED or RUNNING, NULL after: at most one active job per domain,
    -- enforced by the database for every replica.
    active_domain    VARCHAR(36)   UNIQUE,
    requester        VARCHAR(200)  NOT NULL,
    override_reason  VARCHAR(2000),
    flags            INTEGER       NOT NULL,
    parameters_json  TEXT          NOT NULL,
    options_json     TEXT          NOT NULL,
    progress_json    TEXT,
    error_code       VARCHAR(64),
    error_message    VARCHAR(4000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at       TIMESTAMP WITH TIME ZONE,
    finished_at      TIMESTAMP WITH TIME ZONE,
    owner            VARCHAR(100),
    heartbeat_at     TIMESTAMP WITH TIME ZONE,
    cancel_requested BOOLEAN       NOT NULL DEFAULT FALSE
);
CREATE INDEX migration_jobs_state ON migration_jobs (state, source_host, seq);
CREATE INDEX migration_jobs_domain ON migration_jobs (domain_uuid, seq);

CREATE TABLE idempotency_keys (
    idem_key     VARCHAR(200) PRIMARY KEY,
    request_hash VARCHAR(64)  NOT NULL,
    status       INTEGER      NOT NULL,
    body         TEXT,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row: dispatching (QUEUED -> RUNNING under the per-host and global caps) locks it FOR UPDATE, so the
-- caps hold across replicas sharing the database.
CREATE TABLE dispatch_lock (id INTEGER PRIMARY KEY);
INSERT INTO dispatch_lock (id) VALUES (1);
