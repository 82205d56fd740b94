package dev.careloop.app;

import dev.careloop.command.CommandSideConfiguration;
import dev.careloop.fhir.FhirAdapterConfiguration;
import dev.careloop.query.QuerySideConfiguration;
import dev.careloop.web.WebConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** {@code careloop.sides} chooses which sides this process runs, so each can scale as its own service. */
class Sides {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${careloop.sides:command,query,fhir,web}'.contains('command')")
    @Import(CommandSideConfiguration.class)
    static class CommandSide {
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${careloop.sides:command,query,fhir,web}'.contains('query')")
    @Import(QuerySideConfiguration.class)
    static class QuerySide {
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${careloop.sides:command,query,fhir,web}'.contains('fhir')")
    @Import(FhirAdapterConfiguration.class)
    static class FhirSide {
    }

    /** The clinic web app at {@code /}; it reaches the API over HTTP, so it may run beside any sides or alone. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${careloop.sides:command,query,fhir,web}'.contains('web')")
    @Import(WebConfiguration.class)
    static class WebSide {
    }
}
