#!/usr/bin/env bash
# Runs a command (make check, say) as an unprivileged user, so that the
# suite is seen to pass without root: as root, in a copy of this tree that
# belongs to nobody; as anyone else, here, as that user.
# usage: tests/as-user.sh COMMAND [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."

if ((EUID != 0)); then
	exec "$@"
fi
user=${CHECK_USER:-nobody}
group=$(id -gn "$user")
copy=$(mktemp -d /tmp/tcptool-as-user.XXXXXX)
trap 'rm -rf "$copy"' EXIT
chmod 755 "$copy"
# The sources only: builds, reports and npm's folder stay behind.
tar -c --exclude=./.git --exclude='./build*' --exclude=./.deps --exclude=./tcptool . | tar -x -C "$copy"
chown -R "$user:$group" "$copy"
echo "as $user in $copy: $*"
cd "$copy"
setpriv --reuid="$user" --regid="$group" --clear-groups --inh-caps=-all \
	env HOME="$copy" TMPDIR=/tmp "$@"
