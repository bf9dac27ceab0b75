/* Break-even search: the smallest value of one parameter (usually
 * workload.size) at which a candidate strategy costs no more than a base
 * strategy on a metric, found with the simulation itself.  "No more"
 * is taken strictly: where both strategies do the same thing (a write
 * below the loan threshold is copied either way) they tie exactly under
 * common random numbers, and such ties are not a break-even; nor is a
 * win by less than 'margin' (relative, default 0.1%), which can come from
 * a strategy that hardly ever does what distinguishes it.  Each
 * replication searches on its own paired difference (common random
 * numbers: both strategies draw from the same streams), first over a
 * geometric grid, then by bisection inside the first bracket; the
 * replications search at once on -j threads.  The thresholds of the
 * replications that found one give the mean, and from two of them on
 * its 95% interval (with one, none: NAN).  A metric where more is better
 * (model_metric_higher_is_better: throughput) is won by being higher.
 * With an "over" axis the search repeats for each of its values, giving
 * a curve. */
#ifndef LOANSIM_THRESHOLD_H
#define LOANSIM_THRESHOLD_H

#include <glib.h>
#include "sim/params.h"
#include "sim/study.h"

struct threshold_options {
	struct study_options	 study;
	const char		*vary;		/* parameter searched */
	const char		*lo;		/* its range, as text */
	const char		*hi;
	double			 grid_factor;	/* > 1 */
	double			 resolution;	/* relative, e.g. 0.01 */
	double			 margin;	/* relative win required */
	const char		*metric;
	const char		*over;		/* "PARAM=SPEC" or NULL */
};

struct threshold_result {
	double		over;		/* the over value (NAN if none) */
	char		*over_text;
	guint64		 replications;
	guint64		 found;		/* replications with a crossing */
	guint64		 below;		/* candidate already wins at lo */
	guint64		 above;		/* candidate never wins up to hi */
	double		 mean;		/* of the found thresholds */
	double		 ci95;		/* NAN with fewer than 2 found */
	double		 min;
	double		 max;
};

struct threshold_outputs {
	GArray	*results;	/* struct threshold_result */
	char	*csv;
	char	*figure;
	char	*plot_warning;
	guint64	 runs;
	double	 seconds;
};

gboolean	 threshold_run(const struct params *,
		    const struct threshold_options *,
		    struct threshold_outputs *, GError **);
void		 threshold_outputs_clear(struct threshold_outputs *);

#endif
