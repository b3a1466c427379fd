package io.migrationgatekeeper.migration;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The decisions and jobs, in the database every replica shares. Everything that must hold across replicas
 * (one active job per domain, the running caps, idempotency keys) is decided here by the database.
 */
@Repository
class Ledger {

    /** A stored answer to an idempotent request; {@code status} 0 while the first request is still being decided. */
    record StoredAnswer(String requestHash, int status, String body) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    Ledger(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    void recordDecision(DecisionRecord d) {
        jdbc.sql("""
                INSERT INTO decisions (id, decided_at, kind, requester, domain_name, domain_uuid, source_host,
                    target_host, decision, rule_decision, reasons, override_reason, policy_revision, request_json,
                    evaluation_json)
                VALUES (:id, :at, :kind, :requester, :name, :uuid, :source, :target, :decision, :rule, :reasons,
                    :override, :revision, :request, :evaluation)""")
                .param("id", d.id()).param("at", time(d.decidedAt())).param("kind", d.kind())
                .param("requester", d.requester()).param("name", d.domainName()).param("uuid", d.domainUuid())
                .param("source", d.sourceHost()).param("target", d.targetHost()).param("decision", d.decision())
                .param("rule", d.ruleDecision()).param("reasons", d.reasons()).param("override", d.overrideReason())
                .param("revision", d.policyRevision()).param("request", d.requestJson())
                .param("evaluation", d.evaluationJson())
                .update();
    }

    Optional<DecisionRecord> decision(String id) {
        return jdbc.sql("SELECT * FROM decisions WHERE id = :id").param("id", id)
                .query((rs, n) -> new DecisionRecord(rs.getString("id"), instant(rs, "decided_at"), rs.getString("kind"),
                        rs.getString("requester"), rs.getString("domain_name"), rs.getString("domain_uuid"),
                        rs.getString("source_host"), rs.getString("target_host"), rs.getString("decision"),
                        rs.getString("rule_decision"), rs.getString("reasons"), rs.getString("override_reason"),
                        rs.getString("policy_revision"), rs.getString("request_json"), rs.getString("evaluation_json")))
                .optional();
    }

    /** Empty when the domain already has an active job (the database's unique key says so, for every replica). */
    Optional<MigrationJob> insertQueued(MigrationJob job) {
        try {
            long seq = jdbc.sql("SELECT NEXTVAL('migration_job_seq')").query(Long.class).single();
            jdbc.sql("""
                    INSERT INTO migration_jobs (id, seq, decision_id, decision, domain_name, domain_uuid, source_host,
                        target_host, state, active_domain, requester, override_reason, flags, parameters_json,
                        options_json, created_at)
                    VALUES (:id, :seq, :decisionId, :decision, :name, :uuid, :source, :target, 'QUEUED', :uuid,
                        :requester, :override, :flags, :parameters, :options, :created)""")
                    .param("id", job.id()).param("seq", seq).param("decisionId", job.decisionId())
                    .param("decision", job.decision()).param("name", job.domainName()).param("uuid", job.domainUuid())
                    .param("source", job.sourceHost()).param("target", job.targetHost())
                    .param("requester", job.requester()).param("override", job.overrideReason())
                    .param("flags", job.flags()).param("parameters", job.parametersJson())
                    .param("options", job.optionsJson()).param("created", time(job.createdAt()))
                    .update();
            return find(job.id());
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
    }

    Optional<MigrationJob> find(String id) {
        return jdbc.sql("SELECT * FROM migration_jobs WHERE id = :id").param("id", id).query(Ledger::job).optional();
    }

    Optional<MigrationJob> activeFor(String domainUuid) {
        return jdbc.sql("SELECT * FROM migration_jobs WHERE active_domain = :uuid").param("uuid", domainUuid)
                .query(Ledger::job).optional();
    }

    /** Newest first; {@code beforeSeq} continues a page. Filters are optional. */
    List<MigrationJob> list(String domain, JobState state, String decision, Long beforeSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM migration_jobs WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (domain != null) {
            sql.append(" AND (domain_name = :domain OR domain_uuid = :domain)");
            params.put("domain", domain);
        }
        if (state != null) {
            sql.append(" AND state = :state");
            params.put("state", state.name());
        }
        if (decision != null) {
            sql.append(" AND decision = :decision");
            params.put("decision", decision);
        }
        if (beforeSeq != null) {
            sql.append(" AND seq < :before");
            params.put("before", beforeSeq);
        }
        sql.append(" ORDER BY seq DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(Ledger::job).list();
    }

    /**
     * Moves QUEUED jobs to RUNNING, oldest first, while the source host and the fleet are under their caps. The
     * lock row serialises dispatching across replicas, so the caps hold however many there are.
     */
    List<MigrationJob> claimDispatchable(String owner, int maxPerHost, int maxActive) {
        return transactions.execute(status -> {
            jdbc.sql("SELECT id FROM dispatch_lock WHERE id = 1 FOR UPDATE").query(Integer.class).single();
            Map<String, Integer> running = new HashMap<>();
            jdbc.sql("SELECT source_host, COUNT(*) AS n FROM migration_jobs WHERE state = 'RUNNING' GROUP BY source_host")
                    .query((rs, n) -> running.put(rs.getString("source_host"), rs.getInt("n"))).list();
            int total = running.values().stream().mapToInt(Integer::intValue).sum();
            List<MigrationJob> claimed = new ArrayList<>();
            for (MigrationJob queued : jdbc.sql("SELECT * FROM migration_jobs WHERE state = 'QUEUED' ORDER BY seq")
                    .query(Ledger::job).list()) {
                if (total >= maxActive) {
                    break;
                }
                int onHost = running.getOrDefault(queued.sourceHost(), 0);
                if (onHost >= maxPerHost) {
                    continue;
                }
                Instant now = Instant.now();
                int updated = jdbc.sql("""
                        UPDATE migration_jobs SET state = 'RUNNING', owner = :owner, started_at = :now, heartbeat_at = :now
                        WHERE id = :id AND state = 'QUEUED'""")
                        .param("owner", owner).param("now", time(now)).param("id", queued.id()).update();
                if (updated == 1) {
                    running.put(queued.sourceHost(), onHost + 1);
                    total++;
                    claimed.add(find(queued.id()).orElseThrow());
                }
            }
            return claimed;
        });
    }

    void heartbeat(String id, String owner, String progressJson) {
        jdbc.sql("""
                UPDATE migration_jobs SET heartbeat_at = :now, progress_json = COALESCE(:progress, progress_json)
                WHERE id = :id AND owner = :owner AND state = 'RUNNING'""")
                .param("now", time(Instant.now())).param("progress", progressJson).param("id", id).param("owner", owner)
                .update();
    }

    /** Ends a job and frees its domain for the next one; false if it had already ended. */
    boolean finish(String id, JobState state, String errorCode, String errorMessage, String progressJson) {
        return jdbc.sql("""
                UPDATE migration_jobs SET state = :state, active_domain = NULL, finished_at = :now,
                    error_code = :code, error_message = :message, progress_json = COALESCE(:progress, progress_json)
                WHERE id = :id AND state IN ('QUEUED', 'RUNNING')""")
                .param("state", state.name()).param("now", time(Instant.now())).param("code", errorCode)
                .param("message", errorMessage).param("progress", progressJson).param("id", id)
                .update() == 1;
    }

    boolean requestCancel(String id) {
        return jdbc.sql("UPDATE migration_jobs SET cancel_requested = TRUE WHERE id = :id AND state = 'RUNNING'")
                .param("id", id).update() == 1;
    }

    boolean cancelRequested(String id) {
        return jdbc.sql("SELECT cancel_requested FROM migration_jobs WHERE id = :id").param("id", id)
                .query(Boolean.class).optional().orElse(false);
    }

    /** RUNNING jobs whose replica stopped reporting: it died, or lost the database. */
    List<MigrationJob> orphans(Instant staleBefore) {
        return jdbc.sql("SELECT * FROM migration_jobs WHERE state = 'RUNNING' AND heartbeat_at < :stale ORDER BY seq")
                .param("stale", time(staleBefore)).query(Ledger::job).list();
    }

    /** Takes an orphan over; false if another replica was quicker or its owner came back. */
    boolean adopt(String id, String owner, Instant staleBefore) {
        return jdbc.sql("""
                UPDATE migration_jobs SET owner = :owner, heartbeat_at = :now
                WHERE id = :id AND state = 'RUNNING' AND heartbeat_at < :stale""")
                .param("owner", owner).param("now", time(Instant.now())).param("id", id)
                .param("stale", time(staleBefore)).update() == 1;
    }

    Map<String, Integer> countByHost(JobState state) {
        Map<String, Integer> counts = new HashMap<>();
        jdbc.sql("SELECT source_host, COUNT(*) AS n FROM migration_jobs WHERE state = :state GROUP BY source_host")
                .param("state", state.name())
                .query((rs, n) -> counts.put(rs.getString("source_host"), rs.getInt("n"))).list();
        return counts;
    }

    /**
     * Claims an idempotency key for a request. Empty: the key is new and now this request's. Otherwise the
     * stored answer (status 0 while the first request is still being decided).
     */
    Optional<StoredAnswer> claimKey(String key, String requestHash) {
        try {
            jdbc.sql("INSERT INTO idempotency_keys (idem_key, request_hash, status, created_at) VALUES (:k, :h, 0, :now)")
                    .param("k", key).param("h", requestHash).param("now", time(Instant.now())).update();
            return Optional.empty();
        } catch (DuplicateKeyException e) {
            return jdbc.sql("SELECT request_hash, status, body FROM idempotency_keys WHERE idem_key = :k").param("k", key)
                    .query((rs, n) -> new StoredAnswer(rs.getString(1), rs.getInt(2), rs.getString(3))).optional();
        }
    }

    void answerKey(String key, int status, String body) {
        jdbc.sql("UPDATE idempotency_keys SET status = :s, body = :b WHERE idem_key = :k")
                .param("s", status).param("b", body).param("k", key).update();
    }

    /** A request that failed before it was decided (a 4xx or 5xx) may be retried with the same key. */
    void releaseKey(String key) {
        jdbc.sql("DELETE FROM idempotency_keys WHERE idem_key = :k AND status = 0").param("k", key).update();
    }

    private static MigrationJob job(ResultSet rs, int row) throws SQLException {
        return new MigrationJob(rs.getString("id"), rs.getLong("seq"), rs.getString("decision_id"),
                rs.getString("decision"), rs.getString("domain_name"), rs.getString("domain_uuid"),
                rs.getString("source_host"), rs.getString("target_host"), JobState.valueOf(rs.getString("state")),
                rs.getString("requester"), rs.getString("override_reason"), rs.getInt("flags"),
                rs.getString("parameters_json"), rs.getString("options_json"), rs.getString("progress_json"),
                rs.getString("error_code"), rs.getString("error_message"), instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("owner"),
                instant(rs, "heartbeat_at"), rs.getBoolean("cancel_requested"));
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
