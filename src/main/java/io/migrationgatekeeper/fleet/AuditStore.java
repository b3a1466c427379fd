package io.migrationgatekeeper.fleet;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The latest completed sweep, in the database every replica shares, so any replica answers {@code GET /v1/audit}. */
@Repository
class AuditStore {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Keeps {@code sweep} unless a sweep that started later is already kept (a replica that took the lease over). */
    void keep(AuditSweep sweep) {
        OffsetDateTime at = OffsetDateTime.ofInstant(sweep.sweptAt(), ZoneOffset.UTC);
        String body = json.writeValueAsString(sweep);
        int updated = jdbc.sql("UPDATE audit_sweep SET swept_at = :at, sweep_json = :body WHERE id = 1 AND swept_at < :at")
                .param("at", at).param("body", body).update();
        if (updated == 0) {
            try {
                jdbc.sql("INSERT INTO audit_sweep (id, swept_at, sweep_json) VALUES (1, :at, :body)")
                        .param("at", at).param("body", body).update();
            } catch (DuplicateKeyException newer) {
                // A later sweep is kept already.
            }
        }
    }

    Optional<AuditSweep> latest() {
        return jdbc.sql("SELECT sweep_json FROM audit_sweep WHERE id = 1").query(String.class).optional()
                .map(body -> json.readValue(body, AuditSweep.class));
    }
}
