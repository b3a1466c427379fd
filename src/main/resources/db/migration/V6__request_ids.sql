-- Request ids in the ledger (issue 12): the X-Request-Id of the HTTP request that made a decision, and that queued
-- a job, so a ledger row leads to every log line of its request and of its background migration. The service keeps
-- only plain tokens of at most 128 characters (a caller's oversize or malformed id is replaced by a generated one).
-- Rows written before V3 have none.
ALTER TABLE decisions ADD COLUMN request_id VARCHAR(128);
ALTER TABLE migration_jobs ADD COLUMN request_id VARCHAR(128);
