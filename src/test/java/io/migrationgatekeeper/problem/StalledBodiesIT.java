package io.migrationgatekeeper.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.migrationgatekeeper.testsupport.Api;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 9, defect 9: about 260 connections that sent headers and a few body bytes, then stalled, held every request
 * thread, and liveness and every other request timed out for a minute. Runs on the JVM the build runs (Java 17 in
 * CI: platform threads, bounded by the body-read timeout and the thread count; virtual threads on Java 21+).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "gatekeeper.http.body-read-timeout=10s")
class StalledBodiesIT {

    private static final int STALLED = 300;

    @LocalServerPort
    int port;

    private final List<Socket> attackers = new ArrayList<>();

    @AfterEach
    void close() {
        for (Socket socket : attackers) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }

    @Test
    void threeHundredStalledBodiesLeaveLivenessAndOtherCallersResponsive() throws Exception {
        Api probe = new Api(port, null);
        Api caller = new Api(port);
        // Warm: the first request of a context pays for class loading, which is not what is measured here.
        probe.get("/actuator/health/liveness");
        caller.postXml("/v1/preflight", "<domain><name>d</name></domain>");
        for (int i = 0; i < STALLED; i++) {
            Socket socket = new Socket("127.0.0.1", port);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/preflight HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Api.TEST_KEY
                    + "\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n<domain><name>")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            attackers.add(socket);
        }
        // Every stalled request is inside the service, waiting for the rest of its body (on a loaded machine, getting
        // 300 requests through authentication takes a few seconds of CPU).
        Thread.sleep(4000);

        long slowestProbe = 0;
        long slowestCall = 0;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThat(probe.get("/actuator/health/liveness").status()).isEqualTo(200);
            long probed = System.nanoTime();
            assertThat(caller.postXml("/v1/preflight", "<domain><name>d</name></domain>").status()).isEqualTo(200);
            slowestProbe = Math.max(slowestProbe, (probed - start) / 1_000_000);
            slowestCall = Math.max(slowestCall, (System.nanoTime() - probed) / 1_000_000);
        }
        System.out.printf("under %d stalled bodies: liveness slowest %d ms, a preflight slowest %d ms%n", STALLED,
                slowestProbe, slowestCall);
        assertThat(Duration.ofMillis(slowestProbe)).as("liveness, under %d stalled bodies", STALLED)
                .isLessThan(Duration.ofSeconds(2));

        // The stalled ones are answered 408 once the body-read timeout (10 s here) has passed, and let go.
        Socket first = attackers.get(0);
        first.setSoTimeout(30_000);
        String answer = new String(readSome(first.getInputStream()), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 408");
        assertThat(answer).contains("urn:migration-gatekeeper:problem:request-timeout");
    }

    /**
     * Slow loris without a credential. The 401 needs no body, so it is answered at once (a 401, not the 408 of a body
     * waited for). Tomcat then drains the body the client never sends before it closes the connection: that wait is
     * bounded by the body-read timeout, not by the connection timeout (60 s), so each such request holds a thread
     * for seconds at most (none on virtual threads), and liveness does not notice them.
     */
    @Test
    void unauthenticatedStalledBodiesAreAnsweredAtOnceAndLetGoWithinTheBodyReadTimeout() throws Exception {
        Api probe = new Api(port, null);
        probe.get("/actuator/health/liveness");
        for (int i = 0; i < STALLED; i++) {
            Socket socket = new Socket("127.0.0.1", port);
            socket.getOutputStream().write(("POST " + (i % 2 == 0 ? "/v1/migrations" : "/v1/preflight") + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"dom")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            attackers.add(socket);
        }
        long[] answeredAt = new long[STALLED];
        for (int i = 0; i < STALLED; i++) {
            Socket socket = attackers.get(i);
            socket.setSoTimeout(30_000);
            String answer = new String(readSome(socket.getInputStream()), StandardCharsets.US_ASCII);
            answeredAt[i] = System.nanoTime();
            assertThat(answer).startsWith("HTTP/1.1 401").contains("urn:migration-gatekeeper:problem:unauthorized");
        }

        // Every one of them is now in the service, its body being drained.
        long slowestProbe = 0;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThat(probe.get("/actuator/health/liveness").status()).isEqualTo(200);
            slowestProbe = Math.max(slowestProbe, (System.nanoTime() - start) / 1_000_000);
        }
        long longestHeld = 0;
        for (int i = 0; i < STALLED; i++) {
            attackers.get(i).getInputStream().readAllBytes(); // to the end: the service closes the connection
            longestHeld = Math.max(longestHeld, (System.nanoTime() - answeredAt[i]) / 1_000_000);
        }
        System.out.printf("under %d unauthenticated stalled bodies: liveness slowest %d ms; each connection closed at"
                + " most %d ms after its 401 (body-read timeout 10 s)%n", STALLED, slowestProbe, longestHeld);
        assertThat(Duration.ofMillis(slowestProbe)).as("liveness, under %d stalled bodies", STALLED)
                .isLessThan(Duration.ofSeconds(2));
        assertThat(Duration.ofMillis(longestHeld)).as("the body-read timeout, not the 60 s connection timeout")
                .isLessThan(Duration.ofSeconds(20));
    }

    /** Issue 9, defect 10: a client that hangs up mid-response was logged as an ERROR with a stack trace. */
    @Test
    void aClientThatHangsUpMidResponseIsNoError(CapturedOutput output) throws Exception {
        StringBuilder xml = new StringBuilder("<domain><name>big</name><devices>");
        for (int i = 0; i < 256; i++) {
            xml.append("<disk type='file'><source file='/var/lib/libvirt/images/").append("x".repeat(200)).append(i)
                    .append(".img'/><target dev='vd").append(i).append("'/></disk>");
        }
        byte[] body = xml.append("</devices></domain>").toString().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5; i++) {
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(1024);
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
                socket.getOutputStream().write(("POST /v1/preflight HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + Api.TEST_KEY + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                socket.getInputStream().read(new byte[16]); // the answer has begun
                socket.setSoLinger(true, 0); // and the client resets the connection
            }
        }
        Thread.sleep(2000);

        assertThat(output.getAll()).doesNotContain("Unhandled failure").doesNotContain(" ERROR ");
        assertThat(new Api(port).get("/actuator/health/liveness").status()).isEqualTo(200);
    }

    private static byte[] readSome(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        int total = 0;
        int n;
        while (total < buffer.length && (n = in.read(buffer, total, buffer.length - total)) > 0) {
            total += n;
            if (new String(buffer, 0, total, StandardCharsets.US_ASCII).contains("}")) {
                break;
            }
        }
        return java.util.Arrays.copyOf(buffer, total);
    }
}
