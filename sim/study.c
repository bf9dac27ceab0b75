/* Runs a scenario's sweep x strategies x replications; writes the rows
 * (journaled as they come, so a killed run keeps them), the summary and
 * the figure. */
#include "sim/study.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/csv.h"
#include "sim/error.h"
#include "sim/plot.h"
#include "sim/stats.h"
#include "sim/sweep.h"
#include "models/model.h"

struct progress {
	char	*what;
	guint64	 total;
	guint64	 done;
	gint64	 start;
	gint64	 last;
	gboolean show;
};

struct progress *
progress_new(const char *what, guint64 total, gboolean quiet)
{
	struct progress	*p = g_new0(struct progress, 1);

	p->what = g_strdup(what);
	p->total = total;
	p->start = p->last = g_get_monotonic_time();
	p->show = !quiet && isatty(fileno(stderr));
	return p;
}

void
progress_step(struct progress *p)
{
	gint64	now = g_get_monotonic_time();
	double	secs, rate;

	p->done++;
	if (!p->show || (now - p->last < 200000 && p->done < p->total))
		return;
	p->last = now;
	secs = (now - p->start) / 1e6;
	rate = secs > 0 ? p->done / secs : 0;
	fprintf(stderr, "\r%s: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
	    " runs, %.1f runs/s, %.0f s left   ", p->what, p->done, p->total,
	    rate, rate > 0 ? (p->total - p->done) / rate : 0.0);
	if (p->done == p->total)
		fputc('\n', stderr);
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	g_free(p->what);
	g_free(p);
}

char **
study_strategies(const struct params *p, const struct study_options *o,
    GError **error)
{
	char	**s = o->strategies != NULL ? g_strdupv(o->strategies) :
	    params_list(p, "compare.strategies");
	guint	 i;

	for (i = 0; s[i] != NULL; i++) {
		if (!model_strategy_valid(p, s[i], error)) {
			g_strfreev(s);
			return NULL;
		}
	}
	return s;
}

guint64
study_replications(const struct params *p, const struct study_options *o)
{
	return o->replications > 0 ? o->replications :
	    params_count(p, "scenario.replications");
}

guint64
study_seed(const struct params *p, const struct study_options *o)
{
	return o->seed_set ? o->seed : params_count(p, "scenario.seed");
}

void
study_outputs_clear(struct study_outputs *out)
{
	g_free(out->rows);
	g_free(out->summary);
	g_free(out->figure);
	g_free(out->plot_warning);
	memset(out, 0, sizeof(*out));
}

static void
study_header(struct csv *c, const struct sweep *sw, gboolean summary)
{
	size_t	i;

	csv_field(c, "scenario");
	csv_field(c, "run_id");
	if (!summary)
		csv_field(c, "replication");
	csv_field(c, "seed");
	csv_field(c, "strategy");
	for (i = 0; i < sweep_axes(sw); i++)
		csv_field(c, sweep_axis_name(sw, i));
	if (summary)
		csv_field(c, "replications");
	for (i = 0; i < MODEL_METRIC_COUNT; i++) {
		if (summary) {
			char *a = g_strconcat(model_metric_name(i), "_mean",
			    NULL);
			char *b = g_strconcat(model_metric_name(i), "_ci95",
			    NULL);

			csv_field(c, a);
			csv_field(c, b);
			g_free(a);
			g_free(b);
		} else
			csv_field(c, model_metric_name(i));
	}
	if (!summary) {
		csv_field(c, "events");
		csv_field(c, "sim_time_ns");
		csv_field(c, "fingerprint");
	}
	csv_end_row(c);
}

static void
study_key(struct csv *c, const char *name, size_t point, const guint64 *rep,
    guint64 seed, const char *strategy, const struct sweep *sw)
{
	size_t	i;

	csv_field(c, name);
	csv_field_u64(c, point);
	if (rep != NULL)
		csv_field_u64(c, *rep);
	csv_field_u64(c, seed);
	csv_field(c, strategy);
	for (i = 0; i < sweep_axes(sw); i++) {
		double x = sweep_number(sw, point, i);

		/* Distributions keep their text ("exp(50us)"). */
		if (isnan(x) || sweep_is_dist(sw, i))
			csv_field(c, sweep_text(sw, point, i));
		else
			csv_field_double(c, x);
	}
}

/* "workload.size (bytes)": an axis label with the unit of base values. */
char *
study_axis_label(const struct params *p, const char *name)
{
	const struct param_def	*d = params_lookup(p, name);
	const char		*unit = "";

	if (d != NULL && d->type == PARAM_SIZE)
		unit = " (bytes)";
	else if (d != NULL && d->type == PARAM_TIME)
		unit = " (ns)";
	else if (d != NULL && d->type == PARAM_DIST_TIME)
		unit = " (mean, ns)";
	else if (d != NULL && d->type == PARAM_DIST_SIZE)
		unit = " (mean, bytes)";
	else if (d != NULL && d->type == PARAM_BANDWIDTH)
		unit = " (bytes/s)";
	return g_strconcat(name, unit, NULL);
}

/* The figure: cost per byte against the one numeric swept parameter,
 * every strategy, with the first break-even of the second strategy
 * against the first marked; or, without such a sweep, where the CPU time
 * of each strategy went. */
static void
study_plot(const struct params *p, const struct sweep *sw, char **strat,
    const struct model_result *res, guint64 reps, const char *base,
    struct study_outputs *out)
{
	size_t		 ns = g_strv_length(strat), np = sweep_points(sw);
	struct plot_spec spec;
	struct plot_series *series;
	double		*y, *ci, *x, *vals;
	const char	**tics = NULL;
	size_t		 s, i, k;
	GError		*err = NULL;
	char		*title, *label = NULL, *xlabel = NULL;

	memset(&spec, 0, sizeof(spec));
	spec.base = base;
	spec.mark_x = NAN;
	vals = g_new(double, reps);
	if (sweep_axes(sw) == 1 && !isnan(sweep_number(sw, 0, 0)) && np > 1) {
		x = g_new(double, np);
		y = g_new(double, ns * np);
		ci = g_new(double, ns * np);
		series = g_new0(struct plot_series, ns);
		for (i = 0; i < np; i++)
			x[i] = sweep_number(sw, i, 0);
		for (s = 0; s < ns; s++) {
			for (i = 0; i < np; i++) {
				struct ci c;

				for (k = 0; k < reps; k++)
					vals[k] = res[(i * ns + s) * reps +
					    k].v[MODEL_CPU_NS_PER_BYTE];
				c = stats_ci95(vals, reps);
				y[s * np + i] = c.mean;
				ci[s * np + i] = c.half_width;
			}
			series[s].title = strat[s];
			series[s].y = y + s * np;
			series[s].ci = ci + s * np;
		}
		/* Break-even: first point where strategy 2 costs no more than
		 * strategy 1, interpolated from the point before. */
		for (i = 0; ns >= 2 && i < np; i++) {
			double d = y[np + i] - y[i];

			/* Strictly: equal costs where both copy are ties. */
			if (d < 0) {
				if (i == 0) {
					spec.mark_x = x[0];
				} else {
					double d0 = y[np + i - 1] - y[i - 1];

					spec.mark_x = x[i - 1] + (x[i] -
					    x[i - 1]) * d0 / (d0 - d);
				}
				label = g_strdup_printf("%s = %s near %.0f",
				    strat[1], strat[0], spec.mark_x);
				break;
			}
		}
		if (label == NULL && ns >= 2)
			label = g_strdup_printf("%s never cheaper than %s here",
			    strat[1], strat[0]);
		spec.mark_label = label;
		spec.npoints = np;
		spec.x = x;
		spec.logx = x[0] > 0 && np > 2 && fabs((x[2] / x[1]) -
		    (x[1] / x[0])) < 1e-6 && x[1] / x[0] > 1.5;
		xlabel = study_axis_label(p, sweep_axis_name(sw, 0));
		spec.xlabel = xlabel;
		spec.ylabel = "CPU time per byte delivered (ns/B)";
		spec.nseries = ns;
		spec.series = series;
	} else {
		/* Stacked bars: x is (point, strategy), series categories. */
		size_t nx = np * ns, cat;

		x = g_new(double, nx);
		y = g_new(double, (MODEL_METRIC_COUNT - MODEL_CPU_CAT_FIRST) *
		    nx);
		ci = NULL;
		tics = g_new0(const char *, nx);
		series = g_new0(struct plot_series,
		    MODEL_METRIC_COUNT - MODEL_CPU_CAT_FIRST);
		for (i = 0; i < np; i++)
			for (s = 0; s < ns; s++) {
				tics[i * ns + s] = np == 1 ? g_strdup(strat[s]) :
				    g_strdup_printf("%zu:%s", i, strat[s]);
				x[i * ns + s] = (double)(i * ns + s);
			}
		for (cat = 0; cat < MODEL_METRIC_COUNT - MODEL_CPU_CAT_FIRST;
		    cat++) {
			for (i = 0; i < nx; i++) {
				double sum = 0;

				for (k = 0; k < reps; k++)
					sum += res[i * reps + k].v[
					    MODEL_CPU_CAT_FIRST + cat];
				y[cat * nx + i] = sum / (double)reps;
			}
			series[cat].title = model_metric_name(
			    MODEL_CPU_CAT_FIRST + cat) + 4;
			series[cat].y = y + cat * nx;
		}
		spec.bars = TRUE;
		spec.npoints = nx;
		spec.x = x;
		spec.xtics = tics;
		spec.xlabel = "strategy";
		spec.ylabel = "CPU time per byte delivered (ns/B), by category";
		spec.nseries = MODEL_METRIC_COUNT - MODEL_CPU_CAT_FIRST;
		spec.series = series;
	}
	title = g_strdup_printf("%s on %s", params_string(p, "scenario.name"),
	    params_string(p, "machine.name"));
	spec.title = title;
	if (plot_draw(&spec, &err))
		out->figure = g_strconcat(base, ".png", NULL);
	else {
		out->plot_warning = g_strdup(err->message);
		g_error_free(err);
	}
	if (tics != NULL) {
		for (i = 0; i < spec.npoints; i++)
			g_free((char *)tics[i]);
		g_free(tics);
	}
	g_free(title);
	g_free(label);
	g_free(xlabel);
	g_free(series);
	g_free(x);
	g_free(y);
	g_free(ci);
	g_free(vals);
}

static void
study_summary(struct csv *c, const char *name, const struct sweep *sw,
    char **strat, const struct model_result *res, guint64 reps, guint64 seed)
{
	size_t	ns = g_strv_length(strat), i, s, m, k;
	double	*vals = g_new(double, reps);

	study_header(c, sw, TRUE);
	for (i = 0; i < sweep_points(sw); i++) {
		for (s = 0; s < ns; s++) {
			study_key(c, name, i, NULL, seed, strat[s], sw);
			csv_field_u64(c, reps);
			for (m = 0; m < MODEL_METRIC_COUNT; m++) {
				struct ci ci;

				for (k = 0; k < reps; k++)
					vals[k] = res[(i * ns + s) * reps +
					    k].v[m];
				ci = stats_ci95(vals, reps);
				csv_field_double(c, ci.mean);
				csv_field_double(c, ci.half_width);
			}
			csv_end_row(c);
		}
	}
	g_free(vals);
}

static gboolean
study_mkdir(const char *dir, GError **error)
{
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "cannot create the output folder %s: %s", dir,
		    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

gboolean
study_run(const struct params *p, const struct study_options *o,
    struct study_outputs *out, GError **error)
{
	const char		*name = params_string(p, "scenario.name");
	struct sweep		*sw = NULL;
	char			**strat = NULL;
	struct model_result	*res = NULL;
	struct csv		*rows = NULL, *sum = NULL;
	struct progress		*prog = NULL;
	FILE			*journal = NULL;
	char			*base = NULL, *jpath = NULL;
	guint64			 reps, seed, r;
	size_t			 ns, i, s;
	gboolean		 ok = FALSE;
	gint64			 t0 = g_get_monotonic_time();

	memset(out, 0, sizeof(*out));
	if ((sw = sweep_new(p, error)) == NULL ||
	    (strat = study_strategies(p, o, error)) == NULL)
		goto out;
	ns = g_strv_length(strat);
	reps = study_replications(p, o);
	seed = study_seed(p, o);
	if (!study_mkdir(o->outdir, error))
		goto out;
	base = g_build_filename(o->outdir, name, NULL);
	out->rows = g_strconcat(base, ".csv", NULL);
	out->summary = g_strconcat(base, "-summary.csv", NULL);
	jpath = g_strconcat(out->rows, ".partial", NULL);
	/* A fresh journal: rows are appended and flushed one by one. */
	(void)g_unlink(jpath);
	if ((journal = csv_journal_open(jpath, error)) == NULL)
		goto out;
	res = g_new0(struct model_result, sweep_points(sw) * ns * reps);
	rows = csv_new();
	study_header(rows, sw, FALSE);
	if (!csv_journal_append(journal, csv_text(rows), error))
		goto out;
	prog = progress_new(name, sweep_points(sw) * ns * reps, o->quiet);
	for (i = 0; i < sweep_points(sw); i++) {
		struct params *pp = params_copy(p);

		if (!sweep_apply(sw, i, pp, error)) {
			params_free(pp);
			goto out;
		}
		for (s = 0; s < ns; s++) {
			for (r = 0; r < reps; r++) {
				struct model_result *mr =
				    &res[(i * ns + s) * reps + r];
				GError	*err = NULL;
				size_t	 m;

				if (!model_run(pp, strat[s], seed, (guint32)r,
				    mr, &err)) {
					g_set_error(error, LOANSIM_ERROR,
					    err->code, "run %zu (%s, "
					    "replication %" G_GUINT64_FORMAT
					    "): %s", i, strat[s], r,
					    err->message);
					g_error_free(err);
					params_free(pp);
					goto out;
				}
				study_key(rows, name, i, &r, seed, strat[s],
				    sw);
				for (m = 0; m < MODEL_METRIC_COUNT; m++)
					csv_field_double(rows, mr->v[m]);
				csv_field_u64(rows, mr->events);
				csv_field_u64(rows, mr->sim_time_ns);
				{
					char fp[17];

					g_snprintf(fp, sizeof(fp), "%016"
					    G_GINT64_MODIFIER "x",
					    mr->fingerprint);
					csv_field(rows, fp);
				}
				csv_end_row(rows);
				if (!csv_journal_append(journal,
				    csv_last_row(rows), error)) {
					params_free(pp);
					goto out;
				}
				out->runs++;
				progress_step(prog);
			}
		}
		params_free(pp);
	}
	sum = csv_new();
	study_summary(sum, name, sw, strat, res, reps, seed);
	if (!csv_write_atomic(rows, out->rows, error) ||
	    !csv_write_atomic(sum, out->summary, error))
		goto out;
	fclose(journal);
	journal = NULL;
	(void)g_unlink(jpath);
	if (!o->no_plot)
		study_plot(p, sw, strat, res, reps, base, out);
	ok = TRUE;
out:
	out->seconds = (g_get_monotonic_time() - t0) / 1e6;
	if (journal != NULL)
		fclose(journal);
	progress_free(prog);
	csv_free(rows);
	csv_free(sum);
	g_free(res);
	g_free(base);
	g_free(jpath);
	g_strfreev(strat);
	sweep_free(sw);
	return ok;
}
