#!/usr/bin/env bash
# The relay comparison of issue 4 (docs/BENCHMARKS.md "Relay"): postroom's
# embedded relay against Postfix, on this machine, on loopback, with
# Postfix's own load tools.
#
# For each run and each system it measures, each time with a fresh server
# and a fresh smtp-sink as the next hop:
#   e2e20  smtp-source -d -s 20 -m N -l 4096 ...  : messages/s from the start of
#          smtp-source until smtp-sink has received all N (and the accept rate:
#          N / time until smtp-source is done)
#   e2e1   the same over one connection (-s 1 -m N1)
#   lat    scripts/smtpload: 20 connections, LATN messages, the time from the
#          end of DATA to the 250 of each (p50/p99), while delivery runs
# and prints the medians and ranges over the runs, and the ratios
# postroom / Postfix.
#
# Postfix is a private instance made by this script (config, queue and data
# in the temp dir, smtpd on a loopback port, relayhost = the sink, no local
# delivery), started and stopped here; the system's own Postfix is not
# touched. postroom is `postroom init --demo` plus a postroom.toml making
# 127.0.0.1/32 the trusted system "bench" (sender bench@example.com, may send
# outside), with the sink as its smarthost.
#
#   scripts/smtp-bench.sh                       # 3 runs, N=20000, N1=2000, LATN=4000
#   SHORT=1 scripts/smtp-bench.sh               # 1 run, N=2000, N1=200, LATN=1000
#   RUNS=5 SYSTEMS=postroom scripts/smtp-bench.sh
#   PR_BATCH_DELAY=2ms PR_WORKERS=16 scripts/smtp-bench.sh   # written to [queue]
#   SERVE_FLAGS="--cpuprofile /tmp/cpu-%NAME%.out" SYSTEMS=postroom RUNS=1 scripts/smtp-bench.sh
#                                               # %NAME% is the test's name (postroom-e2e20-1 ...)
#   KEEP=1 scripts/smtp-bench.sh                # keep the temp dir (logs, results.txt)
#   PERF=1 KEEP=1 scripts/smtp-bench.sh         # perf record serve in run 1's e2e tests:
#                                               # WORK/perf-postroom-e2e*-1.{data,txt}
# With perf installed, the syncs and page writes per message are counted too
# (perf stat on the syscalls: of serve; of the whole machine for Postfix).
#   QUIET=0 scripts/smtp-bench.sh               # do not wait for a quiet machine before each test
#
# Needs: root (Postfix runs as the postfix user; smtp-sink drops to it), the
# Debian packages postfix (postfix, postconf, smtp-source, smtp-sink), go, ss.
# Exit status 1 when a measurement failed (a message missing or duplicated at
# the sink, a server that did not start).

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${SHORT:-}" ]; then
	RUNS=${RUNS:-1} N=${N:-2000} N1=${N1:-200} LATN=${LATN:-1000}
fi
RUNS=${RUNS:-3}
N=${N:-20000}
N1=${N1:-2000}
LATN=${LATN:-4000}
SESS=${SESS:-20}
SIZE=${SIZE:-4096}
SYSTEMS=${SYSTEMS:-postfix postroom}
FROM=${FROM:-bench@example.com}
RCPT=${RCPT:-rcpt@outside.test}
SERVE_FLAGS=${SERVE_FLAGS:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/postroom-smtpbench.XXXXXX")
chmod 755 "$WORK"
RESULTS="$WORK/results.txt"
: >"$RESULTS"
SINK_PID="" PR_PID="" PF_UP="" PERF_PID="" STAT_PID=""
HAVE_PERF=$(command -v perf)
status=0

say() { printf '%s\n' "$*" >&2; }

cleanup() {
	local f
	[ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null
	[ -n "$STAT_PID" ] && kill -INT "$STAT_PID" 2>/dev/null
	for f in sink_stop pr_stop pf_stop; do
		declare -F "$f" >/dev/null && "$f"
	done
	if [ -n "${KEEP:-}" ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for t in postconf postfix smtp-source smtp-sink ss go; do
	command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || { say "smtp-bench: $t missing (apt-get install postfix iproute2)"; exit 2; }
done
PATH=$PATH:/usr/sbin
if [ "$(id -u)" != 0 ]; then
	say "smtp-bench: run as root: the private Postfix instance runs as the postfix user"
	exit 2
fi
if postfix status >/dev/null 2>&1; then
	say "smtp-bench: note: the system's Postfix is running; it is left alone but shares the CPU (postfix stop)"
fi

# Ports: free loopback ports, distinct from each other.
USED=""
pick_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 30000))
		case " $USED " in *" $p "*) continue ;; esac
		ss -Hltn "sport = :$p" | grep -q . && continue
		USED="$USED $p"
		printf -v "$1" '%s' "$p"
		return
	done
}
pick_port SINKP
pick_port PFP
pick_port PRSMTP
pick_port PRSUB
pick_port PRSSH

wait_port() { # PORT SECONDS [PID]: until something listens on 127.0.0.1:PORT
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		ss -Hltn "sport = :$1" | grep -q . && return 0
		if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 1; fi
		sleep 0.05
	done
	return 1
}
now_ns() { date +%s%N; }

# The machine may be shared: before each measurement wait (up to QUIET_MAX
# seconds) until the whole machine was less than QUIET_PCT % busy over one
# second; the figure seen is kept with the results (QUIET=0: do not wait).
QUIET=${QUIET:-1}
QUIET_PCT=${QUIET_PCT:-15}
QUIET_MAX=${QUIET_MAX:-180}
cpu_busy() { # % of all CPUs busy over one second
	local u n s i w q sq st t1 i1 t2 i2
	read -r _ u n s i w q sq st _ </proc/stat
	t1=$((u + n + s + i + w + q + sq + st)) i1=$((i + w))
	sleep 1
	read -r _ u n s i w q sq st _ </proc/stat
	t2=$((u + n + s + i + w + q + sq + st)) i2=$((i + w))
	echo $((100 * ((t2 - t1) - (i2 - i1)) / (t2 - t1 > 0 ? t2 - t1 : 1)))
}
machine_cpu_ms() { # CPU time used by everything on the machine so far, in ms
	local u n s i w q sq st
	read -r _ u n s i w q sq st _ </proc/stat
	echo $(((u + n + s + q + sq + st) * 1000 / $(getconf CLK_TCK)))
}
BUSY=0
wait_quiet() {
	local waited=0
	BUSY=$(cpu_busy)
	[ "$QUIET" = 0 ] && return
	while [ "$BUSY" -ge "$QUIET_PCT" ] && [ "$waited" -lt "$QUIET_MAX" ]; do
		BUSY=$(cpu_busy)
		waited=$((waited + 1))
	done
	[ "$BUSY" -ge "$QUIET_PCT" ] && say "  note: the machine is still ${BUSY}% busy after ${QUIET_MAX}s; measuring anyway"
}

(cd "$ROOT" && go build -o "$WORK/smtpload" ./scripts/smtpload) || exit 1
if [[ " $SYSTEMS " == *" postroom "* ]]; then
	(cd "$ROOT" && go build -o "$WORK/postroom" .) || exit 1
fi

# ---- the next hop: smtp-sink, counting ------------------------------------

SINK_OUT=""
sink_start() { # NAME
	SINK_OUT="$WORK/sink-$1.out"
	smtp-sink -u postfix -c 127.0.0.1:"$SINKP" 1024 >"$SINK_OUT" 2>"$WORK/sink-$1.err" &
	SINK_PID=$!
	wait_port "$SINKP" 10 "$SINK_PID" || { say "smtp-bench: smtp-sink did not start: $(cat "$WORK/sink-$1.err")"; exit 1; }
}
sink_stop() {
	if [ -n "$SINK_PID" ] && kill -0 "$SINK_PID" 2>/dev/null; then
		kill "$SINK_PID"
		wait "$SINK_PID" 2>/dev/null
	fi
	SINK_PID=""
}

# ---- Postfix 3.x, a private instance ----------------------------------------

PFD="$WORK/postfix"
PFC="$PFD/etc"
pf_setup() {
	mkdir -p "$PFC" "$PFD/queue" "$PFD/data"
	chmod 755 "$PFD"
	cp -a /etc/postfix/. "$PFC/"
	rm -f "$PFC/makedefs.out" # a symlink out of the directory; postfix check warns
	chown postfix:postfix "$PFD/data"
	postconf -c "$PFC" -e \
		"queue_directory=$PFD/queue" "data_directory=$PFD/data" \
		"inet_interfaces=127.0.0.1" "inet_protocols=ipv4" \
		"myhostname=pfbench.localdomain" "mydestination=" "mynetworks=127.0.0.0/8" \
		"relayhost=[127.0.0.1]:$SINKP" \
		"local_transport=error:local delivery is off in this instance" \
		"alias_maps=" "alias_database=" \
		"smtpd_tls_security_level=none" "smtp_tls_security_level=none" \
		"default_process_limit=100" "compatibility_level=3.6" \
		"maillog_file_prefixes=$PFD" "maillog_file=$PFD/maillog" || return 1
	postconf -c "$PFC" -M# smtp/inet
	postconf -c "$PFC" -M "127.0.0.1:$PFP/inet=127.0.0.1:$PFP inet n - n - - smtpd" || return 1
	postconf -c "$PFC" -F '*/*/chroot = n' || return 1
	postfix -c "$PFC" check >/dev/null 2>&1 || { say "smtp-bench: postfix check failed; see $PFD/maillog"; return 1; }
}
pf_start() {
	# The first start on a fresh machine sometimes fails (postfix-script:
	# "mail system startup failed") and the next works: try three times.
	local try
	for try in 1 2 3; do
		postfix -c "$PFC" start >>"$WORK/postfix-start.log" 2>&1 && break
		[ "$try" = 3 ] && { say "smtp-bench: postfix did not start; see $PFD/maillog and $WORK/postfix-start.log"; return 1; }
		say "  note: postfix did not start (try $try); trying again"
		postfix -c "$PFC" stop >/dev/null 2>&1
		sleep 2
	done
	PF_UP=1
	wait_port "$PFP" 20
}
pf_stop() {
	[ -n "$PF_UP" ] || return 0
	postfix -c "$PFC" stop >/dev/null 2>&1
	local i
	for ((i = 0; i < 200; i++)); do
		postfix -c "$PFC" status >/dev/null 2>&1 || break
		sleep 0.05
	done
	PF_UP=""
}
pf_queued() { find "$PFD/queue/maildrop" "$PFD/queue/incoming" "$PFD/queue/active" "$PFD/queue/deferred" "$PFD/queue/hold" -type f 2>/dev/null | wc -l; }

# ---- postroom ----------------------------------------------------------------

TPL="$WORK/postroom-template"
PRD="$WORK/postroom-data"
pr_setup() {
	"$WORK/postroom" init --data "$TPL" --demo >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; return 1; }
	{
		echo 'hostname = "prbench.localdomain"'
		echo
		echo '[listen]'
		echo "ssh = \"127.0.0.1:$PRSSH\""
		echo "smtp = \"127.0.0.1:$PRSMTP\""
		echo "submission = \"127.0.0.1:$PRSUB\""
		echo
		echo '[smarthost]'
		echo "addr = \"127.0.0.1:$SINKP\""
		if [ -n "${PR_WORKERS:-}${PR_BATCH_DELAY:-}" ]; then
			echo
			echo '[queue]'
			[ -n "${PR_WORKERS:-}" ] && echo "workers = ${PR_WORKERS}"
			[ -n "${PR_BATCH_DELAY:-}" ] && echo "batch_delay = \"${PR_BATCH_DELAY}\""
		fi
		echo
		echo '[[trusted]]'
		echo 'name = "bench"'
		echo 'networks = ["127.0.0.1/32"]'
		echo "sender = \"$FROM\""
		echo 'external = true'
	} >"$TPL/postroom.toml"
}
PR_LOG=""
pr_start() { # NAME
	rm -rf "$PRD"
	cp -a "$TPL" "$PRD"
	PR_LOG="$WORK/serve-$1.log"
	# shellcheck disable=SC2086 # SERVE_FLAGS is a list of words
	"$WORK/postroom" serve --data "$PRD" --ssh 127.0.0.1:"$PRSSH" --smtp 127.0.0.1:"$PRSMTP" \
		--submission 127.0.0.1:"$PRSUB" --smarthost 127.0.0.1:"$SINKP" ${SERVE_FLAGS//%NAME%/$1} >"$PR_LOG" 2>&1 &
	PR_PID=$!
	wait_port "$PRSMTP" 20 "$PR_PID" || { say "smtp-bench: postroom serve has no SMTP listener on $PRSMTP:"; tail -20 "$PR_LOG" >&2; return 1; }
}
pr_stop() {
	if [ -n "$PR_PID" ] && kill -0 "$PR_PID" 2>/dev/null; then
		kill -TERM "$PR_PID"
		wait "$PR_PID" 2>/dev/null
	fi
	PR_PID=""
}
pr_cpu() { # utime+stime of serve, in ms
	local tck stat
	tck=$(getconf CLK_TCK)
	stat=$(cat "/proc/$PR_PID/stat" 2>/dev/null) || { echo 0; return; }
	stat=${stat##*) }
	set -- $stat
	echo $(((${12} + ${13}) * 1000 / tck))
}
pr_rss() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$PR_PID/status" 2>/dev/null; }
pr_queued() { # after serve stopped: messages still queued or held
	"$WORK/postroom" --data "$PRD" queue list --json 2>"$WORK/queue-list.err" | grep -o '"id"' | wc -l
}

# perf_summary FILE: the share of serve's CPU samples under each part of the
# relay (inclusive: a part's callees count in it, so the lines overlap).
perf_summary() {
	perf report -i "$1" --children --sort symbol --stdio -g none 2>/dev/null |
		awk '/%/ {sym = ""; for (i = 4; i <= NF; i++) if ($i != "-") sym = sym (sym == "" ? "" : " ") $i; print $1, sym}' |
		grep -E ' (go\.etcd\.io/bbolt\.\(\*DB\)\.(Update|View)|go\.etcd\.io/bbolt\.\(\*Tx\)\.(Commit|write|writeMeta)|go\.etcd\.io/bbolt\.fdatasync|postroom/store\.\(\*Spool\)\.[A-Za-z]+(\.func1)?|postroom/mail\.\(\*Relay\)\.accept|postroom/mail\.\(\*session\)\.(Data|readData|Mail|Rcpt)|postroom/mail\.\(\*Deliverer\)\.(deliverMessage|attempt)|postroom/mail\.\(\*clientPools\)\.(send|transact)|postroom/model\.[A-Za-z]+|postroom/mail\.[A-Z][A-Za-z]+|github\.com/emersion/go-smtp\.\(\*Server\)\.handleConn|runtime\.gcBgMarkWorker|runtime\.mallocgc|encoding/json\.(Marshal|Unmarshal)|log\.\(\*Logger\)\.[A-Za-z]+|runtime\.sysmon)$'
}

# ---- one measurement --------------------------------------------------------

start_sys() { # SYS NAME
	case $1 in
	postfix) pf_start ;;
	postroom) pr_start "$2" ;;
	esac
}
stop_sys() { # SYS; then LEFT is what is left in its queue
	case $1 in
	postfix) pf_stop; LEFT=$(pf_queued) ;;
	postroom) pr_stop; LEFT=$(pr_queued) ;;
	esac
}
port_of() { case $1 in postfix) echo "$PFP" ;; postroom) echo "$PRSMTP" ;; esac; }
record() { echo "$*" >>"$RESULTS"; }

# e2e SYS RUN SESSIONS COUNT KEY
e2e() {
	local sys=$1 run=$2 s=$3 n=$4 key=$5 name="$1-$5-$2" t0 t1 w reached final left cpu0 cpu1 secs mcpu0 mcpu1 syncs pwrites
	wait_quiet
	record "$sys $key.busy_before $run $BUSY"
	sink_start "$name"
	start_sys "$sys" "$name" || { sink_stop; status=1; return; }
	if [ "$sys" = postroom ]; then
		cpu0=$(pr_cpu)
		if [ -n "${PERF:-}" ] && [ "$run" = 1 ]; then
			perf record -F 999 -g -p "$PR_PID" -o "$WORK/perf-$name.data" >/dev/null 2>&1 &
			PERF_PID=$!
		fi
	fi
	# Syncs and page writes: of serve itself; for Postfix (many processes) of the whole machine.
	if [ -n "$HAVE_PERF" ]; then
		if [ "$sys" = postroom ]; then set -- -p "$PR_PID"; else set -- -a; fi
		perf stat -x, -o "$WORK/stat-$name.txt" -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync,syscalls:sys_enter_pwrite64 "$@" >/dev/null 2>&1 &
		STAT_PID=$!
	fi
	"$WORK/smtpload" -watch "$SINK_OUT" -want "$n" -settle 2s -max-wait 10m >"$WORK/watch-$name.txt" &
	w=$!
	mcpu0=$(machine_cpu_ms)
	t0=$(now_ns)
	timeout 900 smtp-source -d -s "$s" -m "$n" -l "$SIZE" -f "$FROM" -t "$RCPT" 127.0.0.1:"$(port_of "$sys")" 2>"$WORK/source-$name.err"
	t1=$(now_ns)
	wait "$w"
	mcpu1=$(machine_cpu_ms)
	# The watcher's -settle (2 s) is in there too: idle, a few ms.
	record "$sys $key.machine_cpu_ms_per_1000 $run $(((mcpu1 - mcpu0) * 1000 / n))"
	if [ -n "$STAT_PID" ]; then
		kill -INT "$STAT_PID"
		wait "$STAT_PID" 2>/dev/null
		STAT_PID=""
		awk -F, -v n="$n" '/sys_enter_f(data)?sync/ {s += $1} /sys_enter_pwrite64/ {w += $1}
			END {printf "%.2f %.2f\n", s / n, w / n}' "$WORK/stat-$name.txt" >"$WORK/stat-$name.sum"
		read -r syncs pwrites <"$WORK/stat-$name.sum"
		record "$sys $key.syncs_per_msg $run $syncs"
		record "$sys $key.pwrites_per_msg $run $pwrites"
	fi
	read -r reached final < <(sed -E 's/.*reached_ns=([0-9]+).* final=([0-9]+).*/\1 \2/' "$WORK/watch-$name.txt")
	if [ "$sys" = postroom ]; then
		cpu1=$(pr_cpu)
		if [ -n "${PERF_PID:-}" ]; then
			kill -INT "$PERF_PID"
			wait "$PERF_PID" 2>/dev/null
			PERF_PID=""
			perf_summary "$WORK/perf-$name.data" >"$WORK/perf-$name.txt"
		fi
		record "$sys $key.cpu_ms_per_1000 $run $(((cpu1 - cpu0) * 1000 / n))"
		record "$sys $key.rss_mb $run $(pr_rss)"
	fi
	stop_sys "$sys"
	left=$LEFT
	sink_stop
	if [ -s "$WORK/source-$name.err" ]; then say "  smtp-source: $(head -3 "$WORK/source-$name.err")"; fi
	if [ "${reached:-0}" = 0 ]; then
		say "  $sys $key run $run: the sink got $final of $n messages"
		status=1
		return
	fi
	[ "$final" != "$n" ] && { say "  $sys $key run $run: the sink got $final messages for $n sent (duplicates)"; status=1; }
	[ "$left" != 0 ] && { say "  $sys $key run $run: $left messages left in the queue"; status=1; }
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b-a)/1e9}')
	record "$sys $key.accept $run $(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", n/((b-a)/1e9)}')"
	record "$sys $key.e2e $run $(awk -v n="$n" -v a="$t0" -v b="$reached" 'BEGIN {printf "%.1f", n/((b-a)/1e9)}')"
	say "  $sys $key run $run: $n messages, smtp-source done in ${secs}s, all at the sink in $(awk -v a="$t0" -v b="$reached" 'BEGIN {printf "%.3f", (b-a)/1e9}')s"
}

# lat SYS RUN: accept latency with SESS connections
lat() {
	local sys=$1 run=$2 name="$1-lat-$2" out w final left
	wait_quiet
	record "$sys lat.busy_before $run $BUSY"
	sink_start "$name"
	start_sys "$sys" "$name" || { sink_stop; status=1; return; }
	"$WORK/smtpload" -watch "$SINK_OUT" -want "$LATN" -settle 2s -max-wait 10m >"$WORK/watch-$name.txt" &
	w=$!
	out=$("$WORK/smtpload" -addr 127.0.0.1:"$(port_of "$sys")" -c "$SESS" -n "$LATN" -size "$SIZE" -from "$FROM" -to "$RCPT" \
		-latencies "$WORK/latencies-$name.txt" 2>"$WORK/smtpload-$name.err")
	wait "$w"
	final=$(sed -E 's/.* final=([0-9]+).*/\1/' "$WORK/watch-$name.txt")
	stop_sys "$sys"
	left=$LEFT
	sink_stop
	say "  $sys lat run $run: $out"
	[ -s "$WORK/smtpload-$name.err" ] && { say "  smtpload: $(head -3 "$WORK/smtpload-$name.err")"; status=1; }
	[ "$final" != "$LATN" ] && { say "  $sys lat run $run: the sink got $final of $LATN"; status=1; }
	[ "$left" != 0 ] && { say "  $sys lat run $run: $left messages left in the queue"; status=1; }
	for k in p50_ms p99_ms rate; do
		record "$sys lat.$k $run $(sed -E "s/.* $k=([0-9.]+).*/\1/" <<<"$out")"
	done
}

# ---- the runs ----------------------------------------------------------------

say "smtp-bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); $(postconf -d -h mail_version 2>/dev/null | sed 's/^/Postfix /')"
say "smtp-bench: RUNS=$RUNS N=$N N1=$N1 LATN=$LATN SESS=$SESS SIZE=$SIZE; work dir $WORK"
for sys in $SYSTEMS; do
	case $sys in
	postfix) pf_setup || exit 1 ;;
	postroom) pr_setup || exit 1 ;;
	*) say "smtp-bench: unknown system $sys"; exit 2 ;;
	esac
done
for ((run = 1; run <= RUNS; run++)); do
	say "run $run of $RUNS"
	for sys in $SYSTEMS; do
		e2e "$sys" "$run" "$SESS" "$N" "e2e$SESS"
		e2e "$sys" "$run" 1 "$N1" e2e1
		lat "$sys" "$run"
	done
done

# ---- the table ----------------------------------------------------------------

# summary SYS KEY: "median (min–max)" over the runs, or "-"
summary() {
	awk -v s="$1" -v k="$2" '$1 == s && $2 == k {print $4}' "$RESULTS" | sort -g | awk '
		{v[NR] = $1}
		END {
			if (NR == 0) {print "-"; exit}
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			if (NR == 1) printf "%g\n", m; else printf "%g (%g-%g)\n", m, v[1], v[NR]
		}'
}
median() { summary "$1" "$2" | awk '{print $1}'; }
ratio() { # KEY: postroom median / Postfix median
	local a b
	a=$(median postroom "$1") b=$(median postfix "$1")
	awk -v a="$a" -v b="$b" 'BEGIN {if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b}'
}

printf '\n%-44s | %-22s | %-22s | %s\n' "measure (median, range over $RUNS runs)" "Postfix" "postroom" "postroom/Postfix"
printf '%s\n' "---------------------------------------------|------------------------|------------------------|-----------------"
row() { # LABEL KEY [noratio]
	local r=""
	[ -z "${3:-}" ] && r=$(ratio "$2")
	printf '%-44s | %-22s | %-22s | %s\n' "$1" "$(summary postfix "$2")" "$(summary postroom "$2")" "$r"
}
row "end-to-end msg/s, $SESS conns ($N msgs)" "e2e$SESS.e2e"
row "accepted msg/s, $SESS conns" "e2e$SESS.accept"
row "end-to-end msg/s, 1 conn ($N1 msgs)" "e2e1.e2e"
row "accepted msg/s, 1 conn" "e2e1.accept"
row "accept latency p50 ms, $SESS conns" "lat.p50_ms"
row "accept latency p99 ms, $SESS conns" "lat.p99_ms"
row "accepted msg/s in the latency run" "lat.rate"
row "machine CPU ms per 1000 msgs, $SESS conns (+)" "e2e$SESS.machine_cpu_ms_per_1000"
row "machine CPU ms per 1000 msgs, 1 conn (+)" "e2e1.machine_cpu_ms_per_1000"
row "serve CPU ms per 1000 msgs, $SESS conns" "e2e$SESS.cpu_ms_per_1000"
row "serve CPU ms per 1000 msgs, 1 conn" "e2e1.cpu_ms_per_1000"
row "serve peak RSS MB, $SESS conns" "e2e$SESS.rss_mb"
row "fsync+fdatasync per msg, $SESS conns (*)" "e2e$SESS.syncs_per_msg" noratio
row "fsync+fdatasync per msg, 1 conn (*)" "e2e1.syncs_per_msg" noratio
row "pwrite per msg, $SESS conns (*)" "e2e$SESS.pwrites_per_msg" noratio
row "machine busy % just before the $SESS-conn test" "e2e$SESS.busy_before" noratio

echo "(+) all processes: the server, smtp-source, smtp-sink, and anything else that ran meanwhile"
echo "(*) postroom: the serve process; Postfix: the whole machine (all its processes, and anything else running)"
if [[ " $SYSTEMS " == *" postfix "* && " $SYSTEMS " == *" postroom "* ]]; then
	check() { # NAME VALUE OP TARGET
		if awk -v v="$2" -v t="$4" -v op="$3" 'BEGIN {exit !(v != "-" && ((op == ">=" && v >= t) || (op == "<" && v < t)))}'; then
			echo "target met:    $1 = $2 ($3 $4)"
		else
			echo "target missed: $1 = $2 ($3 $4)"
		fi
	}
	echo
	check "end-to-end ratio, $SESS conns" "$(ratio "e2e$SESS.e2e")" ">=" 3
	check "end-to-end ratio, 1 conn" "$(ratio e2e1.e2e)" ">=" 1
	check "postroom accept p99 ms" "$(median postroom lat.p99_ms)" "<" 50
fi
exit $status
