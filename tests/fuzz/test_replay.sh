#!/bin/sh
# Replays every fuzz seed and every input that once broke a reader through
# the fuzz harnesses, built with the ordinary compiler (and the sanitizers
# when configured with --enable-sanitizers).
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
f="$top_srcdir/tests/fuzz"
LOANSIM_SRCDIR=$top_srcdir
export LOANSIM_SRCDIR
pass=0
fail=0
run() {	# harness, inputs...
	h=$1
	shift
	if out=$("$top_builddir/tests/fuzz/replay_$h" "$@" 2>&1); then
		n=$(echo "$out" | sed -n 's/^\([0-9]*\) passed.*/\1/p' | tail -n 1)
		pass=$((pass + n))
		echo "PASS: $h: $n inputs"
	else
		fail=$((fail + 1))
		echo "FAIL: $h"
		echo "$out" | tail -n 30
	fi
}
run scenario "$top_srcdir/scenarios" "$f/corpus/scenario"
run units "$f/corpus/units"
run dist "$f/corpus/dist"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
