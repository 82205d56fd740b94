package dev.careloop.query.rebuild;

/**
 * Fills, in one query, a cache that reading events needs (the patients' keys that decrypt their data), so that a
 * rebuild folding the whole log does not pay a round trip per patient. Defined here, implemented by whoever owns
 * the cache (the application wires PatientKeys); a rebuild calls it before its fold and again every so often.
 */
@FunctionalInterface
public interface KeyPrefetch {

    void prefetch();
}
