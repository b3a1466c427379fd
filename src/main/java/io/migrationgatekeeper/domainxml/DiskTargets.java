package io.migrationgatekeeper.domainxml;

/** libvirt's disk names ({@code virDiskNameParse} in {@code src/util/virutil.c}). */
final class DiskTargets {

    private static final String[] PREFIXES = {"fd", "hd", "vd", "sd", "xvd", "ubd"};

    private DiskTargets() {}

    /**
     * The disk index of a target name such as {@code vdb} (1), or -1 where libvirt cannot read one: a known prefix,
     * at least one lower-case letter, then only digits (a partition). The index is computed in 32-bit arithmetic as
     * libvirt's is, so a name long enough to overflow it is refused where libvirt refuses it.
     */
    static int index(String name) {
        int at = -1;
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                at = prefix.length();
                break;
            }
        }
        if (at < 0) {
            return -1;
        }
        int idx = 0;
        int letters = 0;
        while (at < name.length() && name.charAt(at) >= 'a' && name.charAt(at) <= 'z') {
            idx = (idx + (letters < 1 ? 0 : 1)) * 26;
            idx += name.charAt(at) - 'a';
            letters++;
            at++;
        }
        if (letters == 0) {
            return -1;
        }
        while (at < name.length()) {
            char c = name.charAt(at++);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return idx;
    }
}
