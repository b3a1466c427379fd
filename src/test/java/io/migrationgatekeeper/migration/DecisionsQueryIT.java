package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.policy.Decision;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * {@code GET /v1/decisions} on a 30-day ledger (issue 11, item 6): 100,000 decisions by default ({@code
 * -Ddecisions.rows=300000} for 10,000 a day) over 30 days, 500 hosts and 20,000 domains, on PostgreSQL and on H2,
 * through the production Flyway migrations. Every filter's page, first and further, must be read through the index
 * made for that filter — never a scan of the table — and, where the filter matches many rows, in the list's order
 * with no sort; both databases must answer the same rows. The time per page is printed for the record, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecisionsQueryIT {

    static final int ROWS = Integer.getInteger("decisions.rows", 100_000);
    static final Instant NEWEST = Instant.parse("2026-11-26T00:00:00Z");

    private EmbeddedPostgres postgres;
    private final Map<String, DataSource> databases = new LinkedHashMap<>();

    @BeforeAll
    void fill() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        String db = "decisions_" + UUID.randomUUID().toString().replace("-", "");
        JdbcClient.create(postgres.getPostgresDatabase()).sql("CREATE DATABASE " + db).update();
        databases.put("PostgreSQL", postgres.getDatabase("postgres", db));
        databases.put("H2", new DriverManagerDataSource("jdbc:h2:mem:" + db
                + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", ""));
        double spacing = 30 * 86_400.0 / ROWS;
        databases.forEach((name, dataSource) -> {
            Flyway.configure().dataSource(dataSource).load().migrate();
            long start = System.nanoTime();
            String rows = name.equals("H2") ? "SELECT \"X\" AS x FROM SYSTEM_RANGE(1, " + ROWS + ")"
                    : "SELECT x FROM generate_series(1, " + ROWS + ") AS g(x)";
            // Evenly over 30 days; every tenth denied, every twentieth overridden; a quarter are preflights.
            JdbcClient.create(dataSource).sql("""
                    INSERT INTO decisions (id, decided_at, kind, requester, domain_name, domain_uuid, source_host,
                        target_host, decision, rule_decision, reasons, override_reason, policy_revision)
                    SELECT LPAD(CAST(x AS VARCHAR), 8, '0') || '-0000-4000-8000-000000000000',
                        TIMESTAMP WITH TIME ZONE '2026-11-26 00:00:00+00' - x * INTERVAL '""" + spacing + """
                    ' SECOND,
                        CASE WHEN MOD(x, 4) = 0 THEN 'preflight' ELSE 'migration' END, 'portal',
                        'vm-' || CAST(MOD(x, 20000) AS VARCHAR),
                        LPAD(CAST(MOD(x, 20000) AS VARCHAR), 8, '0') || '-1111-4000-8000-000000000000',
                        'kvm-' || CAST(MOD(x, 500) AS VARCHAR), 'kvm-' || CAST(MOD(x + 1, 500) AS VARCHAR),
                        CASE WHEN MOD(x, 10) = 0 THEN 'DENIED' WHEN MOD(x, 20) = 1 THEN 'ALLOWED_UNSAFE' ELSE 'ALLOWED' END,
                        CASE WHEN MOD(x, 10) = 0 OR MOD(x, 20) = 1 THEN 'DENIED' ELSE 'ALLOWED' END,
                        CASE WHEN MOD(x, 10) = 0 OR MOD(x, 20) = 1 THEN 'STORAGE_NOT_SHARED' ELSE '' END,
                        CASE WHEN MOD(x, 20) = 1 THEN 'CHG-1' ELSE NULL END, 'r1'
                    FROM (""" + rows + ") AS r").update();
            JdbcClient.create(dataSource).sql("ANALYZE").update();
            System.out.printf("decisions: %d rows into %s in %d ms%n", ROWS, name, (System.nanoTime() - start) / 1_000_000);
        });
    }

    @AfterAll
    void stop() throws IOException {
        postgres.close();
    }

    /**
     * @param index  the index the filter must be served by; {@code sorted}: it matches many rows, so no sort either
     *               (PostgreSQL may then rightly prefer reading the time index backwards and filtering)
     */
    record Case(String name, DecisionFilter filter, String index, boolean sorted) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Case> filters() {
        return Stream.of(
                new Case("no filter", filter(null, null, null, null, null, null), "decisions_by_time", true),
                new Case("decision", filter(Decision.ALLOWED, null, null, null, null, null), "decisions_by_decision", true),
                new Case("rare decision", filter(Decision.DENIED, null, null, null, null, null), "decisions_by_decision",
                        false),
                new Case("sourceHost", filter(null, "kvm-17", null, null, null, null), "decisions_by_source", false),
                new Case("targetHost", filter(null, null, "kvm-18", null, null, null), "decisions_by_target", false),
                new Case("domain name", filter(null, null, null, "vm-4711", null, null), "decisions_by_domain_name",
                        false),
                new Case("domain uuid", filter(null, null, null, null, "00004711-1111-4000-8000-000000000000", null),
                        "decisions_by_domain_uuid", false),
                new Case("since", filter(null, null, null, null, null, NEWEST.minusSeconds(86_400)), "decisions_by_time",
                        true),
                new Case("source, decision and since", filter(Decision.DENIED, "kvm-20", null, null, null,
                        NEWEST.minusSeconds(20 * 86_400)), "decisions_by_source", false));
    }

    private static DecisionFilter filter(Decision decision, String source, String target, String name, String uuid,
            Instant since) {
        return new DecisionFilter(decision, source, target, name, uuid, since);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void everyFilterIsReadThroughItsIndexAndBothDatabasesAgree(Case c) throws SQLException {
        Map<String, List<String>> pages = new LinkedHashMap<>();
        for (Map.Entry<String, DataSource> db : databases.entrySet()) {
            // One connection, as a pool would lend it: the figures are the query's, not a connection's set-up.
            SingleConnectionDataSource connection = new SingleConnectionDataSource(db.getValue().getConnection(), true);
            try {
                Ledger ledger = JobMachine.ledger(connection, new LedgerHealth());
                JdbcClient jdbc = JdbcClient.create(connection);

                List<Ledger.RecordedDecision> first = ledger.decisions(c.filter(), null, 51);
                assertThat(first).as("the generator put rows in for %s", c).isNotEmpty();
                DecisionRecord last = first.get(first.size() - 1).record();
                DecisionCursor.Position next = new DecisionCursor.Position(last.decidedAt(), last.id());
                for (DecisionCursor.Position before : Arrays.asList(null, next)) {
                    Ledger.Query query = Ledger.decisionsQuery(c.filter(), before, 51);
                    String plan = String.join("\n", jdbc.sql("EXPLAIN " + query.sql()).params(query.params())
                            .query((rs, n) -> rs.getString(1)).list());
                    String page = before == null ? "first page" : "next page";
                    if (db.getKey().equals("H2")) {
                        assertThat(plan).as("H2 plan (%s):%n%s", page, plan).contains("public." + c.index())
                                .doesNotContain("tableScan");
                        if (c.sorted()) {
                            assertThat(plan).as("H2 plan (%s):%n%s", page, plan).contains("/* index sorted */");
                        }
                    } else {
                        assertThat(plan).as("PostgreSQL plan (%s):%n%s", page, plan).doesNotContain("Seq Scan")
                                .containsAnyOf(c.index(), c.sorted() ? "decisions_by_time" : c.index());
                        if (c.sorted()) {
                            assertThat(plan).as("PostgreSQL plan (%s):%n%s", page, plan).contains("Index Scan Backward")
                                    .doesNotContain("Sort");
                        }
                    }
                }
                long start = System.nanoTime();
                int runs = 50;
                for (int i = 0; i < runs; i++) {
                    ledger.decisions(c.filter(), i % 2 == 0 ? null : next, 51);
                }
                System.out.printf("decisions: %s, %s: %.2f ms per 51-row page (%d rows)%n", db.getKey(), c.name(),
                        (System.nanoTime() - start) / 1e6 / runs, ROWS);
                List<String> ids = new ArrayList<>();
                first.forEach(d -> ids.add(d.record().id()));
                ledger.decisions(c.filter(), next, 51).forEach(d -> ids.add(d.record().id()));
                pages.put(db.getKey(), ids);
            } finally {
                connection.destroy();
            }
        }
        assertThat(pages.get("H2")).as("the same rows in the same order").isEqualTo(pages.get("PostgreSQL"))
                .doesNotHaveDuplicates();
    }
}
