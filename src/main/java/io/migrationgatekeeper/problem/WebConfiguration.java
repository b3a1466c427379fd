package io.migrationgatekeeper.problem;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The cross-cutting rules of this service's HTTP input. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new StrictQueryParameters());
    }

    /**
     * A body that stalls holds a request thread (a platform thread on Java 17) for as long as Tomcat waits for its
     * next bytes: by default the connection timeout, 20 s or more. Reading a body gets its own, short timeout; the
     * wait for a request's first line and for keep-alive stays as configured.
     */
    @Bean
    TomcatConnectorCustomizer bodyReadTimeout(HttpProperties properties) {
        return connector -> {
            connector.setProperty("disableUploadTimeout", "false");
            connector.setProperty("connectionUploadTimeout", String.valueOf(properties.bodyReadTimeout().toMillis()));
        };
    }
}
