package dev.careloop.command.record;

import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps recently read records in memory: every download appends a disclosure, so without it each read would
 * replay all earlier ones. A stale copy in another process fails to append and the read is decided again.
 */
@Configuration(proxyBeanMethods = false)
class RecordCaching {

    @Bean
    Cache sharedRecordCache() {
        return new WeakReferenceCache();
    }
}
