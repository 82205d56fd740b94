package dev.careloop.fhir.facade;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Diagnostics that name CareLoop's insides are replaced by what they mean; plain ones are kept. */
class UserLevelOutcomesTest {

    @Test
    void plainDiagnosticsAreKept() {
        String plain = "Bundle.entry[1].resource.owner: unknown organisation 'nowhere-clinic'";

        assertThat(UserLevelOutcomes.diagnostics(422, plain)).isEqualTo(plain);
        assertThat(UserLevelOutcomes.diagnostics(403, "this token may not write Task resources (that needs the "
                + "scope system/Task.write)")).contains("system/Task.write");
    }

    @Test
    void javaNamesAndParserInternalsAreReplaced() {
        assertThat(UserLevelOutcomes.diagnostics(400, "HAPI-0450: Failed to parse request body as JSON resource. "
                + "Error was: HAPI-1861: Failed to parse JSON encoded FHIR content: Unexpected character "
                + "at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)]"))
                .isEqualTo("the body could not be parsed as FHIR JSON or XML");
        assertThat(UserLevelOutcomes.diagnostics(400, "java.lang.IllegalArgumentException: bad"))
                .doesNotContain("java.").doesNotContain("Exception");
        assertThat(UserLevelOutcomes.diagnostics(422, "dev.careloop.fhir.inbound.TaskUpdates failed"))
                .isEqualTo("the content is not valid FHIR R4 for this interaction");
        assertThat(UserLevelOutcomes.diagnostics(404, "ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException"))
                .isEqualTo("not found");
    }
}
