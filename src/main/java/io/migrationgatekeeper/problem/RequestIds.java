package io.migrationgatekeeper.problem;

import jakarta.servlet.http.HttpServletRequest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** A request's id: taken from the caller when it is a plain token, else made here. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    public static final String ATTRIBUTE = RequestIds.class.getName();
    /** Goes into log lines and problem bodies: no spaces, quotes or control characters, and short. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._~:/+=@-]{1,128}");

    private RequestIds() {}

    /** The caller's id if it is safe to log and echo; otherwise none, and a new one is made. */
    public static Optional<String> accept(String header) {
        return header != null && PLAIN.matcher(header).matches() ? Optional.of(header) : Optional.empty();
    }

    /** 32 hex digits, like a W3C trace id. */
    public static String generate() {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** The current request's id: from the request (also during an error dispatch), else from the MDC; or null. */
    public static String current() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            String id = of(attributes.getRequest());
            if (id != null) {
                return id;
            }
        }
        return MDC.get(MDC_KEY);
    }

    /**
     * The executor, running each task with the submitting thread's request id (and trace ids) in the MDC: work a
     * request hands to another thread (a libvirt call) logs under the request's id.
     */
    public static ExecutorService propagating(ExecutorService executor) {
        return ContextExecutorService.wrap(executor, MDC_SNAPSHOTS);
    }

    private static final ContextSnapshotFactory MDC_SNAPSHOTS = ContextSnapshotFactory.builder()
            .contextRegistry(new ContextRegistry().registerThreadLocalAccessor(
                    new Slf4jThreadLocalAccessor(MDC_KEY, "traceId", "spanId")))
            .clearMissing(true)
            .build();

    public static String of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof String id ? id : null;
    }
}
