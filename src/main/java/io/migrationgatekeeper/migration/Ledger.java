package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.Enforcement;
import java.net.ConnectException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The decisions, jobs and idempotency claims, in the database every replica shares. Everything that must hold
 * across replicas (one active job per domain, the running caps, who holds an idempotency key) is decided here by
 * the database. Every job transition names the state it comes from in SQL: zero rows updated means another
 * replica (or a cancel, or the dispatcher) moved the job first. JSON columns map to typed records here and
 * nowhere else. A database that cannot be reached is a {@link LedgerUnavailableException}, reported to
 * {@link LedgerHealth}.
 */
@Repository
class Ledger {

    /** What a caller's Idempotency-Key stands for when a request arrives with it. */
    sealed interface KeyClaim permits Claimed, Answered, InFlight, Reused {}

    /** The key is this request's until {@code leaseUntil}; {@code token} identifies this attempt. */
    record Claimed(String caller, String key, String token) implements KeyClaim {}

    /** The first request with the key was answered: {@code status} and the ledger entries that answer names. */
    record Answered(int status, String decisionId, String jobId, String drainId) implements KeyClaim {

        Answered(int status, String decisionId, String jobId) {
            this(status, decisionId, jobId, null);
        }
    }

    record InFlight() implements KeyClaim {}

    record Reused() implements KeyClaim {}

    /**
     * A job without its destination XML (up to {@code gatekeeper.migrations.max-body-bytes} each), which only the
     * replica that sends it to libvirt reads: lists, the dispatcher's scan and reconciling read many jobs at once.
     */
    private static final String JOB = """
            id, seq, decision_id, decision, domain_name, domain_uuid, source_host, target_host, state, requester,
            request_id, override_reason, flags, parameters_json, options_json, progress_json, error_code, error_message, created_at,
            started_at, finished_at, owner, heartbeat_at, cancel_requested,
            destination_xml IS NOT NULL AS has_destination_xml""";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final LedgerHealth health;

    Ledger(JdbcClient jdbc, TransactionTemplate transactions, JsonMapper json, LedgerHealth health) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.json = json;
        this.health = health;
    }

    // --- decisions and admission ---------------------------------------------------------------------------

    /**
     * Records the decision and, when it is approved, queues its job, and answers the caller's idempotency claim:
     * all in one transaction, so a claim is never answered without its decision and job, nor a job queued whose
     * claim was taken over meanwhile.
     *
     * @return the queued job, or empty for a denial
     * @throws MigrationException CONFLICT when the domain has an active job (nothing is recorded then), KEY_IN_FLIGHT
     *                            when the claim's lease ran out and a retry took the key over
     */
    Optional<MigrationJob> admit(MigrationDecision decision, Claimed claim, Instant now) {
        return guarded(() -> {
            try {
                return transactions.execute(status -> {
                    insertDecision(decision.record());
                    MigrationJob job = null;
                    if (!decision.denied()) {
                        job = insertJob(MigrationJob.queued(UUID.randomUUID().toString(), decision, now), null);
                    }
                    if (claim != null && !answerKey(claim, decision.denied() ? 422 : 202, decision.id(),
                            job == null ? null : job.id())) {
                        status.setRollbackOnly();
                        throw new MigrationException(MigrationException.Reason.KEY_IN_FLIGHT, "the Idempotency-Key '"
                                + claim.key() + "' was taken over by a retry while this request was being decided");
                    }
                    return Optional.ofNullable(job);
                });
            } catch (DuplicateKeyException e) {
                String active = activeFor(decision.domainUuid()).map(MigrationJob::id).orElse("(just ended)");
                throw new MigrationException(MigrationException.Reason.CONFLICT, "domain " + decision.domainUuid()
                        + " already has an active migration: /v1/migrations/" + active).with("activeMigration", active);
            }
        });
    }

    private void insertDecision(DecisionRecord d) {
        insertDecision(d, "migration");
    }

    private void insertDecision(DecisionRecord d, String kind) {
        jdbc.sql("""
                INSERT INTO decisions (id, decided_at, kind, requester, request_id, domain_name, domain_uuid,
                    source_host, target_host, decision, rule_decision, enforcement, reasons, override_reason,
                    policy_revision, request, evaluation)
                VALUES (:id, :at, :kind, :requester, :requestId, :name, :uuid, :source, :target, :decision,
                    :rule, :enforcement, :reasons, :override, :revision, :request, :evaluation)""")
                .param("id", d.id()).param("at", time(d.decidedAt())).param("kind", kind)
                .param("requester", d.requester()).param("requestId", d.requestId())
                .param("name", d.domainName()).param("uuid", d.domainUuid())
                .param("source", d.sourceHost()).param("target", d.targetHost()).param("decision", d.decision().name())
                .param("rule", d.ruleDecision().name()).param("enforcement", d.enforcement().value())
                .param("reasons", String.join(",", d.reasons())).param("override", d.overrideReason())
                .param("revision", d.policyRevision())
                .param("request", d.request() == null ? null : json.writeValueAsString(d.request()))
                .param("evaluation", d.evaluation() == null ? null : json.writeValueAsString(d.evaluation()))
                .update();
    }

    /** A preflight's decision, when {@code gatekeeper.ledger.record-preflight} asks for them. */
    void recordPreflight(DecisionRecord d) {
        guarded(() -> {
            insertDecision(d, "preflight");
            return null;
        });
    }

    /** One row of {@code GET /v1/decisions}: the record and whether a migration or a preflight made it. */
    record RecordedDecision(String kind, DecisionRecord record) {}

    /**
     * Newest first, by {@code (decided_at, id)}, from before {@code before} (null: from the newest). At most one
     * filter column is served by an index ({@code V3__…}); the others filter the rows that index yields.
     */
    List<RecordedDecision> decisions(DecisionFilter filter, DecisionCursor.Position before, int limit) {
        Query query = decisionsQuery(filter, before, limit);
        return guarded(() -> jdbc.sql(query.sql()).params(query.params())
                .query((rs, n) -> new RecordedDecision(rs.getString("kind"), decision(rs, false))).list());
    }

    /** A statement and its parameters: what {@link #decisions} runs, and what the plan tests explain. */
    record Query(String sql, Map<String, Object> params) {}

    static Query decisionsQuery(DecisionFilter filter, DecisionCursor.Position before, int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT id, decided_at, kind, requester, request_id, domain_name, domain_uuid, source_host, target_host, decision,
                    rule_decision, enforcement, reasons, override_reason, policy_revision
                FROM decisions WHERE 1 = 1""");
        Map<String, Object> params = new HashMap<>();
        if (filter.decision() != null) {
            sql.append(" AND decision = :decision");
            params.put("decision", filter.decision().name());
        }
        if (filter.sourceHost() != null) {
            sql.append(" AND source_host = :source");
            params.put("source", filter.sourceHost());
        }
        if (filter.targetHost() != null) {
            sql.append(" AND target_host = :target");
            params.put("target", filter.targetHost());
        }
        if (filter.domainUuid() != null) {
            sql.append(" AND domain_uuid = :uuid");
            params.put("uuid", filter.domainUuid());
        }
        if (filter.domainName() != null) {
            sql.append(" AND domain_name = :name");
            params.put("name", filter.domainName());
        }
        if (filter.since() != null) {
            sql.append(" AND decided_at >= :since");
            params.put("since", time(filter.since()));
        }
        if (before != null) {
            // A row value comparison: PostgreSQL turns it into one index bound on (…, decided_at, id).
            sql.append(" AND (decided_at, id) < (:beforeAt, :beforeId)");
            params.put("beforeAt", time(before.decidedAt()));
            params.put("beforeId", before.id());
        }
        // The most selective equality filter leads the order too: a no-op for the result (it is one value), but H2
        // then reads its index (lead, decided_at, id) in order and stops at the limit instead of sorting every match.
        String lead = filter.domainUuid() != null ? "domain_uuid DESC, " : filter.domainName() != null
                ? "domain_name DESC, " : filter.sourceHost() != null ? "source_host DESC, " : filter.targetHost() != null
                ? "target_host DESC, " : filter.decision() != null ? "decision DESC, " : "";
        sql.append(" ORDER BY ").append(lead).append("decided_at DESC, id DESC LIMIT :limit");
        params.put("limit", limit);
        return new Query(sql.toString(), params);
    }

    Optional<DecisionRecord> decision(String id) {
        return guarded(() -> jdbc.sql("SELECT * FROM decisions WHERE id = :id").param("id", id)
                .query((rs, n) -> decision(rs, true)).optional());
    }

    /** @param full the row has the request and evaluation columns too (lists leave them out) */
    private DecisionRecord decision(ResultSet rs, boolean full) throws SQLException {
        String reasons = rs.getString("reasons");
        String request = full ? rs.getString("request") : null;
        String evaluation = full ? rs.getString("evaluation") : null;
        String enforcement = rs.getString("enforcement");
        return new DecisionRecord(rs.getString("id"), instant(rs, "decided_at"), rs.getString("requester"),
                rs.getString("request_id"), rs.getString("domain_name"), rs.getString("domain_uuid"),
                rs.getString("source_host"),
                rs.getString("target_host"), Decision.valueOf(rs.getString("decision")),
                Decision.valueOf(rs.getString("rule_decision")),
                enforcement == null ? Enforcement.ENFORCE : Enforcement.valueOf(enforcement.toUpperCase(java.util.Locale.ROOT)),
                reasons == null || reasons.isEmpty() ? List.of() : Arrays.asList(reasons.split(",")),
                rs.getString("override_reason"), rs.getString("policy_revision"),
                request == null ? null : json.readValue(request, DecisionRecord.RequestRecord.class),
                evaluation == null ? null : json.readValue(evaluation, EvaluationRecord.class));
    }

    // --- jobs -------------------------------------------------------------------------------------------------

    private MigrationJob insertJob(MigrationJob job, String drainId) {
        long seq = jdbc.sql("SELECT NEXTVAL('migration_job_seq')").query(Long.class).single();
        jdbc.sql("""
                INSERT INTO migration_jobs (id, seq, decision_id, decision, domain_name, domain_uuid, source_host,
                    target_host, state, active_domain, requester, request_id, override_reason, flags, parameters_json,
                    destination_xml, options_json, created_at, drain_id)
                VALUES (:id, :seq, :decisionId, :decision, :name, :uuid, :source, :target, 'QUEUED', :uuid,
                    :requester, :requestId, :override, :flags, :plan, :destinationXml, :options, :created, :drain)""")
                .param("id", job.id()).param("seq", seq).param("decisionId", job.decisionId()).param("drain", drainId)
                .param("decision", job.decision()).param("name", job.domainName()).param("uuid", job.domainUuid())
                .param("source", job.sourceHost()).param("target", job.targetHost())
                .param("requester", job.requester()).param("requestId", job.requestId())
                .param("override", job.overrideReason())
                .param("flags", job.plan().flags())
                .param("plan", json.writeValueAsString(job.plan().withDestinationXml(null)))
                .param("destinationXml", job.plan().destinationXml())
                .param("options", json.writeValueAsString(job.options())).param("created", time(job.createdAt()))
                .update();
        return find(job.id()).orElseThrow();
    }

    /** The whole job, with the destination XML it sends to libvirt. */
    Optional<MigrationJob> find(String id) {
        return guarded(() -> jdbc.sql("SELECT " + JOB + ", destination_xml FROM migration_jobs WHERE id = :id")
                .param("id", id).query((rs, n) -> job(rs, true)).optional());
    }

    Optional<MigrationJob> activeFor(String domainUuid) {
        return guarded(() -> jdbc.sql("SELECT " + JOB + " FROM migration_jobs WHERE active_domain = :uuid")
                .param("uuid", domainUuid).query((rs, n) -> job(rs)).optional());
    }

    /** Newest first; {@code beforeSeq} continues a page. Filters are optional. */
    List<MigrationJob> list(String domain, JobState state, String decision, Long beforeSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + JOB + " FROM migration_jobs WHERE 1 = 1");
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
        return guarded(() -> jdbc.sql(sql.toString()).params(params).query((rs, n) -> job(rs)).list());
    }

    /**
     * QUEUED → RUNNING, oldest first, while the source host and the fleet are under their caps. The lock row
     * serialises dispatching across replicas, so the caps hold however many there are.
     */
    List<MigrationJob> claimDispatchable(String owner, int maxPerHost, int maxActive, Instant now) {
        return guarded(() -> transactions.execute(status -> {
            jdbc.sql("SELECT id FROM dispatch_lock WHERE id = 1 FOR UPDATE").query(Integer.class).single();
            Map<String, Integer> running = new HashMap<>();
            jdbc.sql("SELECT source_host, COUNT(*) AS n FROM migration_jobs WHERE state = 'RUNNING' GROUP BY source_host")
                    .query((rs, n) -> running.put(rs.getString("source_host"), rs.getInt("n"))).list();
            int total = running.values().stream().mapToInt(Integer::intValue).sum();
            List<MigrationJob> claimed = new ArrayList<>();
            if (total >= maxActive) {
                return claimed;
            }
            for (MigrationJob queued : jdbc.sql("SELECT " + JOB + " FROM migration_jobs WHERE state = 'QUEUED' ORDER BY seq")
                    .query((rs, n) -> job(rs)).list()) {
                if (total >= maxActive) {
                    break;
                }
                int onHost = running.getOrDefault(queued.sourceHost(), 0);
                if (onHost >= maxPerHost) {
                    continue;
                }
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
        }));
    }

    /** QUEUED → CANCELLED; false if the job was no longer QUEUED (the dispatcher took it first, or it ended). */
    boolean cancelQueued(String id, Instant now) {
        return guarded(() -> jdbc.sql("""
                UPDATE migration_jobs SET state = 'CANCELLED', active_domain = NULL, finished_at = :now,
                    error_code = 'CANCELLED', error_message = 'cancelled while queued'
                WHERE id = :id AND state = 'QUEUED'""")
                .param("now", time(now)).param("id", id).update() == 1);
    }

    /** Marks a RUNNING job for abort by its owner; false if it was not RUNNING. */
    boolean requestCancel(String id) {
        return guarded(() -> jdbc.sql("UPDATE migration_jobs SET cancel_requested = TRUE WHERE id = :id AND state = 'RUNNING'")
                .param("id", id).update() == 1);
    }

    /**
     * RUNNING → {@code outcome} (SUCCEEDED, FAILED or CANCELLED), freeing the domain for the next job; false if it
     * was no longer RUNNING (another replica ended it first).
     */
    boolean end(String id, JobState outcome, MigrationJob.JobError error, JobProgress progress, Instant now) {
        if (!JobState.RUNNING.next().contains(outcome)) {
            throw new IllegalArgumentException("a running job cannot become " + outcome);
        }
        return guarded(() -> jdbc.sql("""
                UPDATE migration_jobs SET state = :state, active_domain = NULL, finished_at = :now,
                    error_code = :code, error_message = :message, progress_json = COALESCE(:progress, progress_json)
                WHERE id = :id AND state = 'RUNNING'""")
                .param("state", outcome.name()).param("now", time(now))
                .param("code", error == null ? null : error.code())
                .param("message", error == null ? null : error.message())
                .param("progress", progress == null ? null : json.writeValueAsString(progress)).param("id", id)
                .update() == 1);
    }

    /** The owner is alive and still has these jobs: how many of them it still owns. */
    int heartbeat(Collection<String> ids, String owner, Instant now) {
        if (ids.isEmpty()) {
            return 0;
        }
        return guarded(() -> jdbc.sql("""
                UPDATE migration_jobs SET heartbeat_at = :now
                WHERE id IN (:ids) AND owner = :owner AND state = 'RUNNING'""")
                .param("now", time(now)).param("ids", List.copyOf(ids)).param("owner", owner).update());
    }

    void progress(String id, String owner, JobProgress progress) {
        guarded(() -> jdbc.sql("""
                UPDATE migration_jobs SET progress_json = :progress WHERE id = :id AND owner = :owner AND state = 'RUNNING'""")
                .param("progress", json.writeValueAsString(progress)).param("id", id).param("owner", owner).update());
    }

    /** Of these jobs, the ones a cancel is waiting on. */
    Set<String> cancelRequested(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return guarded(() -> new HashSet<>(jdbc.sql(
                "SELECT id FROM migration_jobs WHERE id IN (:ids) AND cancel_requested AND state = 'RUNNING'")
                .param("ids", List.copyOf(ids)).query(String.class).list()));
    }

    /** RUNNING jobs whose replica stopped reporting: it died, or lost the database. */
    List<MigrationJob> orphans(Instant staleBefore) {
        return guarded(() -> jdbc.sql("SELECT " + JOB + " FROM migration_jobs WHERE state = 'RUNNING' AND heartbeat_at < :stale"
                + " ORDER BY seq")
                .param("stale", time(staleBefore)).query((rs, n) -> job(rs)).list());
    }

    /** Takes an orphan over; false if another replica was quicker or its owner came back. */
    boolean adopt(String id, String owner, Instant staleBefore, Instant now) {
        return guarded(() -> jdbc.sql("""
                UPDATE migration_jobs SET owner = :owner, heartbeat_at = :now
                WHERE id = :id AND state = 'RUNNING' AND heartbeat_at < :stale""")
                .param("owner", owner).param("now", time(now)).param("id", id)
                .param("stale", time(staleBefore)).update() == 1);
    }

    Map<String, Integer> countByHost(JobState state) {
        Map<String, Integer> counts = new HashMap<>();
        guarded(() -> jdbc.sql("SELECT source_host, COUNT(*) AS n FROM migration_jobs WHERE state = :state GROUP BY source_host")
                .param("state", state.name())
                .query((rs, n) -> counts.put(rs.getString("source_host"), rs.getInt("n"))).list());
        return counts;
    }

    // --- drains ----------------------------------------------------------------------------------------------

    /**
     * Records a drain, every decision it made and the job of each approved one, and answers the caller's
     * idempotency claim: one transaction, so a drain is started whole or not at all.
     *
     * @param jobIds the job id chosen for each approved decision, by decision id
     * @throws MigrationException CONFLICT when one of the domains got an active job meanwhile (nothing is recorded),
     *                            KEY_IN_FLIGHT when the claim was taken over by a retry
     */
    void startDrain(DrainRecord drain, List<MigrationDecision> decisions, Map<String, String> jobIds, Claimed claim) {
        guarded(() -> {
            try {
                return transactions.execute(status -> {
                    jdbc.sql("""
                            INSERT INTO drains (id, created_at, requester, source_host, override_reason, plan)
                            VALUES (:id, :at, :requester, :source, :override, :plan)""")
                            .param("id", drain.id()).param("at", time(drain.createdAt()))
                            .param("requester", drain.requester()).param("source", drain.sourceHost())
                            .param("override", drain.overrideReason()).param("plan", json.writeValueAsString(drain.plan()))
                            .update();
                    for (MigrationDecision decision : decisions) {
                        insertDecision(decision.record());
                        if (!decision.denied()) {
                            insertJob(MigrationJob.queued(jobIds.get(decision.id()), decision, drain.createdAt()),
                                    drain.id());
                        }
                    }
                    if (claim != null && !answerKey(claim, 202, null, null, drain.id())) {
                        status.setRollbackOnly();
                        throw new MigrationException(MigrationException.Reason.KEY_IN_FLIGHT, "the Idempotency-Key '"
                                + claim.key() + "' was taken over by a retry while this drain was being planned");
                    }
                    return null;
                });
            } catch (DuplicateKeyException e) {
                throw new MigrationException(MigrationException.Reason.CONFLICT, "a domain on " + drain.sourceHost()
                        + " got an active migration while the drain was being planned; nothing was started, retry the"
                        + " drain");
            }
        });
    }

    Optional<DrainRecord> drain(String id) {
        return guarded(() -> jdbc.sql("SELECT * FROM drains WHERE id = :id").param("id", id)
                .query((rs, n) -> new DrainRecord(rs.getString("id"), instant(rs, "created_at"),
                        rs.getString("requester"), rs.getString("source_host"), rs.getString("override_reason"),
                        instant(rs, "cancelled_at"), json.readValue(rs.getString("plan"), DrainRecord.Plan.class)))
                .optional());
    }

    List<MigrationJob> drainJobs(String drainId) {
        return guarded(() -> jdbc.sql("SELECT " + JOB + " FROM migration_jobs WHERE drain_id = :drain ORDER BY seq")
                .param("drain", drainId).query((rs, n) -> job(rs)).list());
    }

    /** Marks the drain cancelled (the first cancel's time stays); false if there is no such drain. */
    boolean cancelDrain(String id, Instant now) {
        return guarded(() -> jdbc.sql("UPDATE drains SET cancelled_at = COALESCE(cancelled_at, :now) WHERE id = :id")
                .param("now", time(now)).param("id", id).update() == 1);
    }

    /** The active (QUEUED or RUNNING) jobs leaving a host: domain UUID → job id. */
    Map<String, String> activeOn(String sourceHost) {
        Map<String, String> active = new HashMap<>();
        guarded(() -> jdbc.sql("""
                SELECT id, domain_uuid FROM migration_jobs WHERE state IN ('QUEUED', 'RUNNING') AND source_host = :source""")
                .param("source", sourceHost)
                .query((rs, n) -> active.put(rs.getString("domain_uuid"), rs.getString("id"))).list());
        return active;
    }

    /** The active (QUEUED or RUNNING) jobs per target host. */
    Map<String, Integer> activeByTarget() {
        Map<String, Integer> counts = new HashMap<>();
        guarded(() -> jdbc.sql("""
                SELECT target_host, COUNT(*) AS n FROM migration_jobs WHERE state IN ('QUEUED', 'RUNNING')
                GROUP BY target_host""")
                .query((rs, n) -> counts.put(rs.getString("target_host"), rs.getInt("n"))).list());
        return counts;
    }

    // --- idempotency ------------------------------------------------------------------------------------------

    /**
     * Claims the caller's key for a request with body hash {@code hash}. Keys are the caller's own: another caller
     * using the same string claims a different key.
     */
    KeyClaim claimKey(String caller, String key, String hash, Instant now, Instant leaseUntil) {
        return guarded(() -> {
            for (int attempt = 0; attempt < 3; attempt++) {
                String token = UUID.randomUUID().toString();
                try {
                    jdbc.sql("""
                            INSERT INTO idempotency_claims (caller, idem_key, request_hash, status, claim_token, lease_until,
                                created_at) VALUES (:caller, :key, :hash, 0, :token, :lease, :now)""")
                            .param("caller", caller).param("key", key).param("hash", hash).param("token", token)
                            .param("lease", time(leaseUntil)).param("now", time(now)).update();
                    return new Claimed(caller, key, token);
                } catch (DuplicateKeyException taken) {
                    // Someone holds it: look at what they made of it.
                }
                Optional<Map<String, Object>> row = jdbc.sql("""
                        SELECT request_hash, status, decision_id, job_id, drain_id, claim_token, lease_until
                        FROM idempotency_claims
                        WHERE caller = :caller AND idem_key = :key""")
                        .param("caller", caller).param("key", key)
                        .query((rs, n) -> Map.<String, Object>of("hash", rs.getString("request_hash"),
                                "status", rs.getInt("status"), "decision", Optional.ofNullable(rs.getString("decision_id")),
                                "job", Optional.ofNullable(rs.getString("job_id")),
                                "drain", Optional.ofNullable(rs.getString("drain_id")), "token", rs.getString("claim_token"),
                                "lease", instant(rs, "lease_until"))).optional();
                if (row.isEmpty()) {
                    continue; // released meanwhile: claim it again
                }
                Map<String, Object> claim = row.get();
                if (!hash.equals(claim.get("hash"))) {
                    return new Reused();
                }
                int status = (Integer) claim.get("status");
                if (status != 0) {
                    return new Answered(status, ((Optional<?>) claim.get("decision")).map(Object::toString).orElse(null),
                            ((Optional<?>) claim.get("job")).map(Object::toString).orElse(null),
                            ((Optional<?>) claim.get("drain")).map(Object::toString).orElse(null));
                }
                if (((Instant) claim.get("lease")).isAfter(now)) {
                    return new InFlight();
                }
                // The first attempt never answered (it died, or lost the database): this one takes the key over.
                int taken = jdbc.sql("""
                        UPDATE idempotency_claims SET claim_token = :token, lease_until = :lease
                        WHERE caller = :caller AND idem_key = :key AND status = 0 AND claim_token = :old""")
                        .param("token", token).param("lease", time(leaseUntil)).param("caller", caller)
                        .param("key", key).param("old", claim.get("token")).update();
                if (taken == 1) {
                    return new Claimed(caller, key, token);
                }
            }
            return new InFlight();
        });
    }

    private boolean answerKey(Claimed claim, int status, String decisionId, String jobId) {
        return answerKey(claim, status, decisionId, jobId, null);
    }

    private boolean answerKey(Claimed claim, int status, String decisionId, String jobId, String drainId) {
        return jdbc.sql("""
                UPDATE idempotency_claims SET status = :status, decision_id = :decision, job_id = :job, drain_id = :drain
                WHERE caller = :caller AND idem_key = :key AND status = 0 AND claim_token = :token""")
                .param("status", status).param("decision", decisionId).param("job", jobId).param("drain", drainId)
                .param("caller", claim.caller()).param("key", claim.key()).param("token", claim.token()).update() == 1;
    }

    /** A request that was not decided (bad input, a host down) leaves its key free for a retry. */
    void releaseKey(Claimed claim) {
        guarded(() -> jdbc.sql("""
                DELETE FROM idempotency_claims
                WHERE caller = :caller AND idem_key = :key AND status = 0 AND claim_token = :token""")
                .param("caller", claim.caller()).param("key", claim.key()).param("token", claim.token()).update());
    }

    // --- retention ---------------------------------------------------------------------------------------------

    /** What {@link #purge} removed. */
    record Purged(int keys, int jobs, int decisions) {}

    /**
     * Removes idempotency claims, ended jobs and decisions older than {@code cutoff}. A decision goes only with its
     * job, and an active job never goes.
     */
    Purged purge(Instant cutoff) {
        return guarded(() -> transactions.execute(status -> {
            int keys = jdbc.sql("DELETE FROM idempotency_claims WHERE created_at < :cutoff")
                    .param("cutoff", time(cutoff)).update();
            int jobs = jdbc.sql("""
                    DELETE FROM migration_jobs WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND finished_at < :cutoff""")
                    .param("cutoff", time(cutoff)).update();
            int decisions = jdbc.sql("""
                    DELETE FROM decisions WHERE decided_at < :cutoff
                    AND NOT EXISTS (SELECT 1 FROM migration_jobs j WHERE j.decision_id = decisions.id)""")
                    .param("cutoff", time(cutoff)).update();
            // A drain goes once its jobs have.
            jdbc.sql("""
                    DELETE FROM drains WHERE created_at < :cutoff
                    AND NOT EXISTS (SELECT 1 FROM migration_jobs j WHERE j.drain_id = drains.id)""")
                    .param("cutoff", time(cutoff)).update();
            return new Purged(keys, jobs, decisions);
        }));
    }

    /** One round trip: is the database there? */
    void ping() {
        guarded(() -> jdbc.sql("SELECT 1").query(Integer.class).single());
    }

    // --- mapping and failures -----------------------------------------------------------------------------------

    private MigrationJob job(ResultSet rs) throws SQLException {
        return job(rs, false);
    }

    /** @param whole whether the row has the destination XML ({@link #find}) */
    private MigrationJob job(ResultSet rs, boolean whole) throws SQLException {
        String code = rs.getString("error_code");
        String progress = rs.getString("progress_json");
        MigrationPlan plan = json.readValue(rs.getString("parameters_json"), MigrationPlan.class);
        boolean sendsDestinationXml = rs.getBoolean("has_destination_xml") || plan.destinationXml() != null;
        if (whole) {
            String destinationXml = rs.getString("destination_xml");
            if (destinationXml != null) {
                plan = plan.withDestinationXml(destinationXml);
            }
        }
        return new MigrationJob(rs.getString("id"), rs.getLong("seq"), rs.getString("decision_id"),
                rs.getString("decision"), rs.getString("domain_name"), rs.getString("domain_uuid"),
                rs.getString("source_host"), rs.getString("target_host"), JobState.valueOf(rs.getString("state")),
                rs.getString("requester"), rs.getString("request_id"), rs.getString("override_reason"),
                plan, sendsDestinationXml, json.readValue(rs.getString("options_json"), MigrationOptions.class),
                progress == null ? null : json.readValue(progress, JobProgress.class),
                code == null ? null : new MigrationJob.JobError(code, rs.getString("error_message")),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("owner"),
                instant(rs, "heartbeat_at"), rs.getBoolean("cancel_requested"));
    }

    /** Runs a ledger operation; a database that cannot be reached becomes {@link LedgerUnavailableException}. */
    private <T> T guarded(Supplier<T> operation) {
        try {
            T result = operation.get();
            health.reachable();
            return result;
        } catch (RuntimeException e) {
            if (unreachable(e)) {
                health.unreachable(e);
                throw new LedgerUnavailableException("the ledger database cannot be reached: " + rootMessage(e), e);
            }
            throw e;
        }
    }

    static boolean unreachable(Throwable e) {
        // A commit or rollback that fails (TransactionSystemException, which then hides the statement's own failure)
        // fails because the connection did: the database went away in the middle of a transaction.
        if (e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessResourceException
                || e instanceof QueryTimeoutException || e instanceof RecoverableDataAccessException
                || e instanceof CannotCreateTransactionException || e instanceof TransactionSystemException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t != e && t instanceof DataAccessResourceFailureException) {
                return true;
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
