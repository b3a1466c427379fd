import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples ({@code jdk.ExecutionSample}) went, by component, for bench/preflight.sh.
 * <ul>
 *   <li><b>self</b>: each sample goes to the component of the innermost frame that belongs to one (a
 *   {@code HashMap.get} called by Micrometer is Micrometer's); JDK frames with no component above them are "JDK".
 *   The column sums to 100%.</li>
 *   <li><b>in stack</b>: the share of samples with the component anywhere in the stack (overlaps; record with
 *   {@code -XX:FlightRecorderOptions:stackdepth=512} so that deep stacks are not cut off).</li>
 * </ul>
 * Then the hottest methods by self samples, and for each {@code METHOD} given (a substring of
 * {@code package.Class.method}) the share of samples with a matching frame in the stack. Plain Java 17:
 * {@code java [-Dthread=NAME] bench/JfrShares.java recording.jfr [TOP [METHOD...]]}; {@code -Dthread=main} keeps only
 * that thread's samples (a start-up profile: the main thread is what readiness waits for).
 */
public final class JfrShares {

    /** Class-name prefixes per component; the first component that matches a frame wins. */
    private static final Map<String, List<String>> COMPONENTS = new LinkedHashMap<>();

    static {
        COMPONENTS.put("gatekeeper", List.of("io.migrationgatekeeper."));
        COMPONENTS.put("Micrometer metrics/observation", List.of("io.micrometer.core.", "io.micrometer.observation.",
                "io.micrometer.prometheusmetrics.", "io.prometheus."));
        COMPONENTS.put("tracing (Micrometer Tracing, Brave)", List.of("io.micrometer.tracing.", "brave."));
        COMPONENTS.put("StAX (JDK Xerces)", List.of("com.sun.org.apache.xerces.", "com.sun.xml.internal.stream.",
                "javax.xml.stream."));
        COMPONENTS.put("JAXB", List.of("org.glassfish.jaxb.", "com.sun.xml.bind.", "jakarta.xml.bind."));
        COMPONENTS.put("Jackson", List.of("tools.jackson.", "com.fasterxml.jackson."));
        COMPONENTS.put("Spring Security", List.of("org.springframework.security."));
        COMPONENTS.put("Spring MVC/web", List.of("org.springframework.web.", "org.springframework.http."));
        COMPONENTS.put("Spring (other)", List.of("org.springframework."));
        COMPONENTS.put("logging (Logback, SLF4J)", List.of("ch.qos.logback.", "org.slf4j."));
        COMPONENTS.put("Tomcat", List.of("org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat.",
                "jakarta.servlet."));
        COMPONENTS.put("JDK crypto", List.of("sun.security.", "java.security."));
        COMPONENTS.put("JDK network I/O", List.of("sun.nio.", "java.nio.channels.", "sun.net."));
    }

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Map<String, Integer> self = new LinkedHashMap<>();
        Map<String, Integer> inStack = new LinkedHashMap<>();
        Map<String, Integer> methods = new HashMap<>();
        List<String> watched = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        Map<String, Integer> watchedCounts = new LinkedHashMap<>();
        // -Dthread=main: only that thread's samples (start-up: the thread the start waits for).
        String thread = System.getProperty("thread");
        int samples = 0;
        int truncated = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            if (thread != null && (event.getThread("sampledThread") == null
                    || !thread.equals(event.getThread("sampledThread").getJavaName()))) {
                continue;
            }
            samples++;
            if (event.getStackTrace().isTruncated()) {
                truncated++;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            String owner = null;
            List<String> seen = new ArrayList<>();
            for (RecordedFrame frame : frames) {
                String component = component(frame.getMethod().getType().getName());
                if (component != null) {
                    if (owner == null) {
                        owner = component;
                    }
                    if (!seen.contains(component)) {
                        seen.add(component);
                    }
                }
            }
            for (String w : watched) {
                if (frames.stream().anyMatch(f -> (f.getMethod().getType().getName() + "." + f.getMethod().getName())
                        .contains(w))) {
                    watchedCounts.merge(w, 1, Integer::sum);
                }
            }
            self.merge(owner == null ? "JDK" : owner, 1, Integer::sum);
            seen.forEach(c -> inStack.merge(c, 1, Integer::sum));
            if (!frames.isEmpty()) {
                RecordedFrame leaf = frames.get(0);
                methods.merge(leaf.getMethod().getType().getName() + "." + leaf.getMethod().getName(), 1, Integer::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%d execution samples (%d with truncated stacks)%n", samples, truncated);
        System.out.printf(Locale.ROOT, "%-40s %7s %9s%n", "component", "self", "in stack");
        List<String> names = new ArrayList<>(COMPONENTS.keySet());
        names.add("JDK");
        names.sort((a, b) -> self.getOrDefault(b, 0) - self.getOrDefault(a, 0));
        for (String name : names) {
            System.out.printf(Locale.ROOT, "%-40s %6.1f%% %8.1f%%%n", name, 100.0 * self.getOrDefault(name, 0) / samples,
                    name.equals("JDK") ? Double.NaN : 100.0 * inStack.getOrDefault(name, 0) / samples);
        }
        System.out.printf(Locale.ROOT, "hottest methods (self):%n");
        int all = samples;
        methods.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top).forEach(e ->
                System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
        if (!watched.isEmpty()) {
            System.out.printf(Locale.ROOT, "methods in stack:%n");
            watched.forEach(w -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n",
                    100.0 * watchedCounts.getOrDefault(w, 0) / all, w));
        }
    }

    private static String component(String className) {
        for (Map.Entry<String, List<String>> entry : COMPONENTS.entrySet()) {
            for (String prefix : entry.getValue()) {
                if (className.startsWith(prefix)) {
                    return entry.getKey();
                }
            }
        }
        return null;
    }
}
