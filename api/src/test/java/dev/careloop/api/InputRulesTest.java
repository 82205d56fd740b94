package dev.careloop.api;

import dev.careloop.api.InputRules.Kind;
import dev.careloop.api.InputRules.Violation;
import dev.careloop.api.referral.SendOutcome;
import dev.careloop.api.referral.SendReferral;
import dev.careloop.api.referral.Priority;
import dev.careloop.api.audit.AuditTrailRead;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputRulesTest {

    private static final String UUID = "3f2b8c1e-6c1a-4d8e-9f3a-0b1c2d3e4f50";

    @Test
    void nulAnywhereIsRefusedAndNamed() {
        assertThat(InputRules.problem("a\u0000b", Kind.TEXT)).isEqualTo("contains a control character (U+0000)");
        assertThat(InputRules.problem("a\u0000b", Kind.LINE)).isEqualTo("contains a control character (U+0000)");
        assertThat(InputRules.problem("a\u0000b", Kind.ID)).isEqualTo("contains a control character (U+0000)");
    }

    @Test
    void freeTextMayHoldTabsAndLineBreaksButOtherStringsMayNot() {
        assertThat(InputRules.problem("line one\r\nline two\tindented", Kind.TEXT)).isNull();
        assertThat(InputRules.problem("Room\n3", Kind.LINE)).isEqualTo("contains a control character (U+000A)");
        assertThat(InputRules.problem("a\u001bb", Kind.TEXT)).isEqualTo("contains a control character (U+001B)");
    }

    @Test
    void deleteAndC1ControlsAreRefused() {
        assertThat(InputRules.problem("a\u007fb", Kind.TEXT)).isEqualTo("contains a control character (U+007F)");
        assertThat(InputRules.problem("a\u0085b", Kind.TEXT)).isEqualTo("contains a control character (U+0085)");
        assertThat(InputRules.problem("a\u009fb", Kind.LINE)).isEqualTo("contains a control character (U+009F)");
    }

    @Test
    void unpairedSurrogatesAndNoncharactersAreRefused() {
        assertThat(InputRules.problem("a\ud800b", Kind.TEXT)).isEqualTo("contains an unpaired surrogate (U+D800)");
        assertThat(InputRules.problem("a\udc00", Kind.TEXT)).isEqualTo("contains an unpaired surrogate (U+DC00)");
        assertThat(InputRules.problem("a\uffffb", Kind.TEXT)).isEqualTo("contains a noncharacter (U+FFFF)");
        assertThat(InputRules.problem("a\ufffe", Kind.LINE)).isEqualTo("contains a noncharacter (U+FFFE)");
    }

    @Test
    void textInAnyLanguageAndEmojiIsAccepted() {
        assertThat(InputRules.problem("Zoë Ó Súilleabháin, 李小龍, Ελένη 🩺 — “itching”", Kind.TEXT)).isNull();
        assertThat(InputRules.problem("José Müller", Kind.LINE)).isNull();
    }

    @Test
    void idsAreShortAndFromASafeAlphabet() {
        assertThat(InputRules.problem(UUID, Kind.ID)).isNull();
        assertThat(InputRules.problem("northside-gp", Kind.ID)).isNull();
        assertThat(InputRules.problem("a".repeat(64), Kind.ID)).isNull();
        assertThat(InputRules.problem("a".repeat(65), Kind.ID)).isEqualTo("is longer than 64 characters");
        assertThat(InputRules.problem("a/b", Kind.ID)).startsWith("is not an id");
        assertThat(InputRules.problem("..", Kind.ID)).startsWith("is not an id");
        assertThat(InputRules.problem("x' OR 1=1", Kind.ID)).startsWith("is not an id");
    }

    @Test
    void lengthsAreCappedByKind() {
        assertThat(InputRules.problem("a".repeat(512), Kind.LINE)).isNull();
        assertThat(InputRules.problem("a".repeat(513), Kind.LINE)).isEqualTo("is longer than 512 characters");
        assertThat(InputRules.problem("a".repeat(20_001), Kind.TEXT)).isEqualTo("is longer than 20000 characters");
        assertThat(InputRules.problem("https://x.example/" + "a".repeat(2_100), Kind.URL))
                .isEqualTo("is longer than 2048 characters");
    }

    @Test
    void componentsAreJudgedByAnnotationOrName() {
        assertThat(InputRules.kindOf("referralId")).isEqualTo(Kind.ID);
        assertThat(InputRules.kindOf("recordIds")).isEqualTo(Kind.ID);
        assertThat(InputRules.kindOf("toOrganisation")).isEqualTo(Kind.ID);
        assertThat(InputRules.kindOf("baseUrl")).isEqualTo(Kind.URL);
        assertThat(InputRules.kindOf("service")).isEqualTo(Kind.LINE);
    }

    @Test
    void aCommandIsWalkedIntoItsNestedRecordsAndListsNamingEachField() {
        SendReferral command = new SendReferral(UUID, "REF-1", "riverside-derm",
                new Patient(UUID, "https://northside-gp.example/mrn", "MRN-1", "Alex\u0000Morgan",
                        LocalDate.of(1980, 4, 2)),
                Priority.ROUTINE, "Dermatology", "Changing lesion\nsince May", null, Instant.now());
        assertThat(InputRules.check(command))
                .containsExactly(new Violation("patient.name", "contains a control character (U+0000)"));

        SendOutcome outcome = new SendOutcome(UUID, "Benign naevus.\n\nNo follow-up.", List.of(UUID, "x".repeat(7000)));
        assertThat(InputRules.check(outcome))
                .containsExactly(new Violation("recordIds[1]", "is longer than 64 characters"));
    }

    @Test
    void mapsAreWalkedByKey() {
        AuditTrailRead read = new AuditTrailRead("officer", "northside-gp", false, "search",
                Map.of("patient", "a\u0001"), 0, Instant.now());
        assertThat(InputRules.check(read))
                .containsExactly(new Violation("query.patient", "contains a control character (U+0001)"));
    }

    @Test
    void instantsAndDatesOutsideFourDigitYearsAreRefused() {
        SendReferral command = new SendReferral(UUID, "REF-1", "riverside-derm",
                new Patient(UUID, "https://northside-gp.example/mrn", "MRN-1", "Alex Morgan",
                        LocalDate.of(-999_999_999, 1, 1)),
                Priority.ROUTINE, "Dermatology", "reason", null, Instant.parse("+999999999-12-31T23:59:59Z"));
        assertThat(InputRules.check(command)).extracting(Violation::field)
                .containsExactlyInAnyOrder("patient.birthDate", "slaDueAt");
    }

    @Test
    void aRequestBodyMayHoldLineBreaksInAnyStringButIdsStayIds() {
        record Body(String reason, String toOrganisation) {
        }
        assertThat(InputRules.checkRequest(new Body("line one\nline two", "riverside-derm"))).isEmpty();
        assertThat(InputRules.checkRequest(new Body("a\u0000", "x".repeat(65)))).extracting(Violation::field)
                .containsExactly("reason", "toOrganisation");
    }

    @Test
    void requireThrowsWithEveryViolation() {
        SendOutcome outcome = new SendOutcome("a\u0000", "report\u007f", List.of());
        assertThatThrownBy(() -> InputRules.require(outcome))
                .isInstanceOfSatisfying(InputRules.InvalidInput.class, e -> assertThat(e.violations())
                        .extracting(Violation::field).containsExactly("referralId", "report"));
        InputRules.require(new SendOutcome(UUID, "fine", List.of()));
    }
}
