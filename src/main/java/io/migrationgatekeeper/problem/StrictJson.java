package io.migrationgatekeeper.problem;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body into a record, refusing what a lenient reader would let through: a misspelt field would
 * otherwise quietly take its default ("storagemigration" meaning none), {@code "offline": "true"} or {@code 1}
 * would pass for a boolean, a number for a string, and of two {@code "unsafe"} keys the last would win. Failures
 * are 400 problems naming the field and the JSON type expected, never a Java type.
 */
public final class StrictJson<T> {

    private final ObjectReader reader;
    private final String knownFields;

    public StrictJson(JsonMapper mapper, Class<T> type) {
        JsonMapper strict = mapper.rebuild()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Scalars of one JSON type never stand in for another: no 5 for "5", no "true" or 1 for true.
                .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert))
                .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert))
                .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert))
                .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert))
                .build();
        this.reader = strict.readerFor(type)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
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
            throw new ApiException(ProblemType.BAD_PARAMETER, field + ": has the wrong JSON type: expected "
                    + expected(e.getTargetType())).with("parameter", field);
        } catch (StreamReadException e) {
            String detail = e.getOriginalMessage();
            if (detail != null && detail.startsWith("Duplicate Object property")) {
                throw new ApiException(ProblemType.BAD_PARAMETER, "a field is given twice: " + detail.replace(
                        "Duplicate Object property", "duplicate field")).with("parameter", duplicate(detail));
            }
            throw new ApiException(ProblemType.MALFORMED_JSON, "not valid JSON: " + detail);
        } catch (JacksonException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** What the field takes, in JSON's words rather than Java's. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "another JSON type";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean (true or false)";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != char.class)) {
            return type == Double.class || type == Float.class || type == double.class || type == float.class
                    ? "a number" : "an integer";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String duplicate(String detail) {
        int open = detail.indexOf('"');
        int close = detail.indexOf('"', open + 1);
        return open >= 0 && close > open ? detail.substring(open + 1, close) : "(body)";
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
