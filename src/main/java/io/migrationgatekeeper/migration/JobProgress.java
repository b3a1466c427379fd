package io.migrationgatekeeper.migration;

import com.fasterxml.jackson.annotation.JsonInclude;

/** libvirt's job statistics, as far as the job has them (bytes, milliseconds). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobProgress(
        Long memoryTotal,
        Long memoryProcessed,
        Long memoryRemaining,
        Long dataTotal,
        Long dataProcessed,
        Long dataRemaining,
        Long timeElapsedMs,
        Long downtimeMs) {}
