package dev.careloop.app;

import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local profile's three demo clinics as an HTTP test meets them: Northside GP refers, Riverside Dermatology and
 * Lakeside Cardiology receive. One line gives a test class its clients ({@code DemoClinics.at(port)}), fresh patients
 * and a checked {@link #sendReferral}.
 * <p>
 * Clients are kept per application (its port and its issuer's signing key, so that a port another context had
 * before never hands out a stranger's token) and client id while their token is good (an hour; kept 50 minutes
 * here): every token the local issuer hands out costs it a bcrypt of the client secret, which a @BeforeEach paid
 * three times per test. A test that revokes, introspects or counts tokens takes fresh ones with
 * {@link CareLoopClient#as} instead.
 */
public final class DemoClinics {

    public static final String GP = "northside-gp";
    public static final String DERM = "riverside-derm";
    public static final String CARDIO = "lakeside-cardio";
    /** Northside's own MRNs: the identifier system of {@link CareLoopClient#referralTo} and of {@link #newPatient}. */
    public static final String GP_MRN_SYSTEM = "https://northside-gp.example/mrn";
    public static final String CARDIO_MRN_SYSTEM = "https://lakeside-cardio.example/mrn";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KEEP_TOKEN = Duration.ofMinutes(50);
    private static final Map<String, Kept> CLIENTS = new ConcurrentHashMap<>();

    private record Kept(CareLoopClient client, Instant fetched) {
    }

    private final int port;
    private String application;

    private DemoClinics(int port) {
        this.port = port;
    }

    /** The clinics of the application listening on {@code port} (a test's {@code @LocalServerPort}). */
    public static DemoClinics at(int port) {
        return new DemoClinics(port);
    }

    /** Northside GP's staff (the referring clinic). */
    public CareLoopClient gp() {
        return staff(GP);
    }

    /** Riverside Dermatology's staff (a receiving clinic). */
    public CareLoopClient derm() {
        return staff(DERM);
    }

    /** Lakeside Cardiology's staff (the other receiving clinic). */
    public CareLoopClient cardio() {
        return staff(CARDIO);
    }

    /** Clinical staff of {@code organisation}. */
    public CareLoopClient staff(String organisation) {
        return client(organisation + "-staff");
    }

    /** The compliance officer of {@code organisation} ({@code careloop} for the platform's own). */
    public CareLoopClient compliance(String organisation) {
        return client(organisation + "-compliance");
    }

    /** The platform's administrator. */
    public CareLoopClient admin() {
        return client("careloop-admin");
    }

    /** Any demo client of the local issuer (DemoClients), by its client id; its token is shared, do not revoke it. */
    public CareLoopClient client(String clientId) {
        Kept kept = CLIENTS.compute(application() + "/" + clientId, (key, old) ->
                old != null && old.fetched().plus(KEEP_TOKEN).isAfter(Instant.now())
                        ? old : new Kept(CareLoopClient.as(port, clientId), Instant.now()));
        return kept.client();
    }

    /** This port and the key id its issuer signs with (a public read of its JWK set, no secret hashed). */
    private String application() {
        if (application == null) {
            String jwks = RestClient.create("http://localhost:" + port).get().uri("/oauth2/jwks").retrieve()
                    .body(String.class);
            application = port + "/" + JSON.readTree(jwks).get("keys").get(0).get("kid").asString();
        }
        return application;
    }

    /** A patient of Northside's whom no other test names (a unique MRN and surname). */
    public static DemoPatient newPatient() {
        return newPatient("Alex", "Morgan" + letters());
    }

    /** A patient of Northside's with this name and a unique MRN. */
    public static DemoPatient newPatient(String given, String surname) {
        return new DemoPatient(GP_MRN_SYSTEM, mrn("PT"), given + " " + surname, "1980-04-02");
    }

    /** An MRN no other test uses, starting with {@code prefix}. */
    public static String mrn(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 13);
    }

    /** A routine referral body from Northside to {@code recipient} about {@code patient}. */
    public static Map<String, Object> referral(String recipient, DemoPatient patient) {
        Map<String, Object> body = new LinkedHashMap<>(CareLoopClient.referralTo(recipient, patient.mrn()));
        body.put("patient", patient.json());
        return body;
    }

    /** Northside refers a new patient to {@code recipient}; fails the test unless it answered 201. */
    public SentReferral sendReferral(String recipient) {
        return sendReferral(gp(), referral(recipient, newPatient()));
    }

    /** Northside refers {@code patient} to {@code recipient}; fails the test unless it answered 201. */
    public SentReferral sendReferral(String recipient, DemoPatient patient) {
        return sendReferral(gp(), referral(recipient, patient));
    }

    /** {@code from} sends {@code body}; fails the test unless it answered 201. */
    public static SentReferral sendReferral(CareLoopClient from, Map<String, Object> body) {
        CareLoopClient.Response sent = from.post("/api/referrals", body);
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        JsonNode json = sent.json();
        return new SentReferral(json.get("referralId").asString(), json.get("patient").get("patientId").asString(),
                json);
    }

    /** A patient as a referral or a share names them. */
    public record DemoPatient(String identifierSystem, String mrn, String name, String birthDate) {

        /** The {@code patient} object of a referral or share body. */
        public Map<String, Object> json() {
            return Map.of("identifierSystem", identifierSystem, "identifierValue", mrn, "name", name,
                    "birthDate", birthDate);
        }
    }

    /** A referral that was sent: its id, the patient's keyed id and the answer's body. */
    public record SentReferral(String id, String patientId, JsonNode json) {
    }

    private static String letters() {
        StringBuilder s = new StringBuilder();
        UUID.randomUUID().toString().chars().filter(Character::isDigit).limit(8)
                .forEach(c -> s.append((char) ('a' + (c - '0'))));
        return s.toString();
    }
}
