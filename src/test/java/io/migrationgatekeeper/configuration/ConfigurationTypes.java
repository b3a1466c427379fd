package io.migrationgatekeeper.configuration;

import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/** The application's {@code @ConfigurationProperties} types, found on the class path as Spring's scan finds them. */
final class ConfigurationTypes {

    private ConfigurationTypes() {}

    static KnownProperties known() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Map<String, Class<?>> types = new TreeMap<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.migrationgatekeeper")) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), null);
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            types.put(annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix(), type);
        }
        return KnownProperties.of(StrictConfiguration.ROOT, types);
    }
}
