package io.migrationgatekeeper.problem;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.web.firewall.RequestRejectedException;

/**
 * What a caller hears when Spring Security's firewall refuses a request, before it is handled (in the filter chain)
 * or while it is (a header or parameter read for the first time by a controller, content negotiation or an actuator
 * endpoint): the same words either way. The firewall's own message quotes the refused header value, which may be
 * a credential ({@code Authorization: Bearer gk_…} with a control character appended), so values are never echoed;
 * header names are, in printable ASCII and bounded.
 */
public final class FirewallRefusal {

    /** Also what Tomcat's refusal of an undecodable query string is told as (no parameter can be read then). */
    public static final String UNDECODABLE_QUERY = "the query string is not valid percent-encoded UTF-8: each '%' must"
            + " be followed by two hexadecimal digits (send a literal '%' as %25)";

    private static final String NOT_ALLOWED = "contains a character that is not allowed (a control character or an"
            + " unassigned code point)";
    private static final Pattern HEADER_NAME =
            Pattern.compile("The request was rejected because the header name \".*\" is not allowed\\.", Pattern.DOTALL);
    // Reluctant: a header name has no quote or space, so the first '" has a value "' ends it; the value may imitate
    // the message to push part of itself into what is echoed.
    private static final Pattern HEADER_VALUE = Pattern.compile(
            "The request was rejected because the header: \"(.*?) \" has a value \".*\" that is not allowed\\.",
            Pattern.DOTALL);
    private static final Pattern PARAMETER = Pattern.compile(
            "The request was rejected because the parameter(?: name \".*\" is not allowed|: \".*\" has a value \".*\""
                    + " that is not allowed)\\.", Pattern.DOTALL);

    private FirewallRefusal() {}

    public static String detail(RequestRejectedException rejected) {
        String message = rejected.getMessage() == null ? "" : rejected.getMessage();
        if (HEADER_NAME.matcher(message).matches()) {
            return "the request was refused: a header name " + NOT_ALLOWED;
        }
        Matcher value = HEADER_VALUE.matcher(message);
        if (value.matches()) {
            return "the request was refused: the value of header '" + printable(value.group(1)) + "' " + NOT_ALLOWED;
        }
        if (PARAMETER.matcher(message).matches()) {
            return "the request was refused: a query parameter name " + NOT_ALLOWED;
        }
        // The URL's own refusals (encoded slashes, "..", a semicolon): the firewall quotes only the offending piece.
        return "the request was refused: " + printable(message);
    }

    private static String printable(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
        return shown.replaceAll("[^\\x20-\\x7e…]", "?");
    }
}
