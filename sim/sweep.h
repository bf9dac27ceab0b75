/* Sweeps: the Cartesian product of parameter axes.  An axis is written
 * (in [sweep] or with --sweep NAME=SPEC) as
 *   a list:               copy, loan          4KiB, 8KiB, 16KiB
 *   an arithmetic range:  1KiB .. 16KiB +1KiB
 *   a geometric range:    1KiB .. 1MiB *2
 * in the unit of the parameter.  Points are numbered with the last axis
 * varying fastest.  "where = A op B, ..." in [sweep] keeps only the points
 * where every constraint holds; A and B are swept parameters, other
 * numeric parameters or numbers with units, op one of <= >= == != < >:
 *   where = workload.size <= socket.sndbuf, workload.threads <= machine.cpus
 * A parameter is one axis: a later specification of it (the file's own
 * [sweep] after what it includes, --sweep after the file) replaces an
 * earlier one, in its place; the last "where" holds.  -p NAME=VALUE
 * fixes a parameter the file sweeps: its axis goes.  The keys the study
 * itself reads (sweep_param_study) cannot be swept.
 */
#ifndef LOANSIM_SWEEP_H
#define LOANSIM_SWEEP_H

#include <glib.h>
#include "sim/params.h"

#define SWEEP_MAX_POINTS 10000000
/* The origin params_override and --sweep give their values. */
#define SWEEP_COMMAND_LINE "command line"

struct sweep;

/* The axes of p's [sweep] entries. */
struct sweep	*sweep_new(const struct params *, GError **);
void		 sweep_free(struct sweep *);
size_t		 sweep_axes(const struct sweep *);
size_t		 sweep_points(const struct sweep *);
const char	*sweep_axis_name(const struct sweep *, size_t axis);
const char	*sweep_axis_spec(const struct sweep *, size_t axis);
/* The constraints in effect, as text ("" if none). */
const char	*sweep_where(const struct sweep *);
/* Whether the study itself reads the parameter (scenario.seed, ...). */
gboolean	 sweep_param_study(const char *name);
/* The value of an axis at a point: as text for params_set, and as a
 * number in base units (bytes, ns, bytes/s) or NAN when not numeric. */
const char	*sweep_text(const struct sweep *, size_t point, size_t axis);
double		 sweep_number(const struct sweep *, size_t point, size_t axis);
/* Whether an axis sweeps a distribution (its number is the mean). */
gboolean	 sweep_is_dist(const struct sweep *, size_t axis);
/* Set every axis of the point in p. */
gboolean	 sweep_apply(const struct sweep *, size_t point,
		    struct params *, GError **);
/* A number in base units as text params accepts ("16384B", "1500ns"). */
char		*sweep_value_text(double x, enum param_type);
/* Whether a type holds whole numbers (time, size, count). */
gboolean	 sweep_type_integral(enum param_type);
/* Expand one specification for a parameter of the given type. */
gboolean	 sweep_expand(const char *spec, enum param_type,
		    GPtrArray *texts, GArray *numbers, GError **);

#endif
