package io.migrationgatekeeper.security;

import io.migrationgatekeeper.problem.FirewallRefusal;
import io.migrationgatekeeper.problem.ProblemAdvice;
import io.migrationgatekeeper.problem.ProblemType;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every endpoint needs a credential and its scope, except health and metrics, which are scraped. Every other
 * actuator endpoint is closed. Failures are problem responses like any other.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http, SecurityProperties properties, JsonMapper json) throws Exception {
        GatekeeperAuthentication authentication = new GatekeeperAuthentication(properties);
        BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
        RateLimiter limiter = new RateLimiter(properties.rateLimit().requestsPerSecond(), properties.rateLimit().burst());
        AccessDeniedHandler forbidden = (request, response, denied) -> write(response, json, ProblemType.FORBIDDEN,
                request.getRequestURI(), "'" + Caller.name() + "' lacks the scope this needs: " + required(request));
        http
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(auth -> auth
                        // The container's error dispatch (a 405 for TRACE, a 501 for an unknown method) reports the
                        // request's own failure; it must not turn into a 401 of its own.
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus").permitAll()
                        .requestMatchers("/actuator/**").denyAll()
                        .requestMatchers(HttpMethod.POST, "/v1/preflight").hasAuthority(Scope.PREFLIGHT.authority())
                        // Every job is visible to whoever may migrate or read: the ledger is the fleet's one record,
                        // and a 409 names the other caller's job that holds the domain. Cancelling another caller's
                        // job needs more (Migrations.cancel).
                        .requestMatchers(HttpMethod.GET, "/v1/migrations", "/v1/migrations/**")
                        .hasAnyAuthority(Scope.MIGRATE.authority(), Scope.READ.authority())
                        .requestMatchers("/v1/migrations", "/v1/migrations/**").hasAuthority(Scope.MIGRATE.authority())
                        // A dry run needs only preflight: the controller tells the two apart by the body.
                        .requestMatchers(HttpMethod.POST, "/v1/drains")
                        .hasAnyAuthority(Scope.PREFLIGHT.authority(), Scope.MIGRATE.authority())
                        // Read like a migration job: a drain is the fleet's record too.
                        .requestMatchers(HttpMethod.GET, "/v1/drains/**")
                        .hasAnyAuthority(Scope.MIGRATE.authority(), Scope.READ.authority())
                        .requestMatchers("/v1/drains", "/v1/drains/**").hasAuthority(Scope.MIGRATE.authority())
                        .requestMatchers(HttpMethod.GET, "/v1/hosts", "/v1/hosts/**", "/v1/policy", "/v1/decisions",
                                "/v1/audit")
                        .hasAuthority(Scope.READ.authority())
                        .anyRequest().authenticated())
                .oauth2ResourceServer(oauth -> oauth
                        .authenticationManagerResolver(request -> authentication)
                        .authenticationEntryPoint((request, response, failure) -> {
                            bearer.commence(request, response, failure);
                            write(response, json, ProblemType.UNAUTHORIZED, request.getRequestURI(),
                                    request.getHeader("Authorization") == null
                                            ? "send a credential: 'Authorization: Bearer <token or API key>'"
                                            : "the credential was not accepted: " + failure.getMessage());
                        })
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, failure) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            write(response, json, ProblemType.UNAUTHORIZED, request.getRequestURI(),
                                    missingCredential(request.getHeader("Authorization")));
                        })
                        .accessDeniedHandler(forbidden))
                .addFilterAfter(new OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                            FilterChain chain) throws ServletException, IOException {
                        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
                        if (caller != null && caller.isAuthenticated() && !caller.getName().equals("anonymousUser")) {
                            Duration wait = limiter.acquire(caller.getName());
                            if (!wait.isZero()) {
                                response.setHeader("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
                                write(response, json, ProblemType.RATE_LIMITED, request.getRequestURI(), "'"
                                        + caller.getName() + "' exceeds gatekeeper.security.rate-limit ("
                                        + properties.rateLimit().requestsPerSecond() + " requests/s)");
                                return;
                            }
                        }
                        chain.doFilter(request, response);
                    }
                }, BearerTokenAuthenticationFilter.class);
        return http.build();
    }

    /**
     * No observations (timers, spans) of the security filter chain, authentication and authorization: four of them
     * per request, which cost more than authenticating and authorising do. Every request is still observed as a
     * whole ({@code http.server.requests}, its span and trace id); no dashboard or alert reads the security ones.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring Security's own firewall, with its character checks made cheap ({@link FirewallCharacters}). */
    @Bean
    HttpFirewall httpFirewall() {
        return FirewallCharacters.firewall();
    }

    /**
     * Spring Security's firewall refuses unknown methods ({@code FOO}), encoded slashes, {@code ..} and the like
     * before authentication: as a problem, not a bare 400.
     */
    @Bean
    RequestRejectedHandler requestRejected(JsonMapper json) {
        return (request, response, rejected) -> {
            boolean method = rejected.getMessage() != null && rejected.getMessage().contains("HTTP method");
            write(response, json, method ? ProblemType.NOT_IMPLEMENTED : ProblemType.BAD_REQUEST, request.getRequestURI(),
                    method ? "method " + request.getMethod().replaceAll("[^A-Za-z0-9_-]", "?")
                            + " is not an HTTP method this service implements"
                            : FirewallRefusal.detail(rejected));
        };
    }

    /**
     * No bearer credential reached authentication: either none was sent, or an {@code Authorization} header of
     * another scheme (Basic, Digest…), which the caller must hear is not accepted rather than "send a credential".
     */
    static String missingCredential(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return "send a credential: 'Authorization: Bearer <token or API key>'";
        }
        String scheme = authorization.strip().split("\\s+", 2)[0];
        scheme = scheme.length() > 20 ? scheme.substring(0, 20) + "…" : scheme;
        return "the Authorization scheme '" + scheme.replaceAll("[^\\x21-\\x7e…]", "?") + "' is not accepted: the only"
                + " scheme accepted is Bearer, with an API key or a JWT ('Authorization: Bearer <token or API key>')";
    }

    private static String required(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (path.startsWith("/v1/preflight")) {
            return "scope 'preflight'";
        }
        if (path.startsWith("/v1/migrations")) {
            return HttpMethod.GET.matches(request.getMethod()) ? "scope 'migrate' or 'read'" : "scope 'migrate'";
        }
        if (path.startsWith("/v1/drains")) {
            return path.equals("/v1/drains") ? "scope 'preflight' (a dry run) or 'migrate'" : "scope 'migrate'";
        }
        if (path.startsWith("/v1/hosts") || path.startsWith("/v1/policy") || path.startsWith("/v1/decisions")
                || path.startsWith("/v1/audit")) {
            return "scope 'read'";
        }
        return "this endpoint is closed";
    }

    private static void write(HttpServletResponse response, JsonMapper json, ProblemType type, String path,
            String detail) throws IOException {
        response.setStatus(type.status().value());
        // Bytes, not a Writer: a Writer would add "charset=ISO-8859-1" to a JSON body, which is UTF-8 by definition.
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        byte[] body = json.writeValueAsBytes(ProblemAdvice.body(type, detail, path));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
