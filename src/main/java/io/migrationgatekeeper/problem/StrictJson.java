package io.migrationgatekeeper.problem;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body into a record, refusing what a lenient reader would let through: a misspelt field would
 * otherwise quietly take its default ("storagemigration" meaning none). Failures are 400 problems naming the field.
 */
public final class StrictJson<T> {

    private final ObjectReader reader;
    private final String knownFields;

    public StrictJson(JsonMapper mapper, Class<T> type) {
        this.reader = mapper.readerFor(type)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.knownFields = type.isRecord()
                ? Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.joining(", "))
                : "";
    }

    public T read(byte[] body) {
        try {
            T value = reader.readValue(body);
            if (value == null) {
                throw new ApiException(ProblemType.MALFORMED_JSON, "the request body is empty: send a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(ProblemType.BAD_PARAMETER, "unknown field '" + e.getPropertyName() + "'; known fields: "
                    + knownFields).with("parameter", e.getPropertyName());
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "(body)" : path(e);
            throw new ApiException(ProblemType.BAD_PARAMETER, field + ": has the wrong JSON type ("
                    + e.getOriginalMessage() + ")").with("parameter", field);
        } catch (JacksonException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String path(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getPropertyName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
