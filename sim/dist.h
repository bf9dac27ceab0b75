/* Distributions of sizes and delays, parsed from text:
 *   16KiB  const(16KiB)  uniform(1KiB, 64KiB)  exp(200us)
 *   normal(mean, sd)  lognormal(mean, sd)  pareto(scale, shape)
 *   empirical(table.txt)
 * Arguments carry the unit of the quantity (time or size); a plain number
 * is allowed for a unitless quantity and for pareto's shape.  normal() is
 * truncated at zero by resampling.  lognormal's mean and sd are those of
 * the variate itself, not of its logarithm.  An empirical table is a text
 * file, relative to base_dir, of lines "value weight" ('#' comments), from
 * which a value is drawn with probability proportional to its weight. */
#ifndef LOANSIM_DIST_H
#define LOANSIM_DIST_H

#include <glib.h>
#include "sim/rng.h"

enum dist_unit {
	DIST_UNIT_NONE,
	DIST_UNIT_TIME,		/* values in ns */
	DIST_UNIT_SIZE		/* values in bytes */
};

struct dist;

struct dist	*dist_parse(const char *text, enum dist_unit,
		    const char *base_dir, GError **error);
void		 dist_free(struct dist *);
double		 dist_sample(const struct dist *, struct rng *);
double		 dist_mean(const struct dist *);	/* analytic */
double		 dist_variance(const struct dist *);	/* analytic; inf if none */
gboolean	 dist_is_constant(const struct dist *);
char		*dist_to_string(const struct dist *);	/* canonical text */

#endif
