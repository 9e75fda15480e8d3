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
