#!/usr/bin/env bats
# The bash, zsh and fish completions, each run by its own shell.
#
# The expected option lists come from `tcptool COMMAND --help`, so a
# completion that offers too much or too little fails here.

bats_require_minimum_version 1.5.0

setup() {
	bats_load_library bats-support
	bats_load_library bats-assert
	ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	TCPTOOL=${TCPTOOL:-$ROOT/tcptool}
	COMPDIR=$ROOT/completions
	[[ -x $TCPTOOL ]] || fail "no tcptool binary at $TCPTOOL (run make, or set TCPTOOL)"
}

# Completes the words given (the last one is being typed) with the bash
# completion, without bash-completion's library; prints one match a line.
complete_bash() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 10 bash --norc --noprofile -c 'source "$1"; shift; complete -p tcptool >/dev/null || exit 3
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_tcptool tcptool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPDIR/tcptool.bash" "$@" | sed '/^$/d' | sort -u
}

# Completes a command line in a real zsh in a pty (helpers/zcomplete.zsh).
complete_zsh() {
	timeout 10 zsh -f "$BATS_TEST_DIRNAME/helpers/zcomplete.zsh" "$COMPDIR" "$1" | sed '/^$/d' | sort -u
}

# Completes a command line with fish; prints the matches without descriptions.
complete_fish() {
	# shellcheck disable=SC2016 # expanded by fish
	timeout 10 fish --no-config -c 'source $argv[1]; and complete -C $argv[2]' \
		"$COMPDIR/tcptool.fish" "$1" | cut -f1 | sort -u
}

need_zsh() {
	command -v zsh >/dev/null || skip "zsh not installed"
	zsh -fc 'zmodload zsh/zpty' 2>/dev/null || skip "zsh has no zsh/zpty module"
}
need_fish() { command -v fish >/dev/null || skip "fish not installed"; }

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
	command -v shellcheck >/dev/null || skip "shellcheck not installed"
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

# --- bash -------------------------------------------------------------------

@test "bash: commands" {
	complete_bash tcptool '' | same_set "tcptool " "$(help_commands; echo help)"
	complete_bash tcptool li | same_set "tcptool li" listen
}

@test "bash: tcptool connect --ti, tcptool listen --ke" {
	run complete_bash tcptool connect --ti
	assert_success
	assert_output -- --timeout
	run complete_bash tcptool listen --ke
	assert_output -- --keep-open
}

@test "bash: each command offers exactly the long options of its --help" {
	local cmd
	complete_bash tcptool -- | same_set "tcptool --" "$(long_options)"
	for cmd in $(help_commands); do
		complete_bash tcptool "$cmd" -- | same_set "tcptool $cmd --" "$(long_options "$cmd")"
	done
	run complete_bash tcptool listen --
	assert_line -- --accept-delay
	run complete_bash tcptool connect --
	refute_line -- --accept-delay
}

@test "bash: tcptool help offers the commands" {
	complete_bash tcptool help '' | same_set "tcptool help " "$(help_commands)"
}

@test "bash: values for durations and addresses, hosts for connect" {
	complete_bash tcptool connect -w '' | same_set "connect -w" $'500ms\n1s\n5s\n30s'
	complete_bash tcptool listen --accept-delay '' | same_set "listen --accept-delay" $'500ms\n1s\n5s\n30s'
	complete_bash tcptool listen -b '' | same_set "listen -b" $'127.0.0.1\n::1\n0.0.0.0\n::'
	complete_bash tcptool connect --source 127 | same_set "connect --source 127" 127.0.0.1
	run complete_bash tcptool -v connect -w 1s localh
	assert_line localhost
}

# --- zsh --------------------------------------------------------------------

@test "zsh: commands" {
	need_zsh
	complete_zsh 'tcptool ' | same_set "tcptool " "$(help_commands; echo help)"
}

@test "zsh: tcptool connect --ti, tcptool listen --ke" {
	need_zsh
	run complete_zsh 'tcptool connect --ti'
	assert_success
	assert_output -- --timeout
	run complete_zsh 'tcptool listen --ke'
	assert_output -- --keep-open
}

@test "zsh: each command offers exactly the long options of its --help" {
	need_zsh
	local cmd
	complete_zsh 'tcptool --' | same_set "tcptool --" "$(long_options)"
	for cmd in $(help_commands); do
		complete_zsh "tcptool $cmd --" | same_set "tcptool $cmd --" "$(long_options "$cmd")"
	done
	run complete_zsh 'tcptool listen --'
	assert_line -- --accept-delay
	run complete_zsh 'tcptool connect --'
	refute_line -- --accept-delay
}

@test "zsh: tcptool help offers the commands" {
	need_zsh
	complete_zsh 'tcptool help ' | same_set "tcptool help " "$(help_commands)"
}

@test "zsh: values for durations and addresses" {
	need_zsh
	complete_zsh 'tcptool connect -w ' | same_set "connect -w" $'500ms\n1s\n5s\n30s'
	complete_zsh 'tcptool listen -b ' | same_set "listen -b" $'127.0.0.1\n::1\n0.0.0.0\n::'
}

# --- fish -------------------------------------------------------------------

@test "fish: commands" {
	need_fish
	complete_fish 'tcptool ' | same_set "tcptool " "$(help_commands; echo help)"
}

@test "fish: tcptool connect --ti, tcptool listen --ke" {
	need_fish
	run complete_fish 'tcptool connect --ti'
	assert_success
	assert_output -- --timeout
	run complete_fish 'tcptool listen --ke'
	assert_output -- --keep-open
}

@test "fish: each command offers exactly the long options of its --help" {
	need_fish
	local cmd
	complete_fish 'tcptool --' | same_set "tcptool --" "$(long_options)"
	for cmd in $(help_commands); do
		complete_fish "tcptool $cmd --" | same_set "tcptool $cmd --" "$(long_options "$cmd")"
	done
	run complete_fish 'tcptool listen --'
	assert_line -- --accept-delay
	run complete_fish 'tcptool connect --'
	refute_line -- --accept-delay
}

@test "fish: tcptool help offers the commands" {
	need_fish
	complete_fish 'tcptool help ' | same_set "tcptool help " "$(help_commands)"
}

@test "fish: values for durations and addresses" {
	need_fish
	complete_fish 'tcptool connect -w ' | same_set "connect -w" $'500ms\n1s\n5s\n30s'
	complete_fish 'tcptool listen -b ' | same_set "listen -b" $'127.0.0.1\n::1\n0.0.0.0\n::'
}
