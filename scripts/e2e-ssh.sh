#!/usr/bin/env bash
# End-to-end check of the SSH door with the real OpenSSH client inside tmux.
# Not run in CI. It builds postroom, makes the demo company in a temporary
# directory, starts `postroom serve` on a free loopback port, logs in as
# admin, helpdesk, auditor and member at 80x24 and 200x50 in zh_CN.UTF-8 and
# en_US.UTF-8, drives the UI with tmux send-keys, checks what capture-pane
# shows, runs a few commands over SSH, prints PASS/FAIL per check, and
# cleans up everything it started.
#
#   scripts/e2e-ssh.sh                 # build from this checkout
#   POSTROOM_BIN=/path/postroom scripts/e2e-ssh.sh
#   KEEP=1 scripts/e2e-ssh.sh          # keep the temp dir (server log, screens)
#
# Needs: go (unless POSTROOM_BIN), tmux, ssh (OpenSSH), sshpass, od.
#   apt-get install tmux openssh-client sshpass
# Exit status: 0 when every check passed, 1 otherwise, 2 when a tool is missing.

set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
missing=()
for tool in tmux ssh sshpass od; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ -z "${POSTROOM_BIN:-}" ] && ! command -v go >/dev/null 2>&1; then
	missing+=(go)
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "e2e-ssh: missing ${missing[*]}: apt-get install tmux openssh-client sshpass (and Go from go.dev)" >&2
	exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/postroom-e2e.XXXXXX")
SOCK="postroom-e2e-$$"
SERVER_PID=""
pass=0
fail=0
known=0

TMUX_ENV=(env -i "PATH=$PATH" "HOME=$WORK" "TERM=xterm-256color" "LC_CTYPE=C.UTF-8")
tm() { "${TMUX_ENV[@]}" tmux -u -L "$SOCK" -f /dev/null "$@"; }

cleanup() {
	tm kill-server >/dev/null 2>&1
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	if [ -n "${KEEP:-}" ]; then
		echo "kept $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { pass=$((pass + 1)); printf 'PASS  %s\n' "$*"; }
bad() { fail=$((fail + 1)); printf 'FAIL  %s\n' "$*"; }
knownbug() { known=$((known + 1)); printf 'KNOWN %s\n' "$*"; }

# --- build, demo data, server --------------------------------------------

BIN=${POSTROOM_BIN:-$WORK/postroom}
if [ -z "${POSTROOM_BIN:-}" ]; then
	if ! (cd "$ROOT" && go build -o "$BIN" .) >"$WORK/build.log" 2>&1; then
		cat "$WORK/build.log" >&2
		bad "go build"
		exit 1
	fi
fi
DATA="$WORK/data"
if ! "$BIN" init --data "$DATA" --demo >"$WORK/init.log" 2>&1; then
	cat "$WORK/init.log" >&2
	bad "postroom init --demo"
	exit 1
fi
ok "init --demo: $(tail -1 "$WORK/init.log")"

# Port 0: the server picks a free port and writes it to DATA/serve.json.
"$BIN" serve --data "$DATA" --ssh 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
	if [ -s "$DATA/serve.json" ]; then
		PORT=$(sed -n 's/.*"ssh":"[^"]*:\([0-9]*\)".*/\1/p' "$DATA/serve.json")
		[ -n "$PORT" ] && break
	fi
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$PORT" ]; then
	cat "$WORK/serve.log" >&2
	bad "serve did not start"
	exit 1
fi
ok "serve on 127.0.0.1:$PORT (pid $SERVER_PID)"

# The demo logins (assets.DemoLogins).
declare -A ADDR=([admin]=it.admin@example.com [helpdesk]=it.helpdesk@example.com [auditor]=zhugehui@example.com [member]=wangwei@example.com)
declare -A PASS=([admin]=blue-harbour-lantern [helpdesk]=amber-desk-teapot [auditor]=quiet-ledger-owl [member]=paper-plane-morning)
declare -A NAME=([admin]=周涛 [helpdesk]=孙丽 [auditor]=诸葛慧 [member]=王伟)
ENTERPRISE=示例科技有限公司

# ssh with no user or system config: only what we pass here is sent.
SSH_OPTS=(-F /dev/null -p "$PORT" -o StrictHostKeyChecking=accept-new -o "UserKnownHostsFile=$WORK/known_hosts"
	-o PubkeyAuthentication=no -o PreferredAuthentications=keyboard-interactive -o NumberOfPasswordPrompts=1
	-o LogLevel=ERROR -o ConnectTimeout=10)

# --- the UI in tmux --------------------------------------------------------

screen() { tm capture-pane -p -t "$1" 2>/dev/null; }

# wait_for SESSION TEXT...: until the pane shows every TEXT (15 s).
wait_for() {
	local s=$1; shift
	local txt t
	for _ in $(seq 1 75); do
		txt=$(screen "$s")
		local all=1
		for t in "$@"; do
			case "$txt" in *"$t"*) ;; *) all=0 ;; esac
		done
		[ $all = 1 ] && return 0
		sleep 0.2
	done
	return 1
}

# start SESSION W H CMD...: CMD in a new tmux session of W×H; its exit status
# goes to $WORK/SESSION.exit (tmux's own #{pane_dead_status} was seen empty
# now and then).
start() {
	local s=$1 w=$2 h=$3; shift 3
	rm -f "$WORK/$s.exit"
	tm new-session -d -s "$s" -x "$w" -y "$h" "$(printf '%q ' "$@"); echo \$? >$(printf '%q' "$WORK/$s.exit")" || return 1
	tm set-option -t "$s" remain-on-exit on >/dev/null
}

# ended SESSION: waits (10 s) for the command to end; prints its exit status.
ended() {
	local s=$1
	for _ in $(seq 1 50); do
		if [ -s "$WORK/$s.exit" ]; then
			cat "$WORK/$s.exit"
			return 0
		fi
		sleep 0.2
	done
	return 1
}

# ui ROLE W H LANG MODE: one interactive session, checked step by step.
#   MODE sendenv: LANG in ssh's environment, forwarded by SendEnv=LANG
#   MODE setenv:  LANG given with -o SetEnv (OpenSSH >= 7.8), not in the environment
#   MODE none:    LANG neither sent nor set: the server default (zh-CN)
ui() {
	local role=$1 w=$2 h=$3 lang=$4 mode=${5:-sendenv}
	local s="${role}-${w}x${h}-${lang%%.*}-$mode"
	local label="$role ${w}x${h} LANG=$lang ($mode)"
	local quit help next envs=() extra=()
	case "$mode:$lang" in
	none:*) quit=退出; help=帮助; next=下一栏; envs=("LANG=C.UTF-8") ;;
	*:zh_*) quit=退出; help=帮助; next=下一栏 ;;
	*) quit=quit; help=help; next="next pane" ;;
	esac
	case "$mode" in
	sendenv) envs=("LANG=$lang"); extra=(-o SendEnv=LANG) ;;
	setenv) envs=("LANG=C.UTF-8"); extra=(-o "SetEnv=LANG=$lang") ;;
	esac
	local cmd=(env "${envs[@]}" sshpass -p "${PASS[$role]}" ssh "${SSH_OPTS[@]}" "${extra[@]}" -l "${ADDR[$role]}" 127.0.0.1)
	start "$s" "$w" "$h" "${cmd[@]}" || { bad "$label: tmux new-session"; return; }
	local size
	size=$(tm display-message -p -t "$s" '#{pane_width}x#{pane_height}')
	[ "$size" = "${w}x${h}" ] || bad "$label: tmux pane is $size"

	if wait_for "$s" "$ENTERPRISE" "${NAME[$role]}"; then
		ok "$label: header shows $ENTERPRISE and ${NAME[$role]}"
	else
		bad "$label: no header"; screen "$s" >"$WORK/$s.screen"; tm kill-session -t "$s"; return
	fi
	if [ "$role" = helpdesk ]; then
		# The helpdesk starts in the reset desk, its search field taking
		# every key: find a person, then esc clears and esc lets go.
		tm send-keys -t "$s" -l wangwei
		if wait_for "$s" "wangwei@example.com" "${NAME[member]}"; then
			ok "$label: the reset desk finds ${NAME[member]} by typing wangwei"
		else
			bad "$label: the reset desk found nobody for wangwei"
		fi
		tm send-keys -t "$s" Escape
		sleep 0.3
		tm send-keys -t "$s" Escape
		sleep 0.3
	fi
	if wait_for "$s" "$quit" "$help"; then
		ok "$label: help bar in the expected language ($help, $quit)"
	else
		bad "$label: help bar is not in the expected language (want $help/$quit)"
	fi
	local first
	first=$(screen "$s" | head -1)
	if [ "$(printf '%s' "$first" | wc -L)" -le "$w" ]; then
		ok "$label: header fits in $w columns"
	else
		bad "$label: header wider than $w columns"
	fi
	if wait_for "$s" "▸1 "; then ok "$label: pane 1 active at start"; else bad "$label: pane 1 not marked active"; fi
	tm send-keys -t "$s" 2
	if wait_for "$s" "▸2 "; then ok "$label: 2 switches to pane 2"; else bad "$label: 2 did not switch panes"; fi
	tm send-keys -t "$s" 1
	if wait_for "$s" "▸1 "; then ok "$label: 1 switches back"; else bad "$label: 1 did not switch back"; fi
	tm send-keys -t "$s" '?'
	if wait_for "$s" "$next"; then ok "$label: ? opens the full help ($next)"; else bad "$label: ? shows no full help"; fi
	tm send-keys -t "$s" '?'
	sleep 0.3
	screen "$s" >"$WORK/$s.screen"
	tm send-keys -t "$s" q
	local st
	if st=$(ended "$s"); then
		if [ "$st" = 0 ]; then ok "$label: q quits, ssh exit 0"; else bad "$label: q quits, ssh exit $st"; fi
	else
		bad "$label: q did not end the session (screen in $s.after-q)"
		screen "$s" >"$WORK/$s.after-q"
	fi
	tm kill-session -t "$s" 2>/dev/null
}

for size in "80 24" "200 50"; do
	for lang in zh_CN.UTF-8 en_US.UTF-8; do
		for role in admin helpdesk auditor member; do
			# shellcheck disable=SC2086
			ui "$role" $size "$lang" sendenv
		done
	done
done
# How LANG reaches the server: SetEnv, and nothing at all (server default).
ui member 80 24 en_US.UTF-8 setenv
ui member 80 24 zh_CN.UTF-8 setenv
ui admin 80 24 en_US.UTF-8 none

# --- commands over SSH -----------------------------------------------------

sshc() { # ROLE ARGS...: a command session in English (LANG sent), stdin from /dev/null
	local role=$1; shift
	LANG=en_US.UTF-8 sshpass -p "${PASS[$role]}" ssh "${SSH_OPTS[@]}" -o SendEnv=LANG -l "${ADDR[$role]}" 127.0.0.1 "$@" </dev/null
}

out=$(sshc admin member list --json 2>"$WORK/err"); code=$?
if [ $code = 0 ] && [ "${out:0:1}" = "[" ] && grep -q '"address"' <<<"$out"; then
	ok "ssh admin member list --json: exit 0, JSON array ($(grep -c '"address"' <<<"$out") members)"
else
	bad "ssh admin member list --json: exit $code $(cat "$WORK/err")"
fi
out=$(sshc member member list --json 2>"$WORK/err"); code=$?
if [ $code = 1 ] && [ -z "$out" ] && grep -q "needs the right member.read" "$WORK/err"; then
	ok "ssh member member list --json: exit 1, names the missing right"
else
	bad "ssh member member list --json: exit $code, stderr $(cat "$WORK/err")"
fi
# Without LANG the server's default language (zh-CN) tells the refusal.
sshpass -p "${PASS[member]}" ssh "${SSH_OPTS[@]}" -l "${ADDR[member]}" 127.0.0.1 member list --json </dev/null >/dev/null 2>"$WORK/err"; code=$?
if [ $code = 1 ] && grep -q "member.read" "$WORK/err" && LC_ALL=C.UTF-8 grep -qP '\p{Han}' "$WORK/err" 2>/dev/null; then
	ok "no LANG sent: the refusal is in Chinese ($(head -c 120 "$WORK/err"))"
else
	bad "no LANG sent: exit $code, stderr $(cat "$WORK/err")"
fi
sshc admin backup >"$WORK/backup.db" 2>"$WORK/err"; code=$?
magic=$(od -An -tx1 -j16 -N4 "$WORK/backup.db" | tr -d ' ')
if [ $code = 0 ] && [ "$magic" = "edda0ced" ]; then
	ok "ssh admin backup > file: exit 0, $(wc -c <"$WORK/backup.db") bytes, bbolt magic"
else
	bad "ssh admin backup: exit $code, magic $magic, $(cat "$WORK/err")"
fi
sshc admin -tt backup >"$WORK/backup-tt.db" 2>"$WORK/err"; code=$?
if cmp -s "$WORK/backup.db" "$WORK/backup-tt.db" || [ $code != 0 ]; then
	ok "ssh -tt admin backup: identical or refused"
else
	knownbug "ssh -tt admin backup: exit $code but $(wc -c <"$WORK/backup-tt.db") bytes vs $(wc -c <"$WORK/backup.db") (PTY rewrites LF; TestSSHDBackupOverPTY)"
fi
LANG=en_US.UTF-8 sshpass -p "${PASS[member]}" ssh "${SSH_OPTS[@]}" -o SendEnv=LANG -T -l "${ADDR[member]}" 127.0.0.1 </dev/null >"$WORK/out" 2>"$WORK/err"; code=$?
if [ $code = 1 ] && grep -q "no terminal here" "$WORK/err"; then
	ok "ssh -T (no command, no PTY): exit 1 with a clear message"
else
	bad "ssh -T: exit $code, $(cat "$WORK/err")"
fi
out=$(sshpass -p "${PASS[member]}" ssh "${SSH_OPTS[@]}" -o PreferredAuthentications=password -l "${ADDR[member]}" 127.0.0.1 whoami 2>"$WORK/err"); code=$?
if [ $code = 0 ] && [[ "$out" == "${ADDR[member]}"* ]]; then
	ok "password method (not keyboard-interactive): whoami"
else
	bad "password method: exit $code, $out $(cat "$WORK/err")"
fi
sshpass -p wrong-password ssh "${SSH_OPTS[@]}" -l "${ADDR[helpdesk]}" 127.0.0.1 whoami >/dev/null 2>"$WORK/err"; code=$?
if [ $code != 0 ]; then
	ok "a wrong password is refused (exit $code)"
else
	bad "a wrong password logged in"
fi
out=$(sshc auditor log login --json 2>"$WORK/err"); code=$?
if [ $code = 0 ] && grep -q '"ok": false' <<<"$out" && grep -q '"method": "ssh-password"' <<<"$out"; then
	ok "the login log shows the SSH logins and the refusal (auditor: log login --json)"
else
	bad "log login: exit $code $(head -c 300 <<<"$out") $(cat "$WORK/err")"
fi

# --- graceful shutdown with a session open ---------------------------------

s=shutdown
start "$s" 80 24 env LANG=en_US.UTF-8 sshpass -p "${PASS[member]}" ssh "${SSH_OPTS[@]}" -o SendEnv=LANG -l "${ADDR[member]}" 127.0.0.1
if wait_for "$s" "$ENTERPRISE"; then
	t0=$(date +%s.%N)
	kill -TERM "$SERVER_PID"
	if st=$(ended "$s"); then
		t1=$(date +%s.%N)
		took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
		if wait_for "$s" "shutting down"; then
			ok "SIGTERM: the open session was told and closed (ssh exit $st) in $took s"
		else
			ok "SIGTERM: the open session closed (ssh exit $st) in $took s"
			knownbug "SIGTERM: the session closed without 'The server is shutting down' (its program quit on the signal itself; TestSSHDSessionIgnoresProcessSignals)"
			screen "$s" >"$WORK/shutdown.screen"
		fi
	else
		bad "SIGTERM: the open session is still running after 10 s"
	fi
	for _ in $(seq 1 75); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		bad "serve still running 15 s after SIGTERM"
	else
		wait "$SERVER_PID"; code=$?
		if [ $code = 0 ]; then ok "serve exited 0 after SIGTERM"; else bad "serve exited $code"; fi
		SERVER_PID=""
	fi
else
	bad "shutdown: the session never showed the UI"
fi

echo
echo "e2e-ssh: $pass passed, $fail failed, $known known bugs (server log: $WORK/serve.log${KEEP:+, kept})"
[ $fail = 0 ]
