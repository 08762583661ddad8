#!/usr/bin/env bash
# make lint: every #include in src/ points down the layers, never up:
#   src/ (main, the command line)  >  cmd/  >  view/  >  kernel/  >  net/  >  base/
# A file may include headers of its own folder and of folders below it.  The
# command line's headers in src/ (args.h, commands.h, options.def) declare
# what a command is handed, so cmd/ may include them; nothing lower may.
# Prints one line per include that points up and exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/../src"

rank() {
	case $1 in
	main.c | args.c | args_hint.[ch]) echo 5 ;;
	args.h | commands.h | commands.def | options.def) echo 4 ;;
	cmd/*) echo 4 ;;
	view/*) echo 3 ;;
	kernel/*) echo 2 ;;
	net/*) echo 1 ;;
	base/*) echo 0 ;;
	*) echo "layers.sh: $1: in no layer" >&2 && echo 9 ;;
	esac
}

bad=0
while IFS=: read -r file line target; do
	from=$(rank "$file")
	to=$(rank "$target")
	if ((to > from)); then
		echo "src/$file:$line: includes \"$target\", a layer above its own (main > cmd > view > kernel > net > base)"
		bad=1
	fi
done < <(grep -nE '^#include "[^"]+"' -- *.[ch] */*.[ch] | sed -E 's/^([^:]+):([0-9]+):#include "([^"]+)".*/\1:\2:\3/')
exit "$bad"
