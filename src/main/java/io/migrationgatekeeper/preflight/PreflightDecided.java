package io.migrationgatekeeper.preflight;

import java.time.Instant;

/** A preflight was answered: who asked, when, and what the rule said ({@code result.decisionId()} names it). */
public record PreflightDecided(PreflightService.Result result, String requester, Instant decidedAt) {}
