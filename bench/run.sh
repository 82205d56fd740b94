#!/usr/bin/env bash
# CareLoop benchmark: a raw PostgreSQL baseline, the HTTP floor and a running CareLoop over HTTP, at 1, 8 and 32
# clients, with CPU, commits and WAL per operation (docs/BENCHMARKS.md).
#
# This script starts nothing but the benchmark. Start the app first, in another terminal, from the
# repository root, with the heap the targets are stated for:
#
#   ./mvnw -B -pl app -am clean package -DskipTests
#   CARELOOP_BENCH_FLOOR=true CARELOOP_DB_POOL_SIZE=48 CARELOOP_EMBEDDED_DB_PORT=54329 \
#     java -Xmx512m -jar app/target/app-0.1.0-SNAPSHOT.jar --spring.profiles.active=local
#
# (CARELOOP_BENCH_FLOOR=true adds the floor's route; without it pass --skip-floor.)
#
# and point the baseline at the PostgreSQL the app writes to, so the ratio compares like with like:
#
#   bench/run.sh --jdbc-url 'jdbc:postgresql://127.0.0.1:54329/postgres?user=postgres'
#
# (With CARELOOP_DB_URL=jdbc:postgresql://127.0.0.1:5432/careloop the app uses the local server, and the
# default --jdbc-url, jdbc:postgresql://127.0.0.1:5432/test?user=postgres, is already the same server.)
#
# The replay benchmark (rebuilding read models from the log) is `bench/run.sh replay --help`; the worklist
# benchmark (the inbox list of 20,000 referrals next to its SQL) is `bench/run.sh worklist --help`; the inbox
# page of the web app, signed in as a person, next to its REST calls and their SQL is `bench/run.sh inbox --help`;
# the partnership analytics on a network of a million referrals is `bench/run.sh analytics --help`.
# What PostgreSQL runs per appended event, statement by statement, is `bench/statements.sh` (it starts the jar).
#
# Options: bench/run.sh --help. Common ones: --seconds 30 --warmup-seconds 5 --clients 1,8,32
# --out docs/benchmarks/commands-history.md (append the result as markdown) --raw-only (no app needed).
# Environment: MVN (default ./mvnw; MVN=mvn uses the installed Maven), MVN_FLAGS (e.g. -o to stay
# offline), BENCH_JAVA_OPTS (default -Xmx256m) for the benchmark's own JVM.
set -euo pipefail

cd "$(dirname "$0")/.."

invocation=""
if [ "$#" -gt 0 ]; then printf -v invocation ' %q' "$@"; fi
MVN=${MVN:-./mvnw}
# shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
"$MVN" -q -B -Dstyle.color=never ${MVN_FLAGS:-} -pl bench -am package -DskipTests

jar=$(ls bench/target/bench-*.jar | head -n 1)
main=dev.careloop.bench.Benchmark
# `bench/run.sh replay ...`: the read model rebuild against the INSERT ... SELECT baseline (docs/BENCHMARKS.md).
if [ "${1:-}" = "replay" ]; then
    main=dev.careloop.bench.ReplayBenchmark
    shift
fi
# `bench/run.sh worklist ...`: the inbox list with 20,000 referrals against the SQL behind it.
if [ "${1:-}" = "worklist" ]; then
    main=dev.careloop.bench.WorklistBenchmark
    shift
fi
# `bench/run.sh inbox ...`: the web app's inbox page (signed in as a person) against its REST calls and SQL.
if [ "${1:-}" = "inbox" ]; then
    main=dev.careloop.bench.InboxPageBenchmark
    shift
fi
# `bench/run.sh access ...`: reads with and without the access log, in one run (two apps on one database).
if [ "${1:-}" = "access" ]; then
    main=dev.careloop.bench.AccessLogBenchmark
    shift
fi
# `bench/run.sh analytics ...`: the partnership dashboard on a seeded network of 1,000,000 referrals against its SQL,
# and the analytics projection's cost per event when it rebuilds from the log.
if [ "${1:-}" = "analytics" ]; then
    main=dev.careloop.bench.AnalyticsBenchmark
    shift
fi
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of JVM options
exec java ${BENCH_JAVA_OPTS:--Xmx256m} -Dbench.command="bench/run.sh${invocation}" \
    -cp "$jar:bench/target/lib/*" "$main" "$@"
