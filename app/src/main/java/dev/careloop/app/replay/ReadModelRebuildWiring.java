package dev.careloop.app.replay;

import dev.careloop.app.privacy.PatientKeys;
import dev.careloop.query.rebuild.KeyPrefetch;
import dev.careloop.query.rebuild.ReadModelRebuildConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The read-model rebuild (query-side, {@code dev.careloop.query.rebuild}) in every process whatever sides it runs,
 * with the patients' keys, which the application owns, read in one go before a rebuild folds the log.
 */
@Configuration(proxyBeanMethods = false)
@Import(ReadModelRebuildConfiguration.class)
class ReadModelRebuildWiring {

    @Bean
    KeyPrefetch patientKeyPrefetch(PatientKeys keys) {
        return keys::prefetch;
    }
}
