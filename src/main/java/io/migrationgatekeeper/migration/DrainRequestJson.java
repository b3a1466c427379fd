package io.migrationgatekeeper.migration;

import java.util.List;

/**
 * {@code POST /v1/drains}. Only {@code sourceHost} is required: {@code targetHosts} defaults to every other
 * inventory host, {@code storageMigration} to none, {@code dryRun} to false.
 */
record DrainRequestJson(
        String sourceHost,
        List<String> targetHosts,
        String storageMigration,
        MigrationRequestJson.Unsafe unsafe,
        Boolean dryRun) {}
