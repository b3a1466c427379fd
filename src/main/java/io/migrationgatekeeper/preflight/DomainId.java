package io.migrationgatekeeper.preflight;

/** A domain on a host, by name or by UUID (exactly one of them). */
public record DomainId(String name, String uuid) {

    /** For messages: a name or UUID may be as long as the request allows, so only its start is quoted. */
    public String describe() {
        return name != null ? "name '" + start(name) + "'" : "UUID " + start(uuid);
    }

    public static String start(String text) {
        return text == null || text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }
}
