package io.migrationgatekeeper.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The configured API keys, by hash. A presented key is hashed and compared with every key in constant time. */
final class ApiKeys {

    record Key(String name, byte[] sha256, Set<Scope> scopes) {}

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    static ApiKeys of(List<SecurityProperties.ApiKey> configured) {
        return new ApiKeys(configured.stream().map(k -> new Key(k.name(), HexFormat.of().parseHex(k.sha256().toLowerCase()),
                scopes(k.scopes()))).toList());
    }

    /** A random key with every scope, for a service started with nothing configured. */
    static String generate() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return "gk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    static ApiKeys single(String name, String key) {
        return new ApiKeys(List.of(new Key(name, sha256(key), EnumSet.allOf(Scope.class))));
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    /** Every key is compared, match or not, so the time taken says nothing about which key is close. */
    Optional<Key> match(String presented) {
        byte[] hash = sha256(presented);
        Key found = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(hash, key.sha256())) {
                found = key;
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<Scope> scopes(List<String> names) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        names.forEach(n -> Scope.parse(n).ifPresent(scopes::add));
        return scopes;
    }
}
