package dev.careloop.api.referral;

/** The person at the receiving organisation a referral is assigned to: their subject and their name. */
public record Assignee(String subject, String name) {
}
