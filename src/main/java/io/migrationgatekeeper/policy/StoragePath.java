package io.migrationgatekeeper.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An absolute path after lexical normalisation, compared by whole components so that {@code /srv/gfs2}
 * covers {@code /srv/gfs2/a.img} but not {@code /srv/gfs2-local/a.img}. Symlinks are not resolved: the
 * gatekeeper never touches a host's filesystem.
 */
record StoragePath(List<String> components) {

    StoragePath {
        components = List.copyOf(components);
    }

    /**
     * Empty for a relative path, or one that climbs above the root with {@code ..}: such a path cannot be
     * placed on any declared filesystem, so it matches nothing and counts as local.
     */
    static Optional<StoragePath> parse(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return Optional.of(new StoragePath(parts));
    }

    boolean startsWith(StoragePath prefix) {
        return components.size() >= prefix.components.size()
                && components.subList(0, prefix.components.size()).equals(prefix.components);
    }

    int depth() {
        return components.size();
    }

    @Override
    public String toString() {
        return "/" + String.join("/", components);
    }
}
