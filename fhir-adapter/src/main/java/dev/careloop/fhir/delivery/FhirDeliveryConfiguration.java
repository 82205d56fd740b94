package dev.careloop.fhir.delivery;

import dev.careloop.fhir.log.LoggedChanges;
import dev.careloop.fhir.partner.PartnerNetworkSettings;
import dev.careloop.fhir.partner.Partners;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * Delivery of FHIR changes to partner EHRs: the partner registry, one event processor per partner, dead letters
 * and their admin API. Needs a {@code ChangeProjector} bean and Axon's JDBC event store, token store and
 * dead-letter schema; imported by the process that runs the FHIR side.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = {FhirDeliveryConfiguration.class, Partners.class, LoggedChanges.class})
@EnableConfigurationProperties({DeliverySettings.class, PartnerNetworkSettings.class})
public class FhirDeliveryConfiguration {
}
