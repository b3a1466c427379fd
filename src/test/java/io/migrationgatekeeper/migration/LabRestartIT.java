package io.migrationgatekeeper.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import io.migrationgatekeeper.testsupport.LibvirtLab;
import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import io.migrationgatekeeper.testsupport.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The service killed (SIGKILL) during a migration and started again reconciles the job with libvirt. */
@RequiresLibvirt(daemons = true)
class LabRestartIT {

    @Test
    void aJobLeftRunningByAKilledServiceIsReconciled() throws Exception {
        Path ledger = Files.createTempDirectory("gatekeeper-ledger-");
        try (LibvirtLab lab = LibvirtLab.create().start()) {
            lab.defineAndStartBusyGuest(lab.a(), "vm-r", false);
            Thread.sleep(2000); // let the guest fill its memory, so the migration has data to send
            String[] args = {
                    "--spring.datasource.url=jdbc:h2:file:" + ledger.resolve("ledger")
                            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0",
                    "--gatekeeper.hosts.lab-a.uri=" + lab.a().uri(),
                    "--gatekeeper.hosts.lab-b.uri=" + lab.b().uri(),
                    "--gatekeeper.hosts.lab-a.migration-address=127.0.0.1",
                    "--gatekeeper.hosts.lab-b.migration-address=127.0.0.1",
                    "--gatekeeper.migrations.poll-interval=200ms",
                    "--gatekeeper.migrations.orphan-after=4s",
                    "--gatekeeper.libvirt.call-timeout=3s"};
            String id;
            try (ServiceProcess first = ServiceProcess.start(args)) {
                Api.Reply created = first.api().postJson("/v1/migrations", Map.of("domain", "vm-r",
                        "sourceHost", "lab-a", "targetHost", "lab-b", "options", Map.of("bandwidthMiBps", 16)));
                assertThat(created.status()).as(created.body()).isEqualTo(202);
                id = created.json().get("id").asString();
                await(first.api(), id, job -> "RUNNING".equals(job.get("state").asString()) && job.has("progress"));

                first.kill();
            }

            try (ServiceProcess second = ServiceProcess.start(args)) {
                JsonNode job = await(second.api(), id, j -> !"RUNNING".equals(j.get("state").asString()));
                boolean onTarget = lab.b().tryVirsh("domstate", "vm-r").output().strip().equals("running");
                if (job.get("state").asString().equals("SUCCEEDED")) {
                    assertThat(onTarget).as("SUCCEEDED means the domain runs on the target").isTrue();
                } else {
                    assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("FAILED");
                    assertThat(job.get("error").get("code").asString()).isEqualTo("INTERRUPTED");
                    assertThat(onTarget).isFalse();
                    assertThat(lab.a().virsh("domstate", "vm-r")).isEqualTo("running");
                }
                System.out.println("reconciled after a crash: " + job.get("state").asString() + " " + job.get("error"));
            }
        } finally {
            try (var files = Files.walk(ledger)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static JsonNode await(Api api, String id, java.util.function.Predicate<JsonNode> done) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        JsonNode job;
        do {
            Api.Reply reply = api.get("/v1/migrations/" + id);
            if (reply.status() != 200) {
                throw new AssertionError("GET /v1/migrations/" + id + ": " + reply.status() + " " + reply.body());
            }
            job = reply.json();
            if (done.test(job)) {
                return job;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("migration " + id + " did not get there: " + job);
    }
}
