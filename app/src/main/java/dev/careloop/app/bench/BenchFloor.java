package dev.careloop.app.bench;

import dev.careloop.api.access.AccessMatrix;
import dev.careloop.api.access.AccessMatrix.Route;

/**
 * The benchmark's HTTP floor (docs/BENCHMARKS.md): a route off by default, and when on, judged by the security
 * filter chain exactly as sending a referral is (same roles, same partner scopes).
 */
public final class BenchFloor {

    /** {@code careloop.bench.floor} (env {@code CARELOOP_BENCH_FLOOR}): true adds the route, for benchmarks only. */
    public static final String PROPERTY = "careloop.bench.floor";
    public static final String PATH = "/api/bench/floor";

    private BenchFloor() {
    }

    /** Who may call the floor: whoever may send a referral, so that the access decision costs the same. */
    public static Route route() {
        Route send = AccessMatrix.ROUTES.stream()
                .filter(r -> AccessMatrix.POST.equals(r.method()) && r.path().equals("/api/referrals"))
                .findFirst().orElseThrow();
        return new Route(AccessMatrix.POST, PATH, send.roles(), send.scopes(), false);
    }
}
