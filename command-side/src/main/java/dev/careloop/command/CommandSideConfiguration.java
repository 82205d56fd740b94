package dev.careloop.command;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The command side: aggregates, deadlines and the REST write API. Imported when this process runs it. */
@Configuration(proxyBeanMethods = false)
@ComponentScan
public class CommandSideConfiguration {
}
