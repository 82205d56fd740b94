package dev.careloop.fhir.partner;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;
import java.util.Locale;

/**
 * Where CareLoop may send partners' changes and fetch their tokens ({@code careloop.fhir.partners.*}).
 *
 * @param allowHttp            plain http partner URLs (the local profile's WireMock partners); https only otherwise
 * @param allowedHosts         the hosts partner URLs may name ({@code ehr.example.org}, or {@code *.example.org}
 *                             for its subdomains); empty: any public host
 * @param allowPrivateNetworks partner URLs whose host is (or resolves to) a private, loopback, link-local,
 *                             unique-local, multicast or unspecified address; refused otherwise
 */
@ConfigurationProperties("careloop.fhir.partners")
public record PartnerNetworkSettings(
        @DefaultValue("false") boolean allowHttp,
        @DefaultValue List<String> allowedHosts,
        @DefaultValue("false") boolean allowPrivateNetworks) {

    public PartnerNetworkSettings {
        allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream()
                .filter(h -> h != null && !h.isBlank()).map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    }
}
