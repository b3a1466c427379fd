package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.BoundedBody;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.problem.StrictJson;
import io.migrationgatekeeper.security.Caller;
import io.migrationgatekeeper.security.Scope;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/drains}. Starting a drain needs scope {@code migrate}, a dry run {@code preflight} (or {@code migrate}).
 * Like a migration job, a drain is the fleet's record: any caller with {@code migrate} or {@code read} may read it by
 * its id. Cancelling it is its starter's, or a caller's with {@code cancel-any} as well ({@link Drains#cancel}).
 */
@RestController
class DrainsController {

    private final Drains drains;
    private final long maxBodyBytes;
    private final StrictJson<DrainRequestJson> reader;

    DrainsController(Drains drains, MigrationProperties properties, JsonMapper json) {
        this.drains = drains;
        this.maxBodyBytes = properties.maxBodyBytes().toBytes();
        this.reader = new StrictJson<>(json, DrainRequestJson.class);
    }

    @PostMapping(path = "/v1/drains", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<DrainView> create(HttpServletRequest http) {
        String idempotencyKey = IdempotencyKeyHeader.of(http);
        byte[] body = BoundedBody.read(http, maxBodyBytes);
        DrainRequestJson request = reader.read(body);
        if (Boolean.TRUE.equals(request.dryRun())) {
            if (!Caller.may(Scope.PREFLIGHT) && !Caller.may(Scope.MIGRATE)) {
                throw forbidden("scope 'preflight' (a dry run) or 'migrate'");
            }
            return ResponseEntity.ok(drains.dryRun(request));
        }
        if (!Caller.may(Scope.MIGRATE)) {
            throw forbidden("scope 'migrate' (a dry run, \"dryRun\": true, needs only 'preflight')");
        }
        Drains.Started started = drains.start(request, sha256(body), idempotencyKey, Caller.name());
        ResponseEntity.BodyBuilder answer = ResponseEntity.accepted()
                .location(URI.create("/v1/drains/" + started.drain().id()));
        if (started.replayed()) {
            answer.header("Idempotent-Replayed", "true");
        }
        return answer.body(started.drain());
    }

    @GetMapping(path = "/v1/drains/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    DrainView get(@PathVariable String id) {
        return drains.find(id).orElseThrow(() -> Drains.notFound(id));
    }

    @PostMapping(path = "/v1/drains/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<DrainView> cancel(@PathVariable String id) {
        return ResponseEntity.accepted().body(drains.cancel(id, Caller.name(), Caller.may(Scope.CANCEL_ANY)));
    }

    private static ApiException forbidden(String needed) {
        return new ApiException(ProblemType.FORBIDDEN, "'" + Caller.name() + "' lacks the scope this needs: " + needed);
    }

    /** The key's request is the body sent to this endpoint: the same key and body sent to /v1/migrations differ. */
    private static String sha256(byte[] body) {
        return Sha256.hex("POST /v1/drains\n".getBytes(StandardCharsets.UTF_8), body);
    }
}
