package io.migrationgatekeeper.preflight;

import java.util.List;

/**
 * The JSON form of a preflight: the same meaning as the XML body with query parameters, or, with
 * {@code domain} instead of {@code domainXml}, the domain's current definition read from its host.
 */
record PreflightJsonRequest(
        String domainXml,
        DomainRef domain,
        String sourceHost,
        String targetHost,
        String storageMigration,
        List<String> migrateDisks,
        Boolean offline,
        Unsafe unsafe,
        Boolean failOnDeny) {

    record Unsafe(String reason) {}

    /** A domain to read from an inventory host instead of {@code domainXml}: by name or by UUID. */
    record DomainRef(String host, String name, String uuid) {}
}
