package io.migrationgatekeeper.security;

import io.migrationgatekeeper.configuration.InvalidConfigurationException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatekeeper.security.*}. There is deliberately no switch that turns authentication off: with nothing
 * configured, a random API key is generated and logged once at start-up.
 *
 * @param jwt       JWT access tokens: issuer-uri or jwk-set-uri, issuer, audience, scope-claims
 * @param apiKeys   API keys by hash: name, sha256 (hex SHA-256 of the key) and scopes of each
 * @param rateLimit the per-caller request limit, per replica
 */
@ConfigurationProperties("gatekeeper.security")
record SecurityProperties(Jwt jwt, List<ApiKey> apiKeys, @DefaultValue RateLimit rateLimit) {

    SecurityProperties {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> hashes = new HashMap<>();
        for (int i = 0; i < apiKeys.size(); i++) {
            String at = "gatekeeper.security.api-keys[" + i + "]";
            ApiKey key = apiKeys.get(i);
            key.validate(at);
            // Two entries with one name would be one caller in the ledger, with whichever scopes matched; two with
            // one hash would give the key the scopes of whichever entry is compared first.
            Integer sameName = names.putIfAbsent(key.name(), i);
            if (sameName != null) {
                throw new InvalidConfigurationException(at + ".name", "'" + key.name()
                        + "' is already the name of gatekeeper.security.api-keys[" + sameName + "]; each key needs its own");
            }
            Integer sameHash = hashes.putIfAbsent(key.sha256().toLowerCase(Locale.ROOT), i);
            if (sameHash != null) {
                throw new InvalidConfigurationException(at + ".sha256", "is already the sha256 of"
                        + " gatekeeper.security.api-keys[" + sameHash + "] ('" + apiKeys.get(sameHash).name()
                        + "'); one key is one caller: give it every scope it needs in one entry");
            }
        }
        if (jwt != null) {
            jwt.validate();
        }
    }

    boolean jwtConfigured() {
        return jwt != null && (jwt.issuerUri() != null || jwt.jwkSetUri() != null);
    }

    /**
     * (issuer comes first: the metadata processor takes the first @param that starts with a component's name)
     * @param issuer      with {@code jwk-set-uri}: the {@code iss} tokens must carry (optional)
     * @param issuerUri   OIDC issuer: its discovery document gives the keys, and tokens must carry it as {@code iss}
     * @param jwkSetUri   the keys directly, when there is no discovery document
     * @param audience    required in every token's {@code aud}
     * @param scopeClaims claims that carry scopes, as a space-separated string or a list ({@code scope}, {@code scp},
     *                    or e.g. a roles claim)
     */
    record Jwt(String issuerUri, String jwkSetUri, String issuer, String audience,
            @DefaultValue({"scope", "scp"}) List<String> scopeClaims) {

        void validate() {
            if ((issuerUri != null || jwkSetUri != null) && (audience == null || audience.isBlank())) {
                throw new InvalidConfigurationException("gatekeeper.security.jwt.audience",
                        "is required with issuer-uri or jwk-set-uri: tokens for other services must not pass");
            }
            if (issuerUri != null && jwkSetUri != null) {
                throw new InvalidConfigurationException("gatekeeper.security.jwt.jwk-set-uri",
                        "give issuer-uri or jwk-set-uri, not both");
            }
        }
    }

    /**
     * @param name   the caller's name in logs and the ledger
     * @param sha256 hex SHA-256 of the key; the key itself is never in configuration
     * @param scopes preflight, migrate, override, read
     */
    record ApiKey(String name, String sha256, List<String> scopes) {

        void validate(String at) {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")) {
                throw new InvalidConfigurationException(at + ".name", "must be a plain name (it is logged and recorded)");
            }
            if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new InvalidConfigurationException(at + ".sha256",
                        "must be the hex SHA-256 of the key (printf %s \"$KEY\" | sha256sum)");
            }
            if (scopes == null || scopes.isEmpty()) {
                throw new InvalidConfigurationException(at + ".scopes", "must list at least one of " + Scope.valid());
            }
            for (String scope : scopes) {
                if (Scope.parse(scope).isEmpty()) {
                    throw new InvalidConfigurationException(at + ".scopes", "'" + scope
                            + "' is not one of " + Scope.valid());
                }
            }
        }
    }

    /**
     * Per caller (token subject or key name), per replica: a token bucket.
     *
     * @param requestsPerSecond the sustained rate
     * @param burst             how many requests may come at once
     */
    record RateLimit(@DefaultValue("50") double requestsPerSecond, @DefaultValue("100") int burst) {

        RateLimit {
            if (requestsPerSecond <= 0) {
                throw new InvalidConfigurationException("gatekeeper.security.rate-limit.requests-per-second",
                        "must be positive");
            }
            if (burst < 1) {
                throw new InvalidConfigurationException("gatekeeper.security.rate-limit.burst", "must be at least 1");
            }
        }
    }
}
