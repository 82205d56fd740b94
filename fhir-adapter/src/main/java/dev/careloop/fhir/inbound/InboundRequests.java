package dev.careloop.fhir.inbound;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** The fhir_inbound_request table (V19): which referral a partner's request key made. */
@Component
class InboundRequests {

    /** A key already taken: the referral it made (or is making) and the content it came with. */
    record Claimed(String referralId, String fingerprint) {
    }

    private final JdbcTemplate jdbc;

    InboundRequests(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes {@code key} for a new referral; empty when the key is new and now ours, else who has it. */
    Optional<Claimed> claim(String organisation, String key, String fingerprint, String referralId, String client) {
        // A refused first request releases its key: then the next try takes it.
        for (int attempt = 0; attempt < 3; attempt++) {
            int inserted = jdbc.update("""
                    INSERT INTO fhir_inbound_request (organisation, request_key, fingerprint, referral_id, client_id)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    organisation, key, fingerprint, referralId, client);
            if (inserted == 1) {
                return Optional.empty();
            }
            Optional<Claimed> claimed = jdbc.query("SELECT referral_id, fingerprint FROM fhir_inbound_request "
                            + "WHERE organisation = ? AND request_key = ?",
                    (rs, i) -> new Claimed(rs.getString(1), rs.getString(2)), organisation, key).stream().findFirst();
            if (claimed.isPresent()) {
                return claimed;
            }
        }
        throw new IllegalStateException("request key " + key + " is taken and released over and over");
    }

    /** The command was refused: the key is free again, as if the request had never come. */
    void release(String organisation, String key, String referralId) {
        jdbc.update("DELETE FROM fhir_inbound_request WHERE organisation = ? AND request_key = ? AND referral_id = ?",
                organisation, key, referralId);
    }
}
