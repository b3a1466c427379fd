package io.migrationgatekeeper.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a refused body is told: in JSON's words and the API's, never Jackson's (its constraint API, backticked Java
 * types) and never a wrong reason (an empty body called a wrong type, JSON null called empty).
 */
class StrictJsonTest {

    record Options(Integer timeoutSeconds, Long bandwidthMiBps) {}

    record Request(String name, List<String> disks, Options options) {}

    private static final StrictJson<Request> READER = new StrictJson<>(JsonMapper.builder().build(), Request.class)
            .withRanges(Map.of("options.timeoutSeconds", "an integer from 1 to 3600"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty            | ''                          | malformed-json | the request body is empty: send a JSON object",
            "blank            | '  '                        | malformed-json | the request body is empty: send a JSON object",
            "JSON null        | null                        | malformed-json | the request body is JSON null: send a JSON object",
            "two values       | {\"name\": \"a\"} {}        | malformed-json | the request body has more than one JSON value: send exactly one JSON object",
            "nested unknown   | {\"x\": %DEEP%}             | malformed-json | the JSON is nested too deeply: at most 500 levels of objects and arrays",
            "nested objects   | %OBJ%                       | malformed-json | the JSON is nested too deeply: at most 500 levels of objects and arrays",
            "int overflow     | {\"options\": {\"timeoutSeconds\": 99999999999}} | bad-parameter | options.timeoutSeconds: 99999999999 is out of range: it must be an integer from 1 to 3600",
            "long overflow    | {\"options\": {\"bandwidthMiBps\": 99999999999999999999}} | bad-parameter | options.bandwidthMiBps: 99999999999999999999 is out of range: it must be an integer from -9223372036854775808 to 9223372036854775807",
    })
    void refusedBodiesAreToldWhyInPlainWords(String what, String body, String type, String detail) {
        ApiException refused = catchThrowableOfType(ApiException.class, () -> READER.read(body
                .replace("%DEEP%", "[".repeat(600) + "]".repeat(600))
                .replace("%OBJ%", "{\"options\": ".repeat(600) + "1" + "}".repeat(600)).getBytes(StandardCharsets.UTF_8)));

        assertThat(refused).as(what).isNotNull();
        assertThat(refused.getMessage()).isEqualTo(detail);
        assertThat(refused.type().uri().toString()).endsWith(type);
    }
}
