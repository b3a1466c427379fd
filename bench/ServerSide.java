import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's own view of the requests between two Prometheus scrapes, for bench/preflight.sh: the percentiles of
 * {@code http.server.requests} for one URI, from its histogram buckets (the service must run with
 * {@code management.metrics.distribution.percentiles-histogram.http.server.requests=true}). Each percentile is given
 * as the upper bound of the bucket it falls in. Plain Java 17:
 *
 * <pre>java bench/ServerSide.java BEFORE.txt AFTER.txt /v1/preflight</pre>
 */
public final class ServerSide {

    private static final Pattern BUCKET = Pattern.compile("^http_server_requests_seconds_bucket\\{(.*)} (\\S+)$");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Map<Double, Double> before = buckets(Path.of(args[0]), args[2]);
        Map<Double, Double> after = buckets(Path.of(args[1]), args[2]);
        TreeMap<Double, Double> counts = new TreeMap<>();
        after.forEach((le, n) -> counts.put(le, n - before.getOrDefault(le, 0.0)));
        if (counts.isEmpty() || counts.lastEntry().getValue() == 0) {
            System.out.println("server side: no requests of " + args[2] + " between the scrapes");
            return;
        }
        double total = counts.lastEntry().getValue();
        StringBuilder line = new StringBuilder("server side (http.server.requests, bucket bounds): ");
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            for (Map.Entry<Double, Double> bucket : counts.entrySet()) {
                if (bucket.getValue() >= q * total) {
                    line.append(String.format(Locale.ROOT, "p%s <= %.3f ms, ", q * 100 % 1 == 0
                            ? String.valueOf((int) (q * 100)) : String.valueOf(q * 100), bucket.getKey() * 1000));
                    break;
                }
            }
        }
        System.out.println(line.append(String.format(Locale.ROOT, "%.0f requests", total)));
    }

    /** Cumulative bucket counts of the URI's successful requests, by upper bound in seconds. */
    private static Map<Double, Double> buckets(Path scrape, String uri) throws Exception {
        Map<Double, Double> buckets = new TreeMap<>();
        for (String line : Files.readAllLines(scrape)) {
            Matcher m = BUCKET.matcher(line);
            if (m.matches() && m.group(1).contains("uri=\"" + uri + "\"") && m.group(1).contains("status=\"200\"")) {
                Matcher le = LE.matcher(m.group(1));
                if (le.find()) {
                    double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                    buckets.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
                }
            }
        }
        return buckets;
    }
}
