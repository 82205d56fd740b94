package dev.careloop.query.privacy;

import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.RegexPatternTypeFilter;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ClinicalTextsTest {

    private final ClinicalTexts texts = new ClinicalTexts();

    @Test
    void everyMessageWithClinicalTextNamesItsPatientSoTheTextCanBeSealed() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new RegexPatternTypeFilter(Pattern.compile(".*")));
        List<Class<?>> withText = scanner.findCandidateComponents("dev.careloop.api").stream()
                .<Class<?>>map(c -> ClassUtils.resolveClassName(c.getBeanClassName(), getClass().getClassLoader()))
                .filter(Class::isRecord)
                .filter(type -> !AboutPatient.clinicalTextOf(type).isEmpty())
                .toList();

        assertThat(withText).as("events with clinical text").hasSizeGreaterThan(15)
                .allMatch(AboutPatient.class::isAssignableFrom);
    }

    @Test
    void namesTheClinicalTextOfEachEventTypeBySimpleName() {
        assertThat(texts.of("ReferralSent")).containsExactlyInAnyOrder("reason", "note");
        assertThat(texts.of("RecordAmended")).containsExactlyInAnyOrder("title", "description", "reason");
        assertThat(texts.of("ReferralAccepted")).isEmpty();
        assertThat(texts.of("NoSuchEvent")).isEmpty();
    }

    @Test
    void erasingDetailsReplacesOnlyTextThatIsThere() {
        ObjectNode details = JsonMapper.builder().build().createObjectNode().put("reason", "Changing mole")
                .putNull("note").put("service", "Dermatology");

        assertThat(texts.erase("ReferralSent", details)).isTrue();
        assertThat(details.toString())
                .isEqualTo("{\"reason\":\"" + ClinicalText.ERASED + "\",\"note\":null,\"service\":\"Dermatology\"}");
        assertThat(texts.erase("ReferralSent", details)).as("already erased").isFalse();
    }
}
