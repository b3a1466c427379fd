package io.migrationgatekeeper.problem;

import java.net.URI;
import org.springframework.http.HttpStatus;

/** Every kind of error the API answers with; the {@link #uri()} values are part of the API contract. */
public enum ProblemType {
    MALFORMED_XML("malformed-xml", HttpStatus.BAD_REQUEST, "Malformed XML"),
    FORBIDDEN_DTD("forbidden-dtd", HttpStatus.BAD_REQUEST, "DOCTYPE and entities are not allowed"),
    INVALID_DOMAIN_XML("invalid-domain-xml", HttpStatus.BAD_REQUEST, "Not a libvirt domain XML"),
    BAD_PARAMETER("bad-parameter", HttpStatus.BAD_REQUEST, "Bad parameter"),
    /** The HTTP request itself: characters not allowed in the path, a bad chunk, a server limit exceeded. */
    BAD_REQUEST("bad-request", HttpStatus.BAD_REQUEST, "Malformed HTTP request"),
    MALFORMED_JSON("malformed-json", HttpStatus.BAD_REQUEST, "Malformed JSON"),
    UNKNOWN_HOST("unknown-host", HttpStatus.BAD_REQUEST, "Unknown host"),
    UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Authentication required"),
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Scope missing"),
    OVERRIDE_REFUSED("override-refused", HttpStatus.FORBIDDEN, "Unsafe override refused"),
    RATE_LIMITED("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    HOST_NOT_FOUND("host-not-found", HttpStatus.NOT_FOUND, "No such host in the inventory"),
    DOMAIN_NOT_FOUND("domain-not-found", HttpStatus.NOT_FOUND, "No such domain on the host"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    NOT_IMPLEMENTED("not-implemented", HttpStatus.NOT_IMPLEMENTED, "Method not implemented"),
    REQUEST_TIMEOUT("request-timeout", HttpStatus.REQUEST_TIMEOUT, "Request not received in time"),
    URI_TOO_LONG("uri-too-long", HttpStatus.URI_TOO_LONG, "Request target too long"),
    HEADERS_TOO_LARGE("headers-too-large", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large"),
    SERVICE_UNAVAILABLE("service-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    BODY_TOO_LARGE("body-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    MIGRATION_DENIED("migration-denied", HttpStatus.UNPROCESSABLE_CONTENT, "Migration denied"),
    MIGRATION_NOT_FOUND("migration-not-found", HttpStatus.NOT_FOUND, "No such migration"),
    MIGRATION_CONFLICT("migration-conflict", HttpStatus.CONFLICT, "Another migration of this domain is active"),
    MIGRATION_ENDED("migration-ended", HttpStatus.CONFLICT, "The migration has already ended"),
    DRAIN_NOT_FOUND("drain-not-found", HttpStatus.NOT_FOUND, "No such drain"),
    DRAIN_ENDED("drain-ended", HttpStatus.CONFLICT, "The drain has no migration left to cancel"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", HttpStatus.UNPROCESSABLE_CONTENT,
            "Idempotency-Key reused with a different request"),
    IDEMPOTENCY_KEY_IN_FLIGHT("idempotency-key-in-flight", HttpStatus.CONFLICT,
            "A request with this Idempotency-Key is still being decided"),
    LIBVIRT_ERROR("libvirt-error", HttpStatus.BAD_GATEWAY, "libvirt reported an error"),
    HOST_UNAVAILABLE("host-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Host unavailable"),
    AUDIT_PENDING("audit-pending", HttpStatus.SERVICE_UNAVAILABLE, "No fleet audit has completed yet"),
    AUDIT_DISABLED("audit-disabled", HttpStatus.NOT_FOUND, "The fleet audit is off"),
    LIBVIRT_UNAVAILABLE("libvirt-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "libvirt client library unavailable"),
    LEDGER_UNAVAILABLE("ledger-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Ledger unavailable"),
    INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    private static final String BASE = "urn:migration-gatekeeper:problem:";

    private final URI uri;
    private final HttpStatus status;
    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.uri = URI.create(BASE + slug);
        this.status = status;
        this.title = title;
    }

    public URI uri() {
        return uri;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }
}
