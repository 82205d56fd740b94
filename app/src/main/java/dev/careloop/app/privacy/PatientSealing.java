package dev.careloop.app.privacy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.NopAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.careloop.api.AboutPatient;
import dev.careloop.api.ClinicalText;
import dev.careloop.api.Patient;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Optional;

/**
 * Seals a patient's identity wherever Axon serializes a {@link Patient}: in every event that names one (of any
 * type, now or later), in snapshots and in dead letters. Stored as {@code {"patientId": ..., "sealed": base64}}:
 * the pseudonymous platform id stays readable (read models and queries join on it), the identifier, name and
 * birth date are AES-256-GCM ciphertext under the patient's own key, bound to the patient id. Once the key is
 * destroyed the patient reads back as {@link Patient#erased}; events written before sealing existed stay as
 * they were (plain), and are counted by erasure.
 *
 * <p>Seals the {@link ClinicalText} of an event {@link AboutPatient} the same way, under the same key, stored as
 * {@code {"patientId": ..., "sealed": base64}} in place of the string: once the key is destroyed it reads back as
 * {@link ClinicalText#ERASED}. A string (text written before it was sealed, or of an event naming no patient)
 * reads back as it is.
 */
public final class PatientSealing extends SimpleModule {

    private static final String SEALED = "sealed";

    private final transient PatientKeys keys;

    public PatientSealing(PatientKeys keys) {
        super("careloop-patient-sealing");
        this.keys = keys;
        ObjectMapper plain = new ObjectMapper().findAndRegisterModules();
        addSerializer(Patient.class, new Sealer(keys, plain));
        addDeserializer(Patient.class, new Opener(keys, plain));
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.insertAnnotationIntrospector(new ClinicalTextSealing(new TextSealer(keys), new TextOpener(keys)));
    }

    /** What binds a sealed text to its patient, and keeps it from passing for the patient's sealed identity. */
    private static byte[] textBinding(String patientId) {
        return (patientId + "#clinical-text").getBytes(StandardCharsets.UTF_8);
    }

    /** The identity that is sealed: everything but the pseudonymous id. */
    private record Identity(String identifierSystem, String identifierValue, String name, LocalDate birthDate) {
    }

    private static final class Sealer extends JsonSerializer<Patient> {
        private final PatientKeys keys;
        private final ObjectMapper plain;

        Sealer(PatientKeys keys, ObjectMapper plain) {
            this.keys = keys;
            this.plain = plain;
        }

        @Override
        public void serialize(Patient patient, JsonGenerator out, SerializerProvider provider) throws IOException {
            Optional<SecretKey> key = patient.isErased() ? Optional.empty() : keys.keyForSealing(patient.patientId());
            Patient written = key.isEmpty() ? Patient.erased(patient.patientId()) : patient;
            out.writeStartObject();
            out.writeStringField("patientId", written.patientId());
            if (key.isPresent()) {
                byte[] identity = plain.writeValueAsBytes(new Identity(patient.identifierSystem(),
                        patient.identifierValue(), patient.name(), patient.birthDate()));
                out.writeStringField(SEALED, Base64.getEncoder().encodeToString(PatientKeys.Aes.seal(key.get(),
                        identity, patient.patientId().getBytes(StandardCharsets.UTF_8))));
            } else {
                // Erased: nothing left to seal; the placeholder says so in the clear.
                out.writeStringField("identifierSystem", written.identifierSystem());
                out.writeStringField("identifierValue", written.identifierValue());
                out.writeStringField("name", written.name());
            }
            out.writeEndObject();
        }
    }

    private static final class Opener extends JsonDeserializer<Patient> {
        private final PatientKeys keys;
        private final ObjectMapper plain;

        Opener(PatientKeys keys, ObjectMapper plain) {
            this.keys = keys;
            this.plain = plain;
        }

        @Override
        public Patient deserialize(JsonParser in, DeserializationContext context) throws IOException {
            ObjectNode node = in.readValueAsTree();
            String patientId = text(node, "patientId");
            if (!node.has(SEALED)) {
                // Written before sealing, or the erased placeholder.
                JsonNode birth = node.get("birthDate");
                return new Patient(patientId, text(node, "identifierSystem"), text(node, "identifierValue"),
                        text(node, "name"), birth == null || birth.isNull() ? null : LocalDate.parse(birth.asText()));
            }
            Optional<SecretKey> key = keys.key(patientId);
            if (key.isEmpty()) {
                return Patient.erased(patientId);
            }
            byte[] identity = PatientKeys.Aes.open(key.get(), Base64.getDecoder().decode(node.get(SEALED).asText()),
                    patientId.getBytes(StandardCharsets.UTF_8));
            Identity opened = plain.readValue(identity, Identity.class);
            return new Patient(patientId, opened.identifierSystem(), opened.identifierValue(), opened.name(),
                    opened.birthDate());
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }
    }

    /** Gives every property marked {@link ClinicalText} the text sealer and opener. */
    private static final class ClinicalTextSealing extends NopAnnotationIntrospector {
        private final TextSealer sealer;
        private final TextOpener opener;

        ClinicalTextSealing(TextSealer sealer, TextOpener opener) {
            this.sealer = sealer;
            this.opener = opener;
        }

        @Override
        public Object findSerializer(Annotated annotated) {
            return annotated.hasAnnotation(ClinicalText.class) ? sealer : null;
        }

        @Override
        public Object findDeserializer(Annotated annotated) {
            return annotated.hasAnnotation(ClinicalText.class) ? opener : null;
        }
    }

    private static final class TextSealer extends JsonSerializer<String> {
        private final PatientKeys keys;

        TextSealer(PatientKeys keys) {
            this.keys = keys;
        }

        @Override
        public void serialize(String text, JsonGenerator out, SerializerProvider provider) throws IOException {
            // The event whose property this is: it names the patient.
            String patientId = out.currentValue() instanceof AboutPatient about ? about.patientId() : null;
            if (patientId == null) {
                out.writeString(text);
                return;
            }
            Optional<SecretKey> key = keys.keyForSealing(patientId);
            if (key.isEmpty()) {
                // The patient was erased before this event was written: nothing of theirs is kept.
                out.writeString(ClinicalText.ERASED);
                return;
            }
            out.writeStartObject();
            out.writeStringField("patientId", patientId);
            out.writeStringField(SEALED, Base64.getEncoder().encodeToString(PatientKeys.Aes.seal(key.get(),
                    text.getBytes(StandardCharsets.UTF_8), textBinding(patientId))));
            out.writeEndObject();
        }
    }

    private static final class TextOpener extends JsonDeserializer<String> {
        private final PatientKeys keys;

        TextOpener(PatientKeys keys) {
            this.keys = keys;
        }

        @Override
        public String deserialize(JsonParser in, DeserializationContext context) throws IOException {
            if (in.currentToken() != JsonToken.START_OBJECT) {
                return in.getValueAsString();
            }
            JsonNode node = in.readValueAsTree();
            String patientId = node.path("patientId").asText();
            Optional<SecretKey> key = keys.key(patientId);
            if (key.isEmpty()) {
                return ClinicalText.ERASED;
            }
            return new String(PatientKeys.Aes.open(key.get(), Base64.getDecoder().decode(node.path(SEALED).asText()),
                    textBinding(patientId)), StandardCharsets.UTF_8);
        }
    }
}
