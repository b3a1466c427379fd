package io.migrationgatekeeper.policy;

/** An unsafe or blocked disk, in the words libvirt would use, with what would make it safe. */
public record Violation(String disk, String source, ReasonCode reason, String message, String remedy) {}
