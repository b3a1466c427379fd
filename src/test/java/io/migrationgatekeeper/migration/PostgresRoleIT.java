package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.migrationgatekeeper.MigrationGatekeeperApplication;
import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.DebianPostgres;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's PostgreSQL set-up, exactly as printed (the SQL block is read from the README), on Debian's
 * PostgreSQL 15: the service starts with that role, Flyway creates the ledger in the role's schema, and a denied
 * migration request is recorded. A role with only CONNECT is what fails on PostgreSQL 15, and it does.
 */
@RequiresLibvirt
class PostgresRoleIT {

    private static DebianPostgres postgres;

    @BeforeAll
    static void cluster() {
        org.junit.jupiter.api.Assumptions.assumeTrue(DebianPostgres.installed() || "true".equals(System.getenv("CI")),
                "needs Debian's postgresql-15 and root (.ci/run installs it)");
        postgres = DebianPostgres.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theDocumentedRoleRunsTheService() throws Exception {
        runAsSuperuser(readmeSql().replace("change-me", "role-secret"));

        try (ConfigurableApplicationContext service = start(postgres.jdbcUrl("gatekeeper") + "?currentSchema=gatekeeper",
                "gatekeeper", "role-secret")) {
            Api api = new Api(((WebServerApplicationContext) service).getWebServer().getPort());
            Api.Reply denied = api.postJson("/v1/migrations", Map.of("domain", "test", "sourceHost", "kvm-a1",
                    "targetHost", "kvm-b1"));
            assertThat(denied.status()).as(denied.body()).isEqualTo(422);
            assertThat(api.get("/v1/migrations").status()).isEqualTo(200);
        }
        try (Connection connection = postgres.connect("gatekeeper", "gatekeeper", "role-secret");
                Statement statement = connection.createStatement()) {
            var tables = statement.executeQuery("SELECT table_schema, table_name FROM information_schema.tables"
                    + " WHERE table_name IN ('decisions', 'migration_jobs', 'flyway_schema_history')");
            List<String> found = new ArrayList<>();
            while (tables.next()) {
                found.add(tables.getString(1) + "." + tables.getString(2));
            }
            assertThat(found).containsExactlyInAnyOrder("gatekeeper.decisions", "gatekeeper.migration_jobs",
                    "gatekeeper.flyway_schema_history");
            var decisions = statement.executeQuery("SELECT count(*) FROM gatekeeper.decisions");
            decisions.next();
            assertThat(decisions.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aRoleWithOnlyConnectCannotCreateTheLedger() throws Exception {
        runAsSuperuser("""
                CREATE ROLE connect_only LOGIN PASSWORD 'connect-secret';
                CREATE DATABASE connect_only_db;
                GRANT CONNECT ON DATABASE connect_only_db TO connect_only;
                """);

        Throwable failure = catchThrowable(() -> start(postgres.jdbcUrl("connect_only_db"), "connect_only",
                "connect-secret").close());

        assertThat(failure).isNotNull();
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        assertThat(String.join("\n", messages)).contains("permission denied for schema public");
    }

    private static ConfigurableApplicationContext start(String url, String user, String password) {
        // Arguments, not default properties: they must win over the test configuration's in-memory H2 URL.
        return new SpringApplicationBuilder(MigrationGatekeeperApplication.class)
                .profiles("sample")
                .run("--server.port=0", "--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
                        "--spring.datasource.password=" + password);
    }

    /** The first sql block of the README's "The ledger on PostgreSQL" section. */
    static String readmeSql() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("### The ledger on PostgreSQL");
        assertThat(section).as("README section 'The ledger on PostgreSQL'").isPositive();
        Matcher block = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find(section)).as("an sql block in that section").isTrue();
        return block.group(1);
    }

    /** Runs SQL as psql would: statement by statement, with {@code \connect} switching databases. */
    private static void runAsSuperuser(String sql) throws SQLException {
        Connection connection = postgres.connect("postgres", "postgres", DebianPostgres.SUPERUSER_PASSWORD);
        try {
            for (String line : sql.split(";\\s*\\n|\\n(?=\\\\)")) {
                String statement = line.strip();
                if (statement.isEmpty()) {
                    continue;
                }
                if (statement.startsWith("\\connect ")) {
                    connection.close();
                    String[] rest = statement.split("\\s+", 3);
                    connection = postgres.connect(rest[1], "postgres", DebianPostgres.SUPERUSER_PASSWORD);
                    if (rest.length > 2) {
                        try (Statement s = connection.createStatement()) {
                            s.execute(rest[2].replaceAll(";\\s*$", ""));
                        }
                    }
                    continue;
                }
                try (Statement s = connection.createStatement()) {
                    s.execute(statement.replaceAll(";\\s*$", ""));
                }
            }
        } finally {
            connection.close();
        }
    }
}
