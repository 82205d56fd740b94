package dev.careloop.query;

import dev.careloop.query.rebuild.ReadModelRebuildConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/**
 * The query side: projections, query handlers and the REST read API. Imported when this process runs it. The
 * read-model rebuild lives beside the read models but is imported on its own ({@link ReadModelRebuildConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX,
        pattern = "dev\\.careloop\\.query\\.rebuild\\..*"))
public class QuerySideConfiguration {
}
