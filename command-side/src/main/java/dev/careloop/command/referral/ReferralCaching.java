package dev.careloop.command.referral;

import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps recently used referrals in memory so that a command does not re-read the referral's events.
 * Safe with several command-side processes: a stale copy fails to append (the event table's unique
 * key on aggregate and sequence), the entry is dropped and the caller gets a 409 to retry.
 */
@Configuration(proxyBeanMethods = false)
class ReferralCaching {

    @Bean
    Cache referralCache() {
        return new WeakReferenceCache();
    }
}
