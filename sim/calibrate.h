/* loansim calibrate: measure this machine's primitives (copy bandwidth,
 * faults, mprotect and TLB shootdowns, munmap, system call, context
 * switch) and write a machine profile that "include =" takes as it is.
 * The probes are here; sim/hostprof.c turns their figures into keys. */
#ifndef LOANSIM_CALIBRATE_H
#define LOANSIM_CALIBRATE_H

#include <glib.h>

#include "sim/hostprof.h"

struct calibrate_options {
	unsigned	 trials;	/* per figure */
	gboolean	 quick;		/* small sizes: a few seconds */
	gboolean	 progress;	/* a progress line on stderr */
	const char	*fail;		/* probes to fail on purpose, comma-
					   separated (tests) */
};

/* Runs every probe; a probe that cannot run leaves its figure with the
 * reason (hostprof_stat_fail).  FALSE only if interrupted. */
gboolean	 calibrate_measure(const struct calibrate_options *,
		    struct hostprof_host *, GError **error);

/* "loansim calibrate [-o FILE.ini] [--quick|--trials N] [--base P.ini]":
 * returns the exit status. */
int		 calibrate_main(int argc, char **argv);

#endif
