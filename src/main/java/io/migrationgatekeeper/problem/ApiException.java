package io.migrationgatekeeper.problem;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** An error with its problem type and a detail for the caller; extra members go into the problem body. */
public class ApiException extends RuntimeException {

    private final ProblemType type;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Duration retryAfter;

    public ApiException(ProblemType type, String detail) {
        super(detail);
        this.type = type;
    }

    public ApiException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** Sets {@code Retry-After}: when a client may usefully try again. */
    public ApiException retryAfter(Duration delay) {
        this.retryAfter = delay;
        return this;
    }

    Duration retryAfter() {
        return retryAfter;
    }

    public ProblemType type() {
        return type;
    }

    Map<String, Object> properties() {
        return properties;
    }
}
