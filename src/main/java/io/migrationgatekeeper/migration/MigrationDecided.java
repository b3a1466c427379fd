package io.migrationgatekeeper.migration;

/**
 * A migration request was decided (not replayed: a replay decides nothing).
 *
 * @param clientAddress the caller's address as the servlet container saw it
 */
record MigrationDecided(DecisionRecord decision, String clientAddress) {}
