#!/usr/bin/env bash
# Load and start-up benchmarks of the packaged service (README "Performance"); not part of ./mvnw verify.
#
#   ./mvnw package -DskipTests
#   bench/preflight.sh            # per heap: start to readiness, throughput of POST /v1/preflight against
#                                 # GET /v1/policy (same JVM, alternating rounds), latency at a fixed rate, RSS, GCs
#   bench/preflight.sh start      # start to readiness of the jar with and without Spring AOT and a CDS archive
#
# Settings, from the environment (defaults in brackets):
#   JAR [target/migration-gatekeeper-*.jar]   JAVA [java]   JAVA_OPTS [] extra JVM flags
#   PORT [18080] for the service, and PORT+1 for the floor server of the fixed-rate runs
#   JARS ["jar=$JAR"]: "label=path ..." to measure several jars in one run (before/after), each at every heap
#   DOMAIN [examples/web01.xml]               HEAPS ["512m 128m"]: one run of everything per heap
#   CONNECTIONS [8] THREADS [2] DURATION [10] seconds per round, ROUNDS [3] per endpoint, WARMUP [20] seconds and
#   WARMUP_REQUESTS [50000] of each endpoint at least (at most WARMUP_MAX [600] seconds)
#   RATE [1000] req/s for RATE_SECONDS [30] over RATE_CONNECTIONS [16]: the fixed-rate latency runs, against a
#     server that does nothing (the floor), GET /v1/policy and the preflight (0 skips them)
#   STARTS [1]: starts of each JVM (jar and heap), interleaved; the summary gives the median over starts
#   SERVER_SIDE [0]: 1 records http.server.requests as a histogram (from 0.1 ms) and prints the service's own
#     percentiles beside each fixed-rate run's (bench/ServerSide.java); the histogram costs a little CPU per request
#   AUTOCANNON [0]: 1 also runs autocannon --overallRate at RATE (see README for what its figure means)
#   JFR [0]: 1 records a JFR profile of one extra round of each endpoint (target/bench/*.jfr) and prints where
#     the samples went (bench/JfrShares.java)
#   QUIET_LOAD []: wait before each heap's run until the 1-minute load average is below this (e.g. 1)
#   START_RUNS [5]: starts per variant in "start" mode; VARIANTS: which (default: all that apply); KEEP_LEDGER [0]:
#     1 restarts on a ledger that exists (H2 file, migrated) instead of creating one at every start
#
# Needs curl, openssl and a JDK; installs wrk and jq (Debian) when they are missing, and with AUTOCANNON=1 npm (Debian)
# and autocannon (npm).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-load}
JAR=${JAR:-$(ls target/migration-gatekeeper-*.jar 2>/dev/null | grep -v -- '-plain' | head -1 || true)}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-}
PORT=${PORT:-18080}
DOMAIN=${DOMAIN:-examples/web01.xml}
HEAPS=${HEAPS:-512m 128m}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-20}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-50000}
WARMUP_MAX=${WARMUP_MAX:-600}
RATE=${RATE:-1000}
RATE_SECONDS=${RATE_SECONDS:-30}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-16}
AUTOCANNON=${AUTOCANNON:-0}
JFR=${JFR:-0}
QUIET_LOAD=${QUIET_LOAD:-}
START_RUNS=${START_RUNS:-5}
KEEP_LEDGER=${KEEP_LEDGER:-0}
STARTS=${STARTS:-1}
SERVER_SIDE=${SERVER_SIDE:-0}

if [ -z "${JARS:-}" ]; then
    [ -n "$JAR" ] && [ -f "$JAR" ] || { echo "no jar: run ./mvnw package -DskipTests first, or set JAR" >&2; exit 2; }
    JARS="jar=$JAR"
fi
# Absolute paths: each service runs in a directory of its own.
jars=
for entry in $JARS; do
    [ -f "${entry#*=}" ] || { echo "no jar ${entry#*=}" >&2; exit 2; }
    jars+="${entry%%=*}=$(realpath "${entry#*=}") "
done
JARS=$jars
JAR=${JARS%% *}
JAR=${JAR#*=}
DOMAIN=$(realpath "$DOMAIN")
work=$(mktemp -d /tmp/gatekeeper-bench.XXXXXX)
pid=
stop_service() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" && wait "$pid" 2>/dev/null || true
    fi
    pid=
}
floor_pid=
FLOOR_PORT=$((PORT + 1))
stop_floor() {
    if [ -n "$floor_pid" ] && kill -0 "$floor_pid" 2>/dev/null; then
        kill "$floor_pid" && wait "$floor_pid" 2>/dev/null || true
    fi
    floor_pid=
}
# The floor server (FixedRate.java --serve) on PORT+1, ready to accept.
start_floor() {
    if { exec 4<>"/dev/tcp/127.0.0.1/$FLOOR_PORT"; } 2>/dev/null; then
        exec 4<&-
        echo "port $FLOOR_PORT (PORT+1, the floor server's) is in use by another process: set PORT" >&2
        exit 1
    fi
    "$JAVA" bench/FixedRate.java --serve "$FLOOR_PORT" &
    floor_pid=$!
    local waited=0
    until { exec 4<>"/dev/tcp/127.0.0.1/$FLOOR_PORT"; } 2>/dev/null; do
        kill -0 "$floor_pid" 2>/dev/null || { echo "the floor server exited" >&2; exit 1; }
        (( ++waited < 300 )) || { echo "the floor server did not listen within 30 s" >&2; exit 1; }
        sleep 0.1
    done
    exec 4<&-
}
trap 'stop_floor; stop_service; rm -rf "$work"' EXIT
# An interrupted run still stops what it started (the EXIT trap), rather than leaving a server on the ports.
trap 'exit 130' INT TERM

need_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v jq >/dev/null || missing+=(jq)
    if [ "$AUTOCANNON" = 1 ] && ! command -v autocannon >/dev/null && ! command -v npm >/dev/null; then
        missing+=(npm)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
    fi
    if [ "$AUTOCANNON" = 1 ] && ! command -v autocannon >/dev/null; then
        npm install -g --silent autocannon@9.0.0
    fi
}

# A key with the scopes the run needs, and no rate limit in the way: the service runs as the README's sample.
KEY="bench_$(openssl rand -hex 16)"
KEY_SHA=$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)
SERVICE_ARGS=(--spring.profiles.active=sample --server.port="$PORT"
    "--gatekeeper.security.api-keys[0].name=bench" "--gatekeeper.security.api-keys[0].sha256=$KEY_SHA"
    "--gatekeeper.security.api-keys[0].scopes=preflight,read"
    --gatekeeper.security.rate-limit.requests-per-second=1000000 --gatekeeper.security.rate-limit.burst=1000000)
if [ "$SERVER_SIDE" = 1 ]; then
    SERVICE_ARGS+=(--management.metrics.distribution.percentiles-histogram.http.server.requests=true
        --management.metrics.distribution.minimum-expected-value.http.server.requests=100us)
fi
BASE="http://127.0.0.1:$PORT"
PREFLIGHT_URL="$BASE/v1/preflight?sourceHost=kvm-a1&targetHost=kvm-a2"
POLICY_URL="$BASE/v1/policy"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
load() { cut -d' ' -f1 /proc/loadavg; }

# Readiness through bash's /dev/tcp: polling with a forked curl would itself slow a start on two cores.
ready() {
    { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
    printf 'GET /actuator/health/readiness HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    local answer=
    IFS= read -r -d '' answer <&3 || true
    exec 3<&-
    [[ $answer == *'"UP"'* ]]
}

# start DIR JVM-FLAGS... -- APP-ARGS...: starts the service in DIR (its ./data ledger), sets pid and start_ms.
start_service() {
    local dir=$1; shift
    mkdir -p "$dir"
    # Another process on the port would answer the readiness check for this one.
    if { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null; then
        exec 3<&-
        echo "port $PORT is in use by another process: set PORT" >&2
        exit 1
    fi
    local begin; begin=$(now_ms)
    (cd "$dir" && exec "$@" >"$dir/service.log" 2>&1) &
    pid=$!
    until ready; do
        kill -0 "$pid" 2>/dev/null || { echo "the service exited:" >&2; tail -30 "$dir/service.log" >&2; exit 1; }
        sleep 0.01
    done
    start_ms=$(( $(now_ms) - begin ))
    start_cpu_ms=$(( $(cpu_ticks) * TICK_US / 1000 ))
    # Where that CPU time went: the main thread (which the start waits for) and the JIT compilers (which run beside
    # it, on the other core if there is one).
    start_main_ms=$(( $(thread_ticks '^java$') * TICK_US / 1000 ))
    start_jit_ms=$(( $(thread_ticks '^C[12] CompilerThre') * TICK_US / 1000 ))
}

# thread_ticks REGEX: CPU clock ticks of the service's threads whose name matches.
thread_ticks() {
    local total=0 task
    for task in /proc/"$pid"/task/*; do
        if grep -qE "$1" "$task/comm" 2>/dev/null; then
            total=$(( total + $(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo 0) ))
        fi
    done
    echo "$total"
}

rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }

wait_quiet() {
    [ -n "$QUIET_LOAD" ] || return 0
    until awk -v l="$(load)" -v q="$QUIET_LOAD" 'BEGIN {exit !(l < q)}'; do
        echo "  waiting for a quiet machine: load $(load), want < $QUIET_LOAD"
        sleep 15
    done
}

# wrk_round NAME URL [wrk args...]: prints req/s, p50 and p99 (ms); fails on any non-2xx answer.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}'; }
# The service's CPU time so far (user + system, all its threads: JIT and GC included), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
# wrk_round URL [wrk args...]: prints req/s, p50 and p99 (ms) and the service's CPU time per request (µs), which
# other work on a shared machine disturbs far less than req/s; fails on any non-2xx answer.
wrk_round() {
    local url=$1; shift
    local before; before=$(cpu_ticks)
    local out; out=$(PREFLIGHT_BODY="$DOMAIN" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -H "Authorization: Bearer $KEY" "$@" "$url")
    local after; after=$(cpu_ticks)
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "$out" >&2; echo "non-2xx answers: see above" >&2; exit 1
    fi
    local rps p50 p99 requests
    rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out" | to_ms)
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out" | to_ms)
    requests=$(grep -o '[0-9]* requests in' <<<"$out" | cut -d' ' -f1)
    echo "$rps $p50 $p99 $(awk -v t="$(( after - before ))" -v n="$requests" -v u="$TICK_US" 'BEGIN {printf "%.0f", t * u / n}')"
}

median() { tr ' ' '\n' | awk 'NF' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

jfr_round() {
    local name=$1 url=$2; shift 2
    mkdir -p target/bench
    local file; file=$(realpath target/bench)/$name.jfr
    # The JDK's "profile" settings, sampling every millisecond instead of every 10 ms.
    local home; home=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.home/ {print $2}')
    sed 's|<setting name="period" control="method-sampling-java-interval">10 ms|<setting name="period" control="method-sampling-java-interval">1 ms|' \
        "$home/lib/jfr/profile.jfc" >"$work/profile.jfc"
    jcmd "$pid" JFR.start name="$name" settings="$work/profile.jfc" filename="$file" >/dev/null
    wrk_round "$url" "$@" >/dev/null
    jcmd "$pid" JFR.stop name="$name" >/dev/null
    echo "JFR profile of one round of $name ($file):"
    "$JAVA" bench/JfrShares.java "$file" 20 | sed 's/^/  /'
}

# One jar at one heap: start, warm up, alternating wrk rounds, the fixed-rate runs, optionally JFR, RSS and GCs.
# Sets the results in the arrays below, keyed "label -Xmx".
declare -A policy_rps preflight_rps policy_us preflight_us fixed_p99 full_gcs start_times rps_ratio cpu_ratio
run_one() {
    local label=$1 jar=$2 heap=$3 key="$1 -Xmx$3"
    wait_quiet
    echo
    echo "== $label ($jar), -Xmx$heap (load average before start: $(load))"
    local gclog="$work/gc-$label-$heap.log" line
    local flags=(-Xmx"$heap" -Xlog:gc:file="$gclog")
    [ "$JFR" = 1 ] && flags+=(-XX:FlightRecorderOptions:stackdepth=512)
    # shellcheck disable=SC2206
    flags+=($JAVA_OPTS)
    start_service "$work/$label-$heap" "$JAVA" "${flags[@]}" -jar "$jar" "${SERVICE_ARGS[@]}"
    start_times[$key]+="$start_ms "
    local started; started=$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds' "$work/$label-$heap/service.log" | grep -o '[0-9.]* seconds' || true)
    sleep 2
    echo "start to readiness: $start_ms ms, $start_cpu_ms ms of CPU (Spring Boot: started in ${started:-?}); RSS idle: $(rss_mib) MiB"
    curl -sf -o /dev/null -H "Authorization: Bearer $KEY" -H 'Content-Type: application/xml' \
        --data-binary @"$DOMAIN" "$PREFLIGHT_URL" || { echo "the preflight request fails" >&2; exit 1; }

    # Until the JIT has compiled the hot paths: WARMUP seconds and at least WARMUP_REQUESTS of each endpoint (on a
    # busy machine, seconds alone leave the service half interpreted and its CPU time per request inflated).
    local warm_policy=0 warm_preflight=0 warm_begin; warm_begin=$(date +%s)
    while (( $(date +%s) - warm_begin < WARMUP || warm_policy < WARMUP_REQUESTS || warm_preflight < WARMUP_REQUESTS )); do
        line=$(DURATION=5 wrk_round "$POLICY_URL")
        warm_policy=$(( warm_policy + ${line%% *} * 5 ))
        line=$(DURATION=5 wrk_round "$PREFLIGHT_URL" -s bench/preflight.lua)
        warm_preflight=$(( warm_preflight + ${line%% *} * 5 ))
        if (( $(date +%s) - warm_begin > WARMUP_MAX )); then
            echo "  warm-up cut off after ${WARMUP_MAX}s" >&2
            break
        fi
    done
    echo "warm-up: $(( $(date +%s) - warm_begin ))s, about $warm_policy policy and $warm_preflight preflight requests"

    local policy=() preflight=() ratios=() policy_cpu=() preflight_cpu=() p f
    printf '%-8s %-20s %10s %9s %9s %11s %6s\n' round endpoint "req/s" "p50 ms" "p99 ms" "CPU µs/req" load
    for round in $(seq 1 "$ROUNDS"); do
        line=$(wrk_round "$POLICY_URL")
        printf '%-8s %-20s %10s %9s %9s %11s %6s\n' "$round" "GET /v1/policy" $line "$(load)"
        p=${line%% *}
        policy+=("$p")
        policy_cpu+=("${line##* }")
        line=$(wrk_round "$PREFLIGHT_URL" -s bench/preflight.lua)
        printf '%-8s %-20s %10s %9s %9s %11s %6s\n' "$round" "POST /v1/preflight" $line "$(load)"
        f=${line%% *}
        preflight+=("$f")
        preflight_cpu+=("${line##* }")
        ratios+=("$(awk -v a="$f" -v b="$p" 'BEGIN {printf "%.2f", a/b}')")
    done
    local pm fm
    pm=$(echo "${policy[*]}" | median)
    fm=$(echo "${preflight[*]}" | median)
    local pu fu
    pu=$(echo "${policy_cpu[*]}" | median)
    fu=$(echo "${preflight_cpu[*]}" | median)
    policy_rps[$key]+="$pm "
    preflight_rps[$key]+="$fm "
    policy_us[$key]+="$pu "
    preflight_us[$key]+="$fu "
    # Ratios within one JVM: a ratio of two JVMs' figures would carry the difference between the two starts.
    rps_ratio[$key]+="$(awk -v a="$fm" -v b="$pm" 'BEGIN {printf "%.2f", a/b}') "
    cpu_ratio[$key]+="$(awk -v a="$pu" -v b="$fu" 'BEGIN {printf "%.2f", a/b}') "
    echo "median: GET /v1/policy $pm req/s, POST /v1/preflight $fm req/s; preflight/policy = $(awk -v a="$fm" -v b="$pm" 'BEGIN {printf "%.2f", a/b}')" \
        "(per round: ${ratios[*]}); CPU per request: policy $pu µs, preflight $fu µs," \
        "policy/preflight = $(awk -v a="$pu" -v b="$fu" 'BEGIN {printf "%.2f", a/b}')"

    if [ "$RATE_SECONDS" -gt 0 ]; then
        # The same open-loop load against the floor (a server that does nothing, FixedRate.java --serve), the
        # cheapest authenticated endpoint and the preflight: what the machine and the generator add to any server's
        # latency, what the service's plumbing adds, and what a preflight adds.
        local fixed target url args
        start_floor
        for target in floor policy preflight; do
            echo "fixed rate: $RATE req/s of $target for ${RATE_SECONDS}s (load before: $(load))"
            case $target in
                floor) url="http://127.0.0.1:$FLOOR_PORT/"; args=(--method POST --body "$DOMAIN") ;;
                policy) url=$POLICY_URL; args=(--header "Authorization: Bearer $KEY") ;;
                preflight) url=$PREFLIGHT_URL; args=(--method POST --header "Authorization: Bearer $KEY"
                    --header 'Content-Type: application/xml' --body "$DOMAIN") ;;
            esac
            args+=(--connections "$RATE_CONNECTIONS")
            if [ "$SERVER_SIDE" = 1 ]; then
                # The generator's own 5 s warm-up apart, so that the service's histogram covers the same requests
                # as the client's percentiles.
                "$JAVA" bench/FixedRate.java "$url" "$RATE" 5 --warmup 0 "${args[@]}" >/dev/null
                curl -sf -o "$work/scrape-before" "$BASE/actuator/prometheus"
                args+=(--warmup 0)
            fi
            local gc_mark; gc_mark=$(wc -l <"$gclog")
            fixed=$("$JAVA" bench/FixedRate.java "$url" "$RATE" "$RATE_SECONDS" "${args[@]}")
            grep -v '^RESULT' <<<"$fixed" | sed 's/^/  /'
            if [ "$SERVER_SIDE" = 1 ] && [ "$target" != floor ]; then
                curl -sf -o "$work/scrape-after" "$BASE/actuator/prometheus"
                "$JAVA" bench/ServerSide.java "$work/scrape-before" "$work/scrape-after" "/v1/$target" | sed 's/^/  /'
            fi
            if [ "$target" != floor ]; then
                # The service's young collections during the run: how many, how long, and the heap after the last.
                local pauses heap
                pauses=$(tail -n +"$((gc_mark + 1))" "$gclog" | { grep 'Pause Young' || true; } |
                    awk '{ms = $NF; sub(/ms$/, "", ms); print ms}' | sort -n | tr '\n' ' ')
                heap=$(tail -n +"$((gc_mark + 1))" "$gclog" | { grep 'Pause Young' || true; } | tail -1 | awk '{print $(NF - 1)}')
                if [ -z "$pauses" ]; then
                    echo "  service GC during the run: no young collection"
                else
                    echo "  service GC during the run: $(wc -w <<<"$pauses") young collections, pause median" \
                        "$(median <<<"$pauses") ms, max $(awk '{print $NF}' <<<"$pauses") ms; heap before -> after the last: $heap"
                fi
            fi
            fixed_p99[$key]+="$(grep '^RESULT' <<<"$fixed" | grep -o 'p99=[0-9.]*' | cut -d= -f2)/"
            if [ "$target" = floor ]; then
                stop_floor
            fi
        done
        fixed_p99[$key]=${fixed_p99[$key]%/}" "
        if [ "$AUTOCANNON" = 1 ]; then
            echo "autocannon -R $RATE -c 1 for ${RATE_SECONDS}s (whole milliseconds; load before: $(load)):"
            autocannon -R "$RATE" -c 1 -d "$RATE_SECONDS" -m POST -i "$DOMAIN" -H 'Content-Type=application/xml' \
                -H "Authorization=Bearer $KEY" --json "$PREFLIGHT_URL" 2>/dev/null |
                jq -r '"  \(.requests.total) requests, \(.non2xx) non-2xx, \(.requests.average) req/s; latency p50 \(.latency.p50) ms, p90 \(.latency.p90) ms, p99 \(.latency.p99) ms, max \(.latency.max) ms"'
        fi
    fi
    if [ "$JFR" = 1 ]; then
        jfr_round "$label-policy-$heap" "$POLICY_URL"
        jfr_round "$label-preflight-$heap" "$PREFLIGHT_URL" -s bench/preflight.lua
    fi
    local full young
    full=$(grep -c 'Pause Full' "$gclog" || true)
    young=$(grep -c 'Pause Young' "$gclog" || true)
    full_gcs[$key]+="$full "
    echo "after load: RSS $(rss_mib) MiB (peak $(awk '/^VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status") MiB);" \
        "GC: $young young pauses, $full full; $(grep -m1 -o 'Using [A-Za-z0-9 ]*' "$gclog" || true)"
    stop_service
}

run_load() {
    need_tools
    echo "$("$JAVA" -version 2>&1 | head -1), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "domain $DOMAIN ($(grep -c '<disk' "$DOMAIN") disks, $(wc -c <"$DOMAIN") bytes); wrk -t$THREADS -c$CONNECTIONS, $ROUNDS rounds of ${DURATION}s per endpoint"
    local keys=() heap entry start
    for heap in $HEAPS; do
        for entry in $JARS; do
            keys+=("${entry%%=*} -Xmx$heap")
        done
    done
    # One start of the same jar differs from the next by as much as half in req/s and three quarters in CPU time per
    # request on a shared 2-vCPU machine (the JIT compiles the hot path its own way each time, and the machine's
    # neighbours come and go). STARTS > 1 takes medians over starts, interleaved in time.
    for start in $(seq 1 "$STARTS"); do
        for heap in $HEAPS; do
            for entry in $JARS; do
                [ "$STARTS" -gt 1 ] && echo && echo "## start $start of $STARTS"
                run_one "${entry%%=*}" "${entry#*=}" "$heap"
            done
        done
    done
    echo
    echo "Summary (medians over $STARTS start(s) of each JVM; targets: preflight/policy >= 0.80, fixed-rate p99 <= 2 ms," \
        "no full GC, preflight at the smallest heap >= 0.90 x at the first)"
    echo "(ratio: preflight/policy req/s; CPU ratio: policy/preflight CPU µs per request, the same figure less disturbed"
    echo " by other load, each the median of the ratios within each start; req/s and CPU µs: medians over starts;"
    echo " fixed p99: floor/policy/preflight, the floor being a server that does nothing, on the same machine)"
    printf '%-24s %8s %10s %12s %6s %12s %9s %22s %8s\n' "jar, heap" "start" "policy/s" "preflight/s" ratio \
        "CPU µs/req" "CPU ratio" "fixed p99 ms" "full GC"
    local k
    for k in "${keys[@]}"; do
        local pol pre pu fu fixed=n/a
        pol=$(echo "${policy_rps[$k]}" | median)
        pre=$(echo "${preflight_rps[$k]}" | median)
        pu=$(echo "${policy_us[$k]}" | median)
        fu=$(echo "${preflight_us[$k]}" | median)
        if [ -n "${fixed_p99[$k]:-}" ]; then
            fixed=$(for i in 1 2 3; do tr " " "\n" <<<"${fixed_p99[$k]}" | awk NF | cut -d/ -f$i | tr '\n' ' ' | median; done |
                paste -sd/)
        fi
        printf '%-24s %6sms %10s %12s %6s %12s %9s %22s %8s\n' "$k" "$(echo "${start_times[$k]}" | median)" "$pol" "$pre" \
            "$(echo "${rps_ratio[$k]}" | median)" "$pu/$fu" "$(echo "${cpu_ratio[$k]}" | median)" "$fixed" \
            "$(tr ' ' '\n' <<<"${full_gcs[$k]}" | sort -n | tail -1)"
        if [ "$STARTS" -gt 1 ]; then
            echo "    each start: ratio ${rps_ratio[$k]}; CPU ratio ${cpu_ratio[$k]}; policy/s ${policy_rps[$k]};" \
                "preflight/s ${preflight_rps[$k]}; CPU µs policy ${policy_us[$k]}, preflight ${preflight_us[$k]};" \
                "fixed p99 ${fixed_p99[$k]:-n/a}"
        fi
    done
    set -- $HEAPS
    if [ $# -gt 1 ]; then
        for entry in $JARS; do
            local label=${entry%%=*}
            for heap in "${@:2}"; do
                # Start k of one heap ran next to start k of the other: pairs by start, so the machine's drift
                # between starts (larger here than the heap's effect) cancels as far as it can.
                local pairs
                pairs=$(paste -d' ' <(tr ' ' '\n' <<<"${preflight_rps[$label -Xmx$heap]}" | awk NF) \
                    <(tr ' ' '\n' <<<"${preflight_rps[$label -Xmx$1]}" | awk NF) | awk '{printf "%.2f ", $1 / $2}')
                echo "$label: preflight req/s at -Xmx$heap / at -Xmx$1 = $(median <<<"$pairs") (start by start: $pairs);" \
                    "CPU µs per preflight $(echo "${preflight_us[$label -Xmx$heap]}" | median) vs" \
                    "$(echo "${preflight_us[$label -Xmx$1]}" | median) (medians)"
            done
        done
    fi
}

# Start to readiness, START_RUNS times per variant, with the median. CDS and AOT-cache archives are made by a
# training run that stops after the context refresh (-Dspring.context.exit=onRefresh), as the image build does.
run_start() {
    local version; version=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    local app="$work/app"
    "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$app" >/dev/null
    local extracted="$app/$(basename "$JAR")"
    local aot=0
    if jar tf "$JAR" | grep -q '__ApplicationContextInitializer.class'; then aot=1; fi
    local variants=${VARIANTS:-}
    if [ -z "$variants" ]; then
        variants="jar extracted cds"
        [ $aot = 1 ] && variants+=" aot aot+cds"
        [ "$version" -ge 25 ] && variants+=" aotcache" && [ $aot = 1 ] && variants+=" aot+aotcache"
    fi
    echo "jar $JAR, $("$JAVA" -version 2>&1 | head -1), $(nproc) CPUs; $START_RUNS starts per variant; load before: $(load)"
    printf '%-14s %9s %11s %11s %11s   %s\n' variant median "median CPU" "main thread" "JIT" \
        "each start to readiness (ms); load average before each"
    for variant in $variants; do
        local flags=(-Xmx512m) target=$extracted
        case $variant in
            jar) target=$JAR ;;
            extracted) ;;
            # -Xshare:on and -XX:AOTMode=on: a start that cannot use its archive fails instead of counting as one.
            cds) flags+=(-XX:SharedArchiveFile="$work/app.jsa" -Xshare:on) ;;
            aot) flags+=(-Dspring.aot.enabled=true) ;;
            aot+cds) flags+=(-Dspring.aot.enabled=true -XX:SharedArchiveFile="$work/app-aot.jsa" -Xshare:on) ;;
            aotcache) flags+=(-XX:AOTCache="$work/app.aot" -XX:AOTMode=on) ;;
            aot+aotcache) flags+=(-Dspring.aot.enabled=true -XX:AOTCache="$work/app-aot.aot" -XX:AOTMode=on) ;;
            *) echo "unknown variant $variant" >&2; exit 2 ;;
        esac
        # The training runs: the same flags, stopping once the context is refreshed.
        local train=()
        case $variant in
            cds) train=(-Xmx512m -XX:ArchiveClassesAtExit="$work/app.jsa") ;;
            aot+cds) train=(-Xmx512m -Dspring.aot.enabled=true -XX:ArchiveClassesAtExit="$work/app-aot.jsa") ;;
            aotcache) train=(-Xmx512m -XX:AOTCacheOutput="$work/app.aot") ;;
            aot+aotcache) train=(-Xmx512m -Dspring.aot.enabled=true -XX:AOTCacheOutput="$work/app-aot.aot") ;;
        esac
        if [ ${#train[@]} -gt 0 ]; then
            (cd "$work" && mkdir -p train && cd train && "$JAVA" "${train[@]}" $JAVA_OPTS -Dspring.context.exit=onRefresh -jar "$extracted" \
                "${SERVICE_ARGS[@]}" >"$work/train-$variant.log" 2>&1) || { tail -20 "$work/train-$variant.log" >&2; exit 1; }
        fi
        local times=() cpus=() mains=() jits=() dir
        if [ "$KEEP_LEDGER" = 1 ]; then
            # A restart: the ledger exists and is migrated already (one start first, not counted).
            start_service "$work/start-$variant" "$JAVA" "${flags[@]}" $JAVA_OPTS -jar "$target" "${SERVICE_ARGS[@]}"
            stop_service
        fi
        for run in $(seq 1 "$START_RUNS"); do
            local l; l=$(load)
            dir="$work/start-$variant-$run"
            [ "$KEEP_LEDGER" = 1 ] && dir="$work/start-$variant"
            start_service "$dir" "$JAVA" "${flags[@]}" $JAVA_OPTS -jar "$target" "${SERVICE_ARGS[@]}"
            stop_service
            times+=("$start_ms")
            cpus+=("$start_cpu_ms")
            mains+=("$start_main_ms")
            jits+=("$start_jit_ms")
            loads+="$l "
        done
        printf '%-14s %6s ms %8s ms %8s ms %8s ms   %s\n' "$variant" "$(echo "${times[*]}" | median)" \
            "$(echo "${cpus[*]}" | median)" "$(echo "${mains[*]}" | median)" "$(echo "${jits[*]}" | median)" \
            "${times[*]}; load ${loads:-}"
        loads=
    done
}

loads=
case $mode in
    load) run_load ;;
    start) run_start ;;
    *) echo "usage: bench/preflight.sh [load|start]" >&2; exit 2 ;;
esac
