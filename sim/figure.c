/* Figures from result tables.
 *
 * A run's table (rows or summary) has the columns scenario, ...,
 * strategy, one per swept parameter (the axes), then the metrics.  The
 * figure puts on x the numeric axis with the most values, draws a panel
 * for each value of a second axis when there is more than one strategy
 * or more than two axes (small multiples, at most PLOT_MAX_PANELS), and
 * of a further one while a panel would hold more than FIGURE_MAX_CURVES
 * curves, and one curve per strategy and combination of the other axes.
 * In every panel, each strategy's crossings with the first (the
 * baseline), for each combination, are marked and said in words, in the
 * direction that is true ("cheaper below", "faster above"), with the two
 * measured points around an interpolated one and whether the 95%
 * intervals settle it.  Without a numeric axis: where CPU time went
 * (stacked), or the metric as points with error bars over the
 * categories. */
#include "sim/figure.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "sim/csv.h"
#include "sim/error.h"
#include "sim/plot.h"
#include "sim/stats.h"
#include "sim/study.h"
#include "sim/units.h"
#include "models/model.h"

struct figure_table {
	const char	*path;
	char		**head;
	GPtrArray	*rows;		/* char ** */
	GArray		*line;		/* guint: file line of each row */
	struct params	*defs;		/* the registry: axes' types */
};

static void
figure_table_free(struct figure_table *t)
{
	g_strfreev(t->head);
	if (t->rows != NULL)
		g_ptr_array_free(t->rows, TRUE);
	if (t->line != NULL)
		g_array_free(t->line, TRUE);
	params_free(t->defs);
}

/* The line of every row, for error messages: csv_read_table skips blank
 * lines, so count them again. */
static void
figure_lines(struct figure_table *t)
{
	char	*text = NULL, **lines;
	guint	 i;

	t->line = g_array_new(FALSE, FALSE, sizeof(guint));
	if (!g_file_get_contents(t->path, &text, NULL, NULL))
		return;
	lines = g_strsplit(text, "\n", -1);
	for (i = 1; lines[i] != NULL; i++)
		if (*lines[i] != '\0')
			g_array_append_val(t->line, (guint){ i + 1 });
	g_strfreev(lines);
	g_free(text);
}

static gboolean
figure_read(const char *path, struct figure_table *t, GError **error)
{
	memset(t, 0, sizeof(*t));
	t->path = path;
	t->defs = model_params_new();
	if (!csv_read_table(path, &t->head, &t->rows, error))
		return FALSE;
	if (t->rows->len == 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: no rows to plot", path);
		return FALSE;
	}
	figure_lines(t);
	return TRUE;
}

static int
figure_col(const struct figure_table *t, const char *name)
{
	int	i;

	for (i = 0; t->head[i] != NULL; i++)
		if (strcmp(t->head[i], name) == 0)
			return i;
	return -1;
}

static const char *
figure_text(const struct figure_table *t, guint row, int col)
{
	return ((char **)g_ptr_array_index(t->rows, row))[col];
}

/* A whole number in s, into *x. */
static gboolean
figure_parse(const char *s, double *x)
{
	char	*end;

	*x = g_ascii_strtod(s, &end);
	return end != s && *end == '\0' && isfinite(*x);
}

/* The number in a cell; "" and "nan" (a mean or interval that could not
 * be computed, as with one replication) are no value: NAN.  Anything
 * else that is not a number is an error naming file, line and column. */
static gboolean
figure_number(const struct figure_table *t, guint row, int col, double *x,
    GError **error)
{
	const char	*s = figure_text(t, row, col);

	if (*s == '\0' || g_ascii_strcasecmp(s, "nan") == 0) {
		*x = NAN;
		return TRUE;
	}
	if (figure_parse(s, x))
		return TRUE;
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
	    "%s:%u: column %s: \"%s\" is not a number", t->path,
	    row < t->line->len ? g_array_index(t->line, guint, row) : 0,
	    t->head[col], s);
	return FALSE;
}

/* --- words and units ------------------------------------------------- */

static const struct param_def *
figure_def(const struct figure_table *t, const char *name)
{
	return params_lookup(t->defs, name);
}

/* A display unit for values of d up to max: divide by *div; NULL (and
 * 1) for a parameter without units. */
static const char *
figure_unit(const struct param_def *d, double max, double *div)
{
	static const struct {
		enum param_type	 type;
		const char	*name;
		double		 scale;
	} u[] = {
		{ PARAM_SIZE, "B", 1 }, { PARAM_SIZE, "KiB", 1024 },
		{ PARAM_SIZE, "MiB", 1048576 }, { PARAM_SIZE, "GiB", 1 << 30 },
		{ PARAM_TIME, "ns", 1 }, { PARAM_TIME, "us", 1e3 },
		{ PARAM_TIME, "ms", 1e6 }, { PARAM_TIME, "s", 1e9 },
		{ PARAM_BANDWIDTH, "B/s", 1 }, { PARAM_BANDWIDTH, "kB/s", 1e3 },
		{ PARAM_BANDWIDTH, "MB/s", 1e6 },
		{ PARAM_BANDWIDTH, "GB/s", 1e9 }
	};
	const char	*name = NULL;
	enum param_type	 type;
	size_t		 i;

	*div = 1;
	if (d == NULL)
		return NULL;
	type = d->type == PARAM_DIST_SIZE ? PARAM_SIZE :
	    d->type == PARAM_DIST_TIME ? PARAM_TIME : d->type;
	for (i = 0; i < G_N_ELEMENTS(u); i++)
		if (u[i].type == type && (name == NULL || fabs(max) >=
		    u[i].scale)) {
			name = u[i].name;
			*div = u[i].scale;
		}
	return name;
}

/* A value of parameter d (in base units) as given, for a reader: a size
 * in the largest unit it is a whole number of ("64KiB"; 1500 is "1500B",
 * not "1.465KiB"), a time or a bandwidth in its unit ("30us"). */
static char *
figure_format(const struct param_def *d, double x)
{
	switch (d != NULL ? d->type : PARAM_REAL) {
	case PARAM_SIZE:
	case PARAM_DIST_SIZE:
		if (x == floor(x) && fabs(x) < 1e18) {
			static const char *const unit[] = { "B", "KiB", "MiB",
			    "GiB", "TiB" };
			double	scale = 1;
			size_t	i = 0;

			while (i + 1 < G_N_ELEMENTS(unit) && x != 0 &&
			    fmod(x, scale * 1024) == 0) {
				scale *= 1024;
				i++;
			}
			return g_strdup_printf("%.0f%s", x / scale, unit[i]);
		}
		return units_format_size(x);
	case PARAM_TIME:
	case PARAM_DIST_TIME:
		return units_format_time(x);
	case PARAM_BANDWIDTH:
		return units_format_bandwidth(x);
	default:
		return g_strdup_printf(x == floor(x) && fabs(x) < 1e15 ?
		    "%.0f" : "%.6g", x);
	}
}

/* An estimate of parameter d, to three digits: "95.2KiB", "0.25". */
static char *
figure_format_about(const struct param_def *d, double x)
{
	double		 div;
	const char	*unit = figure_unit(d, x, &div);
	double		 v = x / div;

	return g_strdup_printf(fabs(v) >= 1000 ? "%.0f%s" : "%.3g%s", v,
	    unit != NULL ? unit : "");
}

/* Whether parameter d's values get labels with units. */
static gboolean
figure_has_units(const struct param_def *d)
{
	return d != NULL && (d->type == PARAM_SIZE || d->type == PARAM_TIME ||
	    d->type == PARAM_BANDWIDTH || d->type == PARAM_DIST_SIZE ||
	    d->type == PARAM_DIST_TIME);
}

/* A cell's value as a label: with units where the parameter has them. */
static char *
figure_value_label(const struct param_def *d, const char *text)
{
	double	x;

	if (figure_has_units(d) && figure_parse(text, &x))
		return figure_format(d, x);
	return g_strdup(text);
}

static char *
figure_metric_label(const char *metric)
{
	static const struct {
		const char	*metric, *label;
	} labels[] = {
		{ "cpu_ns_per_byte", "CPU time per byte delivered (ns/B)" },
		{ "sys_ns_per_byte", "system CPU time per byte delivered "
		  "(ns/B)" },
		{ "throughput_MBps", "throughput (MB/s)" },
		{ "copied_bytes_per_byte", "bytes copied per byte delivered" },
		{ "coalesced_bytes_per_byte", "bytes copied to coalesce per "
		  "byte delivered" },
		{ "cow_faults_per_MiB", "copy-on-write faults per MiB" },
		{ "faults_per_MiB", "page faults per MiB" },
		{ "shootdowns_per_MiB", "TLB shootdowns per MiB" },
		{ "flips_per_MiB", "page flips per MiB" },
		{ "pinned_pages_peak", "pages pinned at the peak" },
		{ "latency_p50_ns", "latency, median (ns)" },
		{ "latency_p99_ns", "latency, 99th percentile (ns)" },
		{ "violations", "copy-semantics violations" }
	};
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(labels); i++)
		if (strcmp(metric, labels[i].metric) == 0)
			return g_strdup(labels[i].label);
	if (g_str_has_prefix(metric, "cpu_") &&
	    g_str_has_suffix(metric, "_ns_per_byte"))
		return g_strdup_printf("CPU time in %.*s per byte delivered "
		    "(ns/B)", (int)(strlen(metric) - strlen("cpu_") -
		    strlen("_ns_per_byte")), metric + strlen("cpu_"));
	return g_strdup(metric);
}

static gboolean
figure_higher_is_better(const char *metric)
{
	int	m = model_metric_lookup(metric);

	return m >= 0 && model_metric_higher_is_better((unsigned)m);
}

/* "loan cheaper than copy", "loan faster than copy". */
static const char *
figure_better_word(const char *metric)
{
	if (g_str_has_suffix(metric, "_ns_per_byte"))
		return "cheaper";
	if (strcmp(metric, "throughput_MBps") == 0 ||
	    g_str_has_prefix(metric, "latency_"))
		return "faster";
	return figure_higher_is_better(metric) ? "higher" : "lower";
}

/* --- cells: the metric at each point and strategy -------------------- */

struct figure_cells {
	int		 axis_first;	/* column of the first axis */
	int		 naxes;
	GPtrArray	*points;	/* char **: each point's axis values */
	GHashTable	*index;		/* their joined values -> point + 1 */
	GPtrArray	*strat;		/* char * */
	double		*mean;		/* [point * nstrat + s] */
	double		*ci;
	guint64		 reps;		/* replications, if all the same */
};

static char *
figure_key(char **vals, int n)
{
	GString	*k = g_string_new(NULL);
	int	 i;

	/* A unit separator: no axis value holds one that matters. */
	for (i = 0; i < n; i++)
		g_string_append_printf(k, "%s%s", i ? "\x1f" : "", vals[i]);
	return g_string_free(k, FALSE);
}

static guint
figure_intern(GPtrArray *a, const char *s)
{
	guint	i;

	for (i = 0; i < a->len; i++)
		if (strcmp(g_ptr_array_index(a, i), s) == 0)
			return i;
	g_ptr_array_add(a, g_strdup(s));
	return a->len - 1;
}

/* The point of the axis values vals, or -1. */
static int
figure_point(const struct figure_cells *c, char **vals)
{
	char	*k = figure_key(vals, c->naxes);
	int	 i = GPOINTER_TO_INT(g_hash_table_lookup(c->index, k)) - 1;

	g_free(k);
	return i;
}

static guint
figure_point_add(struct figure_cells *c, char **vals)
{
	char	*k = figure_key(vals, c->naxes);
	int	 i = GPOINTER_TO_INT(g_hash_table_lookup(c->index, k)) - 1;

	if (i >= 0) {
		g_free(k);
		return (guint)i;
	}
	g_ptr_array_add(c->points, g_strdupv(vals));
	g_hash_table_insert(c->index, k, GINT_TO_POINTER(c->points->len));
	return c->points->len - 1;
}

static void
figure_cells_free(struct figure_cells *c)
{
	if (c->points != NULL)
		g_ptr_array_free(c->points, TRUE);
	if (c->index != NULL)
		g_hash_table_destroy(c->index);
	if (c->strat != NULL)
		g_ptr_array_free(c->strat, TRUE);
	g_free(c->mean);
	g_free(c->ci);
	memset(c, 0, sizeof(*c));
}

/* Mean and ci of column 'metric' (rows, over their replications) or of
 * 'metric'_mean and _ci95 (summary). */
static gboolean
figure_cells(const struct figure_table *t, gboolean summary,
    const char *metric, struct figure_cells *c, GError **error)
{
	int	 cs = figure_col(t, "strategy"), cm, cc = -1, cend, cr, k;
	char	*name, **vals;
	guint	 i, np, ns, *cell, *st;
	GArray	**v;
	gboolean ok = TRUE;

	memset(c, 0, sizeof(*c));
	name = summary ? g_strconcat(metric, "_mean", NULL) : g_strdup(metric);
	cm = figure_col(t, name);
	g_free(name);
	if (summary) {
		name = g_strconcat(metric, "_ci95", NULL);
		cc = figure_col(t, name);
		g_free(name);
	}
	cr = figure_col(t, "replications");
	cend = summary ? cr : figure_col(t, model_metric_name(0));
	if (cs < 0 || cm < 0 || cend <= cs || (summary && cc < 0)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: the table has no column %s%s (or no strategy column)",
		    t->path, metric, summary ? "_mean" : "");
		return FALSE;
	}
	c->axis_first = cs + 1;
	c->naxes = cend - cs - 1;
	c->points = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	c->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	c->strat = g_ptr_array_new_with_free_func(g_free);
	cell = g_new(guint, t->rows->len);
	st = g_new(guint, t->rows->len);
	vals = g_new0(char *, c->naxes + 1);
	for (i = 0; i < t->rows->len; i++) {
		for (k = 0; k < c->naxes; k++)
			vals[k] = (char *)figure_text(t, i, c->axis_first + k);
		cell[i] = figure_point_add(c, vals);
		st[i] = figure_intern(c->strat, figure_text(t, i, cs));
	}
	g_free(vals);
	np = c->points->len;
	ns = c->strat->len;
	for (i = 0; i < t->rows->len; i++)
		cell[i] = cell[i] * ns + st[i];
	g_free(st);
	c->mean = g_new(double, np * ns);
	c->ci = g_new(double, np * ns);
	v = g_new0(GArray *, np * ns);
	for (i = 0; i < np * ns; i++) {
		v[i] = g_array_new(FALSE, FALSE, sizeof(double));
		c->mean[i] = c->ci[i] = NAN;
	}
	c->reps = 0;
	for (i = 0; ok && i < t->rows->len; i++) {
		double	x, r = NAN;

		ok = figure_number(t, i, cm, &x, error) &&
		    (!summary || figure_number(t, i, cc, &c->ci[cell[i]],
		    error)) && (cr < 0 || figure_number(t, i, cr, &r, error));
		if (!ok)
			break;
		if (summary)
			c->mean[cell[i]] = x;
		else if (!isnan(x))
			g_array_append_val(v[cell[i]], x);
		if (summary && !isnan(r))
			c->reps = i == 0 || c->reps == (guint64)r ?
			    (guint64)r : G_MAXUINT64;
	}
	for (i = 0; i < np * ns; i++) {
		if (!summary && v[i]->len > 0) {
			struct ci ci = stats_ci95((double *)v[i]->data,
			    v[i]->len);

			c->mean[i] = ci.mean;
			c->ci[i] = v[i]->len > 1 ? ci.half_width : NAN;
			c->reps = c->reps == 0 || c->reps == v[i]->len ?
			    v[i]->len : G_MAXUINT64;
		}
		g_array_free(v[i], TRUE);
	}
	g_free(v);
	g_free(cell);
	if (!ok)
		figure_cells_free(c);
	return ok;
}

/* --- axes ------------------------------------------------------------ */

struct figure_axis {
	const char	*name;
	const struct param_def *def;
	GPtrArray	*values;	/* char *: distinct, ascending if numeric */
	double		*num;
	gboolean	 numeric;	/* numbers, at least two of them */
};

static void
figure_axes_free(struct figure_axis *a, int n)
{
	int	i;

	for (i = 0; a != NULL && i < n; i++) {
		g_ptr_array_free(a[i].values, TRUE);
		g_free(a[i].num);
	}
	g_free(a);
}

static struct figure_axis *
figure_axes(const struct figure_table *t, const struct figure_cells *c)
{
	struct figure_axis	*a = g_new0(struct figure_axis, c->naxes);
	int			 k;
	guint			 i, j;

	for (k = 0; k < c->naxes; k++) {
		a[k].name = t->head[c->axis_first + k];
		a[k].def = figure_def(t, a[k].name);
		a[k].values = g_ptr_array_new_with_free_func(g_free);
		for (i = 0; i < c->points->len; i++)
			figure_intern(a[k].values, ((char **)
			    g_ptr_array_index(c->points, i))[k]);
		a[k].num = g_new(double, a[k].values->len);
		a[k].numeric = a[k].values->len >= 2;
		for (i = 0; i < a[k].values->len; i++)
			a[k].numeric = figure_parse(g_ptr_array_index(
			    a[k].values, i), &a[k].num[i]) && a[k].numeric;
		/* Ascending (insertion: a sweep is short and mostly is). */
		for (i = 1; a[k].numeric && i < a[k].values->len; i++)
			for (j = i; j > 0 && a[k].num[j - 1] > a[k].num[j];
			    j--) {
				double	 x = a[k].num[j];
				gpointer s = a[k].values->pdata[j];

				a[k].num[j] = a[k].num[j - 1];
				a[k].num[j - 1] = x;
				a[k].values->pdata[j] =
				    a[k].values->pdata[j - 1];
				a[k].values->pdata[j - 1] = s;
			}
	}
	return a;
}

static guint
figure_nvalues(const struct figure_axis *a)
{
	return a->values->len;
}

/* --- break-even ------------------------------------------------------ */

/* One end of a range where the candidate wins: at a point measured
 * (after a tie), or interpolated between the two points around it, lo
 * and hi.  unsure: the two curves' 95% intervals overlap at a point the
 * edge rests on, so the data do not settle which side it is on. */
struct figure_edge {
	double		x;
	gboolean	exact;
	double		lo, hi;
	gboolean	unsure;
};

/* "8KiB", "about 95.2KiB (between 64KiB and 128KiB)", with ", within
 * the 95% intervals" where they overlap. */
static char *
figure_edge_text(const struct param_def *d, const struct figure_edge *e)
{
	char	*v, *a, *b, *s;

	if (e->exact) {
		v = figure_format(d, e->x);
		s = g_strconcat(v, e->unsure ? " (within the 95% intervals)" :
		    "", NULL);
		g_free(v);
		return s;
	}
	v = figure_format_about(d, e->x);
	a = figure_format(d, e->lo);
	b = figure_format(d, e->hi);
	s = g_strdup_printf("about %s (between %s and %s%s)", v, a, b,
	    e->unsure ? ", within the 95% intervals" : "");
	g_free(v);
	g_free(a);
	g_free(b);
	return s;
}

/* "below about 0.34 (...)", "from 4KiB", "from about 2KiB (...) to
 * 64KiB". */
static char *
figure_range_text(const struct param_def *d, const struct figure_edge *lo,
    const struct figure_edge *hi)
{
	char	*a = lo ? figure_edge_text(d, lo) : NULL;
	char	*b = hi ? figure_edge_text(d, hi) : NULL;
	char	*s;

	if (lo != NULL && hi != NULL)
		s = g_strdup_printf("from %s to %s", a, b);
	else if (lo != NULL)
		s = g_strdup_printf("%s %s", lo->exact ? "from" : "above", a);
	else
		s = g_strdup_printf("%s %s", hi->exact ? "up to" : "below", b);
	g_free(a);
	g_free(b);
	return s;
}

/* Two curves, each point's mean and 95% half-width (NAN: none). */
struct figure_curve {
	const double	*y;
	const double	*ci;
};

/* Whether the intervals of a and b overlap at point i (never where
 * either has none: with one replication nothing is said). */
static gboolean
figure_overlap(const struct figure_curve *a, const struct figure_curve *b,
    size_t i)
{
	double	ca = a->ci != NULL ? a->ci[i] : NAN;
	double	cb = b->ci != NULL ? b->ci[i] : NAN;

	return isfinite(ca) && isfinite(cb) && fabs(a->y[i] - b->y[i]) <=
	    ca + cb;
}

/* Where the candidate beats the base along x: the crossings go to
 * marks (x values), the sentence is returned.  Ties (both strategies
 * doing the same thing, as a loan below its threshold) are no win; a
 * range that starts or ends at a tie starts or ends at its first or
 * last winning point, others at a crossing interpolated between two
 * points (in log x on a log axis), said with the two points. */
static char *
figure_crossings(const double *x, size_t n, const struct figure_curve *base,
    const struct figure_curve *cand, gboolean higher, gboolean logx,
    const struct param_def *d, const char *phrase, GArray *marks)
{
	GString			*s;
	GPtrArray		*runs = g_ptr_array_new_with_free_func(g_free);
	size_t			 i, prev = 0, nvalid = 0, nwin = 0;
	double			 adv_prev = 0;
	gboolean		 win_prev = FALSE, tie_prev = FALSE;
	gboolean		 have_start = FALSE;
	struct figure_edge	 start, e;

	memset(&start, 0, sizeof(start));
	for (i = 0; i < n; i++) {
		double		adv = higher ? cand->y[i] - base->y[i] :
		    base->y[i] - cand->y[i];
		gboolean	tie, win;

		if (!isfinite(adv))
			continue;
		tie = fabs(adv) <= 1e-9 * MAX(fabs(cand->y[i]),
		    fabs(base->y[i]));
		win = adv > 0 && !tie;
		if (nvalid > 0 && win != win_prev) {
			memset(&e, 0, sizeof(e));
			e.exact = win ? tie_prev : tie;
			e.lo = x[prev];
			e.hi = x[i];
			if (e.exact) {
				/* The winning point of the two. */
				e.x = win ? x[i] : x[prev];
				e.unsure = figure_overlap(base, cand, win ? i :
				    prev);
			} else {
				double t = adv_prev / (adv_prev - adv);

				e.x = logx ? exp(log(x[prev]) + t *
				    (log(x[i]) - log(x[prev]))) :
				    x[prev] + t * (x[i] - x[prev]);
				e.unsure = figure_overlap(base, cand, prev) ||
				    figure_overlap(base, cand, i);
			}
			g_array_append_val(marks, e.x);
			if (win) {
				start = e;
				have_start = TRUE;
			} else
				g_ptr_array_add(runs, figure_range_text(d,
				    have_start ? &start : NULL, &e));
		}
		nvalid++;
		nwin += win;
		adv_prev = adv;
		prev = i;
		win_prev = win;
		tie_prev = tie;
	}
	if (nvalid == 0) {
		g_ptr_array_free(runs, TRUE);
		return NULL;
	}
	if (win_prev && have_start)
		g_ptr_array_add(runs, figure_range_text(d, &start, NULL));
	s = g_string_new(phrase);
	if (nwin == nvalid)
		g_string_append(s, " over the whole range");
	else if (nwin == 0)
		g_string_append(s, " nowhere in this range");
	else if (runs->len > 3)
		g_string_append_printf(s, " in %u separate ranges", runs->len);
	else
		for (i = 0; i < runs->len; i++)
			g_string_append_printf(s, "%s%s", i == 0 ? " " :
			    i + 1 == runs->len ? " and " : ", ",
			    (char *)g_ptr_array_index(runs, i));
	g_ptr_array_free(runs, TRUE);
	return g_string_free(s, FALSE);
}

/* --- run tables: what a figure is made of -------------------------- */

/* Everything a figure allocates, freed at once. */
struct figure_parts {
	GPtrArray	*strings;	/* char * */
	GPtrArray	*blocks;	/* arrays of anything */
};

static void
figure_parts_init(struct figure_parts *f)
{
	f->strings = g_ptr_array_new_with_free_func(g_free);
	f->blocks = g_ptr_array_new_with_free_func(g_free);
}

static void
figure_parts_free(struct figure_parts *f)
{
	g_ptr_array_free(f->strings, TRUE);
	g_ptr_array_free(f->blocks, TRUE);
}

static char *
figure_keep(struct figure_parts *f, char *s)
{
	g_ptr_array_add(f->strings, s);
	return s;
}

static gpointer
figure_alloc(struct figure_parts *f, size_t n, size_t size)
{
	gpointer b = g_malloc0_n(MAX(n, 1), size);

	g_ptr_array_add(f->blocks, b);
	return b;
}

/* The title: the scenario, and what the error bars are. */
static char *
figure_title(const struct figure_table *t, const struct figure_cells *c,
    gboolean intervals)
{
	const char *name = figure_text(t, 0, 0);

	if (c->reps == 1)
		return g_strdup_printf("%s (one replication%s)", name,
		    intervals ? ": no intervals" : "");
	if (c->reps > 1 && c->reps != G_MAXUINT64)
		return g_strdup_printf("%s (mean of %" G_GUINT64_FORMAT
		    " replications%s)", name, c->reps, intervals ?
		    ", 95% intervals" : "");
	return g_strdup_printf("%s (mean%s)", name, intervals ?
	    " and 95% interval" : "");
}

/* The values vals[i] of axes ax[i], i < n, as one label: "1, 64KiB";
 * named, "machine.cpus = 1, pipe.writer_gap = pipe.reader_gap = 10us"
 * (axes side by side with the same value share it). */
static char *
figure_values_text(const struct figure_axis *axes, const int *ax, int n,
    char **vals, gboolean named)
{
	GString	*s = g_string_new(NULL);
	int	 i;

	for (i = 0; i < n; i++) {
		char *v;

		if (named) {
			g_string_append_printf(s, "%s = ", axes[ax[i]].name);
			if (i + 1 < n && strcmp(vals[i], vals[i + 1]) == 0)
				continue;
		}
		v = figure_value_label(axes[ax[i]].def, vals[i]);
		g_string_append_printf(s, "%s%s", v, i + 1 < n ? ", " : "");
		g_free(v);
	}
	return g_string_free(s, FALSE);
}

static char *
figure_values_label(const struct figure_axis *axes, const int *ax, int n,
    char **vals)
{
	return figure_values_text(axes, ax, n, vals, FALSE);
}

static char *
figure_assignments(const struct figure_axis *axes, const int *ax, int n,
    char **vals)
{
	return figure_values_text(axes, ax, n, vals, TRUE);
}

/* --- run tables: panels and curves ----------------------------------- */

/* Curves a panel holds at most, strategies included: more are hard to
 * tell apart and to read in a legend. */
#define FIGURE_MAX_CURVES	8

/* The values of axes ax[0..n) at point pv, as a key. */
static char *
figure_point_key(char **pv, const int *ax, int n)
{
	char	**v = g_new0(char *, n + 1), *k;
	int	 i;

	for (i = 0; i < n; i++)
		v[i] = pv[ax[i]];
	k = figure_key(v, n);
	g_free(v);
	return k;
}

static guint
figure_value_index(const struct figure_axis *a, const char *v)
{
	guint	i;

	for (i = 0; i < a->values->len; i++)
		if (strcmp(g_ptr_array_index(a->values, i), v) == 0)
			return i;
	g_assert_not_reached();
}

struct figure_order {
	const struct figure_axis *axes;
	const int		 *ax;
	int			  n;
};

/* Combinations in the order of their axes' values, the first axis
 * slowest. */
static gint
figure_combo_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	const struct figure_order *o = data;
	char	**va = *(char ***)a, **vb = *(char ***)b;
	int	 i;

	for (i = 0; i < o->n; i++) {
		guint x = figure_value_index(&o->axes[o->ax[i]], va[i]);
		guint y = figure_value_index(&o->axes[o->ax[i]], vb[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/* The combinations of values of axes ax[0..n) that occur among the
 * points (char **, n values each), in order. */
static GPtrArray *
figure_combos(const struct figure_cells *c, const struct figure_axis *axes,
    const int *ax, int n)
{
	GPtrArray		*combos = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_strfreev);
	GHashTable		*seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	struct figure_order	 o = { axes, ax, n };
	guint			 i;
	int			 k;

	for (i = 0; i < c->points->len; i++) {
		char	**pv = g_ptr_array_index(c->points, i);
		char	 *key = figure_point_key(pv, ax, n);
		char	**v;

		if (g_hash_table_contains(seen, key)) {
			g_free(key);
			continue;
		}
		g_hash_table_add(seen, key);
		v = g_new0(char *, n + 1);
		for (k = 0; k < n; k++)
			v[k] = g_strdup(pv[ax[k]]);
		g_ptr_array_add(combos, v);
	}
	g_hash_table_destroy(seen);
	g_ptr_array_sort_with_data(combos, figure_combo_cmp, &o);
	return combos;
}

/* Which axes make the panels and which the curves. */
struct figure_layout {
	int	*pax;		/* panels: a panel per combination of these */
	int	 npax;
	int	*cax;		/* curves: one per strategy and combination */
	int	 ncax;
};

static guint
figure_npanels(const struct figure_cells *c, const struct figure_axis *axes,
    const struct figure_layout *l)
{
	GPtrArray	*p = figure_combos(c, axes, l->pax, l->npax);
	guint		 n = p->len;

	g_ptr_array_free(p, TRUE);
	return n;
}

/* The most combinations of the curve axes within one panel; with
 * fixed, whether axis a takes one value within every panel instead. */
static guint
figure_most_curves(const struct figure_cells *c, const struct figure_layout *l,
    int fixed, gboolean *is_fixed)
{
	GHashTable	*seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GHashTable	*count = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	guint		 i, most = 0;

	if (is_fixed != NULL)
		*is_fixed = TRUE;
	for (i = 0; i < c->points->len; i++) {
		char	**pv = g_ptr_array_index(c->points, i);
		char	 *pk = figure_point_key(pv, l->pax, l->npax);
		char	 *ck = fixed >= 0 ? g_strdup(pv[fixed]) :
		    figure_point_key(pv, l->cax, l->ncax);
		char	 *both = g_strconcat(pk, "\x1e", ck, NULL);
		guint	  n;

		g_free(ck);
		if (g_hash_table_contains(seen, both)) {
			g_free(both);
			g_free(pk);
			continue;
		}
		g_hash_table_add(seen, both);
		n = GPOINTER_TO_UINT(g_hash_table_lookup(count, pk)) + 1;
		g_hash_table_insert(count, pk, GUINT_TO_POINTER(n));
		most = MAX(most, n);
	}
	if (is_fixed != NULL)
		*is_fixed = most <= 1;
	g_hash_table_destroy(seen);
	g_hash_table_destroy(count);
	return most;
}

/* Move curve axis cax[k] to the panel axes. */
static void
figure_layout_move(struct figure_layout *l, int k)
{
	l->pax[l->npax++] = l->cax[k];
	memmove(l->cax + k, l->cax + k + 1, (size_t)(l->ncax - k - 1) *
	    sizeof(int));
	l->ncax--;
}

/* A curve axis that takes one value in each panel (a sweep's "where"
 * ties pipe.reader_gap to pipe.writer_gap) belongs to the panels: it
 * names them and makes no curves. */
static void
figure_layout_fixed(const struct figure_cells *c, struct figure_layout *l)
{
	int		k;
	gboolean	fixed;

	for (k = 0; l->npax > 0 && k < l->ncax; k++) {
		figure_most_curves(c, l, l->cax[k], &fixed);
		if (fixed)
			figure_layout_move(l, k--);
	}
}

/* Panels and curves of a figure over axis xa with ns strategies: a panel
 * per value of the axis with fewest values when curves would otherwise
 * mix strategies and values; then, while a panel would hold more than
 * FIGURE_MAX_CURVES curves, a further axis makes panels too (the one
 * leaving fewest curves, up to PLOT_MAX_PANELS panels). */
static void
figure_layout(const struct figure_cells *c, const struct figure_axis *axes,
    int xa, guint ns, struct figure_parts *f, struct figure_layout *l)
{
	int	k;

	l->pax = figure_alloc(f, (size_t)c->naxes, sizeof(int));
	l->cax = figure_alloc(f, (size_t)c->naxes, sizeof(int));
	l->npax = l->ncax = 0;
	for (k = 0; k < c->naxes; k++)
		if (k != xa && figure_nvalues(&axes[k]) > 1)
			l->cax[l->ncax++] = k;
	if (l->ncax > 0 && (ns > 1 || l->ncax > 1)) {
		int best = 0;

		for (k = 1; k < l->ncax; k++)
			if (figure_nvalues(&axes[l->cax[k]]) <
			    figure_nvalues(&axes[l->cax[best]]))
				best = k;
		if (figure_nvalues(&axes[l->cax[best]]) <= PLOT_MAX_PANELS) {
			figure_layout_move(l, best);
			figure_layout_fixed(c, l);
		}
	}
	while (l->ncax > 0 && ns * figure_most_curves(c, l, -1, NULL) >
	    FIGURE_MAX_CURVES) {
		int	best = -1;
		guint	best_curves = 0, best_panels = 0;

		for (k = 0; k < l->ncax; k++) {
			struct figure_layout	 t = *l;
			guint			 np, nc;

			t.pax = g_memdup2(l->pax, (gsize)c->naxes *
			    sizeof(int));
			t.cax = g_memdup2(l->cax, (gsize)c->naxes *
			    sizeof(int));
			figure_layout_move(&t, k);
			np = figure_npanels(c, axes, &t);
			nc = figure_most_curves(c, &t, -1, NULL);
			g_free(t.pax);
			g_free(t.cax);
			if (np > PLOT_MAX_PANELS)
				continue;
			if (best < 0 || nc < best_curves ||
			    (nc == best_curves && np < best_panels)) {
				best = k;
				best_curves = nc;
				best_panels = np;
			}
		}
		if (best < 0)
			break;
		figure_layout_move(l, best);
		figure_layout_fixed(c, l);
	}
}

/* --- run tables: a numeric axis ------------------------------------- */

/* The x label: the parameter, its unit, and a log scale said. */
static char *
figure_xlabel(const struct figure_table *t, const char *name,
    gboolean logx)
{
	char	*l = study_axis_label(t->defs, name), *s;

	if (!logx)
		return l;
	s = g_str_has_suffix(l, ")") ? g_strdup_printf("%.*s, log scale)",
	    (int)strlen(l) - 1, l) : g_strconcat(l, " (log scale)", NULL);
	g_free(l);
	return s;
}

/* The groups whose sentence is said[g0] (those not yet told, *told), as
 * a note's head: "workload.buffers = 1, 2" for one curve axis, "a = 1,
 * b = 2; a = 1, b = 3" for more.  *n: how many. */
static char *
figure_groups_head(const struct figure_axis *axes,
    const struct figure_layout *l, GPtrArray *groups, char **said,
    gboolean *told, guint g0, guint *n)
{
	GString	*s = g_string_new(NULL);
	guint	 g;

	*n = 0;
	for (g = g0; g < groups->len; g++) {
		char	**gv = g_ptr_array_index(groups, g);
		char	 *v;

		if (told[g] || said[g] == NULL ||
		    strcmp(said[g], said[g0]) != 0)
			continue;
		told[g] = TRUE;
		if (l->ncax == 1 && *n > 0) {
			v = figure_value_label(axes[l->cax[0]].def, gv[0]);
			g_string_append_printf(s, ", %s", v);
		} else {
			v = figure_assignments(axes, l->cax, l->ncax, gv);
			g_string_append_printf(s, "%s%s", *n > 0 ? "; " : "",
			    v);
		}
		g_free(v);
		(*n)++;
	}
	return g_string_free(s, FALSE);
}

/* The notes and marks of a panel: where each strategy beats the first,
 * for each combination of the curve axes, in its colour; the groups
 * that say the same share a note (grey when it is several), said for
 * all without naming them. */
static void
figure_breakeven(const struct figure_axis *X, const struct figure_cells *c,
    const struct figure_axis *axes, const struct figure_layout *l,
    GPtrArray *groups, const struct plot_series *ser, const char *metric,
    gboolean logx, struct figure_parts *f, struct plot_panel *panel)
{
	guint			 nx = figure_nvalues(X), ns = c->strat->len;
	guint			 ng = groups->len, g, s, m, n;
	gboolean		 higher = figure_higher_is_better(metric);
	struct plot_note	*notes = figure_alloc(f, ng * ns,
	    sizeof(*notes));
	GArray			*mx = g_array_new(FALSE, FALSE, sizeof(double));
	GArray			*owner = g_array_new(FALSE, FALSE,
	    sizeof(guint));
	gboolean		*told = g_new(gboolean, ng);
	struct plot_mark	*marks;

	for (s = 1; s < ns; s++) {
		char	*phrase = g_strdup_printf("%s %s than %s",
		    (char *)g_ptr_array_index(c->strat, s),
		    figure_better_word(metric),
		    (char *)g_ptr_array_index(c->strat, 0));
		char	**said = g_new0(char *, ng + 1);

		for (g = 0; g < ng; g++) {
			const struct plot_series *b = &ser[g * ns];
			const struct plot_series *e = &ser[g * ns + s];
			struct figure_curve cb = { b->y, b->ci };
			struct figure_curve ce = { e->y, e->ci };
			guint	 before = mx->len;

			said[g] = figure_crossings(X->num, nx, &cb, &ce, higher,
			    logx, X->def, phrase, mx);
			for (; before < mx->len; before++)
				g_array_append_val(owner, e->color);
			told[g] = FALSE;
		}
		for (g = 0; g < ng; g++) {
			struct plot_note *note = &notes[panel->nnotes];
			char		 *head;

			if (told[g] || said[g] == NULL)
				continue;
			head = figure_groups_head(axes, l, groups, said, told,
			    g, &n);
			note->text = figure_keep(f, ng == 1 || n == ng ?
			    g_strdup(said[g]) : g_strdup_printf("%s: %s", head,
			    said[g]));
			/* A note for several curves is in none's colour. */
			note->color = n == 1 ? ser[g * ns + s].color : 9;
			panel->nnotes++;
			g_free(head);
		}
		g_strfreev(said);
		g_free(phrase);
	}
	marks = figure_alloc(f, mx->len, sizeof(*marks));
	for (m = 0; m < mx->len; m++) {
		marks[m].x = g_array_index(mx, double, m);
		marks[m].color = g_array_index(owner, guint, m);
	}
	panel->marks = marks;
	panel->nmarks = mx->len;
	panel->notes = notes;
	g_free(told);
	g_array_free(mx, TRUE);
	g_array_free(owner, TRUE);
}

/* How the curve of strategy s in group g is drawn: the strategies alone
 * by colour and shape; with groups, a colour per group and a shape and
 * dash per strategy, the shapes moving on once the colours come round
 * again, so that no two curves look the same. */
static void
figure_style(struct plot_series *e, guint g, guint ng, guint s, guint ns)
{
	guint	round = g / 10;

	if (ng == 1) {
		e->color = e->point = s;
		e->dash = 0;
	} else if (ns == 1) {
		e->color = e->point = g;
		e->dash = round;
	} else {
		e->color = g;
		e->point = s + ns * round;
		e->dash = s;
	}
}

static gboolean
figure_numeric(const struct figure_table *t, const struct figure_cells *c,
    const struct figure_axis *axes, int xa, const char *metric,
    const char *base, GError **error)
{
	struct figure_parts	 f;
	struct figure_layout	 l;
	struct plot_spec	 spec;
	struct plot_panel	*panels;
	const struct figure_axis *X = &axes[xa];
	guint			 nx = figure_nvalues(X), ns = c->strat->len;
	guint			 np, ng, p, g, s, i, nser;
	int			 k;
	GPtrArray		*pcombos, *groups;
	char			**vals = g_new0(char *, c->naxes + 1);
	gboolean		 ok;

	figure_parts_init(&f);
	memset(&spec, 0, sizeof(spec));
	figure_layout(c, axes, xa, ns, &f, &l);
	pcombos = figure_combos(c, axes, l.pax, l.npax);
	groups = figure_combos(c, axes, l.cax, l.ncax);
	np = pcombos->len;
	ng = groups->len;
	nser = ng * ns;

	spec.base = base;
	spec.style = PLOT_LINES;
	spec.npoints = nx;
	spec.x = X->num;
	spec.logx = X->num[0] > 0 && nx > 2 && X->num[nx - 1] / X->num[0] >=
	    16;
	/* Labels at the values swept, in their units; gnuplot's own
	 * numbers only for many plain ones. */
	if (figure_has_units(X->def) || nx <= 12) {
		spec.xtics = figure_alloc(&f, nx, sizeof(char *));
		for (i = 0; i < nx; i++)
			spec.xtics[i] = figure_keep(&f, figure_format(X->def,
			    X->num[i]));
	}
	spec.xlabel = figure_keep(&f, figure_xlabel(t, X->name, spec.logx));
	spec.ylabel = figure_keep(&f, figure_metric_label(metric));
	spec.title = figure_keep(&f, figure_title(t, c, TRUE));
	if (ng > 1) {
		GString *kt = g_string_new(ns > 1 ? "strategy, " : "");

		for (k = 0; k < l.ncax; k++)
			g_string_append_printf(kt, "%s%s", k ? ", " : "",
			    axes[l.cax[k]].name);
		spec.key_title = figure_keep(&f, g_string_free(kt, FALSE));
	}
	panels = figure_alloc(&f, np, sizeof(*panels));
	for (p = 0; p < np; p++) {
		struct plot_series *ser = figure_alloc(&f, nser,
		    sizeof(*ser));
		double	*y = figure_alloc(&f, (size_t)nser * nx,
		    sizeof(double));
		double	*ci = figure_alloc(&f, (size_t)nser * nx,
		    sizeof(double));
		char	**pv = g_ptr_array_index(pcombos, p);

		if (l.npax > 0)
			panels[p].title = figure_keep(&f, figure_assignments(
			    axes, l.pax, l.npax, pv));
		for (g = 0; g < ng; g++)
			for (s = 0; s < ns; s++) {
				struct plot_series *e = &ser[g * ns + s];
				char **gv = g_ptr_array_index(groups, g);

				e->y = y + (g * ns + s) * nx;
				e->ci = ci + (g * ns + s) * nx;
				figure_style(e, g, ng, s, ns);
				for (i = 0; i < nx; i++) {
					int	pt;

					/* Constant axes keep their value. */
					for (k = 0; k < c->naxes; k++)
						vals[k] = g_ptr_array_index(
						    axes[k].values, 0);
					vals[xa] = g_ptr_array_index(X->values,
					    i);
					for (k = 0; k < l.npax; k++)
						vals[l.pax[k]] = pv[k];
					for (k = 0; k < l.ncax; k++)
						vals[l.cax[k]] = gv[k];
					pt = figure_point(c, vals);
					((double *)e->y)[i] = pt < 0 ? NAN :
					    c->mean[pt * ns + s];
					((double *)e->ci)[i] = pt < 0 ? NAN :
					    c->ci[pt * ns + s];
				}
				if (ng == 1)
					e->title = g_ptr_array_index(c->strat,
					    s);
				else {
					char *v = figure_values_label(axes,
					    l.cax, l.ncax, gv);

					e->title = figure_keep(&f, ns > 1 ?
					    g_strdup_printf("%s, %s", (char *)
					    g_ptr_array_index(c->strat, s), v) :
					    g_strdup(v));
					g_free(v);
				}
			}
		panels[p].series = ser;
		panels[p].nseries = nser;
		/* Every strategy against the first, in every panel. */
		if (ns >= 2)
			figure_breakeven(X, c, axes, &l, groups, ser, metric,
			    spec.logx, &f, &panels[p]);
	}
	spec.panels = panels;
	spec.npanels = np;
	ok = plot_draw(&spec, error);
	g_free(vals);
	g_ptr_array_free(pcombos, TRUE);
	g_ptr_array_free(groups, TRUE);
	figure_parts_free(&f);
	return ok;
}

/* --- run tables: categories ----------------------------------------- */

/* The label of point i: the values of the axes that vary. */
static char *
figure_point_label(const struct figure_cells *c,
    const struct figure_axis *axes, guint i)
{
	int	*vary = g_new(int, MAX(c->naxes, 1)), n = 0, k;
	char	**pv = g_ptr_array_index(c->points, i);
	char	**vals = g_new(char *, MAX(c->naxes, 1));
	char	*l;

	for (k = 0; k < c->naxes; k++)
		if (figure_nvalues(&axes[k]) > 1) {
			vals[n] = pv[k];
			vary[n++] = k;
		}
	l = figure_values_label(axes, vary, n, vals);
	g_free(vals);
	g_free(vary);
	return l;
}

/* The names of the axes that vary, for the x label. */
static char *
figure_axes_label(const struct figure_cells *c,
    const struct figure_axis *axes)
{
	GString	*s = g_string_new(NULL);
	int	 k;

	for (k = 0; k < c->naxes; k++)
		if (figure_nvalues(&axes[k]) > 1)
			g_string_append_printf(s, "%s%s", s->len ? ", " : "",
			    axes[k].name);
	return g_string_free(s, FALSE);
}

/* Where the time went: CPU categories stacked for each point and
 * strategy; categories never charged are left out. */
static gboolean
figure_stacked(const struct figure_table *t, gboolean summary,
    const struct figure_cells *c, const struct figure_axis *axes,
    const char *base, GError **error)
{
	struct figure_parts	 f;
	struct plot_spec	 spec;
	struct plot_panel	 panel;
	struct plot_series	*ser;
	guint			 ncat = MODEL_CPU_CAT_END - MODEL_CPU_CAT_FIRST;
	guint			 np = c->points->len, ns = c->strat->len;
	guint			 nx = np * ns, cat, i;
	gboolean		 ok = TRUE;

	figure_parts_init(&f);
	memset(&spec, 0, sizeof(spec));
	memset(&panel, 0, sizeof(panel));
	ser = figure_alloc(&f, ncat, sizeof(*ser));
	spec.xtics = figure_alloc(&f, nx, sizeof(char *));
	for (i = 0; i < nx; i++) {
		char *pl = figure_point_label(c, axes, i / ns);

		spec.xtics[i] = figure_keep(&f, np == 1 ?
		    g_strdup(g_ptr_array_index(c->strat, i % ns)) :
		    g_strdup_printf("%s: %s", pl, (char *)
		    g_ptr_array_index(c->strat, i % ns)));
		g_free(pl);
	}
	for (cat = 0; ok && cat < ncat; cat++) {
		const char		*m = model_metric_name(
		    MODEL_CPU_CAT_FIRST + cat);
		char			*col = g_strconcat(m, summary ?
		    "_mean" : "", NULL);
		struct figure_cells	 cc;
		double			*y, sum = 0;
		gboolean		 have = figure_col(t, col) >= 0;

		g_free(col);
		if (!have)
			continue;
		if (!(ok = figure_cells(t, summary, m, &cc, error)))
			break;
		y = figure_alloc(&f, nx, sizeof(double));
		for (i = 0; i < nx; i++) {
			y[i] = isfinite(cc.mean[i]) ? cc.mean[i] : 0;
			sum += y[i];
		}
		figure_cells_free(&cc);
		if (sum == 0)
			continue;
		/* "cpu_copy_ns_per_byte": the category. */
		ser[panel.nseries].title = figure_keep(&f, g_strndup(m + 4,
		    strlen(m + 4) - strlen("_ns_per_byte")));
		ser[panel.nseries].y = y;
		ser[panel.nseries++].color = cat;
	}
	if (ok && panel.nseries == 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: no CPU time by category to plot", t->path);
		ok = FALSE;
	}
	if (ok) {
		panel.series = ser;
		spec.base = base;
		spec.style = PLOT_STACKED;
		spec.npoints = nx;
		spec.xlabel = np == 1 ? "strategy" : figure_keep(&f,
		    g_strconcat(figure_keep(&f, figure_axes_label(c, axes)),
		    ": strategy", NULL));
		spec.ylabel = "CPU time per byte delivered (ns/B), by category";
		spec.title = figure_keep(&f, figure_title(t, c, FALSE));
		spec.key_title = "CPU time in";
		spec.npanels = 1;
		spec.panels = &panel;
		ok = plot_draw(&spec, error);
	}
	figure_parts_free(&f);
	return ok;
}

/* Any metric over categories: points with error bars, one series per
 * strategy (or, at a single point, the strategies as categories). */
static gboolean
figure_points(const struct figure_table *t, const struct figure_cells *c,
    const struct figure_axis *axes, const char *metric, const char *base,
    GError **error)
{
	struct figure_parts	 f;
	struct plot_spec	 spec;
	struct plot_panel	 panel;
	struct plot_series	*ser;
	guint			 np = c->points->len, ns = c->strat->len;
	guint			 nx = np == 1 ? ns : np, nser = np == 1 ? 1 : ns;
	guint			 i, s;
	gboolean		 ok;

	figure_parts_init(&f);
	memset(&spec, 0, sizeof(spec));
	memset(&panel, 0, sizeof(panel));
	ser = figure_alloc(&f, nser, sizeof(*ser));
	spec.xtics = figure_alloc(&f, nx, sizeof(char *));
	for (i = 0; i < nx; i++)
		spec.xtics[i] = np == 1 ? g_ptr_array_index(c->strat, i) :
		    figure_keep(&f, figure_point_label(c, axes, i));
	for (s = 0; s < nser; s++) {
		double	*y = figure_alloc(&f, nx, sizeof(double));
		double	*ci = figure_alloc(&f, nx, sizeof(double));

		for (i = 0; i < nx; i++) {
			guint cell = np == 1 ? i : i * ns + s;

			y[i] = c->mean[cell];
			ci[i] = c->ci[cell];
		}
		ser[s].title = np == 1 ? "mean, 95% interval" :
		    g_ptr_array_index(c->strat, s);
		ser[s].y = y;
		ser[s].ci = ci;
		ser[s].color = ser[s].point = s;
	}
	panel.series = ser;
	panel.nseries = nser;
	spec.base = base;
	spec.style = PLOT_POINTS;
	spec.npoints = nx;
	spec.xlabel = np == 1 ? "strategy" : figure_keep(&f,
	    figure_axes_label(c, axes));
	spec.ylabel = figure_keep(&f, figure_metric_label(metric));
	spec.title = figure_keep(&f, figure_title(t, c, TRUE));
	spec.npanels = 1;
	spec.panels = &panel;
	ok = plot_draw(&spec, error);
	figure_parts_free(&f);
	return ok;
}

static gboolean
figure_run(const struct figure_table *t, gboolean summary,
    const char *metric, const char *base, GError **error)
{
	struct figure_cells	 c;
	struct figure_axis	*axes;
	int			 k, xa = -1;
	gboolean		 ok;
	guint			 i;

	if (!figure_cells(t, summary, metric, &c, error))
		return FALSE;
	for (i = 0; i < c.points->len * c.strat->len && isnan(c.mean[i]);
	    i++)
		;
	if (i == c.points->len * c.strat->len) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: no value of %s to plot", t->path, metric);
		figure_cells_free(&c);
		return FALSE;
	}
	axes = figure_axes(t, &c);
	/* On x: the numeric axis with the most values (the first, of
	 * equals). */
	for (k = 0; k < c.naxes; k++)
		if (axes[k].numeric && (xa < 0 || figure_nvalues(&axes[k]) >
		    figure_nvalues(&axes[xa])))
			xa = k;
	if (xa >= 0)
		ok = figure_numeric(t, &c, axes, xa, metric, base, error);
	else if (strcmp(metric, "cpu_ns_per_byte") == 0)
		ok = figure_stacked(t, summary, &c, axes, base, error);
	else
		ok = figure_points(t, &c, axes, metric, base, error);
	figure_axes_free(axes, c.naxes);
	figure_cells_free(&c);
	return ok;
}

/* --- threshold tables ------------------------------------------------ */

static gboolean
figure_threshold(const struct figure_table *t, const char *base,
    GError **error)
{
	int			 cm = figure_col(t, "threshold_mean");
	int			 cc = figure_col(t, "threshold_ci95");
	int			 cf = figure_col(t, "found");
	int			 cr = figure_col(t, "replications");
	int			 co = figure_col(t, "vary") + 1;
	int			 cwb = figure_col(t, "wins_below_range");
	int			 cnw = figure_col(t, "never_wins_in_range");
	guint			 n = t->rows->len, i, j, *order;
	struct figure_parts	 f;
	struct plot_series	 s;
	struct plot_panel	 panel;
	struct plot_spec	 spec;
	struct plot_note	 notes[4];
	const struct param_def	*vd, *od;
	double			*x, *y, *ci, ymax = 0, div;
	gboolean		 numeric = n >= 2, ok = TRUE;
	const char		*unit, *metric;
	GString			*none = g_string_new(NULL);
	GString			*part = g_string_new(NULL);
	GString			*below = g_string_new(NULL);
	GString			*never = g_string_new(NULL);

	if (co <= 0 || co >= cm || cm < 0 || cc < 0 || figure_col(t,
	    "metric") < 0 || figure_col(t, "base") < 0 ||
	    figure_col(t, "candidate") < 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: a threshold table needs the columns base, candidate, "
		    "metric, vary, the varied parameter, threshold_mean and "
		    "threshold_ci95", t->path);
		g_string_free(none, TRUE);
		g_string_free(part, TRUE);
		g_string_free(below, TRUE);
		g_string_free(never, TRUE);
		return FALSE;
	}
	figure_parts_init(&f);
	x = figure_alloc(&f, n, sizeof(double));
	y = figure_alloc(&f, n, sizeof(double));
	ci = figure_alloc(&f, n, sizeof(double));
	order = figure_alloc(&f, n, sizeof(guint));
	for (i = 0; ok && i < n; i++) {
		double	found = NAN, reps = NAN;

		order[i] = i;
		ok = figure_number(t, i, cm, &y[i], error) &&
		    figure_number(t, i, cc, &ci[i], error) &&
		    (cf < 0 || figure_number(t, i, cf, &found, error)) &&
		    (cr < 0 || figure_number(t, i, cr, &reps, error));
		numeric = numeric && figure_parse(figure_text(t, i, co), &x[i]);
		if (ok && isfinite(y[i]))
			ymax = MAX(ymax, y[i]);
		/* Where no replication, or only some, found one: the
		 * candidate won from the low end on, never won, or a mix. */
		if (ok && (found == 0 || isnan(y[i]) || found < reps)) {
			char	*v = figure_value_label(figure_def(t,
			    t->head[co]), figure_text(t, i, co));
			double	 wb = NAN, nw = NAN;
			GString	*to;

			ok = (cwb < 0 || figure_number(t, i, cwb, &wb,
			    error)) && (cnw < 0 || figure_number(t, i, cnw,
			    &nw, error));
			to = found > 0 && !isnan(y[i]) ? part : wb > 0 &&
			    !(nw > 0) ? below : nw > 0 && !(wb > 0) ? never :
			    none;
			g_string_append_printf(to, "%s%s", to->len ? ", " :
			    "", v);
			if (to == part)
				g_string_append_printf(part, " (%.0f of %.0f)",
				    found, reps);
			g_free(v);
		}
	}
	if (!ok) {
		figure_parts_free(&f);
		g_string_free(none, TRUE);
		g_string_free(part, TRUE);
		g_string_free(below, TRUE);
		g_string_free(never, TRUE);
		return FALSE;
	}
	/* Lines need x ascending; --over may list values in any order. */
	for (i = 1; numeric && i < n; i++)
		for (j = i; j > 0 && x[order[j - 1]] > x[order[j]]; j--) {
			guint o = order[j];

			order[j] = order[j - 1];
			order[j - 1] = o;
		}
	vd = figure_def(t, figure_text(t, 0, co - 1));
	od = figure_def(t, t->head[co]);
	unit = figure_unit(vd, ymax, &div);
	metric = figure_text(t, 0, figure_col(t, "metric"));
	memset(&spec, 0, sizeof(spec));
	memset(&panel, 0, sizeof(panel));
	memset(&s, 0, sizeof(s));
	{
		double	*xs = figure_alloc(&f, n, sizeof(double));
		double	*ys = figure_alloc(&f, n, sizeof(double));
		double	*cs = figure_alloc(&f, n, sizeof(double));

		spec.xtics = figure_alloc(&f, n, sizeof(char *));
		for (i = 0; i < n; i++) {
			xs[i] = x[order[i]];
			ys[i] = y[order[i]] / div;
			cs[i] = ci[order[i]] / div;
			spec.xtics[i] = figure_keep(&f, figure_value_label(od,
			    figure_text(t, order[i], co)));
		}
		if (numeric && !figure_has_units(od) && n > 12)
			spec.xtics = NULL;
		s.y = ys;
		s.ci = cs;
		spec.x = xs;
		spec.logx = numeric && n > 2 && xs[0] > 0 &&
		    xs[n - 1] / xs[0] >= 16;
	}
	s.title = "break-even (mean, 95% interval)";
	panel.series = &s;
	panel.nseries = 1;
	panel.notes = notes;
	{
		const char *cand = figure_text(t, 0, figure_col(t,
		    "candidate"));
		const char *bs = figure_text(t, 0, figure_col(t, "base"));
		const char *w = figure_better_word(metric);

		if (below->len > 0)
			notes[panel.nnotes++].text = figure_keep(&f,
			    g_strdup_printf("%s already %s than %s at the low "
			    "end of the search at %s = %s", cand, w, bs,
			    t->head[co], below->str));
		if (never->len > 0)
			notes[panel.nnotes++].text = figure_keep(&f,
			    g_strdup_printf("%s never %s than %s in the "
			    "searched range at %s = %s", cand, w, bs,
			    t->head[co], never->str));
		if (none->len > 0)
			notes[panel.nnotes++].text = figure_keep(&f,
			    g_strdup_printf("no break-even in the searched "
			    "range at %s = %s", t->head[co], none->str));
		if (part->len > 0)
			notes[panel.nnotes++].text = figure_keep(&f,
			    g_strdup_printf("found in only some replications "
			    "at %s = %s", t->head[co], part->str));
		for (i = 0; i < panel.nnotes; i++)
			notes[i].color = 1;
	}
	spec.base = base;
	spec.title = figure_keep(&f, g_strdup_printf("%s: %s from which %s "
	    "is %s than %s (%s)", figure_text(t, 0, 0),
	    figure_text(t, 0, co - 1),
	    figure_text(t, 0, figure_col(t, "candidate")),
	    figure_better_word(metric),
	    figure_text(t, 0, figure_col(t, "base")), metric));
	spec.xlabel = numeric ? figure_keep(&f, figure_xlabel(t, t->head[co],
	    spec.logx)) : t->head[co];
	spec.ylabel = figure_keep(&f, g_strdup_printf("%s at break-even%s%s%s, "
	    "mean and 95%% interval", figure_text(t, 0, co - 1),
	    unit ? " (" : "", unit ? unit : "", unit ? ")" : ""));
	spec.style = numeric ? PLOT_LINES : PLOT_POINTS;
	spec.npoints = n;
	spec.npanels = 1;
	spec.panels = &panel;
	ok = plot_draw(&spec, error);
	figure_parts_free(&f);
	g_string_free(none, TRUE);
	g_string_free(part, TRUE);
	g_string_free(below, TRUE);
	g_string_free(never, TRUE);
	return ok;
}

gboolean
figure_draw(const char *csv, const char *base, const char *metric,
    char **png, GError **error)
{
	struct figure_table	 t;
	char			*b, *dir;
	gboolean		 ok;

	if (png != NULL)
		*png = NULL;
	if (metric == NULL)
		metric = "cpu_ns_per_byte";
	if (!figure_read(csv, &t, error)) {
		figure_table_free(&t);
		return FALSE;
	}
	b = base != NULL ? g_strdup(base) : g_str_has_suffix(csv, ".csv") ?
	    g_strndup(csv, strlen(csv) - 4) : g_strdup(csv);
	dir = g_path_get_dirname(b);
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "cannot create the folder %s: %s", dir, g_strerror(errno));
		ok = FALSE;
	} else if (figure_col(&t, "threshold_mean") >= 0 &&
	    figure_col(&t, "vary") >= 0)
		ok = figure_threshold(&t, b, error);
	else if (figure_col(&t, "replications") >= 0)
		ok = figure_run(&t, TRUE, metric, b, error);
	else if (figure_col(&t, "fingerprint") >= 0)
		ok = figure_run(&t, FALSE, metric, b, error);
	else {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: not a loansim table (rows, summary or threshold)",
		    csv);
		ok = FALSE;
	}
	if (ok && png != NULL)
		*png = g_strconcat(b, ".png", NULL);
	g_free(dir);
	g_free(b);
	figure_table_free(&t);
	return ok;
}
