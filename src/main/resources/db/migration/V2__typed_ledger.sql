-- The ledger, typed and bounded (issue 9). Portable between PostgreSQL and H2 in PostgreSQL mode.
--
-- Decisions keep a compact record of the evaluation (per disk: target, source, cache, storage class, verdict,
-- reason; violations and warnings with their messages), size-bounded by the service, instead of the whole API
-- request and response. Rows written before V2 keep request_json and evaluation_json; new rows leave them NULL.
ALTER TABLE decisions ALTER COLUMN request_json DROP NOT NULL;
ALTER TABLE decisions ALTER COLUMN evaluation_json DROP NOT NULL;
ALTER TABLE decisions ADD COLUMN enforcement VARCHAR(8);
ALTER TABLE decisions ADD COLUMN request TEXT;
ALTER TABLE decisions ADD COLUMN evaluation TEXT;

-- Ended jobs are purged after the retention, oldest first.
CREATE INDEX migration_jobs_finished_at ON migration_jobs (finished_at);

-- Idempotency keys belong to the caller that sent them: (caller, key) is the key. A claim not answered within its
-- lease (the process died between claim and answer) may be taken over by a retry. The answer is the status and
-- the ledger entries it names, never a stored response body.
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_claims (
    caller       VARCHAR(200) NOT NULL,
    idem_key     VARCHAR(200) NOT NULL,
    request_hash VARCHAR(64)  NOT NULL,
    status       INTEGER      NOT NULL,
    decision_id  VARCHAR(36),
    job_id       VARCHAR(36),
    -- Which attempt holds the claim: a retry that takes an expired claim over gets a new token, and the attempt
    -- it replaced can no longer answer or release it.
    claim_token  VARCHAR(36)  NOT NULL,
    lease_until  TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_claims_created_at ON idempotency_claims (created_at);
