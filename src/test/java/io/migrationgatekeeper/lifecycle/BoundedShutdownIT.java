package io.migrationgatekeeper.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.RequiresLibvirt;
import io.migrationgatekeeper.testsupport.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM ends the process within gatekeeper.shutdown.timeout even while requests wait on a host that accepts
 * connections and never answers (a hung libvirtd, a black-holing firewall): the chart's
 * terminationGracePeriodSeconds must never run out and turn the stop into a SIGKILL.
 */
@RequiresLibvirt
class BoundedShutdownIT {

    @Test
    void sigtermEndsTheProcessWithinTheBoundWhileAHostHangs() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(blackHole.accept()); // accept, read nothing, answer nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ServiceProcess service = ServiceProcess.start("--spring.datasource.url=jdbc:h2:mem:shutdown",
                    "--gatekeeper.hosts.hung.uri=qemu+tcp://127.0.0.1:" + blackHole.getLocalPort() + "/system",
                    "--gatekeeper.hosts.hung2.uri=qemu+tcp://127.0.0.1:" + blackHole.getLocalPort() + "/session",
                    // Calls may wait long; shutdown must not.
                    "--gatekeeper.libvirt.call-timeout=5m", "--gatekeeper.migrations.orphan-after=6m",
                    "--gatekeeper.shutdown.timeout=15s");
            try {
                List<CompletableFuture<?>> hanging = new ArrayList<>();
                // Preflights by domain wait on the hung hosts (the background probe is connecting to them too).
                for (String host : List.of("hung", "hung2")) {
                    hanging.add(CompletableFuture.runAsync(() -> service.api().postJson("/v1/preflight",
                            java.util.Map.of("domain", java.util.Map.of("host", host, "name", "vm1")))));
                }
                Instant deadline = Instant.now().plusSeconds(30);
                while (accepted.size() < 2 && Instant.now().isBefore(deadline)) {
                    Thread.sleep(100);
                }
                assertThat(accepted).as("the service is connecting to the black hole").hasSizeGreaterThanOrEqualTo(2);

                Duration took = service.terminate(Duration.ofSeconds(90));

                assertThat(service.isAlive()).isFalse();
                assertThat(took).as("SIGTERM to exit, log:%n%s", service.log())
                        .isLessThanOrEqualTo(Duration.ofSeconds(15 + 3));
            } finally {
                service.kill();
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }
}
