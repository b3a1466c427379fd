package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import io.migrationgatekeeper.policy.LibvirtFlags;

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

    public MigrationOptions {
        if (bandwidthMiBps != null && bandwidthMiBps < 1) {
            throw new InvalidMigrationRequestException("options.bandwidthMiBps", "must be at least 1");
        }
        if (maxDowntimeMs != null && maxDowntimeMs < 1) {
            throw new InvalidMigrationRequestException("options.maxDowntimeMs", "must be at least 1");
        }
        if (timeoutSeconds != null && timeoutSeconds < 1) {
            throw new InvalidMigrationRequestException("options.timeoutSeconds", "must be at least 1");
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
        return new MigrationOptions(o.live() == null || o.live(), o.persistent() == null || o.persistent(),
                o.bandwidthMiBps(), o.maxDowntimeMs(), Boolean.TRUE.equals(o.autoConverge()),
                Boolean.TRUE.equals(o.postCopy()), Boolean.TRUE.equals(o.compressed()), Boolean.TRUE.equals(o.tls()),
                o.timeoutSeconds());
    }

    LibvirtFlags.Options flagOptions() {
        return new LibvirtFlags.Options(live, persistent, autoConverge, postCopy, compressed, tls);
    }
}
