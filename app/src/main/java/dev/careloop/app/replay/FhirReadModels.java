package dev.careloop.app.replay;

import dev.careloop.query.replay.ReadModelTables;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The FHIR facade's search index, and the persons it serves (fhir_person_act), are read models too. Declared here:
 * fhir-adapter does not depend on the query side, where the declaration type lives.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${careloop.sides:command,query,fhir}'.contains('fhir')")
class FhirReadModels {

    @Bean
    ReadModelTables fhirIndexTables() {
        return ReadModelTables.of("fhir-index", "fhir_resource_index", "fhir_person_act");
    }
}
