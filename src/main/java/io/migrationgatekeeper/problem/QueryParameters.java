package io.migrationgatekeeper.problem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The query parameters a handler reads by hand (from the {@link jakarta.servlet.http.HttpServletRequest}), beyond
 * its {@code @RequestParam} ones: {@link StrictQueryParameters} refuses any other, and any of them given twice.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface QueryParameters {
    String[] value();
}
