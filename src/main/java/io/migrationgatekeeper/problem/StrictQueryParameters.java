package io.migrationgatekeeper.problem;

import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.firewall.RequestRejectedException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Unknown or repeated query parameters are a 400 on every endpoint of this service, never silently ignored
 * ({@code ?stauts=RUNNING} would otherwise list every job). A handler's known parameters are its
 * {@code @RequestParam}s and what its {@link QueryParameters} names; all of them are single-valued. A query string
 * the container cannot decode ({@code %zz}) is a 400 too.
 */
public class StrictQueryParameters implements HandlerInterceptor {

    private static final String BASE_PACKAGE = "io.migrationgatekeeper.";

    private final Map<HandlerMethod, Set<String>> known = new ConcurrentHashMap<>();

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method) || !method.getBeanType().getName().startsWith(BASE_PACKAGE)) {
            return true; // actuator and framework endpoints have their own rules
        }
        Map<String, String[]> parameters;
        try {
            parameters = request.getParameterMap();
        } catch (RequestRejectedException rejected) {
            throw rejected; // the firewall's refusal of a parameter name, told as such (ProblemAdvice)
        } catch (RuntimeException undecodable) {
            // Tomcat's text here is advice to its own operator ("Use debug level logging..."), not to the caller.
            throw new InvalidMigrationRequestException("(query)", FirewallRefusal.UNDECODABLE_QUERY);
        }
        Set<String> allowed = known.computeIfAbsent(method, StrictQueryParameters::allowed);
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            if (!allowed.contains(name)) {
                throw new InvalidMigrationRequestException(shown(name), "unknown query parameter; known: "
                        + (allowed.isEmpty() ? "(none)" : String.join(", ", allowed)));
            }
            if (parameter.getValue().length > 1) {
                throw new InvalidMigrationRequestException(name, "given " + parameter.getValue().length
                        + " times; give it once");
            }
        }
        return true;
    }

    private static Set<String> allowed(HandlerMethod method) {
        TreeSet<String> names = new TreeSet<>();
        QueryParameters declared = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), QueryParameters.class);
        if (declared != null) {
            names.addAll(Set.of(declared.value()));
        }
        for (MethodParameter parameter : method.getMethodParameters()) {
            RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
            if (param != null) {
                String name = !param.name().isEmpty() ? param.name() : parameter.getParameterName();
                if (name != null) {
                    names.add(name);
                }
            }
        }
        return java.util.Collections.unmodifiableSortedSet(names);
    }

    /** A parameter name is the caller's text: echo a bounded piece of it. */
    private static String shown(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "…" : name;
    }
}
