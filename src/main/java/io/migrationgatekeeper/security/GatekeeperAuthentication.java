package io.migrationgatekeeper.security;

import java.util.Collection;
import java.time.Duration;
import java.util.List;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestTemplate;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * Turns {@code Authorization: Bearer <credential>} into a caller: a JWT (three dot-separated parts) when an
 * issuer is configured, otherwise an API key.
 */
final class GatekeeperAuthentication implements AuthenticationManager {

    private static final Logger log = LoggerFactory.getLogger(GatekeeperAuthentication.class);

    private final ApiKeys apiKeys;
    private final JwtAuthenticationProvider jwt;

    GatekeeperAuthentication(SecurityProperties properties) {
        ApiKeys configured = ApiKeys.of(properties.apiKeys());
        if (configured.isEmpty() && !properties.jwtConfigured()) {
            String generated = ApiKeys.generate();
            configured = ApiKeys.single("generated", generated);
            // As Spring Boot does with its generated password: once, at start-up, for the one-command run.
            log.warn("\n\nUsing generated API key (all scopes): {}\n\nNo gatekeeper.security.api-keys or JWT issuer is"
                    + " configured: send it as 'Authorization: Bearer <key>'. Configure keys before production.\n",
                    generated);
        }
        this.apiKeys = configured;
        this.jwt = properties.jwtConfigured() ? jwtProvider(properties.jwt()) : null;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (jwt != null && token.chars().filter(c -> c == '.').count() == 2) {
            return jwt.authenticate(authentication);
        }
        return apiKeys.match(token)
                .map(key -> (Authentication) UsernamePasswordAuthenticationToken.authenticated(key.name(), null,
                        key.scopes().stream().map(s -> new SimpleGrantedAuthority(s.authority())).toList()))
                .orElseThrow(() -> new BadCredentialsException("unknown API key"));
    }

    private static JwtAuthenticationProvider jwtProvider(SecurityProperties.Jwt config) {
        // Spring Security's own default gives the identity provider half a second: one slow answer then rejects
        // every token that needs the key set (a 401 for a valid token). Seconds, but still bounded.
        SimpleClientHttpRequestFactory timeouts = new SimpleClientHttpRequestFactory();
        timeouts.setConnectTimeout(Duration.ofSeconds(3));
        timeouts.setReadTimeout(Duration.ofSeconds(5));
        RestTemplate keySets = new RestTemplate(timeouts);
        NimbusJwtDecoder decoder = config.issuerUri() != null
                ? NimbusJwtDecoder.withIssuerLocation(config.issuerUri()).restOperations(keySets).build()
                : NimbusJwtDecoder.withJwkSetUri(config.jwkSetUri()).restOperations(keySets).build();
        String issuer = config.issuerUri() != null ? config.issuerUri() : config.issuer();
        OAuth2TokenValidator<Jwt> validators = issuer == null ? JwtValidators.createDefault()
                : JwtValidators.createDefaultWithIssuer(issuer);
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(config.audience()));
        // The subject is the caller: the ledger records it, idempotency keys and jobs belong to it. A token without one
        // would be everybody's.
        OAuth2TokenValidator<Jwt> subject = new JwtClaimValidator<String>("sub", sub -> sub != null && !sub.isBlank());
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators, audience, subject));
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider((JwtDecoder) decoder);
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(scopes(config.scopeClaims()));
        provider.setJwtAuthenticationConverter(converter);
        return provider;
    }

    /** Scopes from the configured claims, as a space-separated string or a list; unknown ones are dropped. */
    private static Converter<Jwt, Collection<GrantedAuthority>> scopes(List<String> claims) {
        return token -> {
            Set<String> values = claims.stream().flatMap(claim -> {
                Object value = token.getClaims().get(claim);
                if (value instanceof String s) {
                    return Stream.of(s.split("\\s+"));
                }
                if (value instanceof Collection<?> c) {
                    return c.stream().map(String::valueOf);
                }
                return Stream.empty();
            }).collect(Collectors.toSet());
            return values.stream().flatMap(v -> Scope.parse(v).stream())
                    .map(s -> (GrantedAuthority) new SimpleGrantedAuthority(s.authority())).toList();
        };
    }
}
