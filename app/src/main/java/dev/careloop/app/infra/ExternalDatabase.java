package dev.careloop.app.infra;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.careloop.plumbing.DriverSettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * With CARELOOP_DB_URL, the PostgreSQL server it names. Declared here rather than left to Boot's
 * auto-configuration: Axon's JDBC auto-configuration is conditional on a DataSource bean and is not
 * ordered after Boot's, so with an auto-configured one it backed off and there was no event store.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${spring.datasource.url:}'.isEmpty()")
class ExternalDatabase {

    @Bean(destroyMethod = "close")
    DataSource dataSource(@Value("${spring.datasource.url}") String url,
                          @Value("${spring.datasource.username:postgres}") String user,
                          @Value("${spring.datasource.password:}") String password,
                          @Value("${spring.datasource.hikari.maximum-pool-size:20}") int poolSize,
                          @Value("${spring.datasource.hikari.connection-timeout:PT5S}") Duration connectionTimeout) {
        return pool("careloop", url, user, password, poolSize, connectionTimeout);
    }

    /** The connection pool CareLoop uses, whichever PostgreSQL it talks to. */
    static HikariDataSource pool(String name, String url, String user, String password, int poolSize,
                                 Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(name);
        // Not Hikari's 30 s: a request that cannot get a connection soon is answered 503 with Retry-After.
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setDataSourceProperties(DriverSettings.properties());
        return new HikariDataSource(config);
    }
}
