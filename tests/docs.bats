#!/usr/bin/env bats
# The manual and the completions against the binary's own --help.
#
# The option, command and exit-status lists are read from `tcptool --help`
# and `tcptool COMMAND --help` (which src/options.def generates), never
# written down here, so an option added without docs makes a test fail.

setup() {
	load helpers/common
	_common_setup
}

# The commands in the "Commands:" list of `tcptool --help`.
help_commands() {
	"$TCPTOOL" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }'
}

# Every option named in a help text on stdin: the left column of its option
# table ("  -w, --timeout DUR   give up ...") and its Usage lines.
options_in_help() {
	awk '/^Usage:/ || /^       tcptool / { print; next }
	     /^ +-/ { sub(/^ +/, ""); split($0, col, /  +/); print col[1] }' |
		grep -oE -- '(^|[][ |,])--?[A-Za-z0-9][A-Za-z0-9-]*' | sed -E 's/^[][ |,]//' | sort -u
}

# The options of the general help and of every command's help.
all_help_options() {
	local cmd
	{
		"$TCPTOOL" --help
		for cmd in $(help_commands); do "$TCPTOOL" "$cmd" --help; done
	} | options_in_help
}

# The manual as a reader sees it, without overstrike.
rendered_page() {
	mandoc -Tascii "$MAN" | col -bx
}

# Every flag the mdoc source marks with Fl, as typed: "Fl \-timeout" is
# --timeout, "Fl w" is -w.  A bare "Fl \-" is the end-of-options marker.
flags_in_man() {
	grep -oE '(^\.|[[:space:]])Fl [^[:space:]]+' "$MAN" | awk '{ print $2 }' |
		grep -vxF '\-' | sed -E 's/^\\-/--/; t; s/^/-/' | sort -u
}

# Is the option word $1 in the text $2 as a whole word?
has_word() {
	grep -qE -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)" <<<"$2"
}

need_mandoc() {
	need_tool mandoc mandoc
	need_tool col bsdextrautils
}

@test "help texts list options at all (sanity check for the parsers below)" {
	run all_help_options
	assert_success
	assert_line -- --help
	assert_line -- -4
	(( ${#lines[@]} >= 10 )) || fail "only ${#lines[@]} options found: $output"
	run help_commands
	assert_success
	assert_line listen
	assert_line connect
}

@test "man page: mandoc -Tlint -Wwarning is clean" {
	need_mandoc
	run mandoc -Tlint -Wwarning "$MAN"
	assert_success
	assert_output ''
}

@test "man page: groff renders it without warnings" {
	need_tool groff groff-base
	run --separate-stderr groff -mandoc -ww -z "$MAN"
	assert_success
	# shellcheck disable=SC2154 # run --separate-stderr sets $stderr
	assert_equal "$stderr" ''
}

@test "man page: every option of every --help is documented" {
	need_mandoc
	local page opt missing=()
	page=$(rendered_page)
	for opt in $(all_help_options); do
		has_word "$opt" "$page" || missing+=("$opt")
	done
	(( ${#missing[@]} == 0 )) || fail "options in --help but not in man/tcptool.1: ${missing[*]}"
}

@test "man page: every option it marks with Fl is in some --help" {
	local help opt extra=()
	help=$(all_help_options)
	for opt in $(flags_in_man); do
		grep -qxF -- "$opt" <<<"$help" || extra+=("$opt")
	done
	(( ${#extra[@]} == 0 )) || fail "options in man/tcptool.1 that no --help lists: ${extra[*]}"
}

@test "man page: every command has its subsection, with its options in it" {
	need_mandoc
	local cmd section opt missing=()
	for cmd in $(help_commands); do
		grep -qxE "\.Ss (Cm )?$cmd" "$MAN" || { missing+=("$cmd"); continue; }
		# The rendered subsection: from "   listen" to the next subsection or section.
		section=$(rendered_page | awk -v c="$cmd" '$0 == "   " c { on = 1; next }
			on && /^(   )?[^ ]/ { exit } on')
		for opt in $("$TCPTOOL" "$cmd" --help | sed '/^Common options/,$d' | options_in_help); do
			has_word "$opt" "$section" || missing+=("$cmd $opt")
		done
	done
	(( ${#missing[@]} == 0 )) || fail "missing from COMMANDS in man/tcptool.1: ${missing[*]}"
}

@test "man page: every exit status of --help is under EXIT STATUS" {
	need_mandoc
	local help_codes man_codes code
	# "Exit status: 0 success, 1 connection failed or broke, 2 usage error, ..."
	help_codes=$("$TCPTOOL" --help | awk '/^Exit status:/ { on = 1 } on && NF == 0 { exit } on' |
		tr ',:\n' '   ' | grep -oE '(^| )[0-9]+ [a-z]' | grep -oE '[0-9]+' | sort -n)
	[[ -n $help_codes ]] || fail "no exit statuses found in tcptool --help"
	man_codes=$(rendered_page | awk '/^EXIT STATUS/ { on = 1; next } /^[A-Z]/ { on = 0 }
		on && $1 ~ /^[0-9]+$/ { print $1 }' | sort -n)
	for code in $help_codes; do
		grep -qxF "$code" <<<"$man_codes" || fail "exit status $code is not under EXIT STATUS"
	done
	# The contract: 0 ok, 1 network, 2 usage, 3 resolve, 4 timeout, 5 a socket option refused.
	assert_equal "$(tr '\n' ' ' <<<"$man_codes")" "0 1 2 3 4 5 "
}

@test "man page: every exit status the code defines is documented" {
	local args_h=$ROOT/src/base/exit_status.h codes code man_codes
	[[ -f $args_h ]] || skip "no src/base/exit_status.h to read the exit statuses from"
	need_mandoc
	codes=$(grep -oE 'EXIT_[A-Z_]+ *= *[0-9]+' "$args_h" | grep -oE '[0-9]+$' | sort -un)
	[[ -n $codes ]] || fail "no EXIT_* values found in $args_h"
	man_codes=$(rendered_page | awk '/^EXIT STATUS/ { on = 1; next } /^[A-Z]/ { on = 0 }
		on && $1 ~ /^[0-9]+$/ { print $1 }')
	for code in $codes; do
		grep -qxF "$code" <<<"$man_codes" || fail "exit status $code (src/base/exit_status.h) is not documented"
	done
}

@test "man page: every event and JSON key the code emits is documented" {
	[[ -d $ROOT/src ]] || skip "no src/ to read the events from"
	need_mandoc
	local events keys name section missing=()
	events=$(grep -ohE 'report_(event|event_at|format)\([^"]*"[a-z_]+"' "$ROOT"/src/*.c "$ROOT"/src/*/*.c | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
	keys=$(grep -ohE 'F_(STR|INT|MS|BOOL)\("[a-z_]+"' "$ROOT"/src/*.c "$ROOT"/src/*/*.c | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
	[[ -n $events && -n $keys ]] || fail "found no events or keys in src/*.c"
	section=$(rendered_page | awk '/^EVENTS AND JSON KEYS/ { on = 1; next } /^[A-Z]/ { on = 0 } on')
	for name in $events; do
		grep -qE "^     $name( |\$)" <<<"$section" || missing+=("event:$name")
	done
	for name in $keys event t; do
		has_word "$name" "$section" || missing+=("key:$name")
	done
	(( ${#missing[@]} == 0 )) || fail "not under EVENTS AND JSON KEYS: ${missing[*]}"
}

@test "completions: every --help option is in all three files" {
	local opt name missing=()
	for opt in $(all_help_options); do
		for f in tcptool.bash _tcptool; do
			grep -qE -- "(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|\$)" "$COMPDIR/$f" || missing+=("$f:$opt")
		done
		# fish spells them "-l timeout" and "-s w".
		if [[ $opt == --* ]]; then
			name=${opt#--}
			grep -qE -- "(^|[[:space:]])(-l|--long-option) $name([[:space:]]|\$)" "$COMPDIR/tcptool.fish" ||
				missing+=("tcptool.fish:$opt")
		else
			name=${opt#-}
			grep -qE -- "(^|[[:space:]])(-s|--short-option) $name([[:space:]]|\$)" "$COMPDIR/tcptool.fish" ||
				missing+=("tcptool.fish:$opt")
		fi
	done
	(( ${#missing[@]} == 0 )) || fail "options missing from completions/: ${missing[*]}"
}

@test "completions: every command is in all three files" {
	local cmd f missing=()
	for cmd in $(help_commands) help; do
		for f in tcptool.bash _tcptool tcptool.fish; do
			grep -qw -- "$cmd" "$COMPDIR/$f" || missing+=("$f:$cmd")
		done
	done
	(( ${#missing[@]} == 0 )) || fail "commands missing from completions/: ${missing[*]}"
}

@test "README: the packages its set-up names are the ones tests/deps.sh installs" {
	local setup named pkg missing=()
	# The "Set up" section, up to the next heading.
	setup=$(awk '/^## Set up/ { on = 1; next } on && /^## / { exit } on' "$ROOT/README.md")
	[[ -n $setup ]] || fail "README has no Set up section"
	grep -q 'make demo' <<<"$setup" || fail "Set up does not say make demo"
	grep -q 'make check' <<<"$setup" || fail "Set up does not say make check"
	# The list "(bats, python3, ..., libpcap-dev...: ...)" after "the suite uses".
	named=$(tr '\n' ' ' <<<"$setup" | grep -oE '\(bats,[^:]*' | sed -E 's/^\(//; s/\.\.\.$//' | tr ',' ' ')
	[[ -n $named ]] || fail "Set up names no packages"
	for pkg in $named; do
		grep -qw -- "$pkg" <<<"$("$ROOT/tests/deps.sh" list check)" || missing+=("$pkg")
	done
	((${#missing[@]} == 0)) || fail "README names packages tests/deps.sh does not know: ${missing[*]}"
}

@test "the version is written once, in VERSION; --version and the man page's examples say it" {
	local version
	version=$(cat "$ROOT/VERSION")
	[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "VERSION holds '$version'"
	run -0 "$TCPTOOL" --version
	assert_line --index 0 "tcptool $version"
	run grep -nE '^tcptool [0-9]+\.[0-9]+\.[0-9]+$' "$MAN"
	assert_success
	while IFS=: read -r _ line; do
		assert_equal "$line" "tcptool $version"
	done <<<"$output"
}
