package io.migrationgatekeeper.preflight;

import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.MigrationRequest;
import io.migrationgatekeeper.policy.StorageMigration;
import io.migrationgatekeeper.policy.UnsafeOverride;
import io.migrationgatekeeper.policy.Violation;
import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.BoundedBody;
import io.migrationgatekeeper.problem.StrictJson;
import io.migrationgatekeeper.problem.ProblemType;
import io.migrationgatekeeper.problem.QueryParameters;
import io.migrationgatekeeper.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
class PreflightController {

    private final PreflightService service;
    private final long maxBodyBytes;
    private final StrictJson<PreflightJsonRequest> jsonReader;

    PreflightController(PreflightService service, PreflightProperties properties, JsonMapper jsonMapper) {
        this.service = service;
        this.maxBodyBytes = properties.maxBodyBytes().toBytes();
        this.jsonReader = new StrictJson<>(jsonMapper, PreflightJsonRequest.class);
    }

    @PostMapping(path = "/v1/preflight", consumes = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @QueryParameters({"sourceHost", "targetHost", "storageMigration", "migrateDisks", "offline", "unsafeReason",
            "failOnDeny"})
    PreflightResponse preflightXml(HttpServletRequest http) {
        String unsafeReason = single(http, "unsafeReason");
        // Present but empty is not absent: it asks for an empty list, which is refused as such.
        String migrateDisks = http.getParameter("migrateDisks") == null ? null : rawSingle(http, "migrateDisks");
        MigrationRequest request = new MigrationRequest(
                single(http, "sourceHost"),
                single(http, "targetHost"),
                StorageMigration.fromRequest(single(http, "storageMigration")),
                migrateDisks == null ? null : migrateDisks.isBlank() ? List.of()
                        : Arrays.stream(migrateDisks.split(",", -1)).map(String::strip).toList(),
                bool(http, "offline"),
                unsafeReason == null ? null : override(unsafeReason));
        authorise(request);
        byte[] xml = BoundedBody.read(http, maxBodyBytes);
        return answer(service.preflight(xml, request), bool(http, "failOnDeny"));
    }

    @PostMapping(path = "/v1/preflight", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @QueryParameters("failOnDeny")
    PreflightResponse preflightJson(HttpServletRequest http) {
        PreflightJsonRequest body = jsonReader.read(BoundedBody.read(http, maxBodyBytes));
        boolean hasXml = body.domainXml() != null && !body.domainXml().isBlank();
        if (hasXml == (body.domain() != null)) {
            throw new InvalidMigrationRequestException("domainXml", "give either domainXml (the libvirt domain XML as a"
                    + " string) or domain ({host, name} or {host, uuid}), not " + (hasXml ? "both" : "neither"));
        }
        String sourceHost = body.sourceHost();
        DomainId id = null;
        if (body.domain() != null) {
            id = domainId(body.domain());
            if (sourceHost != null && !sourceHost.equals(body.domain().host())) {
                throw new InvalidMigrationRequestException("sourceHost", "'" + sourceHost + "' differs from domain.host '"
                        + body.domain().host() + "': the domain is read from, and migrates from, domain.host");
            }
            sourceHost = body.domain().host();
        }
        MigrationRequest request = new MigrationRequest(
                sourceHost,
                body.targetHost(),
                StorageMigration.fromRequest(body.storageMigration()),
                body.migrateDisks(),
                Boolean.TRUE.equals(body.offline()),
                body.unsafe() == null ? null : new UnsafeOverride(body.unsafe().reason()));
        authorise(request);
        Boolean inQuery = single(http, "failOnDeny") == null ? null : bool(http, "failOnDeny");
        if (body.failOnDeny() != null && inQuery != null && !body.failOnDeny().equals(inQuery)) {
            throw new InvalidMigrationRequestException("failOnDeny", "is " + body.failOnDeny() + " in the body and "
                    + inQuery + " in the query: give it once, or the same in both");
        }
        boolean failOnDeny = Boolean.TRUE.equals(body.failOnDeny()) || Boolean.TRUE.equals(inQuery);
        PreflightService.Result result = id == null
                ? service.preflight(body.domainXml().getBytes(StandardCharsets.UTF_8), request)
                : service.preflight(id, request);
        return answer(result, failOnDeny);
    }

    /** The query's reason, refused as the JSON body's {@code unsafe.reason} is: present means an override was asked. */
    private static UnsafeOverride override(String reason) {
        if (reason.isBlank()) {
            throw new InvalidMigrationRequestException("unsafeReason", "is empty: an unsafe override needs a non-empty"
                    + " reason; leave the parameter out to ask for none");
        }
        try {
            return new UnsafeOverride(reason);
        } catch (InvalidMigrationRequestException e) {
            throw new InvalidMigrationRequestException("unsafeReason", e.getMessage().substring(
                    e.parameter().length() + 2));
        }
    }

    private static DomainId domainId(PreflightJsonRequest.DomainRef ref) {
        if (ref.host() == null || ref.host().isBlank()) {
            throw new InvalidMigrationRequestException("domain.host", "is required: the inventory host the domain runs on");
        }
        boolean byName = ref.name() != null && !ref.name().isBlank();
        boolean byUuid = ref.uuid() != null && !ref.uuid().isBlank();
        if (byName == byUuid) {
            throw new InvalidMigrationRequestException("domain", "give exactly one of domain.name and domain.uuid");
        }
        if (byName && ref.name().indexOf('\0') >= 0) {
            // libvirt takes names as C strings: "test\0x" would read the domain "test".
            throw new InvalidMigrationRequestException("domain.name", "may not contain a NUL character");
        }
        return byName ? new DomainId(ref.name(), null) : new DomainId(null, ref.uuid().strip());
    }

    private static void authorise(MigrationRequest request) {
        if (request.override().isPresent()) {
            Caller.requireOverride();
        }
    }

    /**
     * The body itself rather than a {@code ResponseEntity}: Spring MVC flushes a {@code ResponseEntity} as soon as it
     * is written, which sends it chunked in two writes; a body is sent with its length in one, when the request ends.
     */
    private static PreflightResponse answer(PreflightService.Result result, boolean failOnDeny) {
        PreflightResponse response = PreflightResponse.of(result);
        if (failOnDeny && result.evaluation().decision() == Decision.DENIED) {
            throw new ApiException(ProblemType.MIGRATION_DENIED, "migrating domain '" + result.domain().name()
                    + "' is denied (" + Violation.summary(result.evaluation().violations()) + ")")
                    .with("evaluation", response);
        }
        return response;
    }

    private static String single(HttpServletRequest http, String name) {
        String value = rawSingle(http, name);
        return value != null && value.isEmpty() && !name.equals("unsafeReason") ? null : value;
    }

    private static String rawSingle(HttpServletRequest http, String name) {
        String[] values = http.getParameterValues(name);
        if (values == null) {
            return null;
        }
        if (values.length > 1) {
            throw new InvalidMigrationRequestException(name, "given " + values.length + " times; give it once");
        }
        return values[0];
    }

    private static boolean bool(HttpServletRequest http, String name) {
        String value = single(http, name);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidMigrationRequestException(name, "'" + value + "' is not true or false");
        };
    }
}
