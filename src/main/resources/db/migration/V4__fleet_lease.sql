-- One row per lease. The replica holding 'fleet' exports the fleet-wide gauges read from this database and runs
-- the fleet audit, so several replicas neither double a sum() in a dashboard nor sweep the hosts once each.
CREATE TABLE fleet_lease (
    name        VARCHAR(32)  PRIMARY KEY,
    holder      VARCHAR(200) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO fleet_lease (name, holder, expires_at) VALUES ('fleet', '', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');
