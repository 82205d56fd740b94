package dev.careloop.api.referral;

import java.time.Instant;

/** A visit booked for a referral. */
public record Appointment(Instant start, Instant end, String location) {
}
