/* Figures from result tables. */
#include "sim/figure.h"

#include <math.h>
#include <string.h>

#include "sim/csv.h"
#include "sim/error.h"
#include "sim/plot.h"
#include "sim/stats.h"
#include "sim/study.h"
#include "models/model.h"

struct figure_table {
	char		**head;
	GPtrArray	*rows;		/* char ** */
};

static void
figure_table_free(struct figure_table *t)
{
	g_strfreev(t->head);
	if (t->rows != NULL)
		g_ptr_array_free(t->rows, TRUE);
}

static gboolean
figure_read(const char *path, struct figure_table *t, GError **error)
{
	memset(t, 0, sizeof(*t));
	if (!csv_read_table(path, &t->head, &t->rows, error))
		return FALSE;
	if (t->rows->len == 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: no rows to plot", path);
		return FALSE;
	}
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

static double
figure_num(const struct figure_table *t, guint row, int col)
{
	char	**f = g_ptr_array_index(t->rows, row);
	char	*end;
	double	 x = g_ascii_strtod(f[col], &end);

	return *end == '\0' && end != f[col] ? x : NAN;
}

static const char *
figure_text(const struct figure_table *t, guint row, int col)
{
	return ((char **)g_ptr_array_index(t->rows, row))[col];
}

static char *
figure_axis_label(const char *name)
{
	struct params	*p = model_params_new();
	char		*l = study_axis_label(p, name);

	params_free(p);
	return l;
}

/* Cells: (point, strategy) with the mean and ci of the metric, from a
 * summary table, or computed from rows over their replications. */
struct figure_cells {
	GPtrArray	*points;	/* char *: the axis values, as text */
	GPtrArray	*strat;		/* char * */
	double		*mean;		/* [point * nstrat + s], per metric */
	double		*ci;
	int		 axis_first;	/* column of the first axis */
	int		 naxes;
};

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

/* Mean and ci of column 'col' (rows) or 'col'_mean and _ci95 (summary). */
static gboolean
figure_cells(const struct figure_table *t, gboolean summary,
    const char *metric, struct figure_cells *c, GError **error)
{
	int	cs = figure_col(t, "strategy"), cm, cc = -1, cend, k;
	char	*name;
	guint	 i, np, ns;
	GArray	**vals;

	memset(c, 0, sizeof(*c));
	name = summary ? g_strconcat(metric, "_mean", NULL) : g_strdup(metric);
	cm = figure_col(t, name);
	g_free(name);
	if (summary) {
		name = g_strconcat(metric, "_ci95", NULL);
		cc = figure_col(t, name);
		g_free(name);
	}
	cend = figure_col(t, summary ? "replications" :
	    model_metric_name(0));
	if (cs < 0 || cm < 0 || cend < 0 || (summary && cc < 0)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "the table has no column %s%s (or no strategy column)",
		    metric, summary ? "_mean" : "");
		return FALSE;
	}
	c->axis_first = cs + 1;
	c->naxes = cend - cs - 1;
	c->points = g_ptr_array_new_with_free_func(g_free);
	c->strat = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < t->rows->len; i++) {
		GString *key = g_string_new(NULL);

		for (k = 0; k < c->naxes; k++)
			g_string_append_printf(key, "%s%s", k ? "," : "",
			    figure_text(t, i, c->axis_first + k));
		figure_intern(c->points, key->str);
		figure_intern(c->strat, figure_text(t, i, cs));
		g_string_free(key, TRUE);
	}
	np = c->points->len;
	ns = c->strat->len;
	c->mean = g_new(double, np * ns);
	c->ci = g_new0(double, np * ns);
	vals = g_new0(GArray *, np * ns);
	for (i = 0; i < np * ns; i++) {
		vals[i] = g_array_new(FALSE, FALSE, sizeof(double));
		c->mean[i] = NAN;
	}
	for (i = 0; i < t->rows->len; i++) {
		GString *key = g_string_new(NULL);
		guint	 p, s;
		double	 v = figure_num(t, i, cm);

		for (k = 0; k < c->naxes; k++)
			g_string_append_printf(key, "%s%s", k ? "," : "",
			    figure_text(t, i, c->axis_first + k));
		p = figure_intern(c->points, key->str);
		s = figure_intern(c->strat, figure_text(t, i, cs));
		g_string_free(key, TRUE);
		if (summary) {
			c->mean[p * ns + s] = v;
			c->ci[p * ns + s] = figure_num(t, i, cc);
		} else
			g_array_append_val(vals[p * ns + s], v);
	}
	for (i = 0; !summary && i < np * ns; i++) {
		struct ci ci = stats_ci95((double *)vals[i]->data,
		    vals[i]->len);

		c->mean[i] = ci.mean;
		c->ci[i] = ci.half_width;
	}
	for (i = 0; i < np * ns; i++)
		g_array_free(vals[i], TRUE);
	g_free(vals);
	return TRUE;
}

static void
figure_cells_free(struct figure_cells *c)
{
	if (c->points != NULL)
		g_ptr_array_free(c->points, TRUE);
	if (c->strat != NULL)
		g_ptr_array_free(c->strat, TRUE);
	g_free(c->mean);
	g_free(c->ci);
}

static gboolean
figure_run(const struct figure_table *t, gboolean summary,
    const char *metric, const char *base, GError **error)
{
	struct figure_cells	 c;
	struct plot_spec	 spec;
	struct plot_series	*series;
	guint			 np, ns, i, s, cat;
	guint			 ncat = MODEL_CPU_CAT_END - MODEL_CPU_CAT_FIRST;
	double			*x, *y, *ci = NULL;
	gboolean		 numeric, ok;
	char			*label = NULL, *xlabel = NULL, *title, *ylabel;
	const char		**tics = NULL;
	char			*names[MODEL_METRIC_COUNT] = { NULL };

	if (!figure_cells(t, summary, metric, &c, error))
		return FALSE;
	np = c.points->len;
	ns = c.strat->len;
	memset(&spec, 0, sizeof(spec));
	spec.base = base;
	spec.mark_x = NAN;
	numeric = c.naxes == 1 && np > 1;
	x = g_new(double, MAX(np, np * ns));
	for (i = 0; numeric && i < np; i++) {
		char *end;

		x[i] = g_ascii_strtod(g_ptr_array_index(c.points, i), &end);
		numeric = *end == '\0';
	}
	ylabel = strcmp(metric, "cpu_ns_per_byte") == 0 ?
	    g_strdup("CPU time per byte delivered (ns/B)") : g_strdup(metric);
	if (numeric) {
		y = g_new(double, ns * np);
		ci = g_new(double, ns * np);
		series = g_new0(struct plot_series, ns);
		for (s = 0; s < ns; s++) {
			for (i = 0; i < np; i++) {
				y[s * np + i] = c.mean[i * ns + s];
				ci[s * np + i] = c.ci[i * ns + s];
			}
			series[s].title = g_ptr_array_index(c.strat, s);
			series[s].y = y + s * np;
			series[s].ci = ci + s * np;
		}
		/* Break-even: the first point where the second strategy is
		 * cheaper than the first (ties, where both copy, do not
		 * count), interpolated from the point before. */
		for (i = 0; ns >= 2 && i < np; i++) {
			double d = y[np + i] - y[i];

			if (d < 0) {
				double d0 = i > 0 ? y[np + i - 1] - y[i - 1] : 0;

				spec.mark_x = i == 0 || d0 <= 0 ? x[i] :
				    x[i - 1] + (x[i] - x[i - 1]) * d0 / (d0 - d);
				label = g_strdup_printf("%s cheaper than %s "
				    "from about %.0f",
				    (char *)g_ptr_array_index(c.strat, 1),
				    (char *)g_ptr_array_index(c.strat, 0),
				    spec.mark_x);
				break;
			}
		}
		if (label == NULL && ns >= 2)
			label = g_strdup_printf("%s never cheaper than %s here",
			    (char *)g_ptr_array_index(c.strat, 1),
			    (char *)g_ptr_array_index(c.strat, 0));
		spec.mark_label = label;
		spec.npoints = np;
		spec.x = x;
		spec.logx = x[0] > 0 && np > 2 && x[np - 1] / x[0] >= 16;
		xlabel = figure_axis_label(t->head[c.axis_first]);
		spec.xlabel = xlabel;
		spec.nseries = ns;
		spec.series = series;
	} else if (strcmp(metric, "cpu_ns_per_byte") == 0) {
		/* Where the time went: categories stacked per cell. */
		struct figure_cells cc;
		guint nx = np * ns;

		y = g_new0(double, ncat * nx);
		series = g_new0(struct plot_series, ncat);
		tics = g_new0(const char *, nx);
		for (i = 0; i < np; i++)
			for (s = 0; s < ns; s++) {
				tics[i * ns + s] = np == 1 ?
				    g_strdup(g_ptr_array_index(c.strat, s)) :
				    g_strdup_printf("%s:%s", (char *)
				    g_ptr_array_index(c.points, i), (char *)
				    g_ptr_array_index(c.strat, s));
				x[i * ns + s] = i * ns + s;
			}
		for (cat = 0; cat < ncat; cat++) {
			const char *m = model_metric_name(MODEL_CPU_CAT_FIRST +
			    cat);

			if (figure_cells(t, summary, m, &cc, NULL))
				for (i = 0; i < nx; i++)
					y[cat * nx + i] = cc.mean[i];
			figure_cells_free(&cc);
			/* "cpu_copy_ns_per_byte": the category. */
			names[cat] = g_strndup(m + 4, strlen(m + 4) -
			    strlen("_ns_per_byte"));
			series[cat].title = names[cat];
			series[cat].y = y + cat * nx;
		}
		spec.bars = TRUE;
		spec.npoints = nx;
		spec.x = x;
		spec.xtics = tics;
		spec.xlabel = "strategy";
		g_free(ylabel);
		ylabel = g_strdup("CPU time per byte delivered (ns/B), by "
		    "category");
		spec.nseries = ncat;
		spec.series = series;
	} else {
		/* Another metric without a numeric axis: one bar a cell. */
		guint nx = np * ns;

		y = g_new(double, nx);
		ci = g_new(double, nx);
		series = g_new0(struct plot_series, 1);
		tics = g_new0(const char *, nx);
		for (i = 0; i < nx; i++) {
			tics[i] = g_strdup_printf("%s:%s", (char *)
			    g_ptr_array_index(c.points, i / ns), (char *)
			    g_ptr_array_index(c.strat, i % ns));
			x[i] = i;
			y[i] = c.mean[i];
			ci[i] = c.ci[i];
		}
		series[0].title = metric;
		series[0].y = y;
		series[0].ci = ci;
		spec.bars = TRUE;
		spec.npoints = nx;
		spec.x = x;
		spec.xtics = tics;
		spec.xlabel = "point:strategy";
		spec.nseries = 1;
		spec.series = series;
	}
	title = g_strdup_printf("%s", figure_text(t, 0, 0));
	spec.title = title;
	spec.ylabel = ylabel;
	ok = plot_draw(&spec, error);
	if (tics != NULL) {
		for (i = 0; i < spec.npoints; i++)
			g_free((char *)tics[i]);
		g_free(tics);
	}
	for (cat = 0; cat < ncat; cat++)
		g_free(names[cat]);
	g_free(title);
	g_free(ylabel);
	g_free(label);
	g_free(xlabel);
	g_free(series);
	g_free(x);
	g_free(y);
	g_free(ci);
	figure_cells_free(&c);
	return ok;
}

static gboolean
figure_threshold(const struct figure_table *t, const char *base,
    GError **error)
{
	int			 cm = figure_col(t, "threshold_mean");
	int			 cc = figure_col(t, "threshold_ci95");
	int			 co = figure_col(t, "vary") + 1;
	guint			 n = t->rows->len, i;
	double			*x = g_new(double, n), *y = g_new(double, n);
	double			*ci = g_new(double, n);
	const char		**tics = g_new0(const char *, n);
	struct plot_series	 s;
	struct plot_spec	 spec;
	gboolean		 numeric = TRUE, ok;
	char			*title, *ylabel, *xlabel, *v;

	for (i = 0; i < n; i++) {
		x[i] = figure_num(t, i, co);
		y[i] = figure_num(t, i, cm);
		ci[i] = figure_num(t, i, cc);
		if (isnan(ci[i]))
			ci[i] = 0;
		tics[i] = figure_text(t, i, co);
		numeric = numeric && !isnan(x[i]);
	}
	for (i = 0; i < n && isnan(y[i]); i++)
		;
	if (i == n) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_MISSING,
		    "no figure: no threshold was found at any point");
		g_free(x);
		g_free(y);
		g_free(ci);
		g_free(tics);
		return FALSE;
	}
	memset(&spec, 0, sizeof(spec));
	s.title = "threshold (mean, 95% CI)";
	s.y = y;
	s.ci = ci;
	title = g_strdup_printf("%s: %s from which %s is cheaper than %s (%s)",
	    figure_text(t, 0, 0), figure_text(t, 0, co - 1),
	    figure_text(t, 0, 3), figure_text(t, 0, 2), figure_text(t, 0, 4));
	v = figure_axis_label(figure_text(t, 0, co - 1));
	ylabel = g_strdup_printf("%s at break-even", v);
	g_free(v);
	xlabel = figure_axis_label(t->head[co]);
	spec.base = base;
	spec.title = title;
	spec.xlabel = xlabel;
	spec.ylabel = ylabel;
	spec.npoints = n;
	spec.x = x;
	spec.xtics = tics;
	spec.bars = !numeric;
	spec.logx = numeric && n > 2 && x[0] > 0 && x[n - 1] / x[0] >= 16 &&
	    x[0] > 0;
	spec.nseries = 1;
	spec.series = &s;
	spec.mark_x = NAN;
	ok = plot_draw(&spec, error);
	g_free(title);
	g_free(ylabel);
	g_free(xlabel);
	g_free(x);
	g_free(y);
	g_free(ci);
	g_free(tics);
	return ok;
}

gboolean
figure_draw(const char *csv, const char *base, const char *metric,
    char **png, GError **error)
{
	struct figure_table	 t;
	char			*b;
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
	if (figure_col(&t, "threshold_mean") >= 0 &&
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
	g_free(b);
	figure_table_free(&t);
	return ok;
}
