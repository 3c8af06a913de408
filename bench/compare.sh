#!/usr/bin/env bash
# Etcetera side by side with real etcd on this machine (issue 8).
#
# Starts real etcd (Debian's `etcd`) and Etcetera (`bin/etcetera`) with the same etcd flags, each on
# a fresh data dir under a temp dir and free loopback ports, as 1 member and as 3 members; runs the
# standard shapes against each with the bench's load generator, alternating which target goes
# first; and prints a table of Etcetera/etcd ratios of QPS, p50 and p99 (medians over the runs).
# Every run's JSON report, the logs and the table are kept under bench/results/<UTC time>/
# (bench/results/latest points at the newest).
#
# Usage: bench/compare.sh [--only etcd|etcetera] [--members 1,3] [--reps N] [--duration SECONDS]
#   --only etcd      measure etcd alone (the bar Etcetera must beat)
#   --only etcetera  measure Etcetera alone
#   --members LIST   cluster sizes, comma-separated (default 1,3)
#   --reps N         runs of every shape per target and size (default 3); the table shows medians
#   --duration S     seconds each shape is measured at most (default 10); a whole run takes
#                    about reps × sizes × targets × (6 × (S + 7) + 15) seconds
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
invocation="bench/compare.sh $*"

only=""
member_counts="1,3"
reps=3
duration_seconds=10
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=$2; shift 2 ;;
    --members) member_counts=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --duration) duration_seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$only" in ""|etcd|etcetera) ;; *) echo "compare.sh: --only takes etcd or etcetera" >&2; exit 2 ;; esac
command -v etcd >/dev/null || { echo "compare.sh: etcd is not installed (apt-get install etcd-server)" >&2; exit 1; }
command -v etcdctl >/dev/null || { echo "compare.sh: etcdctl is not installed (apt-get install etcd-client)" >&2; exit 1; }
command -v jq >/dev/null || { echo "compare.sh: jq is not installed (apt-get install jq)" >&2; exit 1; }

if [ ! -f bench/target/etcetera-bench.jar ]; then
  echo "Building the load generator (bench/target/etcetera-bench.jar)..."
  mvn -B -ntp -q -pl bench -am package -DskipTests
fi
bench() { bench/benchmark "$@"; }

# Readiness: how long a cluster may take to serve KV, and how long one run may take at most
# (its shape's duration, plus the generator's own grace for late responses and start-up).
ready_wait_seconds=60
run_timeout_seconds=$((duration_seconds + 90))
# Warm-up load before the measured shapes, so that neither server is measured cold (JIT, caches).
warmup_seconds=3
range_key=bench-range

# The shapes: name, then the generator's arguments. Keys 8 bytes, values 256 bytes.
write_args="--key-size 8 --val-size 256 --key-space-size 100000"
shape_names=(put-1c put-100c range-l range-s txn-put watch-latency)
# Closed-loop shapes first run 2 s unmeasured in the same generator JVM (its JIT warm-up).
client_warmup="--warmup 2s --total 100000000"
shape_args=(
  "--conns 1 --clients 1 put $write_args --sequential-keys $client_warmup"
  "--conns 10 --clients 100 put $write_args --sequential-keys $client_warmup"
  "--conns 10 --clients 100 range $range_key --consistency l $client_warmup"
  "--conns 10 --clients 100 range $range_key --consistency s $client_warmup"
  "--conns 10 --clients 100 txn-put $write_args $client_warmup"
  "--conns 10 --clients 10 watch-latency --streams 10 --watchers-per-stream 10 --key-size 8
     --val-size 256 --put-rate 100 --put-total $((100 * duration_seconds))"
)

out=bench/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out/logs"
ln -sfn "$(basename "$out")" bench/results/latest
work=$(mktemp -d "${TMPDIR:-/tmp}/etcetera-compare.XXXXXX")
pids=()

stop_cluster() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap 'stop_cluster; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# start_cluster TARGET MEMBERS TAG: starts the members with etcd's flags; sets `endpoints`.
start_cluster() {
  local target=$1 members=$2 tag=$3 binary i
  case "$target" in etcd) binary=etcd ;; etcetera) binary=bin/etcetera ;; esac
  local ports
  read -r -a ports <<<"$(bench free-ports $((2 * members)))"
  local initial_cluster="" client_urls=()
  for i in $(seq 1 "$members"); do
    initial_cluster+="${initial_cluster:+,}m$i=http://127.0.0.1:${ports[$((2 * i - 1))]}"
    client_urls+=("127.0.0.1:${ports[$((2 * i - 2))]}")
  done
  for i in $(seq 1 "$members"); do
    local client="http://127.0.0.1:${ports[$((2 * i - 2))]}"
    local peer="http://127.0.0.1:${ports[$((2 * i - 1))]}"
    "$binary" --name "m$i" --data-dir "$work/$tag/m$i" \
      --listen-client-urls "$client" --advertise-client-urls "$client" \
      --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
      --initial-cluster "$initial_cluster" --initial-cluster-state new \
      --initial-cluster-token "$tag" >"$out/logs/$tag-m$i.log" 2>&1 &
    pids+=($!)
  done
  endpoints=$(IFS=,; echo "${client_urls[*]}")
}

# await_kv MEMBERS: true once a linearizable range succeeds through every member.
await_kv() {
  local members=$1 deadline=$((SECONDS + ready_wait_seconds))
  while [ $SECONDS -lt $deadline ]; do
    if bench --endpoints "$endpoints" --conns "$members" --clients "$members" --json \
        range "$range_key" --total "$members" 2>/dev/null \
        | jq -e --argjson n "$members" '.summaries[0] | .requestCount == $n and .errorCount == 0' \
        >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  return 1
}

# run_shapes TARGET MEMBERS REP: runs every shape once against the running cluster.
run_shapes() {
  local target=$1 members=$2 rep=$3 i
  ETCDCTL_API=3 etcdctl --endpoints "${endpoints%%,*}" put "$range_key" "$(printf 'v%.0s' $(seq 1 256))" >/dev/null
  bench --endpoints "$endpoints" --conns 10 --clients 100 put $write_args --sequential-keys \
    --total 100000000 --max-duration "${warmup_seconds}s" >/dev/null 2>&1 || true
  for i in "${!shape_names[@]}"; do
    local shape=${shape_names[$i]}
    local file
    file="$out/${members}m-$(printf %02d "$i")-$shape-$target-r$rep.json"
    # shellcheck disable=SC2086 # the shape's arguments are meant to split into words
    if timeout "$run_timeout_seconds" bench/benchmark --endpoints "$endpoints" --json \
        --label target="$target" --label members="$members" --label shape="$shape" \
        --label rep="$rep" ${shape_args[$i]} --max-duration "${duration_seconds}s" \
        >"$file" 2>"$out/logs/${members}m-$shape-$target-r$rep.err"; then
      jq -r --arg t "$target" --arg m "$members" --arg s "$shape" --arg r "$rep" \
        '.warnings as $w | .primary as $p | (.summaries[] | select(.name == $p)) as $x
         | "  rep \($r) \($t) \($m)m \($s): \($x.requestsPerSecond | floor) QPS, "
           + "p50 \(($x.percentiles[] | select(.percent == 50).seconds) * 1e3 | . * 100 | round / 100) ms, "
           + "p99 \(($x.percentiles[] | select(.percent == 99).seconds) * 1e3 | . * 100 | round / 100) ms, "
           + "errors \($x.errorCount)"
           + (if ($w | length) > 0 then "; warnings: \($w | join("; "))" else "" end)' "$file"
    else
      echo "  rep $rep $target ${members}m $shape: FAILED (see $out/logs/${members}m-$shape-$target-r$rep.err)"
      rm -f "$file"
    fi
  done
}

targets=()
etcetera_note=""
if [ "$only" != etcetera ]; then targets+=(etcd); fi
if [ "$only" = etcd ]; then
  etcetera_note="Etcetera: skipped (--only etcd)."
elif [ ! -x bin/etcetera ]; then
  etcetera_note="Etcetera: SKIPPED — bin/etcetera does not exist yet; the member does not serve clients yet. Only etcd was measured."
else
  targets+=(etcetera)
fi
[ -n "$etcetera_note" ] && echo "$etcetera_note"
[ ${#targets[@]} -gt 0 ] || { echo "compare.sh: nothing to measure" >&2; exit 1; }

jq -n --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  --arg cores "$(nproc)" --arg memory "$(free -g | awk '/Mem:/ {print $2 " GiB"}')" \
  --arg kernel "$(uname -r)" --arg etcd "$(etcd --version | head -1)" \
  --arg java "$(java -version 2>&1 | head -1)" --arg commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --arg generatorJvm "${BENCH_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}" \
  --arg command "$invocation" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg members "$member_counts" --arg reps "$reps" --arg duration "$duration_seconds" \
  '{date: $date, cpu: $cpu, cores: $cores, memory: $memory, kernel: $kernel, etcd: $etcd, java: $java,
    commit: $commit, generatorJvm: $generatorJvm, command: $command, loadAverageAtStart: $load, members: $members, reps: $reps,
    durationSeconds: $duration}' >"$out/meta.json"

read -r load_now _ </proc/loadavg
if awk -v l="$load_now" -v c="$(nproc)" 'BEGIN { exit !(l > c / 2) }'; then
  echo "warning: load average $load_now on $(nproc) cores: other processes compete for the CPU;"
  echo "         absolute figures will be low and noisy (ratios less so: the targets alternate)."
fi

IFS=, read -r -a sizes <<<"$member_counts"
for rep in $(seq 1 "$reps"); do
  order=("${targets[@]}")
  if [ $((rep % 2)) -eq 0 ] && [ ${#targets[@]} -eq 2 ]; then order=("${targets[1]}" "${targets[0]}"); fi
  for members in "${sizes[@]}"; do
    for target in "${order[@]}"; do
      if [ "$target" = etcetera ] && [ -n "$etcetera_note" ]; then continue; fi
      tag="$target-${members}m-r$rep"
      echo "rep $rep/$reps: $target, $members member(s)"
      start_cluster "$target" "$members" "$tag"
      if ! await_kv "$members"; then
        stop_cluster
        if [ "$target" = etcetera ]; then
          etcetera_note="Etcetera: SKIPPED — bin/etcetera started but did not serve KV within ${ready_wait_seconds} s (see $out/logs/$tag-m*.log)."
          echo "$etcetera_note"
          continue
        fi
        echo "compare.sh: etcd did not serve KV within ${ready_wait_seconds} s (see $out/logs/$tag-m*.log)" >&2
        exit 1
      fi
      run_shapes "$target" "$members" "$rep"
      stop_cluster
      rm -rf "${work:?}/$tag"
    done
  done
done

bench compare-table "$out" >"$out/table.md"
{
  echo
  echo "Etcetera / etcd, medians of $reps run(s) per cell; QPS × above 1 and p50/p99 × below 1 mean Etcetera is faster."
  [ -n "$etcetera_note" ] && echo "$etcetera_note"
  jq -r '"Machine: \(.cpu), \(.cores) cores, \(.memory); \(.etcd); \(.java); \(.date); load average at start \(.loadAverageAtStart)."' "$out/meta.json"
  echo "Command: $invocation"
} >>"$out/table.md"
echo
cat "$out/table.md"
echo
echo "Reports and logs: $out"
