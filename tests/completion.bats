#!/usr/bin/env bats
# The bash, zsh and fish completions, each run by its own shell.
#
# The expected option lists come from `tcptool COMMAND --help`, so a
# completion that offers too much or too little fails here.

setup() {
	load helpers/common
	_common_setup
}

# Each complete_SHELL takes a command line as typed ("tcptool connect --ti",
# a trailing space for a new word) and prints the matches, one a line.

complete_bash() {
	local -a words
	read -ra words <<<"$1"
	[[ $1 == *" " ]] && words+=("")
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 10 bash --norc --noprofile -c 'source "$1"; shift; complete -p tcptool >/dev/null || exit 3
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_tcptool tcptool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPDIR/tcptool.bash" "${words[@]}" | sed '/^$/d' | sort -u
}

# A real zsh in a pty (helpers/zcomplete.zsh).
complete_zsh() {
	timeout 10 zsh -f "$BATS_TEST_DIRNAME/helpers/zcomplete.zsh" "$COMPDIR" "$1" | sed '/^$/d' | sort -u
}

# fish's own completer; the matches without their descriptions.
complete_fish() {
	# shellcheck disable=SC2016 # expanded by fish
	timeout 10 fish --no-config -c 'source $argv[1]; and complete -C $argv[2]' \
		"$COMPDIR/tcptool.fish" "$1" | cut -f1 | sort -u
}

need_bash() { :; }
need_zsh() {
	need_tool zsh zsh
	zsh -fc 'zmodload zsh/zpty' 2>/dev/null || skip "zsh has no zsh/zpty module"
}
need_fish() { need_tool fish fish; }

# The long options a help text lists in its option tables.
long_options() {
	"$TCPTOOL" "$@" --help | awk '/^ +-/ { sub(/^ +/, ""); split($0, col, /  +/); print col[1] }' |
		grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' | sort -u
}

# The commands of `tcptool --help`.
help_commands() {
	"$TCPTOOL" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' | sort
}

# Fails unless the matches on stdin ($1 names the case) equal the lines of $2.
same_set() {
	local got
	got=$(sort -u)
	[[ $got == "$(sort -u <<<"$2")" ]] ||
		fail "$1: expected [$(tr '\n' ' ' <<<"$2")], got [$(tr '\n' ' ' <<<"$got")]"
}

# --- syntax -----------------------------------------------------------------

@test "bash: completion parses, and shellcheck is clean" {
	run bash -n "$COMPDIR/tcptool.bash"
	assert_success
	need_tool shellcheck shellcheck
	run shellcheck -s bash "$COMPDIR/tcptool.bash"
	assert_success
	assert_output ''
}

@test "zsh: completion parses" {
	need_zsh
	run zsh -n "$COMPDIR/_tcptool"
	assert_success
	run head -n 1 "$COMPDIR/_tcptool"
	assert_output '#compdef tcptool'
}

@test "fish: completion parses" {
	need_fish
	run fish --no-config -n "$COMPDIR/tcptool.fish"
	assert_success
}

# --- the same cases in every shell ------------------------------------------

# Each case takes the shell's name: it uses complete_SHELL and need_SHELL.

case_commands() {
	"need_$1"
	"complete_$1" 'tcptool ' | same_set "$1: tcptool " "$(help_commands; echo help)"
	"complete_$1" 'tcptool li' | same_set "$1: tcptool li" listen
}

case_prefixes() {
	"need_$1"
	run "complete_$1" 'tcptool connect --ti'
	assert_success
	assert_output -- --timeout
	run "complete_$1" 'tcptool listen --ke'
	assert_output -- --keep-open
}

case_exact_options() {
	"need_$1"
	local cmd
	"complete_$1" 'tcptool --' | same_set "$1: tcptool --" "$(long_options)"
	for cmd in $(help_commands); do
		"complete_$1" "tcptool $cmd --" | same_set "$1: tcptool $cmd --" "$(long_options "$cmd")"
	done
	run "complete_$1" 'tcptool listen --'
	assert_line -- --accept-delay
	run "complete_$1" 'tcptool connect --'
	refute_line -- --accept-delay
}

case_help() {
	"need_$1"
	"complete_$1" 'tcptool help ' | same_set "$1: tcptool help " "$(help_commands)"
}

case_values() {
	"need_$1"
	"complete_$1" 'tcptool connect -w ' | same_set "$1: connect -w" $'500ms\n1s\n5s\n30s'
	"complete_$1" 'tcptool listen --accept-delay ' | same_set "$1: listen --accept-delay" $'500ms\n1s\n5s\n30s'
	"complete_$1" 'tcptool listen -b ' | same_set "$1: listen -b" $'127.0.0.1\n::1\n0.0.0.0\n::'
}

@test "bash: commands" { case_commands bash; }
@test "bash: tcptool connect --ti, tcptool listen --ke" { case_prefixes bash; }
@test "bash: each command offers exactly the long options of its --help" { case_exact_options bash; }
@test "bash: tcptool help offers the commands" { case_help bash; }
@test "bash: values for durations and addresses" { case_values bash; }

@test "bash: source addresses and host names for connect" {
	complete_bash 'tcptool connect --source 127' | same_set "connect --source 127" 127.0.0.1
	run complete_bash 'tcptool -v connect -w 1s localh'
	assert_line localhost
}

@test "zsh: commands" { case_commands zsh; }
@test "zsh: tcptool connect --ti, tcptool listen --ke" { case_prefixes zsh; }
@test "zsh: each command offers exactly the long options of its --help" { case_exact_options zsh; }
@test "zsh: tcptool help offers the commands" { case_help zsh; }
@test "zsh: values for durations and addresses" { case_values zsh; }

@test "fish: commands" { case_commands fish; }
@test "fish: tcptool connect --ti, tcptool listen --ke" { case_prefixes fish; }
@test "fish: each command offers exactly the long options of its --help" { case_exact_options fish; }
@test "fish: tcptool help offers the commands" { case_help fish; }
@test "fish: values for durations and addresses" { case_values fish; }
