package io.migrationgatekeeper.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client for the running service. Every response to a path of {@code openapi.yaml} is checked
 * against it, so each test that calls the API is also a contract test.
 */
public final class Api {

    private static final OpenApiInteractionValidator CONTRACT = OpenApiInteractionValidator
            .createForSpecificationUrl(Path.of("openapi.yaml").toAbsolutePath().toUri().toString())
            .build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The key src/test/resources/config/application.yaml configures with every scope. */
    public static final String TEST_KEY = "test-key-all-scopes";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String credential;
    private final int port;

    public Api(int port) {
        this(port, TEST_KEY);
    }

    /** @param credential sent as {@code Authorization: Bearer}; null sends none */
    public Api(int port, String credential) {
        this.base = "http://127.0.0.1:" + port;
        this.credential = credential;
        this.port = port;
    }

    public int port() {
        return port;
    }

    public record Reply(int status, String contentType, String body, HttpResponse<String> raw) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Reply postXml(String pathAndQuery, String xml) {
        return post(pathAndQuery, "application/xml", HttpRequest.BodyPublishers.ofString(xml));
    }

    public Reply postJson(String pathAndQuery, Object body) {
        return post(pathAndQuery, "application/json",
                HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
    }

    public Reply post(String pathAndQuery, String contentType, HttpRequest.BodyPublisher body) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).header("Content-Type", contentType)
                .POST(body).build());
    }

    /** A body sent chunked, with no Content-Length to trust. */
    public Reply postStreamed(String pathAndQuery, String contentType, Supplier<InputStream> body) {
        return post(pathAndQuery, contentType, HttpRequest.BodyPublishers.ofInputStream(body));
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    public Reply send(HttpRequest original) {
        // A hung server must fail the test, not hold the build.
        HttpRequest.Builder builder = HttpRequest.newBuilder(original, (name, value) -> true).timeout(Duration.ofSeconds(60));
        if (credential != null && original.headers().firstValue("Authorization").isEmpty()) {
            builder.header("Authorization", "Bearer " + credential);
        }
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Reply reply = new Reply(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), response.body(), response);
            checkContract(request, reply);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void checkContract(HttpRequest request, Reply reply) {
        String path = request.uri().getPath();
        if (!path.startsWith("/v1/")) {
            return;
        }
        var response = SimpleResponse.Builder.status(reply.status())
                .withContentType(reply.contentType())
                .withBody(reply.body())
                .build();
        ValidationReport report = CONTRACT.validateResponse(path, Request.Method.valueOf(request.method()), response);
        // Paths and methods the API does not have are answered with a problem; the contract has nothing to say.
        var messages = report.getMessages().stream()
                .filter(m -> !m.getKey().equals("validation.request.path.missing")
                        && !m.getKey().equals("validation.request.operation.notAllowed"))
                .toList();
        assertThat(messages).as("response to %s %s (%d) against openapi.yaml: %s", request.method(), path,
                reply.status(), reply.body()).isEmpty();
    }
}
