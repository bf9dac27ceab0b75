/* Regression of model outputs: a scenario is run again and its rows are
 * compared with the reference rows kept under results/NAME/NAME.csv:
 * every metric within a relative tolerance, and the event fingerprint
 * and count exactly (the model is deterministic).  What moved is
 * reported as a table. */
#ifndef LOANSIM_REGRESS_H
#define LOANSIM_REGRESS_H

#include <glib.h>
#include <stdio.h>

/* Compare the rows of 'got' with 'want'; print what differs to out;
 * return the number of differences (0: same within tolerance), or -1
 * with error set if a table cannot be read. */
int		 regress_compare(const char *want, const char *got,
		    double tolerance, FILE *out, GError **error);

#endif
