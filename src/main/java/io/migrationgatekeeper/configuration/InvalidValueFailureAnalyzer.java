package io.migrationgatekeeper.configuration;

import java.util.Arrays;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.convert.TypeDescriptor;

/**
 * A {@code gatekeeper.*} value that is none of its type's values ({@code enforcement: maybe}, a cache mode
 * {@code bogus}, {@code honour-drop-cache: yes}) in the service's own form, {@code Invalid configuration property
 * '<name>': '<value>' is not one of <valid values>}, instead of Spring's "No enum constant io.migrationgatekeeper…"
 * (a class name, and no word of which values are valid). Ordered before Spring Boot's own bind analyzer.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidValueFailureAnalyzer implements FailureAnalyzer {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        BindException bind = null;
        ConversionFailedException conversion = null;
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof BindException b) {
                bind = b; // the innermost: the property itself, not the record that holds it
            }
            if (t instanceof ConversionFailedException c && choices(c.getTargetType()) != null) {
                conversion = c;
            }
        }
        if (bind == null || conversion == null || !bind.getName().toString().startsWith(StrictConfiguration.ROOT + ".")) {
            return null;
        }
        String name = bind.getName().toString();
        String value = String.valueOf(conversion.getValue());
        String valid = choices(conversion.getTargetType());
        return new FailureAnalysis("Invalid configuration property '" + name + "': '" + value + "' is not one of "
                + valid, "Correct '" + name + "'" + where(bind.getProperty())
                + " (see the README's configuration reference) and start again.", bind);
    }

    /** The values configuration may write, or null when the type is not a closed set. */
    static String choices(TypeDescriptor type) {
        if (type == null) {
            return null;
        }
        Class<?> raw = type.getType();
        if ((raw.isArray() || java.util.Collection.class.isAssignableFrom(raw)) && type.getElementTypeDescriptor() != null) {
            raw = type.getElementTypeDescriptor().getType();
        }
        if (raw.isEnum()) {
            // Spring binds enums leniently: NONE, none and None, DIRECT_SYNC and direct-sync are the same value.
            return String.join(", ", Arrays.stream(raw.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true, false";
        }
        return null;
    }

    private static String where(ConfigurationProperty property) {
        return property == null || property.getOrigin() == null ? "" : " (set in " + property.getOrigin() + ")";
    }
}
