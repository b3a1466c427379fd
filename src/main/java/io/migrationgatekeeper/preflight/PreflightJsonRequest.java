package io.migrationgatekeeper.preflight;

import java.util.List;

/** The JSON form of a preflight: the same meaning as the XML body with query parameters. */
record PreflightJsonRequest(
        String domainXml,
        String sourceHost,
        String targetHost,
        String storageMigration,
        List<String> migrateDisks,
        Boolean offline,
        Unsafe unsafe,
        Boolean failOnDeny) {

    record Unsafe(String reason) {}
}
