package dev.careloop.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatientIdsTest {

    private static final String MRN = "https://northside-gp.example/mrn";
    private static final PatientIds ONE = new PatientIds(secret("one"));
    private static final PatientIds OTHER = new PatientIds(secret("other"));

    @Test
    void theSameIdentifierAlwaysGetsTheSameIdUnderOneSecret() {
        assertThat(ONE.idFor(MRN, "NG-1001")).isEqualTo(new PatientIds(secret("one")).idFor(MRN, "NG-1001"));
        assertThat(ONE.idFor(" " + MRN + " ", " NG-1001\t")).as("trimmed, as identifiers are compared everywhere")
                .isEqualTo(ONE.idFor(MRN, "NG-1001"));
    }

    @Test
    void anotherSecretGivesAnotherId() {
        assertThat(ONE.idFor(MRN, "NG-1001")).isNotEqualTo(OTHER.idFor(MRN, "NG-1001"));
    }

    @Test
    void theIdCannotBeComputedFromTheIdentifierAlone() {
        // What the id was before it was keyed: a name-based UUID of system|value, which anyone could compute.
        String unkeyed = UUID.nameUUIDFromBytes((MRN + "|NG-1001").getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(ONE.idFor(MRN, "NG-1001")).isNotEqualTo(unkeyed);
    }

    @Test
    void theUnkeyedIdIsTheFormerNameBasedUuidAndOnlyItLooksUnkeyed() {
        String unkeyed = PatientIds.unkeyedIdFor(" " + MRN, "NG-1001 ");
        assertThat(unkeyed).isEqualTo(UUID.nameUUIDFromBytes((MRN + "|NG-1001").getBytes(StandardCharsets.UTF_8))
                .toString());
        assertThat(PatientIds.looksUnkeyed(unkeyed)).isTrue();
        assertThat(PatientIds.looksUnkeyed(ONE.idFor(MRN, "NG-1001"))).isFalse();
        assertThat(PatientIds.looksUnkeyed("p-1")).isFalse();
        assertThat(PatientIds.looksUnkeyed(null)).isFalse();
    }

    @Test
    void differentIdentifiersGetDifferentIds() {
        assertThat(ONE.idFor(MRN, "NG-1001")).isNotEqualTo(ONE.idFor(MRN, "NG-1002"))
                .isNotEqualTo(ONE.idFor("https://riverside-derm.example/mrn", "NG-1001"));
    }

    @Test
    void theIdIsAVersion8UuidSoItParsesWhereverAPatientIdIsExpected() {
        String id = ONE.idFor(MRN, "NG-1001");
        UUID parsed = UUID.fromString(id);
        assertThat(parsed.toString()).isEqualTo(id);
        assertThat(parsed.version()).isEqualTo(8);
        assertThat(parsed.variant()).isEqualTo(2);
        assertThat(id).matches("[0-9a-f-]{36}");
    }

    @Test
    void thePatientCarriesTheKeyedIdAndTheTrimmedIdentifier() {
        Patient patient = ONE.patient(" " + MRN, "NG-1001 ", "Alex Morgan", null);
        assertThat(patient.patientId()).isEqualTo(ONE.idFor(MRN, "NG-1001"));
        assertThat(patient.identifierSystem()).isEqualTo(MRN);
        assertThat(patient.identifierValue()).isEqualTo("NG-1001");
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> new PatientIds(new byte[16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }

    private static byte[] secret(String seed) {
        return (seed + " patient-id secret of at least thirty-two bytes").getBytes(StandardCharsets.UTF_8);
    }
}
