#!/usr/bin/env bats
# The build: install layout, hardening, header dependencies.

setup() {
	bats_require_minimum_version 1.5.0
	bats_load_library bats-support
	bats_load_library bats-assert
	REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	PLAIN=$REPO/build/tcptool
}

# make as a user runs it, not with the flags of the make check around us (SAN=1).
plain_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SAN make "$@"
}

@test "make install and uninstall honour DESTDIR and PREFIX" {
	stage=$BATS_TEST_TMPDIR/stage
	run plain_make -s -C "$REPO" install DESTDIR="$stage" PREFIX=/usr
	assert_success
	for f in usr/bin/tcptool usr/share/man/man1/tcptool.1 \
		usr/share/bash-completion/completions/tcptool \
		usr/share/zsh/vendor-completions/_tcptool \
		usr/share/fish/vendor_completions.d/tcptool.fish; do
		[ -f "$stage/$f" ] || fail "missing $f"
	done
	[ -x "$stage/usr/bin/tcptool" ]
	run plain_make -s -C "$REPO" uninstall DESTDIR="$stage" PREFIX=/usr
	assert_success
	run find "$stage" -type f
	assert_output ""
}

@test "under /usr/local, zsh completion goes to site-functions" {
	stage=$BATS_TEST_TMPDIR/stage
	run plain_make -s -C "$REPO" install DESTDIR="$stage"
	assert_success
	[ -f "$stage/usr/local/share/zsh/site-functions/_tcptool" ]
	[ -f "$stage/usr/local/bin/tcptool" ]
}

@test "the binary is PIE with full RELRO, stack protector and FORTIFY" {
	command -v readelf >/dev/null || skip "needs readelf (package binutils)"
	[ -x "$PLAIN" ] || skip "no plain build at $PLAIN"
	run readelf -h "$PLAIN"
	assert_output --partial "DYN"
	run readelf -lW "$PLAIN"
	assert_output --partial "GNU_RELRO"
	run readelf -dW "$PLAIN"
	assert_output --regexp "BIND_NOW|FLAGS.*NOW"
	run readelf -sW --dyn-syms "$PLAIN"
	assert_output --partial "__stack_chk_fail"
	assert_output --regexp "__[a-z]+_chk"
}

@test "editing a header rebuilds the objects that include it, and only those" {
	run plain_make -n -C "$REPO" -W src/net/relay.h build/tcptool
	assert_success
	assert_output --partial "src/net/relay.c"
	assert_output --partial "src/view/session.c"
	refute_output --partial "src/args.c"
}
