#!/usr/bin/env bash
# The fleet benchmark behind the README's figures: the jar, with the chart's heap (-Xmx768m, 75 % of its 1Gi limit),
# against HOSTS libvirt test-driver hosts of PER_HOST running domains each (FleetGenerator). It reports the first
# fleet audit sweep (at start-up, connections being opened) and a later one (on open connections), the process's
# RSS and its peak during the sweeps, and the size and time of SCRAPES scrapes of /actuator/prometheus.
# Needs libvirt0, curl and openssl. Run from anywhere: bench/fleet-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-500}
PER_HOST=${PER_HOST:-20}
PORT=${PORT:-18080}
SCRAPES=${SCRAPES:-200}

./mvnw -q -DskipTests package
./mvnw -q dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    io.migrationgatekeeper.testsupport.FleetGenerator "$dir" "$HOSTS" "$PER_HOST"

key="bench-$(openssl rand -hex 12)"
sha=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
java -Xmx768m -XX:+ExitOnOutOfMemoryError -jar target/migration-gatekeeper-*.jar \
    --spring.config.additional-location="$dir/application.yaml" --server.port="$PORT" \
    "--spring.datasource.url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" \
    "--gatekeeper.security.api-keys[0].name=bench" "--gatekeeper.security.api-keys[0].sha256=$sha" \
    "--gatekeeper.security.api-keys[0].scopes=read" --gatekeeper.audit.interval=90s \
    > "$dir/service.log" 2>&1 &
pid=$!

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }
audit() { curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$PORT/v1/audit" || true; }
field() { grep -o "\"$1\":[^,]*" | head -1 | cut -d: -f2-; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat"; }

peak=0
until [ -n "$(audit)" ]; do
    kill -0 "$pid" 2>/dev/null || { tail -50 "$dir/service.log"; exit 1; }
    r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.2
done
first=$(audit)
echo "first sweep (at start-up): $(echo "$first" | field domains) running domains on $(echo "$first" | field hosts) hosts,"\
     "$(echo "$first" | field notMigratable) not migratable, $(echo "$first" | field durationMs) ms; RSS $(rss) MiB, peak $peak MiB"
swept=$(echo "$first" | field sweptAt)
peak=0
while [ "$(audit | field sweptAt)" = "$swept" ]; do
    r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.2
done
second=$(audit)
echo "second sweep (open connections): $(echo "$second" | field durationMs) ms; RSS $(rss) MiB, peak during it $peak MiB"

for _ in 1 2 3 4 5; do curl -s -o /dev/null "http://127.0.0.1:$PORT/actuator/prometheus"; done
cpu_before=$(cpu_ms)
for _ in $(seq "$SCRAPES"); do
    curl -s -o /dev/null -w '%{size_download} %{time_total}\n' "http://127.0.0.1:$PORT/actuator/prometheus"
done | sort -k2 -n | awk '{size = $1; t[NR] = $2 * 1000} END {
    printf "scrape: %d bytes; time p50 %.1f ms, p95 %.1f ms, max %.1f ms over %d scrapes\n", size, t[int(NR / 2)],
        t[int(NR * 0.95)], t[NR], NR }'
echo "CPU per scrape (the whole process, over the $SCRAPES scrapes): $(awk -v a="$cpu_before" -v b="$(cpu_ms)" -v n="$SCRAPES" 'BEGIN {printf "%.1f", (b - a) / n}') ms"
echo "series: $(curl -s "http://127.0.0.1:$PORT/actuator/prometheus" | grep -vc '^#')"
echo "RSS after the scrapes: $(rss) MiB"
