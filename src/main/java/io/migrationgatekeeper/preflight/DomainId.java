package io.migrationgatekeeper.preflight;

/** A domain on a host, by name or by UUID (exactly one of them). */
public record DomainId(String name, String uuid) {

    public String describe() {
        return name != null ? "name '" + name + "'" : "UUID " + uuid;
    }
}
