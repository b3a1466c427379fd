package io.migrationgatekeeper.policy;

/** Whether a denial stops the migration ({@link #ENFORCE}) or is only reported ({@link #WARN}). */
public enum Enforcement {
    ENFORCE,
    WARN;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
