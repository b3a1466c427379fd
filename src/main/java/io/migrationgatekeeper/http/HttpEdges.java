package io.migrationgatekeeper.http;

import java.util.List;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Tomcat's error page and the API's content negotiation, so every answer of the API is JSON or problem+json. */
@Configuration(proxyBeanMethods = false)
class HttpEdges implements WebMvcConfigurer {

    /** Replaces Tomcat's HTML error report (and Spring Boot's plain one) on the host with the problem valve. */
    @Bean
    ProblemErrorReports problemErrorReports() {
        return new ProblemErrorReports();
    }

    /** Runs after Spring Boot's own customizer, which adds a plain ErrorReportValve to the host. */
    static final class ProblemErrorReports implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

            @Override
            public void customize(TomcatServletWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    StandardHost host = (StandardHost) context.getParent();
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve && !(valve instanceof ProblemErrorReportValve)) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                });
            }

            @Override
            public int getOrder() {
                return Ordered.LOWEST_PRECEDENCE;
            }
    }

    /**
     * The API has one representation, JSON (problem+json for errors), so for {@code /v1/**} {@code Accept} is not
     * negotiated (RFC 9110 lets a server disregard it): {@code Accept: text/html} must not turn a 404 or a 400
     * into a 406. Elsewhere (actuator: Prometheus or OpenMetrics text) the header decides as usual.
     */
    @Override
    public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
        ContentNegotiationStrategy api = request -> isApi(request)
                ? List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                : ContentNegotiationStrategy.MEDIA_TYPE_ALL_LIST;
        configurer.strategies(List.of(api, new HeaderContentNegotiationStrategy()));
    }

    private static boolean isApi(NativeWebRequest request) {
        Object native_ = request.getNativeRequest();
        if (native_ instanceof jakarta.servlet.http.HttpServletRequest http) {
            String path = http.getRequestURI();
            return path != null && (path.startsWith("/v1/") || path.equals("/error"));
        }
        return false;
    }
}
