import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator for bench/preflight.sh: request i is due at {@code start + i / rate}, whatever the
 * answers to the earlier ones, and its latency is counted from the time it was due, so a stall of the server shows
 * in full in the percentiles (no coordinated omission). Requests go over {@code --connections} keep-alive HTTP/1.1
 * connections; a request due while all of them wait for answers waits too, and that wait counts. Latencies are kept
 * in nanoseconds, every one of them, and the percentiles are exact.
 *
 * <p>autocannon's {@code --overallRate}, the usual tool, is a per-second budget per connection, spent back to back at
 * the start of each second (a burst at full speed, then silence), and it records whole milliseconds; this paces each
 * request. Plain Java 17, no dependencies:
 *
 * <pre>java bench/FixedRate.java URL RATE SECONDS [--warmup S] [--connections N] [--method M] [--header 'K: V']...
 *     [--body FILE]</pre>
 *
 * <p>Besides the percentiles it counts the requests slower than 2 ms and how many of them came in runs of three or
 * more consecutive requests, which only a stall of the whole server process or machine (a collection, the
 * scheduler) makes; a slow request on its own is that request's.
 *
 * <p>{@code java bench/FixedRate.java --serve PORT} is the floor to compare with: a server that answers every request
 * at once with a small fixed JSON body, one thread per connection, nothing else. The same load against it shows
 * what the machine and this generator add to any server's latency.
 */
public final class FixedRate {

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--serve")) {
            serve(Integer.parseInt(args[1]));
            return;
        }
        if (args.length < 3) {
            System.err.println("usage: java bench/FixedRate.java URL RATE SECONDS [--warmup S] [--connections N]"
                    + " [--method M] [--header 'K: V']... [--body FILE]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int warmup = 5;
        int connections = 16;
        String method = "GET";
        List<String> headers = new ArrayList<>();
        byte[] body = null;
        for (int i = 3; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--connections" -> connections = Integer.parseInt(value);
                case "--method" -> method = value;
                case "--header" -> headers.add(value);
                case "--body" -> body = Files.readAllBytes(Path.of(value));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        byte[] request = request(uri, method, headers, body);

        long period = 1_000_000_000L / rate;
        long warmupCount = (long) warmup * rate;
        long total = warmupCount + (long) seconds * rate;
        long[] latencies = new long[(int) (total - warmupCount)];
        Counts counts = new Counts();
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime() + 100_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread worker = new Thread(() -> {
                Connection connection = null;
                while (true) {
                    long i = next.getAndIncrement();
                    if (i >= total) {
                        break;
                    }
                    long due = start + i * period;
                    waitUntil(due);
                    int status;
                    try {
                        if (connection == null) {
                            connection = new Connection(uri);
                        }
                        status = connection.exchange(request);
                        if (connection.closed) {
                            connection.close();
                            connection = null;
                        }
                    } catch (IOException e) {
                        status = -1;
                        if (connection != null) {
                            connection.close();
                        }
                        connection = null;
                    }
                    long end = System.nanoTime();
                    if (i >= warmupCount) {
                        latencies[(int) (i - warmupCount)] = end - due;
                        counts.add(status);
                    }
                }
                if (connection != null) {
                    connection.close();
                }
            }, "fixed-rate-" + c);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long elapsed = System.nanoTime() - (start + warmupCount * period);

        int slow = 0;
        int inStalls = 0;
        for (int k = 0; k < latencies.length; ) {
            int end = k;
            while (end < latencies.length && latencies[end] > 2_000_000L) {
                end++;
            }
            slow += end - k;
            inStalls += end - k >= 3 ? end - k : 0;
            k = end == k ? k + 1 : end;
        }
        Arrays.sort(latencies);
        System.out.printf(Locale.ROOT, "fixed rate: %d req/s for %d s (after %d s warm-up) over %d connections: %d requests,"
                        + " %d 2xx, %d other status, %d errors, %.1f req/s achieved%n", rate, seconds, warmup, connections,
                latencies.length, counts.ok, counts.other, counts.errors, latencies.length / (elapsed / 1e9));
        System.out.printf(Locale.ROOT, "latency from the time each request was due: p50 %s, p90 %s, p99 %s, p99.9 %s,"
                        + " max %s%n", ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), ms(latencies, 0.999),
                ms(latencies, 1.0));
        System.out.printf(Locale.ROOT, "over 2 ms: %d requests, %d of them in runs of 3 or more consecutive requests"
                + " (stalls)%n", slow, inStalls);
        System.out.printf(Locale.ROOT, "RESULT p50=%s p90=%s p99=%s p999=%s max=%s ok=%d other=%d errors=%d%n",
                ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), ms(latencies, 0.999), ms(latencies, 1.0),
                counts.ok, counts.other, counts.errors);
    }

    /** The floor server: reads each request's head and Content-Length body, answers 200 with a fixed body. */
    private static void serve(int port) throws IOException {
        byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (java.net.ServerSocket server = new java.net.ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", port), 128);
            while (true) {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                new Thread(() -> {
                    try (socket) {
                        InputStream in = new BufferedInputStream(socket.getInputStream(), 65_536);
                        OutputStream out = socket.getOutputStream();
                        while (true) {
                            long length = 0;
                            StringBuilder line = new StringBuilder();
                            boolean head = true;
                            while (head) {
                                int b = in.read();
                                if (b < 0) {
                                    return;
                                }
                                if (b == '\n') {
                                    String text = line.toString().strip();
                                    if (text.isEmpty()) {
                                        head = false;
                                    } else if (text.regionMatches(true, 0, "content-length:", 0, 15)) {
                                        length = Long.parseLong(text.substring(15).strip());
                                    }
                                    line.setLength(0);
                                } else {
                                    line.append((char) b);
                                }
                            }
                            in.skipNBytes(length);
                            out.write(answer);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // the client went away
                    }
                }, "floor-" + port).start();
            }
        }
    }

    /** Parks until shortly before {@code due}, then spins: parking alone oversleeps by tens of microseconds. */
    private static void waitUntil(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 200_000L) {
            LockSupport.parkNanos(wait - 150_000L);
        }
        while (System.nanoTime() < due) {
            Thread.onSpinWait();
        }
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    private static String ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return "n/a";
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return String.format(Locale.ROOT, "%.3f", sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6);
    }

    private static byte[] request(URI uri, String method, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return start;
        }
        byte[] all = Arrays.copyOf(start, start.length + body.length);
        System.arraycopy(body, 0, all, start.length, body.length);
        return all;
    }

    private static final class Counts {
        long ok;
        long other;
        long errors;

        synchronized void add(int status) {
            if (status < 0) {
                errors++;
            } else if (status / 100 == 2) {
                ok++;
            } else {
                other++;
            }
        }
    }

    /** One keep-alive HTTP/1.1 connection: a request out, its whole response read (Content-Length or chunked). */
    private static final class Connection {

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        boolean closed;

        Connection(URI uri) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 65_536);
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            String header;
            while (!(header = line()).isEmpty()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> closed = value.equalsIgnoreCase("close");
                    default -> {
                    }
                }
            }
            if (chunked) {
                long size;
                while ((size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) > 0) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                closed = true;
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long skipped = in.skip(n);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("connection closed");
                    }
                    skipped = 1;
                }
                n -= skipped;
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
