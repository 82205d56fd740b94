package dev.careloop.query;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The query side: projections, query handlers and the REST read API. Imported when this process runs it. */
@Configuration(proxyBeanMethods = false)
@ComponentScan
public class QuerySideConfiguration {
}
