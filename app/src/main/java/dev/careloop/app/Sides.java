package dev.careloop.app;

import dev.careloop.command.CommandSideConfiguration;
import dev.careloop.fhir.FhirAdapterConfiguration;
import dev.careloop.query.QuerySideConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** {@code careloop.sides} chooses which sides this process runs, so each can scale as its own service. */
class Sides {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${careloop.sides:command,query,fhir}'.contains('command')")
    @Import(CommandSideConfiguration.class)
    static class CommandSide {
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${careloop.sides:command,query,fhir}'.contains('query')")
    @Import(QuerySideConfiguration.class)
    static class QuerySide {
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${careloop.sides:command,query,fhir}'.contains('fhir')")
    @Import(FhirAdapterConfiguration.class)
    static class FhirSide {
    }
}
