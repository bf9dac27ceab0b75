#!/bin/sh
# Regression of model outputs: every scenario under scenarios/ is run
# again and compared with its reference rows under results/ (metrics
# within 1e-6, event counts and fingerprints exactly).  A failure prints
# the table of what moved.  "make results" regenerates the references.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
export LOANSIM_GNUPLOT=
exec "$top_builddir/loansim" regress --results "$top_srcdir/results" \
    "$top_srcdir"/scenarios/*.ini
