package dev.careloop.plumbing;

import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * This process among the nodes sharing the database: the owner it writes into token_entry, db-scheduler's
 * picked_by and careloop_node. Unique per start (host, pid and a random part), so two processes on one host, or
 * two application contexts in one JVM, never take each other's claims for their own.
 */
public record NodeIdentity(String id) {

    public static NodeIdentity of(String configured) {
        if (configured != null && !configured.isBlank()) {
            return new NodeIdentity(configured.trim());
        }
        return new NodeIdentity(ManagementFactory.getRuntimeMXBean().getName() + "-"
                + UUID.randomUUID().toString().substring(0, 8));
    }
}
