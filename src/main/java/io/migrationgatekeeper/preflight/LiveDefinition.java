package io.migrationgatekeeper.preflight;

/** A domain definition as a host's libvirtd reports it: the live one for a running domain. */
public record LiveDefinition(String host, String name, String uuid, boolean active, String xml) {}
