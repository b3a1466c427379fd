package io.migrationgatekeeper.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error with its problem type and a detail for the caller; extra members go into the problem body. */
public class ApiException extends RuntimeException {

    private final ProblemType type;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public ApiException(ProblemType type, String detail) {
        super(detail);
        this.type = type;
    }

    public ApiException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public ProblemType type() {
        return type;
    }

    Map<String, Object> properties() {
        return properties;
    }
}
