package io.migrationgatekeeper.security;

import io.migrationgatekeeper.problem.ApiException;
import io.migrationgatekeeper.problem.ProblemType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The authenticated caller of the current request. */
public final class Caller {

    private Caller() {}

    /** The token subject or the API key's name. */
    public static String name() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "anonymous" : auth.getName();
    }

    public static boolean may(Scope scope) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals(scope.authority()));
    }

    /**
     * An override the caller may not use is refused, never evaluated as if it were absent.
     *
     * @throws ApiException 403 override-refused
     */
    public static void requireOverride() {
        if (!may(Scope.OVERRIDE)) {
            throw new ApiException(ProblemType.OVERRIDE_REFUSED, "'" + name() + "' may not use an unsafe override:"
                    + " that needs the 'override' scope; remove the override or ask for the scope");
        }
    }
}
