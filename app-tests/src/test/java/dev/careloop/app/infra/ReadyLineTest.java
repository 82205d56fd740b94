package dev.careloop.app.infra;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadyLineTest {

    @Test
    void theLocalProfileSaysWhereCareLoopAnswersAndWhoToLogInAs() {
        String line = ReadyLine.line("8080", true, 12_345);

        assertThat(line).startsWith("CareLoop is ready at http://localhost:8080 ")
                .contains("after 12.3 s")
                .contains("northside-gp-staff, riverside-derm-staff, lakeside-cardio-staff, careloop-admin")
                .contains("README.md, \"Demo data\"")
                .doesNotContain("demo-secret");
    }

    @Test
    void withoutTheDemoIssuerNoLoginsAreNamed() {
        String line = ReadyLine.line("9090", false, 1_000);

        assertThat(line).startsWith("CareLoop is ready at http://localhost:9090 ").doesNotContain("demo logins");
    }
}
