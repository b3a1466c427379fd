package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.problem.BoundedBody;
import io.migrationgatekeeper.problem.ProblemAdvice;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.problem.RequestIds;
import io.migrationgatekeeper.problem.StrictJson;
import io.migrationgatekeeper.security.Caller;
import io.migrationgatekeeper.security.Scope;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Arrays;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
class MigrationController {

    private final Migrations migrations;
    private final long maxBodyBytes;
    private final StrictJson<MigrationRequestJson> reader;

    MigrationController(Migrations migrations, MigrationProperties properties, JsonMapper json) {
        this.migrations = migrations;
        this.maxBodyBytes = properties.maxBodyBytes().toBytes();
        this.reader = new StrictJson<>(json, MigrationRequestJson.class).withRanges(MigrationOptions.RANGES);
    }

    @PostMapping(path = "/v1/migrations", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> create(HttpServletRequest http) {
        String idempotencyKey = IdempotencyKeyHeader.of(http);
        byte[] body = BoundedBody.read(http, maxBodyBytes);
        MigrationRequestJson request = reader.read(body);
        Migrations.Outcome outcome = migrations.request(request, Sha256.hex(body), idempotencyKey, Caller.name(),
                RequestIds.of(http));
        ResponseEntity.BodyBuilder answer;
        Object content;
        if (outcome instanceof Migrations.Approved approved) {
            answer = ResponseEntity.accepted().location(URI.create("/v1/migrations/" + approved.job().id()))
                    .contentType(MediaType.APPLICATION_JSON);
            content = approved.job();
        } else {
            DecisionRecord denied = ((Migrations.Denied) outcome).decision();
            ProblemDetail problem = ProblemAdvice.body(ProblemType.MIGRATION_DENIED, denied.denialDetail(),
                    http.getRequestURI());
            problem.setProperty("decisionId", denied.id());
            problem.setProperty("evaluation", MigrationView.Evaluation.of(denied));
            answer = ResponseEntity.status(ProblemType.MIGRATION_DENIED.status())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON);
            content = problem;
        }
        if (outcome.replayed()) {
            answer.header("Idempotent-Replayed", "true");
        }
        return answer.body(content);
    }

    @GetMapping(path = "/v1/migrations/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    MigrationView get(@PathVariable String id) {
        return migrations.find(id).orElseThrow(() -> MigrationException.notFound(id));
    }

    @GetMapping(path = "/v1/migrations", produces = MediaType.APPLICATION_JSON_VALUE)
    MigrationView.Page list(@RequestParam(required = false) String domain, @RequestParam(required = false) String status,
            @RequestParam(required = false) String decision, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        JobState state = null;
        if (status != null) {
            state = Arrays.stream(JobState.values()).filter(s -> s.name().equals(status)).findFirst().orElseThrow(() ->
                    new InvalidMigrationRequestException("status", "'" + EvaluationRecord.cut(status) + "' is not one of "
                            + Arrays.toString(JobState.values())));
        }
        if (decision != null && !decision.equals("ALLOWED") && !decision.equals("ALLOWED_UNSAFE")) {
            throw new InvalidMigrationRequestException("decision", "'" + EvaluationRecord.cut(decision)
                    + "' is not ALLOWED or ALLOWED_UNSAFE (denied requests have no job; they are in the decision ledger)");
        }
        if (domain != null && domain.isBlank()) {
            // An empty name matches no job: the same mistake GET /v1/decisions refuses.
            throw new InvalidMigrationRequestException("domain", "is empty; leave it out to match every value");
        }
        int size = DecisionsController.limit(limit);
        return migrations.list(domain, state, decision, MigrationCursor.parse(cursor), size);
    }

    @PostMapping(path = "/v1/migrations/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<MigrationView> cancel(@PathVariable String id) {
        return ResponseEntity.accepted().body(migrations.cancel(id, Caller.name(), Caller.may(Scope.CANCEL_ANY)));
    }
}
