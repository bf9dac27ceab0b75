/* Figures drawn from result tables: the summary of a run (cost per byte
 * against the swept parameter, every strategy, the break-even marked; or
 * where CPU time went, stacked by category), the rows of a run (summed up
 * the same way), or a threshold curve (the break-even against a second
 * parameter, with its interval as error bars).  "loansim run" and
 * "loansim threshold" draw their figures through this, and "loansim plot"
 * redraws any of them from the CSV alone. */
#ifndef LOANSIM_FIGURE_H
#define LOANSIM_FIGURE_H

#include <glib.h>

/* Draw csv into base.{png,svg,gp,dat}; base NULL: the CSV's path without
 * ".csv".  metric NULL: cpu_ns_per_byte.  *png gets the picture's path. */
gboolean	 figure_draw(const char *csv, const char *base,
		    const char *metric, char **png, GError **error);

#endif
