#!/usr/bin/env bash
# Statements PostgreSQL runs per appended event under the commands benchmark (docs/BENCHMARKS.md, "Where
# PostgreSQL's time goes"): starts the app jar on an empty data directory of its own with pg_stat_statements loaded,
# warms it with 60 s of 8 clients, then counts a 30 s run. Prints every statement's calls and milliseconds (execution
# and planning) per appended event, most frequent first, and the total. A count, not a rate: it does not depend on
# how fast or busy the machine is. Events are counted as the rows the log's inserts wrote (pgjdbc may send a batch of
# them as one multi-row insert). The milliseconds, what the busy backends waited on during the counted run (sampled
# from pg_stat_activity), and the counted run's report are printed too; those do depend on the machine.
#
#   ./mvnw -B -pl app,bench -am clean package -DskipTests     # clean: see BENCHMARKS.md on stale nested jars
#   bench/statements.sh [app/target/app-0.1.0-SNAPSHOT.jar]
#
# Needs psql on the PATH and the ports 8080 and 54329 free. Environment: HEAP (default 512m), MVN_FLAGS (for
# bench/run.sh, e.g. -o), WARMUP_SECONDS (60), SECONDS_COUNTED (30), CLIENTS (8).
set -euo pipefail

cd "$(dirname "$0")/.."
jar=${1:-app/target/app-0.1.0-SNAPSHOT.jar}
data=$(mktemp -d)
log=$(mktemp)
psql_=(psql -h 127.0.0.1 -p 54329 -U postgres -d postgres -qAt)
app=""

stop_app() {
    if [ -n "$app" ]; then
        kill "$app" 2>/dev/null || true
        wait "$app" 2>/dev/null || true
        app=""
    fi
}
trap 'stop_app; rm -rf "$data" "$log" "$log.run" "$log.waits"' EXIT

start_app() {
    CARELOOP_BENCH_FLOOR=true CARELOOP_DB_POOL_SIZE=48 CARELOOP_EMBEDDED_DB_PORT=54329 CARELOOP_DATA_DIR="$data" \
        java "-Xmx${HEAP:-512m}" -jar "$jar" --spring.profiles.active=local >"$log" 2>&1 &
    app=$!
    for _ in $(seq 1 180); do
        if curl -sf localhost:8080/actuator/health/readiness >/dev/null; then
            return 0
        fi
        sleep 1
    done
    echo "the app did not become ready; its log: $log" >&2
    exit 1
}

start_app
"${psql_[@]}" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
stop_app
start_app
"${psql_[@]}" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
# Known to the server only once the library is loaded; a reload is enough for it.
"${psql_[@]}" -c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" -c "SELECT pg_reload_conf()" >/dev/null

run() {
    bench/run.sh --jdbc-url 'jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres' --http-only --skip-floor \
        --clients "${CLIENTS:-8}" --seconds "$1"
}
counted_seconds=${SECONDS_COUNTED:-30}
samples=$((counted_seconds * 20))
run "${WARMUP_SECONDS:-60}" >/dev/null
"${psql_[@]}" -c "SELECT pg_stat_statements_reset()" >/dev/null
# What the busy backends wait on meanwhile, sampled every 50 ms from one session (a snapshot per sample): whether
# appends queue on a lock, or the server is simply busy running them ("CPU").
"${psql_[@]}" -F ' | ' >"$log.waits" <<SQL &
CREATE TEMP TABLE waits (kind text, event text);
DO \$\$ BEGIN
    FOR i IN 1..$samples LOOP
        PERFORM pg_stat_clear_snapshot();
        INSERT INTO waits SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, 'running') FROM pg_stat_activity
         WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid();
        PERFORM pg_sleep(0.05);
    END LOOP;
END \$\$;
SELECT round(count(*) / $samples::numeric, 2) AS busy_backends_per_sample, kind, event
  FROM waits GROUP BY kind, event ORDER BY count(*) DESC;
SQL
sampler=$!
run "$counted_seconds" >"$log.run"
wait "$sampler"

"${psql_[@]}" -F ' | ' <<'SQL'
WITH events AS (SELECT sum(rows)::numeric AS n FROM pg_stat_statements WHERE query LIKE 'INSERT INTO domain_event_entry%'),
     counted AS (SELECT calls, total_exec_time + total_plan_time AS ms, regexp_replace(query, '\s+', ' ', 'g') AS query
                 FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_stat_activity%')
SELECT round(c.calls / e.n, 3) AS per_event, round(c.ms::numeric / e.n, 4) AS ms_per_event, left(c.query, 150)
FROM counted c, events e ORDER BY c.calls DESC;
WITH events AS (SELECT sum(rows)::numeric AS n FROM pg_stat_statements WHERE query LIKE 'INSERT INTO domain_event_entry%')
SELECT 'all statements per appended event', round(sum(s.calls) / max(e.n), 2), 'events appended', max(e.n),
       'execution ms per appended event', round(sum(s.total_exec_time)::numeric / max(e.n), 3),
       'planning ms per appended event', round(sum(s.total_plan_time)::numeric / max(e.n), 3),
       'plans per appended event', round(sum(s.plans) / max(e.n), 2)
FROM pg_stat_statements s, events e
WHERE s.query NOT LIKE '%pg_stat_statements%' AND s.query NOT LIKE '%pg_stat_activity%';
SQL
echo "Busy backends per sample during the counted run, by what they waited on:"
cat "$log.waits"
# The counted run's own report: commands per second and CPU per command (noisy; the counts above are not).
grep '^|' "$log.run" || cat "$log.run"
