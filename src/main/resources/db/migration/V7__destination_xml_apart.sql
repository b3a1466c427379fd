-- A job's destination XML (up to gatekeeper.migrations.max-body-bytes) is read only by the replica that sends it to
-- libvirt. Kept inside parameters_json, every list of jobs and every dispatcher scan of the queue read it: 200 jobs
-- listed, or queued, with a megabyte each were hundreds of megabytes of heap per request or per tick.
-- Rows written before V7 keep it inside parameters_json, and are read as before.
ALTER TABLE migration_jobs ADD COLUMN destination_xml TEXT;
