package dev.careloop.query.rebuild;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * The read-model rebuild and its administration API. Imported by the application whichever sides it runs (a
 * process running only the FHIR adapter rebuilds its search index too), so left out of the query side's own scan.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan
public class ReadModelRebuildConfiguration {
}
