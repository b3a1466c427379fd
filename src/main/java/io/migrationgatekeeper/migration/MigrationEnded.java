package io.migrationgatekeeper.migration;

import java.time.Duration;

/**
 * A job reached an end (published once, by the replica whose transition won).
 *
 * @param took from start to end; null for a job cancelled while queued
 */
record MigrationEnded(MigrationJob job, JobState outcome, Duration took) {}
