package dev.careloop.api.privacy;

import dev.careloop.api.Patient;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class PatientRekeyedTest {

    private final PatientRekeyed rekeyed = new PatientRekeyed("ref-1", "old-id", "new-id");

    @Test
    void thePatientKeepsTheirIdentityUnderTheNewId() {
        Patient before = new Patient("old-id", "https://northside-gp.example/mrn", "NG-1", "Alex Morgan",
                LocalDate.of(1970, 1, 2));

        assertThat(rekeyed.applyTo(before)).isEqualTo(new Patient("new-id", "https://northside-gp.example/mrn",
                "NG-1", "Alex Morgan", LocalDate.of(1970, 1, 2)));
    }

    @Test
    void anErasedPatientStaysErasedUnderTheNewId() {
        assertThat(rekeyed.applyTo(Patient.erased("old-id"))).isEqualTo(Patient.erased("new-id"));
    }

    @Test
    void anotherPatientIsLeftAlone() {
        Patient other = new Patient("other-id", "s", "v", "n", null);
        assertThat(rekeyed.applyTo(other)).isSameAs(other);
        assertThat(rekeyed.applyTo("other-id")).isEqualTo("other-id");
        assertThat(rekeyed.applyTo("old-id")).isEqualTo("new-id");
    }
}
