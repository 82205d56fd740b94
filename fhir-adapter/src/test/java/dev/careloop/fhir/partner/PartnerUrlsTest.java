package dev.careloop.fhir.partner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which partner URLs CareLoop may call, outside the local profile and in it. */
class PartnerUrlsTest {

    private static final PartnerUrls STRICT = new PartnerUrls(new PartnerNetworkSettings(false, List.of(), false));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://127.0.0.1/fhir", "https://localhost:8443/fhir", "https://10.0.0.1/fhir",
            "https://172.16.4.2/fhir", "https://192.168.1.10/fhir", "https://169.254.169.254/latest/meta-data",
            "https://[::1]/fhir", "https://[fd12:3456::1]/fhir", "https://[fe80::1]/fhir", "https://0.0.0.0/fhir",
            "https://224.0.0.1/fhir", "https://100.64.0.7/fhir", "https://[::ffff:10.0.0.1]/fhir",
            "https://255.255.255.255/fhir", "https://2130706433/fhir"})
    void privateLoopbackLinkLocalAndSuchAddressesAreRefused(String url) {
        assertThat(STRICT.refusal(url)).hasValueSatisfying(why -> assertThat(why)
                .contains("not a public address").contains("allow-private-networks"));
    }

    @Test
    void plainHttpIsRefusedUnlessAllowed() {
        PartnerUrls local = new PartnerUrls(new PartnerNetworkSettings(true, List.of(), true));

        assertThat(STRICT.refusal("http://93.184.215.14/fhir")).hasValueSatisfying(why -> assertThat(why)
                .contains("https").contains("allow-http"));
        assertThat(local.refusal("http://localhost:8089/fhir")).isEmpty();
    }

    @Test
    void aPublicAddressOverHttpsIsAccepted() {
        assertThat(STRICT.refusal("https://93.184.215.14/fhir")).isEmpty();
    }

    @Test
    void withAnAllowlistOnlyItsHostsAndSubdomainsAreAccepted() {
        PartnerUrls listed = new PartnerUrls(new PartnerNetworkSettings(false,
                List.of("ehr.riverside.example", "*.lakeside.example"), true));

        assertThat(listed.refusal("https://ehr.riverside.example/fhir")).isEmpty();
        assertThat(listed.refusal("https://EHR.Riverside.Example/fhir")).isEmpty();
        assertThat(listed.refusal("https://fhir.lakeside.example/r4")).isEmpty();
        assertThat(listed.refusal("https://evil.example/fhir")).hasValueSatisfying(why -> assertThat(why)
                .contains("evil.example").contains("allowed-hosts"));
        assertThat(listed.refusal("https://ehr.riverside.example.evil.example/fhir")).isPresent();
        assertThat(listed.refusal("https://lakeside.example.evil/fhir")).isPresent();
    }

    @Test
    void aHostThatDoesNotResolveIsRefusedWhenAddressesAreChecked() {
        assertThat(STRICT.refusal("https://no-such-host.invalid/fhir")).hasValueSatisfying(why ->
                assertThat(why).contains("could not be resolved"));
    }
}
