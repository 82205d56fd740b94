package dev.careloop.api.access;

/**
 * How an organisation stands to a referral or a shared record at the moment of a read. The relationship, not
 * the organisation's name, is what consent decides on.
 */
public enum Relationship {
    /** It sent the referral, or shared the record. */
    OWNER,
    /** The referral's current recipient, or a recipient whose grant is active. */
    PARTY,
    /** It was a party and no longer is: forwarded the referral on, or its grant was revoked, expired or ended. */
    FORMER_PARTY,
    /** It never took part. */
    NONE
}
