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
	LOANSIM_ERROR_MISSING	/* an optional tool (gnuplot) is absent */
};

GQuark loansim_error_quark(void);

/* Exit statuses of the command line. */
#define LOANSIM_EXIT_OK		0
#define LOANSIM_EXIT_FAILURE	1	/* I/O, missing tool */
#define LOANSIM_EXIT_USAGE	2	/* bad input of any kind */

#endif
