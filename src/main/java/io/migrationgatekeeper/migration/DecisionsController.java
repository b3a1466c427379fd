package io.migrationgatekeeper.migration;

import io.migrationgatekeeper.policy.Decision;
import io.migrationgatekeeper.policy.InvalidMigrationRequestException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/decisions}: the ledger's decisions, newest first, a page at a time. */
@RestController
class DecisionsController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final Ledger ledger;

    DecisionsController(Ledger ledger) {
        this.ledger = ledger;
    }

    @GetMapping(path = "/v1/decisions", produces = MediaType.APPLICATION_JSON_VALUE)
    DecisionView.Page list(@RequestParam(required = false) String decision,
            @RequestParam(required = false) String sourceHost, @RequestParam(required = false) String targetHost,
            @RequestParam(required = false) String domain, @RequestParam(required = false) String since,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
        int size = limit(limit);
        DecisionFilter filter = new DecisionFilter(decision(decision), text("sourceHost", sourceHost),
                text("targetHost", targetHost), uuid(domain) == null ? text("domain", domain) : null, uuid(domain),
                since(since));
        List<Ledger.RecordedDecision> rows = ledger.decisions(filter, DecisionCursor.parse(cursor), size + 1);
        boolean more = rows.size() > size;
        List<Ledger.RecordedDecision> page = more ? rows.subList(0, size) : rows;
        return new DecisionView.Page(page.stream().map(DecisionView::of).toList(),
                more ? DecisionCursor.after(page.get(page.size() - 1).record()) : null);
    }

    private static Decision decision(String value) {
        if (value == null) {
            return null;
        }
        return Arrays.stream(Decision.values()).filter(d -> d.name().equals(value)).findFirst().orElseThrow(() ->
                new InvalidMigrationRequestException("decision", "'" + EvaluationRecord.cut(value) + "' is not one of "
                        + Arrays.toString(Decision.values())));
    }

    /** Hosts and names are compared as given; an empty value would match nothing, which is never what was meant. */
    private static String text(String parameter, String value) {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new InvalidMigrationRequestException(parameter, "is empty; leave it out to match every value");
        }
        if (value.length() > 255) {
            throw new InvalidMigrationRequestException(parameter, "is longer than 255 characters, which no recorded"
                    + " host or domain name is");
        }
        return value;
    }

    private static String uuid(String domain) {
        if (domain == null || domain.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(domain).toString();
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }

    private static Instant since(String value) {
        if (value == null) {
            return null;
        }
        Instant since;
        try {
            since = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            // "+01:00" unencoded in a query string arrives as " 01:00".
            throw new InvalidMigrationRequestException("since", "'" + EvaluationRecord.cut(value)
                    + "' is not an RFC 3339 timestamp with an offset, e.g. 2026-11-26T00:00:00Z"
                    + (value.contains(" ") ? " (a '+' in a query string must be sent as %2B)" : ""));
        }
        if (!DecisionCursor.storable(since)) {
            throw new InvalidMigrationRequestException("since", "'" + EvaluationRecord.cut(value)
                    + "' is outside the years 0001 to 9999 that the ledger records");
        }
        return since;
    }

    /** A page size; {@code GET /v1/migrations} takes the same. */
    static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int size = Integer.parseInt(value);
            if (size >= 1 && size <= MAX_LIMIT) {
                return size;
            }
        } catch (NumberFormatException notANumber) {
            // falls through
        }
        throw new InvalidMigrationRequestException("limit", "must be a whole number between 1 and " + MAX_LIMIT);
    }
}
