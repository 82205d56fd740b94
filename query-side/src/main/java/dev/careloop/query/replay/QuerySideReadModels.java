package dev.careloop.query.replay;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The query side's rebuildable read models: each processing group with every table its handlers write (checked
 * against the projections' SQL: referral_view's record_ids and appointment_id columns come from the records and
 * appointments migrations, but only the referrals group's ReferralViewProjection writes them, on RecordAttached and
 * VisitScheduled/Rescheduled/Cancelled, which are referral events).
 */
@Configuration(proxyBeanMethods = false)
class QuerySideReadModels {

    @Bean
    ReadModelTables referralTables() {
        return ReadModelTables.bulk("referrals", "referral_view", "referral_timeline");
    }

    @Bean
    ReadModelTables recordTables() {
        return ReadModelTables.bulk("records", "record_view", "record_grant", "record_version", "record_disclosure");
    }

    @Bean
    ReadModelTables appointmentTables() {
        return ReadModelTables.bulk("appointments", "appointment_view", "appointment_history");
    }

    /** Not notification_read: who read what is not derived from the log, and a rebuild keeps it (ids are stable). */
    @Bean
    ReadModelTables notificationTables() {
        return ReadModelTables.bulk("notifications", "notification", "notification_referral");
    }

    @Bean
    ReadModelTables analyticsTables() {
        return ReadModelTables.bulk("analytics", "analytics_referral", "analytics_month", "analytics_pair_month",
                "partnership_goal");
    }

    /** person_seen too: the persons directory's projection reads the same events in the same group. */
    @Bean
    ReadModelTables auditTables() {
        return ReadModelTables.bulk("audit", "audit_entry", "audit_subject", "audit_party", "patient_id_alias",
                "person_seen");
    }
}
