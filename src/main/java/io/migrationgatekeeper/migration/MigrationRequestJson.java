package io.migrationgatekeeper.migration;

import java.util.List;

/** {@code POST /v1/migrations}; {@code domain} is the domain's name or UUID on {@code sourceHost}. */
record MigrationRequestJson(
        String domain,
        String sourceHost,
        String targetHost,
        String storageMigration,
        List<String> migrateDisks,
        Boolean offline,
        Unsafe unsafe,
        String destinationXml,
        Options options) {

    record Unsafe(String reason) {}

    record Options(Boolean live, Boolean persistent, Long bandwidthMiBps, Long maxDowntimeMs, Boolean autoConverge,
            Boolean postCopy, Boolean compressed, Boolean tls, Integer timeoutSeconds) {}
}
