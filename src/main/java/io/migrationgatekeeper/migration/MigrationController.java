package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.BoundedBody;
import io.migrationgatekeeper.problem.ProblemAdvice;
import io.migrationgatekeeper.problem.StrictJson;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
class MigrationController {

    /** A migration body may carry a destination XML as well as the request. */
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final MigrationService service;
    private final Ledger ledger;
    private final JsonMapper json;
    private final StrictJson<MigrationRequestJson> reader;

    MigrationController(MigrationService service, Ledger ledger, JsonMapper json) {
        this.service = service;
        this.ledger = ledger;
        this.json = json;
        this.reader = new StrictJson<>(json, MigrationRequestJson.class);
    }

    @PostMapping(path = "/v1/migrations", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> create(@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            HttpServletRequest http) {
        byte[] body = BoundedBody.read(http, MAX_BODY);
        MigrationRequestJson request = reader.read(body);
        if (idempotencyKey == null) {
            return answer(service.request(request, Caller.name()), http);
        }
        if (idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new InvalidMigrationRequestException("Idempotency-Key", "must be 1 to 200 characters");
        }
        String hash = sha256(body);
        Optional<Ledger.StoredAnswer> stored = ledger.claimKey(idempotencyKey, hash);
        if (stored.isPresent()) {
            return replay(idempotencyKey, hash, stored.get());
        }
        ResponseEntity<Object> answer;
        try {
            answer = answer(service.request(request, Caller.name()), http);
        } catch (RuntimeException e) {
            // Not decided (bad input, host down): the same key may be retried.
            ledger.releaseKey(idempotencyKey);
            throw e;
        }
        ledger.answerKey(idempotencyKey, answer.getStatusCode().value(), json.writeValueAsString(answer.getBody()));
        return answer;
    }

    @GetMapping(path = "/v1/migrations/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    MigrationView get(@PathVariable String id) {
        return service.find(id).orElseThrow(() -> MigrationService.notFound(id));
    }

    @GetMapping(path = "/v1/migrations", produces = MediaType.APPLICATION_JSON_VALUE)
    MigrationView.Page list(@RequestParam(required = false) String domain, @RequestParam(required = false) String status,
            @RequestParam(required = false) String decision, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        JobState state = null;
        if (status != null) {
            state = Arrays.stream(JobState.values()).filter(s -> s.name().equals(status)).findFirst().orElseThrow(() ->
                    new InvalidMigrationRequestException("status", "'" + status + "' is not one of "
                            + Arrays.toString(JobState.values())));
        }
        if (decision != null && !decision.equals("ALLOWED") && !decision.equals("ALLOWED_UNSAFE")) {
            throw new InvalidMigrationRequestException("decision", "'" + decision
                    + "' is not ALLOWED or ALLOWED_UNSAFE (denied requests have no job; they are in the decision ledger)");
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > 200) {
            throw new InvalidMigrationRequestException("limit", "must be between 1 and 200");
        }
        return service.list(domain, state, decision, MigrationCursor.parse(cursor), size);
    }

    @PostMapping(path = "/v1/migrations/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<MigrationView> cancel(@PathVariable String id) {
        return ResponseEntity.accepted().body(service.cancel(id));
    }

    private ResponseEntity<Object> answer(MigrationService.Outcome outcome, HttpServletRequest http) {
        if (outcome instanceof MigrationService.Approved approved) {
            return ResponseEntity.accepted().location(URI.create("/v1/migrations/" + approved.job().id()))
                    .contentType(MediaType.APPLICATION_JSON).body(approved.job());
        }
        MigrationService.Denied denied = (MigrationService.Denied) outcome;
        ProblemDetail problem = ProblemAdvice.body(ProblemType.MIGRATION_DENIED, denied.detail(), http.getRequestURI());
        problem.setProperty("decisionId", denied.decisionId());
        problem.setProperty("evaluation", denied.evaluation());
        return ResponseEntity.status(ProblemType.MIGRATION_DENIED.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private ResponseEntity<Object> replay(String key, String hash, Ledger.StoredAnswer stored) {
        if (!stored.requestHash().equals(hash)) {
            throw new ApiException(ProblemType.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key '" + key
                    + "' was first used for a different request body");
        }
        if (stored.status() == 0) {
            throw new ApiException(ProblemType.IDEMPOTENCY_KEY_IN_FLIGHT, "the first request with Idempotency-Key '"
                    + key + "' is still being decided; retry shortly").retryAfter(java.time.Duration.ofSeconds(1));
        }
        var body = json.readTree(stored.body());
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(stored.status()).header("Idempotent-Replayed", "true");
        if (stored.status() == 202) {
            builder.header(HttpHeaders.LOCATION, "/v1/migrations/" + body.get("id").asString());
            return builder.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return builder.contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }



    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
