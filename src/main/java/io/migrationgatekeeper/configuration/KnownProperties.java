package io.migrationgatekeeper.configuration;

import java.beans.PropertyDescriptor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;

/**
 * The property names the service binds, derived from its {@code @ConfigurationProperties} types rather than
 * listed by hand, so a property someone adds to a record is known at once. Maps of records
 * ({@code gatekeeper.hosts.<name>.*}) and lists of records ({@code gatekeeper.policy.filesystems[i].*}) are
 * followed into their element type; maps of plain values ({@code labels}) accept any key.
 */
final class KnownProperties {

    /** What may follow a name in the tree. */
    enum Kind {
        /** A record or JavaBean: named children. */
        GROUP,
        /** {@code Map<String, record>}: any one key, then the record's children. */
        MAP,
        /** {@code List<record>}: a numeric index, then the record's children. */
        LIST,
        /** A plain value: nothing below it. */
        VALUE,
        /** {@code List<plain value>}: itself (comma-separated) or {@code [i]}. */
        VALUE_LIST,
        /** {@code Map<String, plain value>}: anything below it. */
        VALUE_MAP
    }

    /**
     * One name in the tree.
     *
     * @param type the Java type of a value, of a list's element, or of a map's value
     */
    record Node(String name, Kind kind, Class<?> type, Map<String, Node> children, Node element) {

        /** The child whose name is {@code uniform} in Spring's uniform form (lower case, letters and digits). */
        Optional<Node> child(String uniform) {
            return children.values().stream().filter(c -> uniform(c.name()).equals(uniform)).findFirst();
        }
    }

    private final Node root;

    private KnownProperties(Node root) {
        this.root = root;
    }

    /** @param types each {@code @ConfigurationProperties} type under its prefix, e.g. {@code gatekeeper.policy} */
    static KnownProperties of(String rootName, Map<String, Class<?>> types) {
        Map<String, Node> top = new LinkedHashMap<>();
        types.forEach((prefix, type) -> {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(prefix);
            if (!name.getElement(0, Form.DASHED).equals(rootName)) {
                return;
            }
            Map<String, Node> children = top;
            for (int i = 1; i < name.getNumberOfElements(); i++) {
                String element = name.getElement(i, Form.DASHED);
                Node group = children.computeIfAbsent(element,
                        e -> new Node(e, Kind.GROUP, Object.class, new LinkedHashMap<>(), null));
                children = group.children();
            }
            children.putAll(bean(type, new ArrayList<>()).children());
        });
        return new KnownProperties(new Node(rootName, Kind.GROUP, Object.class, top, null));
    }

    Node root() {
        return root;
    }

    /** Every name a tree path can take, with {@code <name>} for a map key and {@code [0]} for an index. */
    List<String> leaves() {
        List<String> names = new ArrayList<>();
        leaves(root, root.name(), names);
        return names;
    }

    private static void leaves(Node node, String path, List<String> names) {
        switch (node.kind()) {
            case GROUP -> {
                if (node.children().isEmpty()) {
                    names.add(path);
                }
                node.children().values().forEach(c -> leaves(c, path + "." + c.name(), names));
            }
            case MAP -> leaves(node.element(), path + ".<name>", names);
            case LIST -> leaves(node.element(), path + "[0]", names);
            case VALUE, VALUE_LIST -> names.add(path);
            case VALUE_MAP -> names.add(path + ".<key>");
        }
    }

    /** What a name from a property source turned out to be. */
    record Match(Node node, int unknownAt) {

        boolean known() {
            return unknownAt < 0;
        }
    }

    /**
     * Walks {@code name} down the tree.
     *
     * @param environment the name comes from environment variables, where {@code _} separates both the
     *                    elements of a name and the words of a dashed element ({@code ALLOW_UNSAFE_OVERRIDE})
     */
    Match match(ConfigurationPropertyName name, boolean environment) {
        if (name.getNumberOfElements() == 0 || !uniform(name.getElement(0, Form.UNIFORM)).equals(uniform(root.name()))) {
            return new Match(null, 0);
        }
        return match(root, name, 1, environment);
    }

    private static Match match(Node node, ConfigurationPropertyName name, int at, boolean environment) {
        if (at == name.getNumberOfElements()) {
            return new Match(node, -1);
        }
        switch (node.kind()) {
            case GROUP -> {
                StringBuilder joined = new StringBuilder();
                int last = environment ? name.getNumberOfElements() : at + 1;
                for (int end = at; end < last; end++) {
                    if (name.isNumericIndex(end) && end > at) {
                        break;
                    }
                    joined.append(name.getElement(end, Form.UNIFORM));
                    Optional<Node> child = node.child(joined.toString());
                    if (child.isPresent()) {
                        Match match = match(child.get(), name, end + 1, environment);
                        if (match.known() || !environment) {
                            return match;
                        }
                    }
                }
                return new Match(node, at);
            }
            case MAP -> {
                return match(node.element(), name, at + 1, environment);
            }
            case LIST -> {
                return name.isNumericIndex(at) ? match(node.element(), name, at + 1, environment) : new Match(node, at);
            }
            case VALUE_LIST -> {
                return name.isNumericIndex(at) && at == name.getNumberOfElements() - 1
                        ? new Match(node, -1) : new Match(node, at);
            }
            case VALUE_MAP -> {
                return new Match(node, -1);
            }
            default -> {
                return new Match(node, at);
            }
        }
    }

    /**
     * The known name nearest to {@code name} (Levenshtein distance over the whole dotted name), with the
     * caller's own map keys and indexes kept where the known name has a placeholder.
     */
    String nearest(ConfigurationPropertyName name) {
        String given = name.toString();
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : instantiate(name)) {
            int distance = levenshtein(given, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private List<String> instantiate(ConfigurationPropertyName name) {
        List<String> candidates = new ArrayList<>();
        instantiate(root, name, 1, root.name(), candidates);
        return candidates;
    }

    private static void instantiate(Node node, ConfigurationPropertyName name, int at, String path, List<String> out) {
        boolean given = at < name.getNumberOfElements();
        switch (node.kind()) {
            case GROUP -> {
                if (node.children().isEmpty()) {
                    out.add(path);
                }
                node.children().values().forEach(c -> instantiate(c, name, at + 1, path + "." + c.name(), out));
            }
            case MAP -> {
                String key = given ? name.getElement(at, Form.ORIGINAL) : "<name>";
                boolean indexed = given && name.chop(at + 1).isLastElementIndexed();
                instantiate(node.element(), name, at + 1, path + (indexed ? "[" + key + "]" : "." + key), out);
            }
            case LIST -> {
                String index = given && name.isNumericIndex(at) ? name.getElement(at, Form.ORIGINAL) : "0";
                instantiate(node.element(), name, at + 1, path + "[" + index + "]", out);
            }
            case VALUE, VALUE_LIST -> out.add(path);
            case VALUE_MAP -> out.add(path + "." + (given ? name.getElement(at, Form.ORIGINAL) : "<key>"));
        }
    }

    static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    static String uniform(String element) {
        StringBuilder out = new StringBuilder();
        for (char c : element.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    // --- building the tree from Java types

    private static Node bean(Class<?> type, List<Class<?>> seen) {
        if (seen.contains(type)) {
            throw new IllegalStateException("configuration type " + type.getName() + " contains itself");
        }
        List<Class<?>> path = new ArrayList<>(seen);
        path.add(type);
        Map<String, Node> children = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                String name = dashed(component.getName());
                children.put(name, node(name, component.getGenericType(), path));
            }
        } else {
            for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
                if (property.getWriteMethod() != null || isBean(property.getPropertyType())) {
                    String name = dashed(property.getName());
                    children.put(name, node(name, property.getReadMethod() != null
                            ? property.getReadMethod().getGenericReturnType() : property.getPropertyType(), path));
                }
            }
        }
        return new Node(type.getSimpleName(), Kind.GROUP, type, Collections.unmodifiableMap(children), null);
    }

    private static Node node(String name, Type generic, List<Class<?>> seen) {
        Class<?> raw = raw(generic);
        if (Map.class.isAssignableFrom(raw)) {
            Class<?> value = raw(argument(generic, 1));
            return isBean(value)
                    ? new Node(name, Kind.MAP, value, Map.of(), bean(value, seen))
                    : new Node(name, Kind.VALUE_MAP, value, Map.of(), null);
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            Class<?> element = raw.isArray() ? raw.getComponentType() : raw(argument(generic, 0));
            return isBean(element)
                    ? new Node(name, Kind.LIST, element, Map.of(), bean(element, seen))
                    : new Node(name, Kind.VALUE_LIST, element, Map.of(), null);
        }
        if (isBean(raw)) {
            Node bean = bean(raw, seen);
            return new Node(name, Kind.GROUP, raw, bean.children(), null);
        }
        return new Node(name, Kind.VALUE, raw, Map.of(), null);
    }

    /** Records and JavaBeans of this application are groups of properties; everything else is a value. */
    private static boolean isBean(Class<?> type) {
        return !type.isEnum() && !type.isPrimitive() && type.getPackageName().startsWith("io.migrationgatekeeper")
                && (type.isRecord() || BeanUtils.getPropertyDescriptors(type).length > 1);
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > index
                ? p.getActualTypeArguments()[index] : Object.class;
    }

    private static String dashed(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    static boolean isDuration(Node node) {
        return node.kind() == Kind.VALUE && node.type() == Duration.class;
    }
}
