package dev.careloop.query.notification;

import dev.careloop.query.replay.RowTable;

/**
 * What the notifications group knows of a referral: the number and service a notification names, its parties now,
 * and the sequence number of the last of its events applied.
 */
record NotificationReferral(String referralId, String referralNumber, String service, String initiatorOrg,
                            String recipientOrg, long version) {

    static final RowTable<NotificationReferral> TABLE = RowTable.<NotificationReferral>named("notification_referral")
            .column("referral_id", NotificationReferral::referralId)
            .column("referral_number", NotificationReferral::referralNumber)
            .column("service", NotificationReferral::service)
            .column("initiator_org", NotificationReferral::initiatorOrg)
            .column("recipient_org", NotificationReferral::recipientOrg)
            .column("version", NotificationReferral::version)
            .key("referral_id")
            .reader(rs -> new NotificationReferral(rs.getString("referral_id"), rs.getString("referral_number"),
                    rs.getString("service"), rs.getString("initiator_org"), rs.getString("recipient_org"),
                    rs.getLong("version")));

    NotificationReferral withRecipient(String organisation, long sequence) {
        return new NotificationReferral(referralId, referralNumber, service, initiatorOrg, organisation, sequence);
    }

    NotificationReferral at(long sequence) {
        return new NotificationReferral(referralId, referralNumber, service, initiatorOrg, recipientOrg, sequence);
    }

    /** "referral R-1042 (Dermatology consultation)": how every notification names it, never by its patient. */
    String named() {
        String number = referralNumber == null || referralNumber.isBlank() ? referralId : referralNumber;
        return "referral " + number + (service == null || service.isBlank() ? "" : " (" + service + ")");
    }
}
