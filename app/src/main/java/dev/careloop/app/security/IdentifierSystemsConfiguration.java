package dev.careloop.app.security;

import dev.careloop.api.PatientIdentifierSystems;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each organisation's own patient identifier systems, from {@code careloop.organisations.<org>.identifier-systems}
 * (a list, or one comma-separated string): the REST write API and the FHIR facade's inbound referrals refuse a
 * patient named in any other system.
 */
@Configuration(proxyBeanMethods = false)
class IdentifierSystemsConfiguration {

    /** The part of an organisation's settings this reads; other settings of the organisation are left alone. */
    record OrganisationSettings(List<String> identifierSystems) {
    }

    @Bean
    PatientIdentifierSystems patientIdentifierSystems(Environment environment) {
        Map<String, OrganisationSettings> organisations = Binder.get(environment)
                .bind("careloop.organisations", Bindable.mapOf(String.class, OrganisationSettings.class))
                .orElse(Map.of());
        Map<String, Set<String>> systems = new TreeMap<>();
        organisations.forEach((organisation, settings) -> systems.put(organisation,
                settings.identifierSystems() == null ? Set.of() : new HashSet<>(settings.identifierSystems())));
        return new PatientIdentifierSystems(systems);
    }
}
