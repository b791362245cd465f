#!/usr/bin/env bash
# Load and soak test of Groupwork under gunicorn with the production settings, on loopback.
#
#   bash bench/load.sh          load: (a) mixed reads by four signed-in staff, then
#                               (b) the same reads with register saves alongside
#   bash bench/load.sh soak     soak: reads (+ a few saves) at a fixed rate for SOAK_SECONDS
#                               (default 600) after a warm-up, with each worker's memory growth
#   bash bench/load.sh ceiling  the same server and users, every read the bare page
#                               (bench/bare.py: signed in, one query, no template): the most
#                               requests a second this machine serves of any signed-in page
#
# Needs PostgreSQL at 127.0.0.1:5432 (trust, user postgres), Redis at 127.0.0.1:6379 and wrk.
# Uses its own database groupwork_load (created, migrated and loaded with the demo area when
# missing) and Redis database 3. Prints a summary and exits non-zero if any request errored
# (a status other than the expected one, or a socket error) or the pages did not check out.
#
# Settings (environment), with their defaults:
#   LOAD_DATABASE_URL  postgres://postgres@127.0.0.1:5432/groupwork_load
#   LOAD_REDIS_URL     redis://127.0.0.1:6379/3        LOAD_PORT 8765
#   LOAD_WORKERS 2 x CPUs + 1  LOAD_WORKER_CLASS sync  LOAD_THREADS 1 (threads per worker;
#     with more than 1, gunicorn runs gthread workers whatever the class)
#   LOAD_SECONDS 30  LOAD_CONNECTIONS 12  WRK_THREADS 2  SAVE_CONNECTIONS 2  LOAD_WARMUP 5
#   SOAK_SECONDS 600  SOAK_WARMUP 60  SOAK_RATE 100 (reads/s)  SOAK_CONNECTIONS 10
#     (100/s is the goal's rate; keep SOAK_RATE below the load run's req/s, or the soak only
#     measures saturation: the summary warns when the rate was not held)
#   SOAK_SAVE_RATE 2 (requests/s on the save connections: a GET and a POST per save; 0: none)
#   ACCESS_LOG 1 (gunicorn's access log, for server time per page; 0 turns it off)
#   LOAD_WORKDIR       where targets, logs and wrk output go (default: a new /tmp directory)
set -euo pipefail

MODE=${1:-load}
case "$MODE" in
load | soak | ceiling) ;;
-h | --help | help)
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "usage: bash bench/load.sh [load|soak|ceiling]" >&2
	exit 2
	;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=$ROOT/.venv/bin/python
LUA_DIR=$ROOT/bench/load

DB_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/groupwork_load}
REDIS=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/3}
PORT=${LOAD_PORT:-8765}
WORKERS=${LOAD_WORKERS:-$((2 * $(nproc) + 1))}
WORKER_CLASS=${LOAD_WORKER_CLASS:-sync}
THREADS=${LOAD_THREADS:-1}
LOAD_SECONDS=${LOAD_SECONDS:-30}
CONNECTIONS=${LOAD_CONNECTIONS:-12}
WRK_THREADS=${WRK_THREADS:-2}
SAVE_CONNECTIONS=${SAVE_CONNECTIONS:-2}
LOAD_WARMUP=${LOAD_WARMUP:-5}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_WARMUP=${SOAK_WARMUP:-60}
SOAK_RATE=${SOAK_RATE:-100}
SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-10}
SOAK_SAVE_RATE=${SOAK_SAVE_RATE:-2}
ACCESS_LOG=${ACCESS_LOG:-1}
WORK=${LOAD_WORKDIR:-$(mktemp -d /tmp/groupwork-load.XXXXXX)}
mkdir -p "$WORK"
URL=http://127.0.0.1:$PORT
RESULTS=$WORK/results.txt
: >"$RESULTS"

say() { printf '\n== %s\n' "$*"; }
die() {
	echo "load.sh: $*" >&2
	exit 1
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

for tool in wrk psql createdb redis-cli curl; do
	command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install wrk postgresql-client redis-tools curl)"
done
[[ -x $PY ]] || die "no virtualenv at .venv (make venv)"

db_name=${DB_URL##*/}
db_name=${db_name%%\?*}
case "$db_name" in
test | postgres | template0 | template1) die "refusing to use the '$db_name' database" ;;
esac

export DJANGO_SETTINGS_MODULE=groupwork.settings.production
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-load-test-only-secret-key-not-for-any-real-deployment-0123456789}
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=$DB_URL
export DATABASE_POOL=true
export REDIS_URL=$REDIS
export DJANGO_LOG_LEVEL=${DJANGO_LOG_LEVEL:-WARNING}

# --- 1. Database -------------------------------------------------------------------------------
say "Database $db_name (work directory $WORK)"
if ! psql "$DB_URL" -Atqc 'select 1' >/dev/null 2>&1; then
	[[ -z ${LOAD_DATABASE_URL:-} ]] || die "cannot connect to LOAD_DATABASE_URL"
	createdb -h 127.0.0.1 -U postgres groupwork_load
	echo "created groupwork_load"
fi
"$PY" manage.py migrate --noinput >"$WORK/migrate.log" 2>&1 || {
	cat "$WORK/migrate.log"
	die "migrate failed"
}
loaded=$(psql "$DB_URL" -Atqc "select count(*) from organisation_user where username = 'om.worcester'")
if [[ $loaded == 0 ]]; then
	echo "loading the demo area"
	# The demo loader runs only with DEBUG on, so under the demo settings (same database).
	DJANGO_SETTINGS_MODULE=groupwork.settings.demo "$PY" manage.py load_demo >"$WORK/load_demo.log" 2>&1 || {
		cat "$WORK/load_demo.log"
		die "load_demo failed"
	}
fi
echo "demo area loaded; $(psql "$DB_URL" -Atqc 'select count(*) from audit_auditevent') audit events"

# Collected static files with their manifest (production's storage refuses pages without it).
manifest=$ROOT/staticfiles/staticfiles.json
if [[ ! -f $manifest ]] || [[ -n $(find groupwork/static -newer "$manifest" -type f -print -quit) ]]; then
	echo "collectstatic"
	"$PY" manage.py collectstatic --noinput >"$WORK/collectstatic.log" 2>&1 || {
		tail -20 "$WORK/collectstatic.log"
		die "collectstatic failed"
	}
fi

# --- 2. Server -----------------------------------------------------------------------------------
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	die "port $PORT is in use: set LOAD_PORT"
fi
# The image's workers (deploy/gunicorn.conf.py): sync, 2 x CPUs + 1. A sync worker closes each
# connection after its response, so wrk's connections fall evenly on the workers; gthread
# workers keep theirs alive, and how 12 connections fell on two processes moved the throughput
# between 27 and 68 req/s from one run to the next (docs/performance.md, Load and soak).
# No --max-requests: a worker is never recycled, so a leak shows in the soak.
app=groupwork.wsgi:application
[[ $MODE == ceiling ]] && app="bare_wsgi:application --pythonpath $LUA_DIR"
# shellcheck disable=SC2206 # $app is two words for the ceiling run
gunicorn_args=($app --bind "127.0.0.1:$PORT" --workers "$WORKERS"
	--worker-class "$WORKER_CLASS" --threads "$THREADS" --timeout 60
	--error-logfile "$WORK/gunicorn.log")
if [[ $ACCESS_LOG == 1 ]]; then
	gunicorn_args+=(--access-logfile "$WORK/access.log" --access-logformat '%(m)s %(U)s %(s)s %(D)s')
fi
say "gunicorn: $WORKERS $WORKER_CLASS workers x $THREADS threads on $URL"
GUNICORN_PID=""
WRK_PIDS=()
cleanup() {
	local pid
	for pid in "${WRK_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	if [[ -n $GUNICORN_PID ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
		kill -TERM "$GUNICORN_PID" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$GUNICORN_PID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$GUNICORN_PID" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$ROOT/.venv/bin/gunicorn" "${gunicorn_args[@]}" &
GUNICORN_PID=$!
for _ in $(seq 100); do
	if curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "$URL/healthz" 2>/dev/null; then
		break
	fi
	kill -0 "$GUNICORN_PID" 2>/dev/null || {
		cat "$WORK/gunicorn.log"
		die "gunicorn exited"
	}
	sleep 0.2
done
curl -fsS -o /dev/null -H 'X-Forwarded-Proto: https' "$URL/healthz" || die "gunicorn does not answer"

workers() { ps -o pid= --ppid "$GUNICORN_PID" | tr -d ' ' | sort -n; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# CPU time (user + system, clock ticks) the workers have used so far.
cpu_ticks() {
	local pid total=0 ticks
	for pid in $(workers); do
		ticks=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }') || ticks=0
		total=$((total + ${ticks:-0}))
	done
	echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)

# --- 3. Sessions and addresses ---------------------------------------------------------------------
say "Minting OTP-verified sessions and finding the pages"
saves_needed=$SAVE_CONNECTIONS
[[ $MODE == soak && $SOAK_SAVE_RATE == 0 ]] && saves_needed=0
[[ $MODE == ceiling ]] && saves_needed=0
prepare_args=(--saves "$saves_needed" --origin "https://127.0.0.1:$PORT")
[[ $MODE == ceiling ]] && prepare_args+=(--bare)
"$PY" bench/load/load_helper.py prepare "$WORK" "${prepare_args[@]}"
say "Checking every address answers as expected for its user"
"$PY" bench/load/load_helper.py check "$WORK" --port "$PORT"
export LOAD_TARGETS=$WORK/targets.lua

# run_wrk NAME SCRIPT THREADS CONNECTIONS SECONDS [INTERVAL_MS]: wrk in the background, its
# output in $WORK/NAME.out; the PID is appended to WRK_PIDS.
run_wrk() {
	local name=$1 script=$2 threads=$3 conns=$4 seconds=$5 interval=${6:-}
	LOAD_NAME=$name LOAD_INTERVAL_MS=$interval wrk -t "$threads" -c "$conns" -d "${seconds}s" \
		--timeout 10s --latency -s "$LUA_DIR/$script" "$URL" >"$WORK/$name.out" 2>&1 &
	WRK_PIDS+=($!)
}
# wait_wrk: wait for the background wrk runs, keep their summary lines.
wait_wrk() {
	local pid status=0
	for pid in "${WRK_PIDS[@]}"; do
		wait "$pid" || status=$?
	done
	WRK_PIDS=()
	return "$status"
}
log_mark() { [[ -f $WORK/access.log ]] && wc -l <"$WORK/access.log" || echo 0; }
server_pages() { # server time per page since line $1 of the access log
	[[ $ACCESS_LOG == 1 ]] || return 0
	tail -n +"$(($1 + 1))" "$WORK/access.log" >"$WORK/access.part"
	"$PY" bench/load/load_helper.py accesslog "$WORK/access.part"
}
collect() { # collect NAME LOADAVG_BEFORE [CPU_TICKS_BEFORE REQUESTS_SERVED]
	local name=$1 line cpu=""
	cat "$WORK/$name.out"
	line=$(grep '^@@ ' "$WORK/$name.out" | tail -1) || die "wrk run $name gave no summary"
	if [[ -n ${3:-} ]]; then
		cpu=$(awk -v t="$(($(cpu_ticks) - $3))" -v hz="$CLK_TCK" -v n="$4" \
			'BEGIN { printf " worker_cpu_ms_per_request=%.1f", (n > 0 ? t * 1000 / hz / n : 0) }')
	fi
	echo "${line#@@ } load_before=$2 load_after=$(loadavg | tr ' ' '/')$cpu" >>"$RESULTS"
}
requests_of() { sed -n 's/^@@ .*requests=\([0-9]*\).*/\1/p' "$WORK/$1.out" | tail -1; }

# --- 4. Runs ---------------------------------------------------------------------------------------
if [[ $MODE == ceiling ]]; then
	say "Bare page: ${LOAD_SECONDS}s, $CONNECTIONS connections, $WRK_THREADS wrk threads"
	run_wrk warmup reads.lua "$WRK_THREADS" "$CONNECTIONS" "$LOAD_WARMUP"
	wait_wrk || true
	before=$(loadavg | tr ' ' '/')
	ticks=$(cpu_ticks)
	run_wrk bare reads.lua "$WRK_THREADS" "$CONNECTIONS" "$LOAD_SECONDS"
	wait_wrk || die "wrk failed (bare page)"
	collect bare "$before" "$ticks" "$(requests_of bare)"
elif [[ $MODE == load ]]; then
	if ((LOAD_WARMUP > 0)); then
		say "Warm-up: ${LOAD_WARMUP}s of reads (not counted)"
		run_wrk warmup reads.lua "$WRK_THREADS" "$CONNECTIONS" "$LOAD_WARMUP"
		wait_wrk || true
	fi

	say "(a) Mixed reads: ${LOAD_SECONDS}s, $CONNECTIONS connections, $WRK_THREADS wrk threads"
	before=$(loadavg | tr ' ' '/')
	mark=$(log_mark)
	ticks=$(cpu_ticks)
	run_wrk reads reads.lua "$WRK_THREADS" "$CONNECTIONS" "$LOAD_SECONDS"
	wait_wrk || die "wrk failed (reads)"
	collect reads "$before" "$ticks" "$(requests_of reads)"
	server_pages "$mark"

	say "(b) Mixed reads with register saves: ${LOAD_SECONDS}s, $CONNECTIONS read connections" \
		"+ $SAVE_CONNECTIONS save connections (GET the register, POST it, again)"
	before=$(loadavg | tr ' ' '/')
	mark=$(log_mark)
	ticks=$(cpu_ticks)
	((SAVE_CONNECTIONS > 0)) || die "SAVE_CONNECTIONS must be at least 1"
	run_wrk reads_with_saves reads.lua "$WRK_THREADS" "$CONNECTIONS" "$LOAD_SECONDS"
	run_wrk saves saves.lua "$SAVE_CONNECTIONS" "$SAVE_CONNECTIONS" "$LOAD_SECONDS"
	wait_wrk || die "wrk failed (reads with saves)"
	collect reads_with_saves "$before" "$ticks" \
		"$(($(requests_of reads_with_saves) + $(requests_of saves)))"
	collect saves "$before"
	server_pages "$mark"
else
	total=$((SOAK_WARMUP + SOAK_SECONDS))
	read_interval=$(awk -v t="$WRK_THREADS" -v r="$SOAK_RATE" 'BEGIN { printf "%.3f", t * 1000 / r }')
	say "Soak: ${SOAK_RATE} reads/s (+ ${SOAK_SAVE_RATE}/s on $saves_needed save connections)" \
		"for ${SOAK_WARMUP}s warm-up + ${SOAK_SECONDS}s"
	before=$(loadavg | tr ' ' '/')
	mark=$(log_mark)
	ticks=$(cpu_ticks)
	run_wrk soak_reads reads.lua "$WRK_THREADS" "$SOAK_CONNECTIONS" "$total" "$read_interval"
	if ((saves_needed > 0)); then
		save_interval=$(awk -v t="$saves_needed" -v r="$SOAK_SAVE_RATE" 'BEGIN { printf "%.3f", t * 1000 / r }')
		run_wrk soak_saves saves.lua "$saves_needed" "$saves_needed" "$total" "$save_interval"
	fi
	sleep "$SOAK_WARMUP"
	mapfile -t start_pids < <(workers)
	declare -A start_rss
	for pid in "${start_pids[@]}"; do start_rss[$pid]=$(rss_kib "$pid"); done
	echo "after warm-up (load $(loadavg)): $(for p in "${start_pids[@]}"; do printf '%s=%s KiB ' "$p" "${start_rss[$p]}"; done)"
	timeline=$WORK/rss_timeline.txt
	: >"$timeline"
	elapsed=0
	while kill -0 "${WRK_PIDS[0]}" 2>/dev/null; do
		sleep 5
		elapsed=$((elapsed + 5))
		if ((elapsed % 60 == 0)); then
			line="t=+${elapsed}s load $(loadavg):"
			for pid in "${start_pids[@]}"; do line+=" $(rss_kib "$pid")"; done
			echo "$line" | tee -a "$timeline"
		fi
		# The last sample before wrk stops, so the end figure is of the workers under load.
		if ((elapsed >= SOAK_SECONDS - 5)) && [[ -z ${end_taken:-} ]]; then
			declare -A end_rss
			for pid in "${start_pids[@]}"; do end_rss[$pid]=$(rss_kib "$pid"); done
			end_taken=1
		fi
	done
	wait_wrk || die "wrk failed (soak)"
	if [[ -z ${end_taken:-} ]]; then
		declare -A end_rss
		for pid in "${start_pids[@]}"; do end_rss[$pid]=$(rss_kib "$pid"); done
	fi
	served=$(requests_of soak_reads)
	((saves_needed > 0)) && served=$((served + $(requests_of soak_saves)))
	collect soak_reads "$before" "$ticks" "$served"
	if ((saves_needed > 0)); then collect soak_saves "$before"; fi
	server_pages "$mark"
	mapfile -t end_pids < <(workers)
	memory=$WORK/memory.txt
	: >"$memory"
	total_start=0
	total_end=0
	for pid in "${start_pids[@]}"; do
		s=${start_rss[$pid]}
		e=${end_rss[$pid]:-0}
		total_start=$((total_start + s))
		total_end=$((total_end + e))
		awk -v p="$pid" -v s="$s" -v e="$e" 'BEGIN {
			printf "  worker %-8s %8.1f MiB -> %8.1f MiB  %+6.1f%%\n", p, s/1024, e/1024, (e-s)*100/s }' >>"$memory"
	done
	awk -v s="$total_start" -v e="$total_end" 'BEGIN {
		printf "  all workers     %8.1f MiB -> %8.1f MiB  %+6.1f%%\n", s/1024, e/1024, (e-s)*100/s }' >>"$memory"
	if [[ "${start_pids[*]}" != "${end_pids[*]}" ]]; then
		echo "  WORKERS CHANGED during the soak: ${start_pids[*]} -> ${end_pids[*]} (a worker died or timed out)" >>"$memory"
	fi
fi

# --- 5. Summary ------------------------------------------------------------------------------------
say "Summary ($MODE; gunicorn $WORKERS $WORKER_CLASS workers x $THREADS threads; load average now $(loadavg))"
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
errors_total=0
printf '  %-18s %9s %7s %8s %8s %8s %7s %7s  %s\n' run requests req/s p50_ms p95_ms p99_ms errors socket "load before -> after"
while read -r line; do
	[[ -n $line ]] || continue
	name=$(field name "$line")
	bad=$(field bad_status "$line")
	sock=$(field socket_errors "$line")
	errors_total=$((errors_total + bad + sock))
	printf '  %-18s %9s %7s %8s %8s %8s %7s %7s  %s -> %s\n' "$name" "$(field requests "$line")" \
		"$(field rps "$line")" "$(field p50_ms "$line")" "$(field p95_ms "$line")" \
		"$(field p99_ms "$line")" "$bad" "$sock" "$(field load_before "$line")" "$(field load_after "$line")"
	echo "      statuses $(field statuses "$line")"
	if [[ -n $(field worker_cpu_ms_per_request "$line") ]]; then
		echo "      gunicorn workers' CPU per request (all requests of the run): $(field worker_cpu_ms_per_request "$line") ms"
	fi
	if [[ -n $(field save_count "$line") ]]; then
		echo "      POST (save) alone: $(field save_count "$line") saves, p50 $(field save_p50_ms "$line") ms, p95 $(field save_p95_ms "$line") ms"
	fi
done <"$RESULTS"
if [[ $MODE == load ]]; then
	reads_line=$(grep '^name=reads_with_saves ' "$RESULTS" || true)
	saves_line=$(grep '^name=saves ' "$RESULTS" || true)
	if [[ -n $reads_line && -n $saves_line ]]; then
		awk -v a="$(field rps "$reads_line")" -v b="$(field rps "$saves_line")" \
			'BEGIN { printf "  (b) together: %.1f requests/s\n", a + b }'
	fi
elif [[ $MODE == soak ]]; then
	achieved=$(field rps "$(grep '^name=soak_reads ' "$RESULTS")")
	if awk -v a="$achieved" -v r="$SOAK_RATE" 'BEGIN { exit !(a < 0.95 * r) }'; then
		echo "  WARNING: the read rate was not held: $achieved of $SOAK_RATE requests/s. The server is"
		echo "  saturated, so this was not a soak at a fixed rate: set SOAK_RATE below the throughput"
		echo "  of the load run (bash bench/load.sh), e.g. two thirds of it"
	else
		echo "  read rate held: $achieved of $SOAK_RATE requests/s"
	fi
	echo "  worker memory (VmRSS) after the ${SOAK_WARMUP}s warm-up -> at the end of the ${SOAK_SECONDS}s:"
	cat "$memory"
fi
echo "  errors (unexpected status + socket errors): $errors_total"
echo "  files: $WORK (wrk output *.out, results.txt, gunicorn.log, access.log if ACCESS_LOG=1)"
if grep -q 'WORKERS CHANGED' "${memory:-/dev/null}" 2>/dev/null; then
	exit 1
fi
((errors_total == 0)) || exit 1
