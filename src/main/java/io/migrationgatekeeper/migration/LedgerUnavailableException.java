package io.migrationgatekeeper.migration;

/** The ledger's database cannot be reached (stopped, unreachable, out of connections): worth retrying later. */
final class LedgerUnavailableException extends RuntimeException {

    LedgerUnavailableException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
