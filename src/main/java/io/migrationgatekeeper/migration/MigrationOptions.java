package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.LibvirtFlags;
import java.util.Map;

/**
 * How to migrate, beyond what the rule decides.
 *
 * @param persistent     define on the target, undefine on the source: the domain moves
 * @param bandwidthMiBps cap on migration bandwidth; null for libvirt's default
 * @param timeoutSeconds abort the migration when it runs longer
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record MigrationOptions(
        boolean live,
        boolean persistent,
        Long bandwidthMiBps,
        Long maxDowntimeMs,
        boolean autoConverge,
        boolean postCopy,
        boolean compressed,
        boolean tls,
        Integer timeoutSeconds) {

    public static final MigrationOptions DEFAULTS =
            new MigrationOptions(true, true, null, null, false, false, false, false, null);

    /**
     * libvirt's own ceiling, {@code QEMU_DOMAIN_MIG_BANDWIDTH_MAX} in src/qemu/qemu_domain.h: on a 64-bit host
     * {@code (INT64_MAX / (1024 * 1024))} MiB/s, because QEMU takes the speed in bytes as an int64. libvirt refuses a
     * larger bandwidth ("bandwidth must be less than …") only when the migration is already under way.
     */
    public static final long BANDWIDTH_MAX_MIBPS = Long.MAX_VALUE / (1024 * 1024);

    /** The valid values of the integer options, as a request's answer states them. */
    static final Map<String, String> RANGES = Map.of(
            "options.bandwidthMiBps", "an integer from 1 to " + BANDWIDTH_MAX_MIBPS + " (the most libvirt accepts)",
            "options.maxDowntimeMs", "an integer from 1 to " + Long.MAX_VALUE,
            "options.timeoutSeconds", "an integer from 1 to " + Integer.MAX_VALUE);

    public MigrationOptions {
        // Only the request's bandwidth is held to libvirt's maximum (in of): a job recorded before is read back as is.
        if (bandwidthMiBps != null && bandwidthMiBps < 1) {
            throw outOfRange("options.bandwidthMiBps", bandwidthMiBps);
        }
        if (maxDowntimeMs != null && maxDowntimeMs < 1) {
            throw outOfRange("options.maxDowntimeMs", maxDowntimeMs);
        }
        if (timeoutSeconds != null && timeoutSeconds < 1) {
            throw outOfRange("options.timeoutSeconds", timeoutSeconds);
        }
        if (postCopy && !live) {
            throw new InvalidMigrationRequestException("options.postCopy", "needs a live migration");
        }
    }

    /** The request's {@code options}, defaults for what it leaves out. */
    static MigrationOptions of(MigrationRequestJson.Options o) {
        if (o == null) {
            return DEFAULTS;
        }
        if (o.bandwidthMiBps() != null && o.bandwidthMiBps() > BANDWIDTH_MAX_MIBPS) {
            throw outOfRange("options.bandwidthMiBps", o.bandwidthMiBps());
        }
        return new MigrationOptions(o.live() == null || o.live(), o.persistent() == null || o.persistent(),
                o.bandwidthMiBps(), o.maxDowntimeMs(), Boolean.TRUE.equals(o.autoConverge()),
                Boolean.TRUE.equals(o.postCopy()), Boolean.TRUE.equals(o.compressed()), Boolean.TRUE.equals(o.tls()),
                o.timeoutSeconds());
    }

    private static InvalidMigrationRequestException outOfRange(String field, long value) {
        return new InvalidMigrationRequestException(field, value + " is out of range: it must be " + RANGES.get(field));
    }

    LibvirtFlags.Options flagOptions() {
        return new LibvirtFlags.Options(live, persistent, autoConverge, postCopy, compressed, tls);
    }
}
