/* Break-even search with the simulation itself. */
#include "sim/threshold.h"

#include <math.h>
#include <string.h>

#include "sim/csv.h"
#include "sim/error.h"
#include "sim/figure.h"
#include "sim/stats.h"
#include "sim/sweep.h"
#include "sim/units.h"
#include "models/model.h"

#define THRESHOLD_MAX_GRID 200

struct threshold_ctx {
	const struct threshold_options	*o;
	const struct param_def		*vary;
	char				**strat;	/* base, candidate */
	int				 metric;
	gboolean			 higher;	/* more is better */
	guint64				 seed;
	struct progress			*prog;
	guint64				 runs;
};

/* One replication's search, on any thread: it reads the context and
 * writes only here. */
struct threshold_rep {
	struct threshold_ctx	*c;
	const struct params	*base;
	double			 lo;
	double			 hi;
	guint64			 r;
	double			 x;
	int			 where;
	guint64			 runs;
	GError			*error;
};

/* Below 0 where the candidate wins at x in replication r: cheaper (or,
 * for a metric where more is better, higher) than the base by more than
 * the margin. */
static gboolean
threshold_diff(struct threshold_rep *t, struct params *p, double x,
    double *d, GError **error)
{
	struct threshold_ctx	*c = t->c;
	struct model_result	 res[2];
	char			*text = sweep_value_text(x, c->vary->type);
	double			 base, cand;
	gboolean		 ok;
	int			 s;

	if (study_interrupted) {
		g_free(text);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERRUPTED,
		    "interrupted");
		return FALSE;
	}
	ok = params_set(p, c->o->vary, text, "threshold search", error);
	g_free(text);
	for (s = 0; ok && s < 2; s++) {
		ok = model_run_interruptible(p, c->strat[s], c->seed,
		    (guint32)t->r, &study_interrupted, &res[s], error);
		t->runs++;
	}
	if (!ok)
		return FALSE;
	base = res[0].v[c->metric];
	cand = res[1].v[c->metric];
	*d = c->higher ? base * (1 + c->o->margin) - cand :
	    cand - base * (1 - c->o->margin);
	progress_step(c->prog);
	return TRUE;
}

/* One replication's threshold: where < 0 below the range, > 0 above. */
static gboolean
threshold_search_rep(struct threshold_rep *t, struct params *p,
    GError **error)
{
	struct threshold_ctx	*c = t->c;
	gboolean		 integral = sweep_type_integral(c->vary->type);
	double			 a = t->lo, b, d, prev = t->lo;
	int			 i;

	t->where = 1;
	t->x = NAN;
	for (i = 0; i < THRESHOLD_MAX_GRID; i++) {
		b = i == 0 ? t->lo : MIN(t->hi, prev * c->o->grid_factor);
		if (integral)
			b = round(b);
		if (!threshold_diff(t, p, b, &d, error))
			return FALSE;
		if (d < 0)
			break;
		a = b;
		prev = b;
		if (b >= t->hi)
			return TRUE;	/* never wins in range */
	}
	if (i == 0) {
		t->where = -1;
		t->x = t->lo;
		return TRUE;
	}
	/* Bisection: a loses, b wins. */
	while (b - a > MAX(integral ? 1.0 : 0.0, c->o->resolution * a)) {
		double m = (a + b) / 2;

		if (integral)
			m = floor(m);
		if (m <= a)
			break;
		if (!threshold_diff(t, p, m, &d, error))
			return FALSE;
		if (d < 0)
			b = m;
		else
			a = m;
	}
	t->where = 0;
	t->x = b;
	return TRUE;
}

static void
threshold_worker(guint i, gpointer data)
{
	struct threshold_rep	*t = (struct threshold_rep *)data + i;
	struct params		*p = params_copy(t->base);

	threshold_search_rep(t, p, &t->error);
	params_free(p);
}

/* The replications search at once on -j threads, each on its own copy
 * of the parameters; their results are taken in replication order, so
 * the output is the same for any -j. */
static gboolean
threshold_point(struct threshold_ctx *c, const struct params *base,
    double lo, double hi, guint64 reps, struct threshold_result *tr,
    GError **error)
{
	struct threshold_rep	*t = g_new0(struct threshold_rep, reps);
	double			*xs = g_new(double, reps);
	guint			 jobs = MAX(1, c->o->study.jobs);
	guint64			 r;
	gboolean		 ok = TRUE;

	for (r = 0; r < reps; r++) {
		t[r].c = c;
		t[r].base = base;
		t[r].lo = lo;
		t[r].hi = hi;
		t[r].r = r;
	}
	if (jobs == 1 || reps < 2) {
		for (r = 0; r < reps; r++)
			threshold_worker((guint)r, t);
	} else
		study_workers_join(study_workers_start(jobs, (guint)reps,
		    threshold_worker, t));
	tr->replications = reps;
	tr->min = INFINITY;
	tr->max = -INFINITY;
	for (r = 0; r < reps; r++) {
		c->runs += t[r].runs;
		if (t[r].error != NULL) {
			if (ok)
				g_propagate_error(error, t[r].error);
			else
				g_error_free(t[r].error);
			ok = FALSE;
		} else if (t[r].where < 0)
			tr->below++;
		else if (t[r].where > 0)
			tr->above++;
		else {
			xs[tr->found++] = t[r].x;
			tr->min = MIN(tr->min, t[r].x);
			tr->max = MAX(tr->max, t[r].x);
		}
	}
	/* The mean of the replications that found one; an interval only
	 * from two of them or more. */
	tr->mean = tr->ci95 = NAN;
	if (ok && tr->found > 0) {
		struct ci ci = stats_ci95(xs, tr->found);

		tr->mean = ci.mean;
		if (tr->found >= 2)
			tr->ci95 = ci.half_width;
	}
	g_free(xs);
	g_free(t);
	return ok;
}

static gboolean
threshold_range(const struct threshold_options *o,
    const struct param_def *d, double *lo, double *hi, GError **error)
{
	GPtrArray	*t = g_ptr_array_new_with_free_func(g_free);
	GArray		*n = g_array_new(FALSE, FALSE, sizeof(double));
	char		*spec = g_strdup_printf("%s, %s", o->lo, o->hi);
	gboolean	 ok;

	ok = sweep_expand(spec, d->type, t, n, error);
	if (ok) {
		*lo = g_array_index(n, double, 0);
		*hi = g_array_index(n, double, 1);
		if (!(*lo > 0 && *hi > *lo)) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--from %s --to %s: expected 0 < from < to",
			    o->lo, o->hi);
			ok = FALSE;
		}
	}
	g_free(spec);
	g_ptr_array_free(t, TRUE);
	g_array_free(n, TRUE);
	return ok;
}

static void
threshold_write(const struct params *p, const struct threshold_ctx *c,
    const char *over_name, struct threshold_outputs *out, const char *base,
    GError **error)
{
	struct csv	*csv = csv_new();
	const char	*name = params_string(p, "scenario.name");
	guint		 i;

	csv_field(csv, "scenario");
	csv_field(csv, "seed");
	csv_field(csv, "base");
	csv_field(csv, "candidate");
	csv_field(csv, "metric");
	csv_field(csv, "vary");
	csv_field(csv, over_name != NULL ? over_name : "over");
	csv_field(csv, "threshold_mean");
	csv_field(csv, "threshold_ci95");
	csv_field(csv, "threshold_min");
	csv_field(csv, "threshold_max");
	csv_field(csv, "replications");
	csv_field(csv, "found");
	csv_field(csv, "wins_below_range");
	csv_field(csv, "never_wins_in_range");
	csv_end_row(csv);
	for (i = 0; i < out->results->len; i++) {
		struct threshold_result *r = &g_array_index(out->results,
		    struct threshold_result, i);

		csv_field(csv, name);
		csv_field_u64(csv, c->seed);
		csv_field(csv, c->strat[0]);
		csv_field(csv, c->strat[1]);
		csv_field(csv, c->o->metric);
		csv_field(csv, c->o->vary);
		if (isnan(r->over))
			csv_field(csv, r->over_text ? r->over_text : "");
		else
			csv_field_double(csv, r->over);
		csv_field_double(csv, r->mean);
		csv_field_double(csv, r->ci95);
		csv_field_double(csv, r->found ? r->min : NAN);
		csv_field_double(csv, r->found ? r->max : NAN);
		csv_field_u64(csv, r->replications);
		csv_field_u64(csv, r->found);
		csv_field_u64(csv, r->below);
		csv_field_u64(csv, r->above);
		csv_end_row(csv);
	}
	out->csv = g_strconcat(base, ".csv", NULL);
	csv_write_atomic(csv, out->csv, error);
	csv_free(csv);
}

gboolean
threshold_run(const struct params *p, const struct threshold_options *o,
    struct threshold_outputs *out, GError **error)
{
	struct threshold_ctx	 c;
	const struct param_def	*od = NULL;
	GPtrArray		*otexts = g_ptr_array_new_with_free_func(g_free);
	GArray			*onums = g_array_new(FALSE, FALSE, sizeof(double));
	char			*over_name = NULL, *base = NULL;
	double			 lo, hi;
	guint64			 reps;
	gboolean		 ok = FALSE;
	guint			 i, npts = 1;
	gint64			 t0 = g_get_monotonic_time();

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	out->results = g_array_new(FALSE, TRUE, sizeof(struct threshold_result));
	c.o = o;
	if (!study_name_check(params_string(p, "scenario.name"), error))
		goto out;
	if ((c.vary = params_lookup(p, o->vary)) == NULL) {
		const char *sug = params_suggest(p, o->vary);

		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--vary %s: unknown parameter%s%s%s", o->vary,
		    sug ? "; did you mean " : "", sug ? sug : "",
		    sug ? "?" : "");
		goto out;
	}
	if (sweep_param_study(o->vary)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--vary %s: the study itself reads this parameter; "
		    "searching it would change nothing", o->vary);
		goto out;
	}
	if (!sweep_type_integral(c.vary->type) &&
	    c.vary->type != PARAM_BANDWIDTH && c.vary->type != PARAM_REAL &&
	    c.vary->type != PARAM_PROBABILITY) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--vary %s: a %s parameter cannot be searched; give a size, "
		    "time, count, bandwidth, probability or real", o->vary,
		    params_type_name(c.vary->type));
		goto out;
	}
	if ((c.metric = model_metric_lookup(o->metric)) < 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--metric %s: unknown metric (see the columns of a run's "
		    "CSV, e.g. cpu_ns_per_byte)", o->metric);
		goto out;
	}
	c.higher = model_metric_higher_is_better((unsigned)c.metric);
	if ((c.strat = study_strategies(p, &o->study, error)) == NULL)
		goto out;
	if (g_strv_length(c.strat) != 2) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--compare: expected exactly two strategies, base first "
		    "(e.g. copy,loan)");
		goto out;
	}
	if (!threshold_range(o, c.vary, &lo, &hi, error))
		goto out;
	if (o->over != NULL) {
		const char *eq = strchr(o->over, '=');

		if (eq == NULL || eq == o->over) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--over %s: expected PARAM=LIST, e.g. "
			    "workload.rewrite_probability=0,0.5,1", o->over);
			goto out;
		}
		over_name = g_strndup(o->over, (gsize)(eq - o->over));
		if ((od = params_lookup(p, over_name)) == NULL) {
			const char *sug = params_suggest(p, over_name);

			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--over %s: unknown parameter%s%s%s", over_name,
			    sug ? "; did you mean " : "", sug ? sug : "",
			    sug ? "?" : "");
			goto out;
		}
		if (sweep_param_study(over_name)) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--over %s: the study itself reads this parameter; "
			    "a curve over it would be flat", over_name);
			goto out;
		}
		if (!sweep_expand(eq + 1, od->type, otexts, onums, error)) {
			g_prefix_error(error, "--over %s: ", over_name);
			goto out;
		}
		npts = otexts->len;
	}
	reps = study_replications(p, &o->study);
	c.seed = study_seed(p, &o->study);
	c.prog = progress_new("threshold", 0, o->study.quiet);
	for (i = 0; i < npts; i++) {
		struct threshold_result	 tr;
		struct params		*pp = params_copy(p);

		memset(&tr, 0, sizeof(tr));
		tr.over = NAN;
		if (od != NULL) {
			tr.over = g_array_index(onums, double, i);
			tr.over_text = g_strdup(g_ptr_array_index(otexts, i));
			if (!params_set(pp, over_name, tr.over_text, "--over",
			    error)) {
				g_free(tr.over_text);
				params_free(pp);
				goto out;
			}
		}
		ok = threshold_point(&c, pp, lo, hi, reps, &tr, error);
		params_free(pp);
		g_array_append_val(out->results, tr);
		if (!ok)
			goto out;
		ok = FALSE;
	}
	if (g_mkdir_with_parents(o->study.outdir, 0777) != 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "cannot create the output folder %s", o->study.outdir);
		goto out;
	}
	{
		char *file = g_strconcat(params_string(p, "scenario.name"),
		    "-threshold", NULL);

		base = g_build_filename(o->study.outdir, file, NULL);
		g_free(file);
	}
	threshold_write(p, &c, over_name, out, base, error);
	if (error != NULL && *error != NULL)
		goto out;
	if (od != NULL && !o->study.no_plot) {
		GError *e = NULL;

		if (!figure_draw(out->csv, base, NULL, &out->figure, &e)) {
			out->plot_warning = g_strdup(e->message);
			g_error_free(e);
		}
	}
	ok = TRUE;
out:
	progress_end(c.prog);
	out->runs = c.runs;
	out->seconds = (g_get_monotonic_time() - t0) / 1e6;
	progress_free(c.prog);
	g_strfreev(c.strat);
	g_free(over_name);
	g_free(base);
	g_ptr_array_free(otexts, TRUE);
	g_array_free(onums, TRUE);
	return ok;
}

void
threshold_outputs_clear(struct threshold_outputs *out)
{
	guint	i;

	if (out->results != NULL) {
		for (i = 0; i < out->results->len; i++)
			g_free(g_array_index(out->results,
			    struct threshold_result, i).over_text);
		g_array_free(out->results, TRUE);
	}
	g_free(out->csv);
	g_free(out->figure);
	g_free(out->plot_warning);
	memset(out, 0, sizeof(*out));
}
