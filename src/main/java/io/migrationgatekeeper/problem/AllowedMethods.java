package io.migrationgatekeeper.problem;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code Allow} header of a 405: the methods a path really answers. Spring MVC answers HEAD wherever it answers
 * GET, and OPTIONS everywhere; the servlet container's own list (every method {@code HttpServlet} implements)
 * would name PUT and DELETE on paths that refuse them.
 */
public final class AllowedMethods {

    private static final List<String> ORDER = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private AllowedMethods() {}

    /** @param mapped the methods the path's handlers are mapped to */
    public static String header(Collection<String> mapped) {
        return ORDER.stream().filter(m -> mapped.contains(m) || (m.equals("HEAD") && mapped.contains("GET"))
                || m.equals("OPTIONS")).collect(Collectors.joining(", "));
    }

    public static String detail(String method, String path, String allow) {
        return "method " + method + " is not allowed on " + path + "; allowed: " + allow;
    }
}
