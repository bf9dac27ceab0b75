#!/bin/sh
# Regression of model outputs: every scenario under scenarios/ is run
# again and compared with its reference rows under results/ (metrics
# within 1e-6, event counts and fingerprints exactly), and so is every
# host scenario under scenarios/host/ with results/host/: those run the
# model on the committed profile of the machine that calibrated it, so
# they are the same on any machine (only the real experiments beside
# them, not checked here, belong to that machine).  A failure prints the
# table of what moved, into the log and, under "make check" (which opens
# fd 9 on the terminal: AM_TESTS_FD_REDIRECT), on the terminal too.
# "make results" and tools/make-host-results regenerate the references.
# Some scenarios again with the engine's radix heap only, to the same
# references.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
export LOANSIM_GNUPLOT=
status=0
out=$(mktemp "${TMPDIR:-/tmp}/loansim-regress.XXXXXX") || exit 99
trap 'rm -f "$out"' EXIT INT TERM

# moved: what regress printed for the scenarios that moved (their lines
# from "NAME: FILE" to "MOVED NAME: ..."), and any error.
moved() {
	awk '/^same / { b = ""; next }
	    { b = b $0 "\n" }
	    /^MOVED / { printf "%s", b; b = "" }
	    END { printf "%s", b }' "$out"
}

# regress RESULTS SCENARIO...: run it, its output into the log; on a
# failure, what moved on fd 9 if it is open, else where to look.
regress() {
	results=$1
	shift
	"$top_builddir/loansim" regress --results "$results" "$@" > "$out" 2>&1
	st=$?
	cat "$out"
	[ $st -eq 0 ] && return
	status=1
	if { true >&9; } 2>/dev/null; then
		{
			echo "tests/test_regress.sh: against $results:"
			moved
			echo "(all of it: tests/test_regress.sh.log)"
		} >&9
	else
		echo "tests/test_regress.sh: against $results: see the" \
		    "table above (tests/test_regress.sh.log under make" \
		    "check)" >&2
	fi
}

regress "$top_srcdir/results" "$top_srcdir"/scenarios/*.ini
# The host scenarios, not the profile (machine-*.ini) they include.
set --
for s in "$top_srcdir"/scenarios/host/*.ini; do
	case $(basename "$s") in machine-*) ;; *) set -- "$@" "$s" ;; esac
done
regress "$top_srcdir/results/host" "$@"
# The engine with the radix heap only (no sorted array while few events
# are pending) runs every event in the same order: the same
# fingerprints, for kinds that keep few events pending and many.
export LOANSIM_ENGINE_SMALL=0
regress "$top_srcdir/results" \
    "$top_srcdir"/scenarios/default.ini "$top_srcdir"/scenarios/sosend-mp.ini \
    "$top_srcdir"/scenarios/recv-standard.ini \
    "$top_srcdir"/scenarios/file-read.ini "$top_srcdir"/scenarios/pipe.ini
exit $status
