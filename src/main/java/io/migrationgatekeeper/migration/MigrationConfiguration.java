package io.migrationgatekeeper.migration;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MigrationConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * PostgreSQL's driver waits for the network as long as the kernel does: bound connecting and every read, so a
     * database that stops answering costs a request seconds, not minutes (the pool's own connection-timeout bounds
     * the wait for a connection). Settings given in the URL or in Hikari's data-source-properties win.
     */
    @Bean
    static BeanPostProcessor postgresTimeouts() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
                        && pool.getJdbcUrl().startsWith("jdbc:postgresql:")) {
                    String url = pool.getJdbcUrl();
                    for (String[] setting : new String[][] {{"connectTimeout", "3"}, {"socketTimeout", "30"},
                            {"tcpKeepAlive", "true"}}) {
                        if (!url.contains(setting[0] + "=") && !pool.getDataSourceProperties().containsKey(setting[0])) {
                            pool.addDataSourceProperty(setting[0], setting[1]);
                        }
                    }
                }
                return bean;
            }
        };
    }
}
