#!/usr/bin/env bash
# The relay's crash test (docs/RELIABILITY.md): eight clients submit 2,000
# messages in all to `postroom serve` while it is killed with SIGKILL at
# random points, 20 times; after each kill it is started again and carries
# on. At the end every message that got a 250 must have reached the next hop
# at least once, and the next hop may have seen no more duplicates than
# there were kills.
#
# The clients, the next hop (a small SMTP sink recording each message's
# Message-ID and try) and the judge are scripts/crashtest. The relay is
# `postroom init --demo` plus a postroom.toml making 127.0.0.1/32 the
# trusted system "crash" (sender bench@example.com, may send outside), with
# the sink as its smarthost and short retry times.
#
#   scripts/crash-test.sh                  # N=2000 C=8 KILLS=20, delays 0.2–2 s
#   N=500 KILLS=5 scripts/crash-test.sh    # quick
#   PACE=50ms scripts/crash-test.sh        # each client starts a message at most every 50 ms
#   KEEP=1 scripts/crash-test.sh           # keep the temp dir (serve logs, accepted.txt, received.txt)
#
# Each round: start serve, wait for its SMTP port, let it run a random
# 0.2–2 s (counted from the start of the process), kill -9, start again.
# After the last kill serve runs until the clients are done and the queue is
# empty (checked with `postroom queue list --json` while serve is stopped).
# Exit status 1 when a message was lost, duplicates outnumber the kills, or
# the queue did not drain.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-2000}
C=${C:-8}
KILLS=${KILLS:-20}
PACE=${PACE:-100ms}
FROM=${FROM:-bench@example.com}
RCPT=${RCPT:-rcpt@outside.test}
DRAIN_MAX=${DRAIN_MAX:-300}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/postroom-crash.XXXXXX")
DATA="$WORK/data"
SINK_PID="" PR_PID="" SEND_PID=""

say() { printf '%s\n' "$*" >&2; }
stop() { # PID [SIGNAL]
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill "-${2:-TERM}" "$1"
		wait "$1" 2>/dev/null
	fi
}
cleanup() {
	stop "$SEND_PID"
	stop "$PR_PID"
	stop "$SINK_PID"
	if [ -n "${KEEP:-}" ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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
wait_port() { # PORT SECONDS [PID]
	local i
	for ((i = 0; i < $2 * 100; i++)); do
		ss -Hltn "sport = :$1" | grep -q . && return 0
		if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 1; fi
		sleep 0.01
	done
	return 1
}
pick_port SINKP
pick_port SMTPP
pick_port SUBP
pick_port SSHP

(cd "$ROOT" && go build -o "$WORK/postroom" . && go build -o "$WORK/crashtest" ./scripts/crashtest) || exit 1
"$WORK/postroom" init --data "$DATA" --demo >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; exit 1; }
cat >"$DATA/postroom.toml" <<EOF
hostname = "crash.localdomain"

[listen]
ssh = "127.0.0.1:$SSHP"
smtp = "127.0.0.1:$SMTPP"
submission = "127.0.0.1:$SUBP"

[smarthost]
addr = "127.0.0.1:$SINKP"

[queue]
retry_min = "2s"
retry_max = "10s"

[[trusted]]
name = "crash"
networks = ["127.0.0.1/32"]
sender = "$FROM"
external = true
EOF

"$WORK/crashtest" sink -addr 127.0.0.1:"$SINKP" -out "$WORK/received.txt" 2>"$WORK/sink.log" &
SINK_PID=$!
wait_port "$SINKP" 10 "$SINK_PID" || { say "crash-test: the sink did not start"; cat "$WORK/sink.log"; exit 1; }

ROUND=0
start_serve() {
	ROUND=$((ROUND + 1))
	"$WORK/postroom" serve --data "$DATA" --ssh 127.0.0.1:"$SSHP" --smtp 127.0.0.1:"$SMTPP" \
		--submission 127.0.0.1:"$SUBP" --smarthost 127.0.0.1:"$SINKP" >>"$WORK/serve.log" 2>&1 &
	PR_PID=$!
	STARTED=$(date +%s%N)
	echo "--- round $ROUND, pid $PR_PID" >>"$WORK/serve.log"
}
received() { if [ -f "$WORK/received.txt" ]; then wc -l <"$WORK/received.txt"; else echo 0; fi; }
accepted() { if [ -f "$WORK/accepted.txt" ]; then grep -vc REFUSED "$WORK/accepted.txt"; else echo 0; fi; }

say "crash-test: N=$N C=$C KILLS=$KILLS PACE=$PACE; work dir $WORK"
start_serve
wait_port "$SMTPP" 30 "$PR_PID" || { say "crash-test: postroom serve has no SMTP listener on $SMTPP:"; tail -20 "$WORK/serve.log" >&2; exit 1; }
"$WORK/crashtest" send -addr 127.0.0.1:"$SMTPP" -n "$N" -c "$C" -pace "$PACE" -from "$FROM" -to "$RCPT" \
	-out "$WORK/accepted.txt" >"$WORK/send.out" 2>"$WORK/send.err" &
SEND_PID=$!

kills=0
for ((k = 1; k <= KILLS; k++)); do
	ms=$((200 + RANDOM % 1801))
	up=0
	wait_port "$SMTPP" 30 "$PR_PID" && up=1
	if [ "$up" = 0 ]; then
		say "crash-test: round $ROUND: serve did not come back:"
		tail -20 "$WORK/serve.log" >&2
		exit 1
	fi
	# Sleep what is left of the random delay, counted from the start of the process.
	left=$(((STARTED + ms * 1000000 - $(date +%s%N)) / 1000000))
	[ "$left" -gt 0 ] && sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
	kill -KILL "$PR_PID"
	wait "$PR_PID" 2>/dev/null
	kills=$((kills + 1))
	say "  kill $kills after ${ms} ms: accepted $(accepted), at the sink $(received)"
	start_serve
done

wait_port "$SMTPP" 30 "$PR_PID" || { say "crash-test: serve did not come back after the last kill"; tail -20 "$WORK/serve.log" >&2; exit 1; }
wait "$SEND_PID"
send_rc=$?
SEND_PID=""
say "crash-test: clients done ($(cat "$WORK/send.out")); waiting for the queue to drain"

# Drain: when the sink's count has not moved for 5 s, stop serve and ask the
# spool; if anything is still queued, start serve again and wait more.
t0=$(date +%s)
drained=0
last=-1 still=0
while [ $(($(date +%s) - t0)) -lt "$DRAIN_MAX" ]; do
	sleep 1
	now=$(received)
	if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0 last=$now; fi
	[ "$still" -ge 5 ] || continue
	stop "$PR_PID"
	PR_PID=""
	queued=$("$WORK/postroom" --data "$DATA" queue list --json 2>"$WORK/queue-list.err" | grep -o '"id"' | wc -l)
	if [ ! -s "$WORK/queue-list.err" ] && [ "$queued" = 0 ]; then
		drained=1
		break
	fi
	say "  still queued: $queued $(head -c 300 "$WORK/queue-list.err")"
	start_serve
	wait_port "$SMTPP" 30 "$PR_PID" || { say "crash-test: serve did not start"; exit 1; }
	still=0
done
stop "$PR_PID"
PR_PID=""
stop "$SINK_PID"
SINK_PID=""

echo "crash-test: $N messages, $C clients, $kills kills (SIGKILL after 0.2–2 s each), pace $PACE"
echo "clients: $(cat "$WORK/send.out")"
"$WORK/crashtest" check -accepted "$WORK/accepted.txt" -received "$WORK/received.txt" -n "$N" -kills "$kills"
rc=$?
if [ "$drained" != 1 ]; then
	echo "FAIL: the queue did not drain in ${DRAIN_MAX}s"
	"$WORK/postroom" --data "$DATA" queue list 2>&1 | head -20
	rc=1
fi
[ "$send_rc" != 0 ] && rc=1
grep -E "panic|corrupt|fatal" "$WORK/serve.log" | head -5
exit $rc
