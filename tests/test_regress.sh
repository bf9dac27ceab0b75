#!/bin/sh
# Regression of model outputs: every scenario under scenarios/ is run
# again and compared with its reference rows under results/ (metrics
# within 1e-6, event counts and fingerprints exactly), and so is every
# host scenario under scenarios/host/ with results/host/: those run the
# model on the committed profile of the machine that calibrated it, so
# they are the same on any machine (only the real experiments beside
# them, not checked here, belong to that machine).  A failure prints the
# table of what moved.  "make results" and tools/make-host-results
# regenerate the references.  Some scenarios again with the engine's
# radix heap only, to the same references.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
export LOANSIM_GNUPLOT=
status=0
"$top_builddir/loansim" regress --results "$top_srcdir/results" \
    "$top_srcdir"/scenarios/*.ini || status=1
# The host scenarios, not the profile (machine-*.ini) they include.
set --
for s in "$top_srcdir"/scenarios/host/*.ini; do
	case $(basename "$s") in machine-*) ;; *) set -- "$@" "$s" ;; esac
done
"$top_builddir/loansim" regress --results "$top_srcdir/results/host" \
    "$@" || status=1
# The engine with the radix heap only (no sorted array while few events
# are pending) runs every event in the same order: the same
# fingerprints, for kinds that keep few events pending and many.
LOANSIM_ENGINE_SMALL=0 "$top_builddir/loansim" regress \
    --results "$top_srcdir/results" "$top_srcdir"/scenarios/default.ini \
    "$top_srcdir"/scenarios/sosend-mp.ini \
    "$top_srcdir"/scenarios/recv-standard.ini \
    "$top_srcdir"/scenarios/file-read.ini \
    "$top_srcdir"/scenarios/pipe.ini || status=1
exit $status
