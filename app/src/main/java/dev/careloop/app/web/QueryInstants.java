package dev.careloop.app.web;

import dev.careloop.api.InputRules;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Instants in query parameters ({@code from}, {@code to}, {@code asOf}): ISO-8601 with a zone, within the years
 * 0001 to 9999, so {@code -999999999-01-01T00:00:00Z} is a 400 naming the parameter rather than a database error.
 */
@Configuration(proxyBeanMethods = false)
class QueryInstants implements WebMvcConfigurer {

    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, Instant.class, new IsoInstant());
    }

    private static final class IsoInstant implements Converter<String, Instant> {
        @Override
        public Instant convert(String text) {
            String value = text.trim();
            if (value.isEmpty()) {
                return null;
            }
            Instant instant = OffsetDateTime.parse(value).toInstant();
            if (InputRules.outOfRange(instant)) {
                throw new IllegalArgumentException("outside the years 0001 to 9999");
            }
            return instant;
        }
    }
}
