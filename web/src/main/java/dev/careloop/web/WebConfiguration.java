package dev.careloop.web;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * The clinic web app at {@code /}: the application imports this when {@code careloop.sides} names {@code web}.
 * Pages talk to CareLoop only through its REST API, with the signed-in person's own access token.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@EnableConfigurationProperties(WebSettings.class)
public class WebConfiguration {
}
