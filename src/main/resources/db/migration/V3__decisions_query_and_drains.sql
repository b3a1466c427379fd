-- GET /v1/decisions (issue 11): newest first by (decided_at, id), filtered by one column at most through an index
-- that ends in the same order, so a page is an index range scan however large a 30-day ledger grows.
DROP INDEX decisions_decided_at;
CREATE INDEX decisions_by_time ON decisions (decided_at, id);
CREATE INDEX decisions_by_decision ON decisions (decision, decided_at, id);
CREATE INDEX decisions_by_source ON decisions (source_host, decided_at, id);
CREATE INDEX decisions_by_target ON decisions (target_host, decided_at, id);
CREATE INDEX decisions_by_domain_name ON decisions (domain_name, decided_at, id);
CREATE INDEX decisions_by_domain_uuid ON decisions (domain_uuid, decided_at, id);

-- Retention deletes a decision only when no job names it: that test is an index lookup, not a scan per row.
CREATE INDEX migration_jobs_decision ON migration_jobs (decision_id);

-- Drains (issue 11): one row per started drain with its plan (per running domain: decision, reasons, chosen
-- target, the decision and job it made); the jobs themselves are ordinary migration jobs that name their drain.
CREATE TABLE drains (
    id              VARCHAR(36)  PRIMARY KEY,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    requester       VARCHAR(200) NOT NULL,
    source_host     VARCHAR(63)  NOT NULL,
    override_reason VARCHAR(2000),
    cancelled_at    TIMESTAMP WITH TIME ZONE,
    plan            TEXT         NOT NULL
);
CREATE INDEX drains_created_at ON drains (created_at);
ALTER TABLE migration_jobs ADD COLUMN drain_id VARCHAR(36);
CREATE INDEX migration_jobs_drain ON migration_jobs (drain_id);
-- An Idempotency-Key on POST /v1/drains answers with the drain it started.
ALTER TABLE idempotency_claims ADD COLUMN drain_id VARCHAR(36);
