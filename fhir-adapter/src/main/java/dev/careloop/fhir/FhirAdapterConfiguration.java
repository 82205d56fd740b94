package dev.careloop.fhir;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The FHIR adapter: mapping, delivery to partner EHRs and the /fhir facade. Imported when this process runs it. */
@Configuration(proxyBeanMethods = false)
@ComponentScan
public class FhirAdapterConfiguration {
}
