# SPDX-License-Identifier: GPL-2.0
#
# Shared by the tools/vm scripts (sourced, not run): paths, messages, locks.

vm_dir=$(cd "$(dirname "$0")" && pwd)
root_dir=$(cd "$vm_dir/../.." && pwd)
build_dir=${RTM_BUILD:-$root_dir/build}
me=${0##*/}

say()
{
	printf 'rtm-vm %s: %s\n' "$me" "$*" >&2
}

die()
{
	say "error: $*"
	exit 1
}

# lock FILE: hold an exclusive lock on FILE (fd 9) until the script exits,
# so two runs never build into the same cache directory at once.
lock()
{
	mkdir -p "$(dirname "$1")"
	exec 9>"$1"
	flock 9
}

# short_hash FILE...: a short content hash of FILEs, for cache keys.
short_hash()
{
	cat "$@" | sha256sum | cut -c1-12
}

# dynamic_ships [--root DIR] PROG...: the tools/vm/run -f arguments that
# ship the dynamically linked programs PROG with their shared libraries and
# loader, each at the path the program asks for it by (the guest has no
# libc of its own); nothing for a PROG that is not there.  With --root, PROG
# and its libraries are those of the Debian root DIR (paths inside it,
# resolved there: ldd and readlink run in DIR through chroot).
dynamic_ships()
{
	local p f r=
	if [ "${1:-}" = --root ]; then
		r=$2
		shift 2
	fi
	for p in "$@"; do
		[ -x "$r$p" ] || continue
		{
			echo "$p"
			${r:+chroot "$r"} ldd "$p" 2>/dev/null |
				sed -n 's/.*[[:space:]]\(\/[^ ]*\) (0x.*/\1/p'
		} | while IFS= read -r f; do
			printf '%s%s:%s\n' "$r" \
				"$(${r:+chroot "$r"} readlink -f "$f")" "$f"
		done
	done | awk '!seen[$0]++ { print "-f"; print }'
}
