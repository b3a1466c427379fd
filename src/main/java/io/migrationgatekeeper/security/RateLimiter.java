package io.migrationgatekeeper.security;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller (callers are configured keys and token subjects, so the map stays small). Per
 * replica: N replicas admit up to N times the rate.
 */
final class RateLimiter {

    private record Bucket(double tokens, long at) {}

    private final double perNano;
    private final int burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double requestsPerSecond, int burst) {
        this.perNano = requestsPerSecond / 1e9;
        this.burst = burst;
    }

    /** {@link Duration#ZERO} when admitted; otherwise how long until a request would be. */
    Duration acquire(String caller) {
        long now = System.nanoTime();
        Duration[] wait = {Duration.ZERO};
        buckets.compute(caller, (key, bucket) -> {
            double tokens = bucket == null ? burst : Math.min(burst, bucket.tokens() + (now - bucket.at()) * perNano);
            if (tokens >= 1) {
                return new Bucket(tokens - 1, now);
            }
            wait[0] = Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
            return new Bucket(tokens, now);
        });
        return wait[0];
    }
}
