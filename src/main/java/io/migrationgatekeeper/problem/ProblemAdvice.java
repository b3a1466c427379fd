package io.migrationgatekeeper.problem;

import io.migrationgatekeeper.domainxml.DomainXmlException;
import io.migrationgatekeeper.inventory.DomainNotFoundException;
import io.migrationgatekeeper.inventory.HostCallException;
import io.migrationgatekeeper.inventory.HostUnavailableException;
import io.migrationgatekeeper.inventory.LibvirtFailureException;
import io.migrationgatekeeper.inventory.LibvirtUnavailableException;
import io.migrationgatekeeper.inventory.NotInInventoryException;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.UnsafeOverrideRefusedException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.security.web.firewall.RequestRejectedException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.beans.TypeMismatchException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.DisconnectedClientHelper;

/** Maps every failure to {@code application/problem+json} with a stable type; anything unmapped is a 500 and a bug. */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
        return withRetryAfter(problem(e.type(), e.getMessage(), e.properties(), request), e.retryAfter());
    }

    /** The libvirt adapter's failures, in the domain's words, become problems here and nowhere else. */
    @ExceptionHandler(HostCallException.class)
    ResponseEntity<Object> hostCall(HostCallException e, HttpServletRequest request) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (e.host() != null) {
            properties.put("host", e.host());
        }
        if (e instanceof HostUnavailableException unavailable) {
            if (unavailable.libvirtCode() != null) {
                properties.put("libvirtCode", unavailable.libvirtCode());
            }
            return withRetryAfter(problem(ProblemType.HOST_UNAVAILABLE, e.getMessage(), properties, request),
                    unavailable.retryAfter());
        }
        if (e instanceof DomainNotFoundException) {
            return problem(ProblemType.DOMAIN_NOT_FOUND, e.getMessage(), properties, request);
        }
        if (e instanceof LibvirtFailureException failure) {
            properties.put("libvirtCode", failure.libvirtCode());
            properties.put("libvirtMessage", failure.libvirtMessage());
            return problem(ProblemType.LIBVIRT_ERROR, e.getMessage(), properties, request);
        }
        LibvirtUnavailableException missing = (LibvirtUnavailableException) e;
        return problem(ProblemType.LIBVIRT_UNAVAILABLE, missing.getMessage(), properties, request);
    }

    @ExceptionHandler(NotInInventoryException.class)
    ResponseEntity<Object> notInInventory(NotInInventoryException e, HttpServletRequest request) {
        return problem(ProblemType.UNKNOWN_HOST, e.getMessage(), Map.of("parameter", e.parameter()), request);
    }

    public static ResponseEntity<Object> withRetryAfter(ResponseEntity<Object> problem, Duration retryAfter) {
        if (retryAfter == null) {
            return problem;
        }
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())))
                .body(problem.getBody());
    }

    @ExceptionHandler(DomainXmlException.class)
    ResponseEntity<Object> domainXml(DomainXmlException e, HttpServletRequest request) {
        ProblemType type = switch (e.kind()) {
            case MALFORMED -> ProblemType.MALFORMED_XML;
            case FORBIDDEN_DTD -> ProblemType.FORBIDDEN_DTD;
            case INVALID -> ProblemType.INVALID_DOMAIN_XML;
        };
        return problem(type, e.getMessage(), Map.of(), request);
    }

    @ExceptionHandler(InvalidMigrationRequestException.class)
    ResponseEntity<Object> badRequest(InvalidMigrationRequestException e, HttpServletRequest request) {
        return problem(ProblemType.BAD_PARAMETER, e.getMessage(), Map.of("parameter", e.parameter()), request);
    }

    @ExceptionHandler(UnsafeOverrideRefusedException.class)
    ResponseEntity<Object> overrideRefused(UnsafeOverrideRefusedException e, HttpServletRequest request) {
        return problem(ProblemType.OVERRIDE_REFUSED, e.getMessage(), Map.of(), request);
    }

    /**
     * The firewall refuses a header or parameter when something first reads it, which for most of them is while the
     * request is being handled (an {@code Idempotency-Key}, an {@code Accept}, an actuator endpoint's parameters):
     * the caller's bad request, as when the filter chain refuses it.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<Object> rejected(RequestRejectedException e, HttpServletRequest request) {
        return problem(ProblemType.BAD_REQUEST, FirewallRefusal.detail(e), Map.of(), request);
    }

    /** Tomcat refuses a query string it cannot decode when a parameter is first read. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> undecodableQuery(InvalidParameterException e, HttpServletRequest request) {
        return problem(ProblemType.BAD_REQUEST, FirewallRefusal.UNDECODABLE_QUERY, Map.of(), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // The client hung up mid-response: nothing to answer, and nothing wrong here.
            log.debug("client disconnected during {} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
            return null;
        }
        log.error("Unhandled failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return problem(ProblemType.INTERNAL_ERROR, "an unexpected error occurred; it has been logged", Map.of(), request);
    }

    /** Spring MVC's own failures (415, 405, 406, 404, bad parameters) get the same stable types. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        if (DisconnectedClientHelper.isClientDisconnectedException(ex)) {
            // Writing the answer failed because the client hung up (AsyncRequestNotUsableException and kin).
            log.debug("client disconnected: {}", ex.toString());
            return null;
        }
        ProblemType type;
        if (ex instanceof HttpMediaTypeNotSupportedException) {
            type = ProblemType.UNSUPPORTED_MEDIA_TYPE;
        } else if (ex instanceof HttpMediaTypeNotAcceptableException) {
            type = ProblemType.NOT_ACCEPTABLE;
        } else if (ex instanceof HttpRequestMethodNotSupportedException) {
            type = ProblemType.METHOD_NOT_ALLOWED;
        } else if (ex instanceof NoResourceFoundException || ex instanceof NoHandlerFoundException) {
            type = ProblemType.NOT_FOUND;
        } else {
            type = statusCode.is4xxClientError() ? ProblemType.BAD_PARAMETER : ProblemType.INTERNAL_ERROR;
        }
        String detail = body instanceof ProblemDetail pd && pd.getDetail() != null ? pd.getDetail() : ex.getMessage();
        HttpServletRequest servlet = ((ServletWebRequest) request).getRequest();
        Map<String, Object> properties = Map.of();
        if (type == ProblemType.NOT_FOUND) {
            // Not Spring's "No static resource …": there are no static resources, only the API.
            detail = "no such endpoint: " + servlet.getMethod() + " " + servlet.getRequestURI() + " (see openapi.yaml)";
        } else if (ex instanceof TypeMismatchException mismatch) {
            String name = mismatch.getPropertyName() == null ? "(parameter)" : mismatch.getPropertyName();
            detail = name + ": '" + mismatch.getValue() + "' is not " + (mismatch.getRequiredType() == null ? "valid"
                    : StrictJson.expected(mismatch.getRequiredType()));
            properties = Map.of("parameter", name);
        } else if (ex instanceof MissingServletRequestParameterException missing) {
            properties = Map.of("parameter", missing.getParameterName());
        } else if (ex instanceof HttpRequestMethodNotSupportedException unsupported) {
            String allow = AllowedMethods.header(unsupported.getSupportedMethods() == null ? java.util.Set.of()
                    : java.util.Set.of(unsupported.getSupportedMethods()));
            headers = new HttpHeaders(headers);
            headers.set(HttpHeaders.ALLOW, allow);
            detail = AllowedMethods.detail(servlet.getMethod(), servlet.getRequestURI(), allow);
        }
        if (type == ProblemType.INTERNAL_ERROR) {
            log.error("Unhandled failure in Spring MVC", ex);
            detail = "an unexpected error occurred; it has been logged";
        }
        ResponseEntity<Object> problem = problem(type, detail, properties, servlet);
        HttpHeaders merged = new HttpHeaders();
        merged.putAll(headers);
        merged.putAll(problem.getHeaders());
        return new ResponseEntity<>(problem.getBody(), merged, type == ProblemType.BAD_PARAMETER ? statusCode
                : HttpStatusCode.valueOf(type.status().value()));
    }

    /** The same body as every other problem, for filters that answer before Spring MVC does. */
    public static ProblemDetail body(ProblemType type, String detail, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
        problem.setType(type.uri());
        problem.setTitle(type.title());
        instance(instance).ifPresent(problem::setInstance);
        String requestId = RequestIds.current();
        if (requestId != null) {
            problem.setProperty("requestId", requestId);
        }
        return problem;
    }

    /** A problem response; features with their own advice build theirs with it, so every problem looks the same. */
    public static ResponseEntity<Object> problem(ProblemType type, String detail, Map<String, Object> properties,
            HttpServletRequest request) {
        ProblemDetail problem = body(type, detail, request.getRequestURI());
        properties.forEach(problem::setProperty);
        return ResponseEntity.status(type.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The request path as the problem's instance, unless it is not a valid URI reference (it is then left out). */
    private static java.util.Optional<URI> instance(String path) {
        try {
            return java.util.Optional.of(new URI(path));
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return java.util.Optional.empty();
        }
    }
}
