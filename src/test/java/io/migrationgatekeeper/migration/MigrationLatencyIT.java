package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.MigrationFlag;
import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtLab;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.TypedParameter;
import org.libvirt.TypedStringParameter;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A benchmark, not a test: the wall time of a lab migration through the gatekeeper (POST until the job reads
 * SUCCEEDED) against the same migration sent straight to libvirt with the same flags and parameters.
 * Run: {@code ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=MigrationLatencyIT -Dbenchmark=true}
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
@RequiresLibvirt(daemons = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gatekeeper.hosts.lab-a.migration-address=127.0.0.1",
        "gatekeeper.hosts.lab-b.migration-address=127.0.0.1",
        "gatekeeper.migrations.poll-interval=100ms"})
class MigrationLatencyIT {

    private static final LibvirtLab LAB = LibvirtLab.create();
    private static final int RUNS = 7;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void hosts(DynamicPropertyRegistry registry) {
        registry.add("gatekeeper.hosts.lab-a.uri", () -> LAB.a().uri());
        registry.add("gatekeeper.hosts.lab-b.uri", () -> LAB.b().uri());
    }

    @BeforeAll
    static void startLab() {
        LAB.start();
        LAB.defineAndStartDisklessGuest(LAB.a(), "vm-bench");
    }

    @AfterAll
    static void stopLab() {
        LAB.close();
    }

    @Test
    void gatekeeperAgainstDirectLibvirt() throws Exception {
        Api api = new Api(port);
        int flags = MigrationFlag.LIVE.bit() | MigrationFlag.PEER2PEER.bit() | MigrationFlag.PERSIST_DEST.bit()
                | MigrationFlag.UNDEFINE_SOURCE.bit();
        List<Long> viaGatekeeper = new ArrayList<>();
        List<Long> direct = new ArrayList<>();
        boolean onA = true;
        try (var a = new Closeable(new Connect(LAB.a().uri())); var b = new Closeable(new Connect(LAB.b().uri()))) {
            // One warm-up round each way through each path.
            for (int i = 0; i < RUNS + 1; i++) {
                long t0 = System.nanoTime();
                migrateViaGatekeeper(api, onA ? "lab-a" : "lab-b", onA ? "lab-b" : "lab-a");
                long t1 = System.nanoTime();
                onA = !onA;
                Connect from = onA ? a.connect : b.connect;
                String to = onA ? LAB.b().uri() : LAB.a().uri();
                long t2 = System.nanoTime();
                Domain domain = from.domainLookupByName("vm-bench");
                domain.migrateToURI(to, new TypedParameter[] {
                        new TypedStringParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_URI, "tcp:127.0.0.1"),
                        new TypedStringParameter(Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_LISTEN_ADDRESS, "127.0.0.1")},
                        flags);
                long t3 = System.nanoTime();
                onA = !onA;
                if (i > 0) {
                    viaGatekeeper.add((t1 - t0) / 1_000_000);
                    direct.add((t3 - t2) / 1_000_000);
                }
            }
        }
        System.out.printf("BENCHMARK lab migration wall time, %d runs each (ms): gatekeeper %s median %d; direct libvirt"
                + " %s median %d; added median %d ms%n", RUNS, viaGatekeeper, median(viaGatekeeper), direct,
                median(direct), median(viaGatekeeper) - median(direct));
    }

    private static void migrateViaGatekeeper(Api api, String from, String to) throws InterruptedException {
        Api.Reply created = api.postJson("/v1/migrations", Map.of("domain", "vm-bench", "sourceHost", from, "targetHost", to));
        if (created.status() != 202) {
            throw new AssertionError(created.body());
        }
        String id = created.json().get("id").asString();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            String state = api.get("/v1/migrations/" + id).json().get("state").asString();
            if (state.equals("SUCCEEDED")) {
                return;
            }
            if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                throw new AssertionError("migration ended " + state);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("migration did not end");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private record Closeable(Connect connect) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            connect.close();
        }
    }
}
