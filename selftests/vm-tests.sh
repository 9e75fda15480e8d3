#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The tests `make check` runs inside the VM (POSIX sh; busybox is enough),
# with rtm.ko loaded: one TAP stream on stdout, every result a top-level
# `ok N` / `not ok N` line numbered across the whole run, `1..N` at the end.
#
# usage: selftests/vm-tests.sh [PROGRAM...]
#
#  1. KUnit: on a kernel with KUnit, the results of rtm's suites (which ran
#     when their module was loaded) from /sys/kernel/debug/kunit/*/results,
#     one line per case, `kunit: <suite>.<case>`, failure details as `#`
#     lines.  If rtm_kunit.ko is next to rtm.ko and not loaded, it is loaded
#     here (which runs the suites) and unloaded after reading them.
#  2. Every test program (default: every executable in build/selftests/,
#     in name order, those in RTM_SELFTESTS_LAST at the end), its results
#     re-numbered and prefixed with its name; `# SKIP` carried through.  A
#     program that reports fewer results than it planned, or exits non-zero
#     without a failed result, is one more `not ok`.
#
# Exits 0 if nothing failed, 1 otherwise.
#
# env: RTM_SELFTESTS_BIN   directory of the programs (build/selftests)
#      RTM_SELFTESTS_LAST  programs run after the others ("fuzz_test
#                          limits_test module_test": they unload and reload
#                          rtm.ko)
#      RTM_KO              rtm.ko, for those to reload (default
#                          /rtm/rtm.ko, where tools/vm/run puts it, or /rtm.ko)
#      RTM_KUNIT_KO        the KUnit suites' module (default: rtm_kunit.ko
#                          beside RTM_KO)
#      RTM_KUNIT_SUITES    glob of the suites to report (rtm*)
#      RTM_KUNIT_DIR       where to find them (/sys/kernel/debug/kunit)
#      RTM_SELFTEST_TIMEOUT  seconds a program may run (default 1200)

here=$(cd "$(dirname "$0")" && pwd)
root=${here%/*}
bindir=${RTM_SELFTESTS_BIN:-$root/build/selftests}
last=${RTM_SELFTESTS_LAST:-fuzz_test limits_test module_test}
suites=${RTM_KUNIT_SUITES:-rtm*}
kunit_dir=${RTM_KUNIT_DIR:-/sys/kernel/debug/kunit}
prog_timeout=${RTM_SELFTEST_TIMEOUT:-1200}

if [ -z "${RTM_KO:-}" ]; then
	for ko in /rtm/rtm.ko /rtm.ko; do
		[ -r "$ko" ] && RTM_KO=$ko && break
	done
fi
export RTM_KO="${RTM_KO:-}"
kunit_ko=${RTM_KUNIT_KO:-${RTM_KO:+${RTM_KO%/*}/rtm_kunit.ko}}

tmp=$(mktemp -d /tmp/vm-tests.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
skipped=0

# result ok|"not ok" DESCRIPTION: one top-level TAP line.
result()
{
	n=$((n + 1))
	printf '%s %d %s\n' "$1" "$n" "$2"
	case $1 in
	not*)	failed=$((failed + 1)) ;;
	esac
	case $2 in
	*"# SKIP"*|*"# skip"*)	skipped=$((skipped + 1)) ;;
	esac
}

# comment FILE: FILE's lines as TAP comments.
comment()
{
	sed 's/^/# /' "$1"
}

# --- KUnit ---------------------------------------------------------------

# kunit_suite DIR: one line per case of the suite in DIR.
kunit_suite()
{
	suite=${1##*/}
	cases=0
	case_failed=0
	status=
	: >"$tmp/detail"
	while IFS= read -r line; do
		case $line in
		"    ok "[0-9]*|"    not ok "[0-9]*)
			line=${line#    }
			case $line in
			ok*)	res=ok; rest=${line#ok } ;;
			*)	res="not ok"; rest=${line#not ok } ;;
			esac
			name=${rest#* }
			cases=$((cases + 1))
			result "$res" "kunit: $suite.$name"
			if [ "$res" != ok ]; then
				case_failed=$((case_failed + 1))
				comment "$tmp/detail"
			fi
			: >"$tmp/detail"
			;;
		"ok "[0-9]*|"not ok "[0-9]*)
			status=${line%% [0-9]*}
			;;
		"KTAP version"*|"TAP version"*|"1.."*|"    KTAP version"*|"    1.."*)
			;;
		*)
			printf '%s\n' "$line" >>"$tmp/detail"
			;;
		esac
	done <"$1/results"

	# A suite can fail without a failed case (its init failed, say).
	if [ "$status" != ok ] && [ $case_failed = 0 ]; then
		result "not ok" "kunit: $suite (suite result: ${status:-none})"
		comment "$tmp/detail"
	elif [ $cases = 0 ]; then
		result "not ok" "kunit: $suite (no test cases reported)"
	fi
}

run_kunit()
{
	d=$kunit_dir
	[ -d "$d" ] || [ "$d" != /sys/kernel/debug/kunit ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	if [ ! -d "$d" ]; then
		echo "# KUnit: not in this kernel (no $d)"
		return
	fi

	loaded_kunit=
	if [ -n "$kunit_ko" ] && [ -r "$kunit_ko" ]; then
		m=${kunit_ko##*/}
		m=${m%.ko}
		if [ ! -d "/sys/module/$m" ]; then
			echo "# KUnit: loading $kunit_ko"
			if insmod "$kunit_ko"; then
				loaded_kunit=$m
			else
				result "not ok" "kunit: insmod $kunit_ko"
			fi
		fi
	fi

	found=0
	for s in "$d"/$suites; do
		[ -r "$s/results" ] || continue
		found=1
		kunit_suite "$s"
	done
	if [ $found = 0 ]; then
		# On a KUnit kernel rtm's suites must have run.
		result "not ok" "kunit: no suite matching '$suites' in $d"
		if dmesg 2>/dev/null | grep -q 'kunit: disabled'; then
			echo "# KUnit is disabled: boot with kunit.enable=1," \
				"or build with CONFIG_KUNIT_DEFAULT_ENABLED=y"
		fi
	fi

	if [ -n "$loaded_kunit" ]; then
		rmmod "$loaded_kunit" ||
			result "not ok" "kunit: rmmod $loaded_kunit"
	fi
}

# --- test programs -------------------------------------------------------

# run_program PATH: run a kselftest program and re-emit its results.
#
# The program and the loop that reads it are the two sides of a pipe, so
# that the shell that prints has no child: a child's SIGCHLD arriving while
# a write to a slow console waits would fail that write, and lose its line.
# The reading side hands its counts back through a file.
run_program()
{
	prog=$1
	name=${prog##*/}

	echo "# running $name"
	rm -f "$tmp/status" "$tmp/state"
	{
		if command -v timeout >/dev/null 2>&1; then
			timeout -s KILL "$prog_timeout" "$prog" 2>&1
		else
			"$prog" 2>&1
		fi
		echo $? >"$tmp/status"
	} | {
		plan=
		count=0
		fails=0
		current=
		while IFS= read -r line; do
			case $line in
			"ok "[0-9]*|"not ok "[0-9]*)
				case $line in
				ok*)	res=ok; rest=${line#ok } ;;
				*)	res="not ok"; rest=${line#not ok } ;;
				esac
				rest=${rest#"${rest%%[!0-9]*}"}
				rest=${rest# }
				# The 6.1 harness says "ok N # SKIP reason", nameless.
				case $rest in
				"#"*)	rest="${current:-?} $rest" ;;
				"")	rest=${current:-?} ;;
				esac
				count=$((count + 1))
				[ "$res" = ok ] || fails=$((fails + 1))
				result "$res" "$name: $rest"
				current=
				;;
			"1.."[0-9]*)
				plan=${line#1..}
				plan=${plan%% *}
				echo "# $name: $line"
				;;
			"#  RUN "*)
				current=${line#\#  RUN}
				current=${current#"${current%%[! ]*}"}
				current=${current% ...}
				printf '%s\n' "$line"
				;;
			"#"*)
				printf '%s\n' "$line"
				;;
			*)
				printf '# %s\n' "$line"
				;;
			esac
		done
		echo "n=$n failed=$failed skipped=$skipped plan=$plan count=$count fails=$fails" \
			>"$tmp/state"
	}
	plan=
	count=0
	fails=0
	[ -r "$tmp/state" ] && . "$tmp/state"
	status=$(cat "$tmp/status" 2>/dev/null || echo 255)

	if [ -z "$plan" ] || [ "$count" != "$plan" ]; then
		result "not ok" "$name: reported $count of ${plan:-?} planned results (exit status $status)"
	elif [ "$status" != 0 ] && [ "$status" != 4 ] && [ $fails = 0 ]; then
		result "not ok" "$name: exit status $status without a failed test"
	fi
}

echo "TAP version 13"
echo "# $(uname -r); rtm.ko ${RTM_KO:-(path unknown)}"

run_kunit

if [ $# -gt 0 ]; then
	progs=$*
else
	progs=
	later=
	for p in "$bindir"/*; do
		{ [ -f "$p" ] && [ -x "$p" ]; } || continue
		case " $last " in
		*" ${p##*/} "*)	later="$later $p" ;;
		*)		progs="$progs $p" ;;
		esac
	done
	progs="$progs $later"
fi
[ -n "${progs# }" ] || result "not ok" "no test programs in $bindir"

for p in $progs; do
	run_program "$p"
done

echo "1..$n"
echo "# vm-tests: $((n - failed)) ok ($skipped skipped), $failed not ok"
[ $failed = 0 ]
