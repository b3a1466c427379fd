package io.migrationgatekeeper.problem;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
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
    private final Map<String, String> ranges;
    /** The parser's limit, said in the answer without naming the parser's API. */
    private final int maxNesting;

    private StrictJson(ObjectReader reader, String knownFields, Map<String, String> ranges, int maxNesting) {
        this.reader = reader;
        this.knownFields = knownFields;
        this.ranges = ranges;
        this.maxNesting = maxNesting;
    }

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
        this.ranges = Map.of();
        this.maxNesting = strict.tokenStreamFactory().streamReadConstraints().getMaxNestingDepth();
    }

    /**
     * The valid ranges of integer fields, by path ({@code options.timeoutSeconds}), in words ("from 1 to 3600"): a
     * number too large for its field is then refused with the range the field really takes.
     */
    public StrictJson<T> withRanges(Map<String, String> ranges) {
        return new StrictJson<>(reader, knownFields, Map.copyOf(ranges), maxNesting);
    }

    public T read(byte[] body) {
        if (isBlank(body)) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "the request body is empty: send a JSON object");
        }
        try {
            T value = reader.readValue(body);
            if (value == null) {
                throw new ApiException(ProblemType.MALFORMED_JSON, "the request body is JSON null: send a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(ProblemType.BAD_PARAMETER, "unknown field '" + e.getPropertyName() + "'; known fields: "
                    + knownFields).with("parameter", e.getPropertyName());
        } catch (MismatchedInputException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Trailing token")) {
                throw new ApiException(ProblemType.MALFORMED_JSON, "the request body has more than one JSON value:"
                        + " send exactly one JSON object");
            }
            String field = e.getPath().isEmpty() ? "(body)" : path(e);
            throw new ApiException(ProblemType.BAD_PARAMETER, field + ": has the wrong JSON type: expected "
                    + expected(e.getTargetType())).with("parameter", field);
        } catch (InputCoercionException e) {
            String field = e.getPath().isEmpty() ? "(body)" : path(e);
            throw new ApiException(ProblemType.BAD_PARAMETER, field + ": " + number(e) + " is out of range: it must be "
                    + ranges.getOrDefault(field, range(e.getTargetType()))).with("parameter", field);
        } catch (StreamConstraintsException e) {
            // Jackson's text names its own Java API (StreamReadConstraints.getMaxNestingDepth()).
            String limit = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            throw new ApiException(ProblemType.MALFORMED_JSON, limit.contains("nesting depth")
                    ? "the JSON is nested too deeply: at most " + maxNesting + " levels of objects and arrays"
                    : limit.startsWith("Number value length")
                    ? "a number in the body has too many digits: no field of this API takes one that long"
                    : "a string or field name in the body is longer than any field of this API takes");
        } catch (StreamReadException e) {
            String detail = e.getOriginalMessage();
            if (detail != null && detail.startsWith("Duplicate Object property")) {
                throw new ApiException(ProblemType.BAD_PARAMETER, "a field is given twice: " + detail.replace(
                        "Duplicate Object property", "duplicate field")).with("parameter", duplicate(detail));
            }
            throw new ApiException(ProblemType.MALFORMED_JSON, "not valid JSON: " + plain(detail));
        } catch (JacksonException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "not valid JSON: " + plain(e.getOriginalMessage()));
        }
    }

    /** Jackson's syntax messages, without its Java-facing hints (backticked types, "(code 125)" and the like). */
    private static String plain(String message) {
        if (message == null) {
            return "the body could not be read as JSON";
        }
        String text = message.replaceAll("`[^`]*`", "a value").replaceAll(" \\(code \\d+\\)", "");
        int cut = text.indexOf('\n');
        return cut >= 0 ? text.substring(0, cut) : text;
    }

    private static String number(InputCoercionException e) {
        String message = e.getOriginalMessage();
        int open = message == null ? -1 : message.indexOf('(');
        int close = open < 0 ? -1 : message.indexOf(')', open);
        String value = close > open + 1 ? message.substring(open + 1, close) : "the number";
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

    private static String range(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        }
        return "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
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

    private static String path(JacksonException e) {
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
