package io.migrationgatekeeper.problem;

/**
 * A JSON string written by hand, with Jackson's default escapes (quote, backslash, and the control characters below
 * U+0020, the common ones as {@code \n}-style escapes): for the few places that write JSON without a mapper, Tomcat's
 * error valve (which Tomcat creates by class name) and the decision log line (where the mapper cost as much as the
 * rule). {@code DecisionLogTest} holds the output to Jackson's for every UTF-16 code unit.
 */
public final class JsonString {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonString() {}

    /** Appends {@code value} to {@code out} as a quoted JSON string. */
    public static StringBuilder append(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
