package io.migrationgatekeeper.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.MigrationGatekeeperApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The service as a separate JVM, for what one test JVM cannot show: a missing native library, a crash. */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final Api api;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.api = new Api(port);
    }

    /**
     * Starts the service with these arguments, the command optionally wrapped ({@code wrapper} gets the java
     * command line as one shell word list and returns the full command), and waits until it is live.
     */
    public static ServiceProcess start(java.util.function.UnaryOperator<List<String>> wrapper, String... args) {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path log = Files.createTempFile("gatekeeper-service", ".log");
            List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), MigrationGatekeeperApplication.class.getName(),
                    "--server.port=" + port));
            java.addAll(List.of(args));
            Process process = new ProcessBuilder(wrapper.apply(java)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ServiceProcess service = new ServiceProcess(process, log, port);
            try {
                service.awaitLive();
            } catch (RuntimeException | AssertionError e) {
                service.kill(); // never leave a half-started service behind
                throw e;
            }
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ServiceProcess start(String... args) {
        return start(command -> command, args);
    }

    public Api api() {
        return api;
    }

    /** SIGTERM, as Kubernetes sends it, and how long the process took to exit (at most {@code max}, then SIGKILL). */
    public Duration terminate(Duration max) {
        Instant start = Instant.now();
        process.destroy();
        try {
            if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                return max;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Duration.between(start, Instant.now());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no graceful stop, as in a crash or an OOM kill. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Waits while the service makes progress: a start-up that stops writing its log for 90 s is hung, and fails; one
     * that keeps logging is still starting (on a loaded machine, the same start-up took 40 s to reach Tomcat), up to
     * 5 minutes in all.
     */
    private void awaitLive() {
        Instant cap = Instant.now().plus(Duration.ofMinutes(5));
        long logged = -1;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (true) {
            try {
                // Health is open, and probes send no credential: one that is not accepted would be refused.
                if (new Api(api.port(), null).get("/actuator/health/liveness").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            assertThat(process.isAlive()).as("service alive; log:%n%s", log()).isTrue();
            long size = log.toFile().length();
            if (size != logged) {
                logged = size;
                deadline = Instant.now().plus(Duration.ofSeconds(90));
            }
            assertThat(Instant.now()).as("starting, with no new log line for 90 s; log:%n%s", log()).isBefore(deadline);
            assertThat(Instant.now()).as("started within 5 minutes; log:%n%s", log()).isBefore(cap);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
