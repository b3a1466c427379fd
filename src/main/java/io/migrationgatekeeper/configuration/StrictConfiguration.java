package io.migrationgatekeeper.configuration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * Every {@code gatekeeper.*} property set anywhere (YAML, properties, command line, environment) must be one the
 * service binds: a misspelt key would otherwise be ignored and its default would silently apply
 * ({@code allow-unsafe-overide: false} leaving overrides allowed). Runs before any bean is created, and names the
 * key, where it was set, and the nearest known key. The known keys come from the {@code @ConfigurationProperties}
 * beans themselves, so a property added to a record is known without touching this class.
 *
 * <p>Durations must carry a unit: Spring reads a bare {@code 30} as 30 milliseconds, which is never what an
 * operator writing {@code call-timeout: 30} meant.
 */
@Component
class StrictConfiguration implements BeanFactoryPostProcessor, EnvironmentAware {

    static final String ROOT = "gatekeeper";
    private static final String OWN_PACKAGE = "io.migrationgatekeeper.";
    private static final Pattern BARE_NUMBER = Pattern.compile("\\s*[-+]?\\d+(\\.\\d+)?\\s*");

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        check(known(beanFactory), environment);
    }

    /** The {@code @ConfigurationProperties} types under {@code gatekeeper}, by prefix, from the bean definitions. */
    static KnownProperties known(ConfigurableListableBeanFactory beanFactory) {
        Map<String, Class<?>> types = new LinkedHashMap<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            // Only the service's own types bind under gatekeeper.*. Looking at the type first spares the annotation
            // search on the other ~500 beans: in Spring AOT mode nothing has read their annotations yet, and that
            // search was 5% of the main thread's start-up (README "Performance").
            Class<?> type = beanFactory.getType(name, false);
            if (type == null || !ClassUtils.getUserClass(type).getName().startsWith(OWN_PACKAGE)) {
                continue;
            }
            ConfigurationProperties annotation = beanFactory.findAnnotationOnBean(name, ConfigurationProperties.class, false);
            if (annotation == null) {
                continue;
            }
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            if (prefix.equals(ROOT) || prefix.startsWith(ROOT + ".")) {
                types.put(prefix, ClassUtils.getUserClass(type));
            }
        }
        return KnownProperties.of(ROOT, types);
    }

    /** @throws InvalidConfigurationException naming the first offending key, with every other one in the message */
    static void check(KnownProperties known, Environment environment) {
        ConfigurationPropertyName root = ConfigurationPropertyName.of(ROOT);
        List<Problem> problems = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            boolean fromEnvironment = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
            if (!fromEnvironment && source.getUnderlyingSource() instanceof EnumerablePropertySource<?> enumerable) {
                for (String original : enumerable.getPropertyNames()) {
                    alteredHostName(original).ifPresent(problems::add);
                }
            }
            iterable.stream().filter(name -> root.equals(name) || root.isAncestorOf(name)).forEach(name -> {
                KnownProperties.Match match = known.match(name, fromEnvironment);
                ConfigurationProperty property = source.getConfigurationProperty(name);
                String where = where(source, property);
                if (!match.known()) {
                    problems.add(new Problem(name.toString(), "unknown property" + where + "; did you mean '"
                            + known.nearest(name) + "'?" + (name.toString().startsWith(HOSTS) ? DOTS : "")));
                } else if (KnownProperties.isDuration(match.node()) && property != null && property.getValue() != null
                        && BARE_NUMBER.matcher(property.getValue().toString()).matches()) {
                    problems.add(new Problem(name.toString(), "'" + property.getValue() + "'" + where
                            + " has no unit; write the unit, e.g. " + property.getValue().toString().strip()
                            + "s or " + property.getValue().toString().strip() + "ms (ms, s, m, h, d)"));
                }
            });
        }
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(problems.get(0).message());
        for (Problem other : problems.subList(1, problems.size())) {
            message.append("\n  and '").append(other.property()).append("': ").append(other.message());
        }
        throw new InvalidConfigurationException(problems.get(0).property(), message.toString());
    }

    private record Problem(String property, String message) {}

    private static final String HOSTS = ROOT + ".hosts.";
    private static final String DOTS = " (a host name with dots is a bracket key: gatekeeper.hosts[kvm-x3.example.com].uri,"
            + " in YAML \"[kvm-x3.example.com]\":)";

    /**
     * A host name written as a plain key ({@code gatekeeper.hosts.bad host.uri}) loses every character a property name
     * cannot carry before anything binds it: the service would run a host {@code badhost} that nobody configured.
     * The original names are only in the property source, not in the adapted {@link ConfigurationPropertyName}.
     */
    private static java.util.Optional<Problem> alteredHostName(String original) {
        if (!original.regionMatches(true, 0, HOSTS, 0, HOSTS.length())) {
            return java.util.Optional.empty();
        }
        int end = HOSTS.length();
        while (end < original.length() && original.charAt(end) != '.' && original.charAt(end) != '[') {
            end++;
        }
        String written = original.substring(HOSTS.length(), end);
        if (written.isEmpty()) {
            return java.util.Optional.empty(); // gatekeeper.hosts.[name]: a bracket key keeps the name as written
        }
        ConfigurationPropertyName adapted = ConfigurationPropertyName.adapt(original, '.');
        String read = adapted.getNumberOfElements() > 2 ? adapted.getElement(2, ConfigurationPropertyName.Form.ORIGINAL) : "";
        if (written.equals(read)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Problem(original, "the host name '" + written + "' would be read as '" + read
                + "': a host name is letters, digits, '-', '_' and '.', and one that is not a plain key is written in"
                + " brackets, gatekeeper.hosts[kvm-x3.example.com].uri (in YAML \"[kvm-x3.example.com]\":)"));
    }

    private static String where(ConfigurationPropertySource source, ConfigurationProperty property) {
        Origin origin = property == null ? null : property.getOrigin();
        if (origin instanceof PropertySourceOrigin inSource) {
            // A file's line and column where the source knows them, else the source's name.
            origin = inSource.getOrigin();
            if (origin == null) {
                return " (set in " + inSource.getPropertySource().getName() + ")";
            }
        }
        if (origin != null) {
            return " (set in " + origin + ")";
        }
        Object underlying = source.getUnderlyingSource();
        return underlying instanceof org.springframework.core.env.PropertySource<?> ps ? " (set in " + ps.getName() + ")" : "";
    }
}
