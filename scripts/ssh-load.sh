#!/usr/bin/env bash
# The load check of issue 3: 50 concurrent SSH sessions on 2 cores stay
# responsive, and memory per open session. Not run in CI; results go to
# docs/SSH.md.
#
# For each directory (the demo company, then the demo company plus the
# 50,000 members of testdata/benchgen) and each login method (key, then
# password) it starts a fresh `postroom serve` pinned to 2 cores, runs
# scripts/sshload against it, and stops it.
#
#   scripts/ssh-load.sh                    # N=50, both directories, both methods
#   N=50 CORES=0,1 DIRS="demo" AUTHS="key" scripts/ssh-load.sh
#   KEEP=1 scripts/ssh-load.sh             # keep the temp dir (data, logs, reports)
#   CACHE=/tmp/postroom-load-cache scripts/ssh-load.sh   # build the directories and keys once, copy them after
#   SSHLOAD_FLAGS="-settle 5s -w 120 -h 40" scripts/ssh-load.sh
#
# Needs go and taskset (util-linux). Exit status 1 when any session failed.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-50}
CORES=${CORES:-0,1}
DIRS=${DIRS:-demo big}
AUTHS=${AUTHS:-key password}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/postroom-load.XXXXXX")
SERVER_PID=""
status=0

stop_server() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null
	fi
	SERVER_PID=""
}
cleanup() {
	stop_server
	if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v taskset >/dev/null || { echo "ssh-load: taskset missing (apt-get install util-linux)" >&2; exit 2; }
(cd "$ROOT" && go build -o "$WORK/postroom" . && go build -o "$WORK/sshload" ./scripts/sshload) || exit 1

KEYS="$WORK/keys"
if [ -n "${CACHE:-}" ]; then
	mkdir -p "$CACHE"
	KEYS="$CACHE/keys"
fi
if [ ! -s "$KEYS.txt" ]; then
	"$WORK/sshload" -genkeys "$KEYS" >"$KEYS.txt" || exit 1
fi

# build_dir NAME DATA: the demo company, plus the 50,000 members for "big";
# a key registered for every demo login.
build_dir() {
	local dir=$1 data=$2 domain t0
	"$WORK/postroom" init --data "$data" --demo >"$WORK/init-$dir.log" 2>&1 || { cat "$WORK/init-$dir.log"; return 1; }
	if [ "$dir" = big ]; then
		if ! domain=$(cd "$ROOT" && go run ./scripts/sshload/gen50k.go "$WORK/members-50k.csv" 2>"$WORK/gen.log"); then
			echo "ssh-load: cannot generate the 50,000 members: $(cat "$WORK/gen.log")"
			return 1
		fi
		"$WORK/postroom" --data "$data" domain add "$domain" >/dev/null || return 1
		t0=$(date +%s)
		"$WORK/postroom" --data "$data" import members "$WORK/members-50k.csv" --create-depts >"$WORK/import.log" 2>&1 ||
			{ tail -5 "$WORK/import.log"; return 1; }
		echo "   imported the 50,000 members in $(($(date +%s) - t0)) s"
	fi
	while read -r addr pub; do
		"$WORK/postroom" --data "$data" member key add "$addr" "$pub" >/dev/null || return 1
	done <"$KEYS.txt"
}

echo "postroom load check: $N sessions, server on cores $CORES ($(nproc) online), $(go version | cut -d' ' -f3)"
echo "tree: $(cd "$ROOT" && git describe --always --dirty 2>/dev/null)"

for dir in $DIRS; do
	DATA="$WORK/data-$dir"
	echo
	if [ -n "${CACHE:-}" ] && [ -s "$CACHE/data-$dir/postroom.db" ]; then
		cp -r "$CACHE/data-$dir" "$DATA"
		rm -f "$DATA/serve.json"
		echo "== directory: $dir (copied from $CACHE/data-$dir)"
	else
		echo "== directory: $dir"
		build_dir "$dir" "$DATA" || { status=1; continue; }
		if [ -n "${CACHE:-}" ]; then cp -r "$DATA" "$CACHE/data-$dir"; fi
	fi
	members=$("$WORK/postroom" --data "$DATA" member list --json | grep -c '"address"')
	echo "   $members members, $(du -m "$DATA/postroom.db" | cut -f1) MB bbolt file"
	for auth in $AUTHS; do
		rm -f "$DATA/serve.json"
		taskset -c "$CORES" "$WORK/postroom" serve --data "$DATA" --ssh 127.0.0.1:0 >"$WORK/serve-$dir-$auth.out" 2>"$WORK/serve-$dir-$auth.log" &
		SERVER_PID=$!
		PORT=""
		for _ in $(seq 1 100); do
			if [ -s "$DATA/serve.json" ]; then
				PORT=$(sed -n 's/.*"ssh":"[^"]*:\([0-9]*\)".*/\1/p' "$DATA/serve.json")
				[ -n "$PORT" ] && break
			fi
			sleep 0.1
		done
		[ -n "$PORT" ] || { echo "serve did not start"; cat "$WORK/serve-$dir-$auth.log"; exit 1; }
		sleep 1
		echo "-- $auth auth: taskset -c $CORES postroom serve --data DIR --ssh 127.0.0.1:$PORT (pid $SERVER_PID)"
		echo "   sshload -addr 127.0.0.1:$PORT -n $N -auth $auth -pid $SERVER_PID ${SSHLOAD_FLAGS:-}"
		# shellcheck disable=SC2086
		"$WORK/sshload" -addr "127.0.0.1:$PORT" -n "$N" -auth "$auth" -keys "$KEYS" -pid "$SERVER_PID" ${SSHLOAD_FLAGS:-} \
			>"$WORK/report-$dir-$auth.txt" 2>&1 || status=1
		sed 's/^/   /' "$WORK/report-$dir-$auth.txt"
		stop_server
	done
done
exit $status
