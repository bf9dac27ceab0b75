/* loansim error domain: recoverable errors (bad input, I/O, limits) travel
 * as GError in LOANSIM_ERROR; model invariants are g_assert()s instead. */
#ifndef LOANSIM_ERROR_H
#define LOANSIM_ERROR_H

#include <glib.h>

#define LOANSIM_ERROR (loansim_error_quark())

enum loansim_error_code {
	LOANSIM_ERROR_INPUT,	/* bad scenario, parameter, unit or option */
	LOANSIM_ERROR_IO,	/* a file could not be read or written */
	LOANSIM_ERROR_LIMIT,	/* a bound (--max-events, sizes) was reached */
	LOANSIM_ERROR_MISSING,	/* an optional tool (gnuplot) is absent */
	LOANSIM_ERROR_INTERRUPTED,	/* SIGINT or SIGTERM */
	LOANSIM_ERROR_INTERNAL	/* a model invariant broke: a bug */
};

GQuark loansim_error_quark(void);

/* Exit statuses of the command line. */
#define LOANSIM_EXIT_OK		0
#define LOANSIM_EXIT_FAILURE	1	/* I/O, missing tool */
#define LOANSIM_EXIT_USAGE	2	/* bad input of any kind */
#define LOANSIM_EXIT_INTERNAL	3	/* a broken invariant: a bug */
#define LOANSIM_EXIT_INTERRUPTED 130	/* SIGINT, as shells report it */

#endif
