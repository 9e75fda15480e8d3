#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The session `make demo` shows (tools/vm/demo runs it in a VM with rtm.ko
# loaded; busybox sh is enough): two routing protocols in two processes
# share the table, best routes follow preference, lookups take the longest
# prefix, a protocol that dies takes its routes with it, and a monitor in a
# third process sees every change as it happens.
#
# usage: tools/demo.sh [RTMCTL]	(default: build/tools/rtmctl of this tree)
#
# Each protocol is an `rtmctl -j -p PROTO batch FIFO`: the demo writes a
# command into its fifo and reads its one-line JSON reply from its output
# fifo, so every step waits for the previous one to be done.  After each
# change the demo also waits for the monitor's line about it, so no two
# changes coalesce into one notification and its output is the same every
# time.  Every output shown is checked; the demo exits non-zero at the first
# step that does not show what it says.

R=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/tools/rtmctl}
[ -x "$R" ] || { echo "demo: no rtmctl at $R" >&2; exit 1; }
FIBSYNC=$(dirname "$R")/rtm-fibsync
[ -x "$FIBSYNC" ] || { echo "demo: no rtm-fibsync at $FIBSYNC" >&2; exit 1; }
tmp=$(mktemp -d /tmp/rtm-demo.XXXXXX) || exit 1
pids=
cleanup()
{
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
# A protocol that died must fail the step, not kill the demo.
trap '' PIPE

step=0
fail()
{
	echo "demo: FAILED at step $step: $*"
	exit 1
}

say()
{
	step=$((step + 1))
	echo
	echo "== $step. $*" | fold -s -w 76
}

# run ARGS...: show and run `rtmctl ARGS`; its output is in $out, its
# status in $rc.
run()
{
	echo "\$ rtmctl $*"
	out=$("$R" "$@" 2>&1)
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
}

# expect PATTERN: the last output has a line matching PATTERN (grep -E).
expect()
{
	printf '%s\n' "$out" | grep -Eq -- "$1" ||
		fail "expected a line matching: $1"
}

expect_not()
{
	! printf '%s\n' "$out" | grep -Eq -- "$1" ||
		fail "expected no line matching: $1"
}

expect_rc()
{
	[ "$rc" = "$1" ] || fail "rtmctl exited with $rc, expected $1"
}

# start NAME INFD OUTFD ARGS...: an rtmctl batch for protocol NAME reading
# its commands from fd INFD, its replies on fd OUTFD.
start()
{
	name=$1 infd=$2 outfd=$3
	shift 3
	mkfifo "$tmp/$name.in" "$tmp/$name.out" || fail "mkfifo"
	echo "\$ rtmctl $* batch $name.fifo &"
	# Without the fifos of the others: a write end left open in another
	# process would keep a protocol from ever seeing the end of its input.
	"$R" "$@" batch "$tmp/$name.in" >"$tmp/$name.out" 2>"$tmp/$name.err" \
		3>&- 4<&- 5>&- 6<&- &
	eval "${name}_pid=$!"
	pids="$pids $!"
	# Each open waits for the other end: replies first, as rtmctl's shell
	# opens its stdout before rtmctl opens the fifo it reads.
	eval "exec $outfd<\"\$tmp/\$name.out\" $infd>\"\$tmp/\$name.in\""
}

# send NAME INFD OUTFD COMMAND: feed one command to a protocol and show its
# reply, in $out.
send()
{
	name=$1 infd=$2 outfd=$3
	shift 3
	echo "$name> $*"
	eval "printf '%s\n' \"\$*\" >&$infd" ||
		fail "$name's rtmctl is gone: $(cat "$tmp/$name.err")"
	out=
	eval "read -t 10 -r out <&$outfd" ||
		fail "no reply from $name: $(cat "$tmp/$name.err")"
	printf '%s\n' "$out"
}

rip()
{
	send rip 3 4 "$@"
}

ospf()
{
	send ospf 5 6 "$@"
}

# monitored PATTERN...: wait until the monitor has printed, past what was
# shown already, a line matching each PATTERN (grep -E), then show its new
# lines.
mon_shown=0
monitored()
{
	for pattern in "$@"; do
		wait_for monitor_has "$pattern"
	done
	tail -n +$((mon_shown + 1)) "$tmp/monitor.out" | sed 's/^/monitor| /'
	mon_shown=$(wc -l <"$tmp/monitor.out")
}

monitor_has()
{
	tail -n +$((mon_shown + 1)) "$tmp/monitor.out" | grep -Eq -- "$1"
}

# registered PID: an entity of process PID is in /proc/net/rtm/entities.
registered()
{
	awk -v pid="$1" '!/^#/ && $6 == pid { found = 1 } END { exit !found }' \
		/proc/net/rtm/entities
}

unregistered()
{
	! registered "$1"
}

# fib PATTERN...: wait until `ip route` shows a line matching each PATTERN
# (grep -E) among the routes rtm-fibsync installed (metric 200), then show
# them.
fib()
{
	for pattern in "$@"; do
		wait_for fib_has "$pattern"
	done
	echo "\$ ip route | grep 'metric 200'"
	ip route | grep 'metric 200'
}

fib_has()
{
	ip route | grep 'metric 200' | grep -Eq -- "$1"
}

fib_lacks()
{
	! fib_has "$1"
}

# wait_for COMMAND...: until it succeeds, 10 s at most.
wait_for()
{
	n=0
	until "$@"; do
		n=$((n + 1))
		[ $n -lt 200 ] || fail "timed out waiting for: $*"
		sleep 0.05
	done
}

echo "rtm demo: $(uname -r), rtm.ko loaded; rtmctl is $R"

say "Two routing protocols register, each an rtmctl in its own process that" \
    "runs the commands written into its fifo (-4: it registers in the IPv4" \
    "table at once; -j: one JSON reply per command)."
start rip 3 4 -4 -j -p rip
start ospf 5 6 -4 -j -p ospf
wait_for registered "$rip_pid"
wait_for registered "$ospf_pid"
run show entities
expect_rc 0
expect "^0 +inet +rip +$rip_pid +$rip_pid "
expect "^0 +inet +ospf +$ospf_pid +$ospf_pid "

say "A third rtmctl subscribes to change notification in the IPv4 unicast" \
    "view: it prints each changed destination with its best route, as the" \
    "changes happen (its lines are marked monitor| below)."
echo "\$ rtmctl -4 monitor dests view ucast &"
"$R" -4 monitor dests view ucast >"$tmp/monitor.out" 2>"$tmp/monitor.err" \
	3>&- 4<&- 5>&- 6<&- &
monitor_pid=$!
pids="$pids $monitor_pid"
wait_for grep -q "watching dests in table 0 inet" "$tmp/monitor.err"
wait_for registered "$monitor_pid"
run show entities
expect "^0 +inet +netmgmt +$monitor_pid +$monitor_pid +yes "

say "rtm-fibsync makes rtm the RIB of this VM's router: it keeps the Linux" \
    "FIB equal to rtm's best unicast routes (its routes have metric 200)." \
    "The VM has an interface on the protocols' next-hop subnets."
echo "\$ ip link add d0 type dummy; ip addr add 192.0.2.254/24 dev d0; ..."
{ ip link add d0 type dummy && ip link set d0 up &&
  ip addr add 192.0.2.254/24 dev d0 &&
  ip addr add 198.51.100.254/24 dev d0; } || fail "setting up d0"
echo "\$ rtm-fibsync -4 &"
"$FIBSYNC" -4 >"$tmp/fibsync.out" 2>"$tmp/fibsync.err" 3>&- 4<&- 5>&- 6<&- &
fibsync_pid=$!
pids="$pids $fibsync_pid"
wait_for grep -q "in sync" "$tmp/fibsync.out"
wait_for registered "$fibsync_pid"

say "Both learn routes. rip: 10.0.0.0/8 (unicast and multicast views) and" \
    "10.1.0.0/16; ospf: 10.1.0.0/16 too, a more specific 10.1.2.0/24, and" \
    "172.16.0.0/12."
rip route add 10.0.0.0/8 via 192.0.2.1 pref 120 metric 2 view both
expect '"new":true'
monitored "^10\.0\.0\.0/8 view ucast: via 192\.0\.2\.1 proto rip .* \(1 route\)$"
rip route add 10.1.0.0/16 via 192.0.2.1 pref 120 metric 3
expect '"new":true,"best_changed":true'
monitored "^10\.1\.0\.0/16 view ucast: via 192\.0\.2\.1 proto rip .* \(1 route\)$"
ospf route add 10.1.0.0/16 via 198.51.100.1 pref 110 metric 20
expect '"new":true,"best_changed":true'
monitored "^10\.1\.0\.0/16 view ucast: via 198\.51\.100\.1 proto ospf .* \(2 routes\)$"
ospf route add 10.1.2.0/24 via 198.51.100.1 pref 110 metric 10
expect '"new":true'
monitored "^10\.1\.2\.0/24 view ucast: via 198\.51\.100\.1 proto ospf .* \(1 route\)$"
ospf route add 172.16.0.0/12 via 198.51.100.1 pref 110 metric 30
expect '"new":true'
monitored "^172\.16\.0\.0/12 view ucast: via 198\.51\.100\.1 proto ospf .* \(1 route\)$"

say "The best route to 10.1.9.9 is ospf's: preference 110 beats rip's 120" \
    "(lower wins). The multicast view has only rip's 10.0.0.0/8, so there" \
    "the same address matches the shorter prefix."
run lookup 10.1.9.9
expect_rc 0
expect "view ucast: 10\.1\.0\.0/16 via 198\.51\.100\.1 proto ospf .*pref 110 metric 20 \(2 routes\)"
expect "view mcast: 10\.0\.0\.0/8 via 192\.0\.2\.1 proto rip .*pref 120 metric 2 \(1 route\)"

say "rip lowers its preference to 100 (same prefix and neighbour: its route" \
    "is updated, not added) and its route becomes the best."
rip route add 10.1.0.0/16 via 192.0.2.1 pref 100 metric 3
expect '"new":false,"best_changed":true'
monitored "^10\.1\.0\.0/16 view ucast: via 192\.0\.2\.1 proto rip .*pref 100 metric 3 \(2 routes\)$"
run lookup 10.1.9.9 view ucast
expect "view ucast: 10\.1\.0\.0/16 via 192\.0\.2\.1 proto rip .*pref 100 metric 3 \(2 routes\)"

say "Meanwhile rtm-fibsync put every best unicast route into the kernel's" \
    "FIB, and followed the change of 10.1.0.0/16 from ospf to rip."
fib "^10\.0\.0\.0/8 via 192\.0\.2\.1 " \
    "^10\.1\.0\.0/16 via 192\.0\.2\.1 " \
    "^10\.1\.2\.0/24 via 198\.51\.100\.1 " \
    "^172\.16\.0\.0/12 via 198\.51\.100\.1 "

say "Longest-prefix match: 10.1.2.3 is in ospf's 10.1.2.0/24, 10.200.0.1" \
    "only in rip's 10.0.0.0/8."
run lookup 10.1.2.3 view ucast
expect "view ucast: 10\.1\.2\.0/24 via 198\.51\.100\.1 proto ospf "
run lookup 10.200.0.1 view ucast
expect "view ucast: 10\.0\.0\.0/8 via 192\.0\.2\.1 proto rip "

say "ospf withdraws 10.1.2.0/24: 10.1.2.3 falls back to the covering" \
    "10.1.0.0/16, where rip's route is the best."
ospf route del 10.1.2.0/24
expect '"action":"del","prefix":"10\.1\.2\.0/24","table":0,"routes":1,'
monitored "^10\.1\.2\.0/24 view ucast: no route \(0 routes\)$"
run lookup 10.1.2.3 view ucast
expect "view ucast: 10\.1\.0\.0/16 via 192\.0\.2\.1 proto rip .*pref 100"

say "ospf's process is killed (SIGKILL: no deregistration). The kernel" \
    "deregisters the entity as the process's file of /dev/rtm closes, and" \
    "its routes go with it."
echo "\$ kill -KILL $ospf_pid"
kill -KILL "$ospf_pid"
wait "$ospf_pid"
exec 5>&- 6<&-
wait_for unregistered "$ospf_pid"
monitored "^10\.1\.0\.0/16 view ucast: via 192\.0\.2\.1 proto rip .* \(1 route\)$" \
	"^172\.16\.0\.0/12 view ucast: no route \(0 routes\)$"
run show entities
expect "^0 +inet +rip +$rip_pid "
expect_not "ospf"
run lookup 10.1.9.9 view ucast
expect "view ucast: 10\.1\.0\.0/16 via 192\.0\.2\.1 proto rip .*\(1 route\)"
run lookup 172.16.5.5 view ucast
expect_rc 1
expect "view ucast: no route"
expect "ERROR_NOT_FOUND"
wait_for fib_lacks "^172\.16\.0\.0/12 "
wait_for fib_lacks "^10\.1\.2\.0/24 "
fib "^10\.1\.0\.0/16 via 192\.0\.2\.1 "

say "Counters, and what each table holds (/proc/net/rtm/stats)."
run stats
expect_rc 0
expect "^entities 3$"
expect "^table 0 inet: .*routes 2 "

say "rip's fifo closes: its rtmctl reaches the end of its input, deregisters" \
    "and exits; its routes go. Then the monitor is stopped, and the table is" \
    "empty."
echo "\$ exec 3>&-    # rip's fifo"
exec 3>&-
wait "$rip_pid"
status=$?
[ "$status" = 0 ] || fail "rip's rtmctl exited with $status: $(cat "$tmp/rip.err")"
exec 4<&-
monitored "^10\.0\.0\.0/8 view ucast: no route \(0 routes\)$" \
	"^10\.1\.0\.0/16 view ucast: no route \(0 routes\)$"
echo "\$ kill -TERM $monitor_pid    # the monitor"
kill -TERM "$monitor_pid"
wait "$monitor_pid"
status=$?
[ "$status" = 0 ] || fail "the monitor exited with $status: $(cat "$tmp/monitor.err")"
wait_for fib_lacks "^10\."
echo "\$ kill -TERM $fibsync_pid    # rtm-fibsync"
kill -TERM "$fibsync_pid"
wait "$fibsync_pid"
status=$?
[ "$status" = 0 ] || fail "rtm-fibsync exited with $status: $(cat "$tmp/fibsync.err")"
pids=
run show entities
expect_rc 0
[ -z "$out" ] || fail "entities are left"
run lookup 10.1.9.9 view ucast
expect_rc 1
expect "view ucast: no route"

echo
echo "demo: all $step steps showed what they said"
