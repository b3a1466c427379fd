package io.migrationgatekeeper.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A migration job as the API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record MigrationView(
        String id,
        String state,
        DomainRef domain,
        String sourceHost,
        String targetHost,
        String decision,
        String decisionId,
        String requester,
        String overrideReason,
        Flags libvirtFlags,
        Parameters parameters,
        MigrationOptions options,
        JobProgress progress,
        Error error,
        boolean cancelRequested,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        JsonNode evaluation) {

    record DomainRef(String name, String uuid) {}

    record Flags(int value, List<String> names) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Parameters(String destinationUri, String migrateUri, String listenAddress, Long bandwidthMiBps,
            List<String> migrateDisks, Boolean destinationXml, Long maxDowntimeMs) {}

    record Error(String code, String message) {}

    record Page(List<MigrationView> items, String nextCursor) {}
}
