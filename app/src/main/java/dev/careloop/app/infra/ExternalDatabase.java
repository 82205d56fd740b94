package dev.careloop.app.infra;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;

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
                          @Value("${spring.datasource.hikari.maximum-pool-size:20}") int poolSize) {
        return pool("careloop", url, user, password, poolSize);
    }

    /** The connection pool CareLoop uses, whichever PostgreSQL it talks to. */
    static HikariDataSource pool(String name, String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }
}
