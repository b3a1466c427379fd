package io.migrationgatekeeper.policy;

public record Warning(WarningCode code, String message) {}
