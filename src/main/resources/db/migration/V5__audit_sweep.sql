-- The latest completed fleet audit (one row), kept by the replica holding the fleet lease and read by every
-- replica for GET /v1/audit. The sweep is a summary: counts per host and per reason, not per domain.
CREATE TABLE audit_sweep (
    id          INTEGER PRIMARY KEY,
    swept_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    sweep_json  TEXT NOT NULL
);
