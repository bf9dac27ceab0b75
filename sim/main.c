/* loansim: the command line.
 *
 *   loansim run SCENARIO [-p group.key=value]... [-o DIR] [--seed N]
 *                        [--replications N] [--compare LIST] [-q]
 *   loansim threshold SCENARIO --vary PARAM [--compare A,B] [--metric M]
 *                        [--from X] [--to Y] [--over PARAM=LIST] ...
 *   loansim params
 *
 * Exit status: 0 success, 1 a failure to write or draw (a figure not
 * drawn for want of gnuplot is only a warning, except for plot), 2 bad
 * input, 3 a bug, 130 interrupted. */
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "sim/calibrate.h"
#include "sim/error.h"
#include "sim/figure.h"
#include "sim/params.h"
#include "sim/plot.h"
#include "sim/regress.h"
#include "sim/slab.h"
#include "sim/study.h"
#include "sim/sweep.h"
#include "sim/threshold.h"
#include "sim/units.h"
#include "models/model.h"

struct main_opts {
	char		**params;
	char		**sweeps;
	char		 *outdir;
	char		 *seed;
	char		 *replications;
	char		 *compare;
	gboolean	  quiet;
	gboolean	  no_plot;
	gboolean	  dry_run;
	gint		  jobs;
	char		 *shard;
	char		 *ci_target;
	char		 *ci_metric;
	char		 *max_reps;
	gboolean	  check_invariants;
	char		 *max_events;
	char		 *max_sim_time;
	/* threshold */
	char		 *vary;
	char		 *metric;
	char		 *from;
	char		 *to;
	char		 *over;
	double		  factor;
	double		  resolution;
	double		  margin;
};

static int
main_status(const GError *e)
{
	if (e->domain != LOANSIM_ERROR)
		return LOANSIM_EXIT_USAGE;	/* GOption's own errors */
	switch (e->code) {
	case LOANSIM_ERROR_INPUT:
	case LOANSIM_ERROR_LIMIT:
		return LOANSIM_EXIT_USAGE;
	case LOANSIM_ERROR_INTERRUPTED:
		return LOANSIM_EXIT_INTERRUPTED;
	case LOANSIM_ERROR_INTERNAL:
		return LOANSIM_EXIT_INTERNAL;
	default:
		return LOANSIM_EXIT_FAILURE;
	}
}

static int
main_fail(GError *e)
{
	int	status = main_status(e);

	fprintf(stderr, "loansim: %s\n", e->message);
	g_error_free(e);
	return status;
}

/* A figure that was not drawn: a warning when there is no gnuplot
 * (figures are optional: run, merge and threshold still exit 0), a
 * failure to draw (exit 1) when gnuplot is there but failed. */
static int
main_plot_status(const char *warning)
{
	char	*gnuplot;
	int	 status;

	if (warning == NULL)
		return 0;
	fprintf(stderr, "loansim: %s\n", warning);
	gnuplot = plot_gnuplot();
	status = gnuplot != NULL ? LOANSIM_EXIT_FAILURE : 0;
	g_free(gnuplot);
	return status;
}

/* --help: GLib's help, with "[OPTION...]" in ASCII (GLib writes an
 * ellipsis that the C locale turns into "?").  TRUE if it was asked. */
static gboolean
main_help(GOptionContext *ctx, int argc, char **argv)
{
	char	*h, **parts;
	int	 i;

	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-?") == 0 ||
		    strcmp(argv[i], "--help-all") == 0)
			break;
	if (i == argc || strcmp(argv[i], "--") == 0)
		return FALSE;
	h = g_option_context_get_help(ctx, TRUE, NULL);
	parts = g_strsplit(h, "\xe2\x80\xa6", -1);	/* U+2026 */
	g_free(h);
	h = g_strjoinv("...", parts);
	fputs(h, stdout);
	g_strfreev(parts);
	g_free(h);
	return TRUE;
}

static void
main_opts_free(struct main_opts *o)
{
	g_strfreev(o->params);
	g_strfreev(o->sweeps);
	g_free(o->outdir);
	g_free(o->seed);
	g_free(o->replications);
	g_free(o->compare);
	g_free(o->vary);
	g_free(o->metric);
	g_free(o->from);
	g_free(o->to);
	g_free(o->over);
	g_free(o->shard);
	g_free(o->ci_target);
	g_free(o->ci_metric);
	g_free(o->max_reps);
	g_free(o->max_events);
	g_free(o->max_sim_time);
}

static const char *main_run_desc =
"Runs every point of the scenario's [sweep] (if any), every strategy of\n"
"[compare] strategies (or --compare), and every replication, and writes\n"
"  DIR/NAME.csv          one row per run: scenario, run_id, replication,\n"
"                        seed, strategy, each swept parameter (sizes in\n"
"                        bytes, times in ns), then the metrics\n"
"  DIR/NAME-summary.csv  mean and 95% confidence half-width per metric\n"
"  DIR/NAME.png, .svg    the figure, with its .gp script and .dat data\n"
"NAME is [scenario] name.  Rows are journaled to NAME.csv.partial as they\n"
"are computed, so a killed run keeps them.  The same scenario and seed\n"
"give byte-identical files; -j, --shard and resuming change nothing.\n"
"SIGINT or SIGTERM stops at once, abandoning the runs under way and\n"
"keeping those finished; run the same command again to resume.  Exit\n"
"status: 0 done (also without gnuplot: the figure's script and data are\n"
"written, with a warning), 1 could not write a file or gnuplot failed to\n"
"draw, 2 bad input (the message names the file, line, group, key and\n"
"value), 3 a broken model invariant (a bug), 130 interrupted.";

static const char *main_merge_desc =
"Reads the rows written by 'loansim run SCENARIO --shard K/N' (files\n"
"NAME.shard-K-of-N.csv, from any number of machines) and writes, in DIR,\n"
"exactly what one unsharded run would have written: NAME.csv,\n"
"NAME-summary.csv and the figure.  Give the same scenario, -p overrides,\n"
"--seed and --replications as the shards had; every run must be there.";

static const char *main_threshold_desc =
"Finds the smallest value of --vary at which the second strategy of\n"
"--compare is cheaper than the first on --metric (by more than --margin;\n"
"exact ties never count), searching with the\n"
"simulation (a geometric grid from --from to --to, then bisection), each\n"
"replication on its own paired difference (common random numbers), and\n"
"prints the mean threshold with its 95% interval.  With --over\n"
"PARAM=LIST the search repeats for each value, giving a curve written to\n"
"DIR/NAME-threshold.csv and plotted (NAME-threshold.png, .svg, .gp, .dat).\n"
"Exit status as for 'loansim run --help'.";

static GOptionContext *
main_context(const char *cmd, struct main_opts *o)
{
	GOptionEntry common[] = {
		{ "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o->params,
		  "Override a parameter (repeatable)", "GROUP.KEY=VALUE" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->outdir,
		  "Folder for results (default: out)", "DIR" },
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &o->seed,
		  "Seed of every random stream (default: scenario.seed)", "N" },
		{ "replications", 'r', 0, G_OPTION_ARG_STRING, &o->replications,
		  "Replications per run (default: scenario.replications)", "N" },
		{ "compare", 'c', 0, G_OPTION_ARG_STRING, &o->compare,
		  "Strategies, comma-separated (default: compare.strategies)",
		  "LIST" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet,
		  "No progress line (run: no report either)", NULL },
		{ "no-plot", 0, 0, G_OPTION_ARG_NONE, &o->no_plot,
		  "Do not draw figures", NULL },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs,
		  "Runs at once (default: one per CPU); output is the same "
		  "for any N", "N" },
		{ "check-invariants", 0, 0, G_OPTION_ARG_NONE,
		  &o->check_invariants, "Check the models' invariants after "
		  "every event too (scenario.check_invariants)", NULL },
		{ "max-events", 0, 0, G_OPTION_ARG_STRING, &o->max_events,
		  "Stop a run after N events, an error (scenario.max_events)",
		  "N" },
		{ "max-sim-time", 0, 0, G_OPTION_ARG_STRING, &o->max_sim_time,
		  "Stop a run after this much simulated time, an error "
		  "(scenario.max_sim_time)", "TIME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionEntry run[] = {
		{ "sweep", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->sweeps,
		  "Sweep a parameter, as in [sweep] (repeatable)",
		  "GROUP.KEY=SPEC" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &o->dry_run,
		  "List the runs without running them", NULL },
		{ "shard", 0, 0, G_OPTION_ARG_STRING, &o->shard,
		  "Do only share K of N of the runs (join with 'merge')",
		  "K/N" },
		{ "ci-target", 0, 0, G_OPTION_ARG_STRING, &o->ci_target,
		  "Replicate until the 95% interval of the --ci-metric is "
		  "within this fraction of its mean (0.02 or 2%)", "X" },
		{ "ci-metric", 0, 0, G_OPTION_ARG_STRING, &o->ci_metric,
		  "Metric for --ci-target (default: cpu_ns_per_byte)",
		  "METRIC" },
		{ "max-replications", 0, 0, G_OPTION_ARG_STRING, &o->max_reps,
		  "Cap for --ci-target (default: 100)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionEntry thr[] = {
		{ "vary", 0, 0, G_OPTION_ARG_STRING, &o->vary,
		  "Parameter to search (default: workload.size)", "GROUP.KEY" },
		{ "metric", 'm', 0, G_OPTION_ARG_STRING, &o->metric,
		  "Metric compared (default: cpu_ns_per_byte)", "NAME" },
		{ "from", 0, 0, G_OPTION_ARG_STRING, &o->from,
		  "Low end of the search (default: 256B)", "VALUE" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &o->to,
		  "High end of the search (default: 1MiB)", "VALUE" },
		{ "factor", 0, 0, G_OPTION_ARG_DOUBLE, &o->factor,
		  "Grid factor before bisection (default: 2)", "F" },
		{ "resolution", 0, 0, G_OPTION_ARG_DOUBLE, &o->resolution,
		  "Relative resolution of the bisection (default: 0.01)", "R" },
		{ "margin", 0, 0, G_OPTION_ARG_DOUBLE, &o->margin,
		  "Relative win that counts (default: 0.001)", "R" },
		{ "over", 0, 0, G_OPTION_ARG_STRING, &o->over,
		  "Repeat for each value of a second parameter",
		  "GROUP.KEY=LIST" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext	*ctx;

	if (strcmp(cmd, "merge") == 0) {
		ctx = g_option_context_new("SCENARIO SHARD.csv... - join the "
		    "rows of --shard runs");
		g_option_context_set_description(ctx, main_merge_desc);
	} else if (strcmp(cmd, "run") == 0 || strcmp(cmd, "sweep") == 0) {
		ctx = g_option_context_new("SCENARIO - run a scenario");
		g_option_context_set_description(ctx, main_run_desc);
		g_option_context_add_main_entries(ctx, run, NULL);
	} else {
		ctx = g_option_context_new("SCENARIO - find a break-even "
		    "threshold");
		g_option_context_set_description(ctx, main_threshold_desc);
		g_option_context_add_main_entries(ctx, thr, NULL);
	}
	g_option_context_add_main_entries(ctx, common, NULL);
	g_option_context_set_summary(ctx, "See loansim(1) for the scenario "
	    "file format; 'loansim params' lists every parameter.");
	return ctx;
}

/* An option that sets a parameter, as -p would. */
static gboolean
main_set(struct params *p, const char *option, const char *name,
    const char *value, GError **error)
{
	if (value == NULL ||
	    params_set(p, name, value, SWEEP_COMMAND_LINE, error))
		return TRUE;
	g_prefix_error(error, "%s: ", option);
	return FALSE;
}

/* Scenario file, then -p overrides and the options that set parameters,
 * then --sweep axes. */
static struct params *
main_load(const char *path, struct main_opts *o, GError **error)
{
	struct params	*p = model_params_new();
	guint		 i;

	if (!params_load_file(p, path, error))
		goto fail;
	for (i = 0; o->params && o->params[i]; i++)
		if (!params_override(p, o->params[i], error))
			goto fail;
	if (!main_set(p, "--max-events", "scenario.max_events",
	    o->max_events, error) ||
	    !main_set(p, "--max-sim-time", "scenario.max_sim_time",
	    o->max_sim_time, error) ||
	    !main_set(p, "--check-invariants", "scenario.check_invariants",
	    o->check_invariants ? "true" : NULL, error))
		goto fail;
	for (i = 0; o->sweeps && o->sweeps[i]; i++) {
		char	*eq = strchr(o->sweeps[i], '=');
		char	*name;
		gboolean ok;

		if (eq == NULL) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--sweep %s: expected GROUP.KEY=SPEC",
			    o->sweeps[i]);
			goto fail;
		}
		name = g_strstrip(g_strndup(o->sweeps[i],
		    (gsize)(eq - o->sweeps[i])));
		ok = params_add_sweep(p, name, eq + 1, "command line", error);
		g_free(name);
		if (!ok)
			goto fail;
	}
	return p;
fail:
	params_free(p);
	return NULL;
}

/* --ci-target X (0.02 or 2%) and --ci-metric METRIC. */
static gboolean
main_ci_opts(struct main_opts *o, struct study_options *so, GError **error)
{
	int	m = 0;

	if (o->ci_target != NULL && (!units_parse_probability(o->ci_target,
	    &so->ci_target, NULL) || so->ci_target <= 0 ||
	    so->ci_target >= 1)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--ci-target %s: expected a fraction above 0 and below 1, "
		    "such as 0.02 or 2%%", o->ci_target);
		return FALSE;
	}
	if (o->ci_metric != NULL && o->ci_target == NULL) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--ci-metric %s: only with --ci-target", o->ci_metric);
		return FALSE;
	}
	if (o->ci_metric != NULL &&
	    (m = model_metric_lookup(o->ci_metric)) < 0) {
		GString	*known = g_string_new(NULL);
		guint	 i;

		for (i = 0; i < MODEL_METRIC_COUNT; i++)
			g_string_append_printf(known, "%s%s", i ? ", " : "",
			    model_metric_name(i));
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--ci-metric %s: unknown metric; the metrics are %s",
		    o->ci_metric, known->str);
		g_string_free(known, TRUE);
		return FALSE;
	}
	so->ci_metric = (guint)m;
	return TRUE;
}

static gboolean
main_study_opts(struct main_opts *o, struct study_options *so,
    GError **error)
{
	memset(so, 0, sizeof(*so));
	so->outdir = o->outdir ? o->outdir : "out";
	so->quiet = o->quiet;
	so->no_plot = o->no_plot;
	if (o->jobs < 0 || o->jobs > 1024) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "-j %d: expected 1 to 1024", o->jobs);
		return FALSE;
	}
	so->jobs = o->jobs > 0 ? (guint)o->jobs : g_get_num_processors();
	if (o->shard != NULL) {
		guint64	k = 0, n = 0;
		char	*end;

		k = g_ascii_strtoull(o->shard, &end, 10);
		if (*end == '/')
			n = g_ascii_strtoull(end + 1, &end, 10);
		if (*end != '\0' || n < 1 || n > 100000 || k < 1 || k > n) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--shard %s: expected K/N with 1 <= K <= N, e.g. "
			    "2/8", o->shard);
			return FALSE;
		}
		so->shard = (guint)k;
		so->nshards = (guint)n;
	}
	if (!main_ci_opts(o, so, error))
		return FALSE;
	so->max_replications = 100;
	if (o->max_reps != NULL && (!units_parse_count(o->max_reps,
	    &so->max_replications, error) || so->max_replications < 1 ||
	    so->max_replications > 10000)) {
		g_clear_error(error);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--max-replications %s: expected 1 to 10000", o->max_reps);
		return FALSE;
	}
	if (o->seed != NULL) {
		if (!units_parse_count(o->seed, &so->seed, error)) {
			g_prefix_error(error, "--seed: ");
			return FALSE;
		}
		so->seed_set = TRUE;
	}
	if (o->replications != NULL) {
		if (!units_parse_count(o->replications, &so->replications,
		    error)) {
			g_prefix_error(error, "--replications: ");
			return FALSE;
		}
		if (so->replications < 1 || so->replications > 10000) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--replications %s: expected 1 to 10000",
			    o->replications);
			return FALSE;
		}
	}
	if (o->compare != NULL) {
		guint i;

		so->strategies = g_strsplit(o->compare, ",", -1);
		for (i = 0; so->strategies[i]; i++)
			g_strstrip(so->strategies[i]);
		if (i == 0) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--compare: no strategy given");
			return FALSE;
		}
	}
	return TRUE;
}

static int
main_dry_run(const struct params *p, const struct study_options *so)
{
	GError	*e = NULL;

	return study_dry_run(p, so, stdout, &e) ? 0 : main_fail(e);
}

/* After a --ci-target study, on stderr: how many cells stopped at
 * --max-replications short of the target (with -q only if some did). */
static void
main_ci_report(const struct study_options *so,
    const struct study_outputs *out, gboolean quiet)
{
	if (out->cells == 0 || (quiet && out->capped == 0))
		return;
	fprintf(stderr, "loansim: --ci-target %.4g%% of %s: %" G_GUINT64_FORMAT
	    " of %" G_GUINT64_FORMAT " cells (point, strategy) stopped at "
	    "--max-replications %" G_GUINT64_FORMAT " with the 95%% interval "
	    "still wider\n", so->ci_target * 100,
	    model_metric_name(so->ci_metric), out->capped, out->cells,
	    so->max_replications);
}

static int
main_run(const char *scenario, struct main_opts *o)
{
	struct study_options	 so;
	struct study_outputs	 out;
	struct params		*p;
	GError			*e = NULL;
	int			 status = 0;

	if (!main_study_opts(o, &so, &e) ||
	    (p = main_load(scenario, o, &e)) == NULL) {
		g_strfreev(so.strategies);
		return main_fail(e);
	}
	if (o->dry_run) {
		status = main_dry_run(p, &so);
		goto done;
	}
	if (!study_run(p, &so, &out, &e)) {
		status = main_fail(e);
		study_outputs_clear(&out);
		goto done;
	}
	if (!o->quiet) {
		if (out.up_to_date)
			printf("nothing to do: the outputs are those of this "
			    "study\n");
		else {
			printf("%" G_GUINT64_FORMAT " runs in %.1f s",
			    out.runs, out.seconds);
			if (out.resumed > 0)
				printf(" (%" G_GUINT64_FORMAT " more resumed "
				    "from an interrupted run)", out.resumed);
			printf("\n");
		}
		printf("rows:    %s\n", out.rows);
		if (out.summary != NULL)
			printf("summary: %s\n", out.summary);
		if (out.figure != NULL)
			printf("figure:  %s (and .svg, .gp, .dat)\n",
			    out.figure);
	}
	main_ci_report(&so, &out, o->quiet);
	status = main_plot_status(out.plot_warning);
	study_outputs_clear(&out);
done:
	g_strfreev(so.strategies);
	params_free(p);
	return status;
}

static int
main_merge(const char *scenario, char **files, struct main_opts *o)
{
	struct study_options	 so;
	struct study_outputs	 out;
	struct params		*p;
	GError			*e = NULL;
	int			 status = 0;

	if (!main_study_opts(o, &so, &e) ||
	    (p = main_load(scenario, o, &e)) == NULL) {
		g_strfreev(so.strategies);
		return main_fail(e);
	}
	if (!study_merge(p, &so, files, &out, &e))
		status = main_fail(e);
	else if (!o->quiet) {
		printf("%" G_GUINT64_FORMAT " runs joined\nrows:    %s\n"
		    "summary: %s\n", out.resumed, out.rows, out.summary);
		if (out.figure != NULL)
			printf("figure:  %s (and .svg, .gp, .dat)\n",
			    out.figure);
	}
	if (status == 0)
		status = main_plot_status(out.plot_warning);
	study_outputs_clear(&out);
	g_strfreev(so.strategies);
	params_free(p);
	return status;
}

static char *
main_format_value(const struct param_def *d, double x)
{
	if (d->type == PARAM_SIZE)
		return units_format_size(x);
	if (d->type == PARAM_TIME)
		return units_format_time(x);
	return g_strdup_printf("%.4g", x);
}

static void
main_print_threshold(const struct param_def *d,
    const struct threshold_result *r, const char *over)
{
	if (over != NULL)
		printf("%s = %s: ", over, r->over_text);
	if (r->found > 0 && isnan(r->ci95)) {
		char *m = main_format_value(d, r->mean);

		/* One replication found it: no interval. */
		printf("%s (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
		    " replications; no interval)", m, r->found,
		    r->replications);
		g_free(m);
	} else if (r->found > 0) {
		char *m = main_format_value(d, r->mean);
		char *ci = main_format_value(d, r->ci95);
		char *lo = main_format_value(d, r->mean - r->ci95);
		char *hi = main_format_value(d, r->mean + r->ci95);

		printf("%s +- %s (95%% CI %s .. %s; %" G_GUINT64_FORMAT
		    " of %" G_GUINT64_FORMAT " replications)", m, ci, lo, hi,
		    r->found, r->replications);
		g_free(m);
		g_free(ci);
		g_free(lo);
		g_free(hi);
	} else
		printf("no threshold found in range");
	if (r->below > 0)
		printf("; wins already at the low end in %" G_GUINT64_FORMAT,
		    r->below);
	if (r->above > 0)
		printf("; never wins in range in %" G_GUINT64_FORMAT, r->above);
	printf("\n");
}

static int
main_threshold(const char *scenario, struct main_opts *o)
{
	struct threshold_options to;
	struct threshold_outputs out;
	struct params		*p;
	GError			*e = NULL;
	int			 status = 0;
	guint			 i;

	memset(&to, 0, sizeof(to));
	if (!main_study_opts(o, &to.study, &e) ||
	    (p = main_load(scenario, o, &e)) == NULL) {
		g_strfreev(to.study.strategies);
		return main_fail(e);
	}
	to.vary = o->vary ? o->vary : "workload.size";
	to.metric = o->metric ? o->metric : "cpu_ns_per_byte";
	to.lo = o->from ? o->from : "256B";
	to.hi = o->to ? o->to : "1MiB";
	to.grid_factor = o->factor > 0 ? o->factor : 2.0;
	to.resolution = o->resolution > 0 ? o->resolution : 0.01;
	to.margin = o->margin != 0 ? o->margin : 0.001;
	to.over = o->over;
	if (to.grid_factor <= 1.0 || to.resolution >= 1.0 ||
	    to.margin < 0 || to.margin >= 1) {
		e = g_error_new(LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "--factor must be above 1, --resolution below 1 and "
		    "--margin from 0 to 1");
		status = main_fail(e);
		goto done;
	}
	if (!threshold_run(p, &to, &out, &e)) {
		status = main_fail(e);
		threshold_outputs_clear(&out);
		goto done;
	}
	{
		char	**st = study_strategies(p, &to.study, NULL);
		char	 *over = o->over ? g_strndup(o->over,
		    (gsize)(strchr(o->over, '=') - o->over)) : NULL;

		printf("break-even %s of %s against %s on %s:\n", to.vary,
		    st[1], st[0], to.metric);
		for (i = 0; i < out.results->len; i++)
			main_print_threshold(params_lookup(p, to.vary),
			    &g_array_index(out.results,
			    struct threshold_result, i), over);
		printf("%" G_GUINT64_FORMAT " runs in %.1f s; table: %s\n",
		    out.runs, out.seconds, out.csv);
		if (out.figure)
			printf("figure: %s (and .svg, .gp, .dat)\n",
			    out.figure);
		status = main_plot_status(out.plot_warning);
		g_free(over);
		g_strfreev(st);
	}
	threshold_outputs_clear(&out);
done:
	g_strfreev(to.study.strategies);
	params_free(p);
	return status;
}

static void
main_usage(FILE *f)
{
	fprintf(f,
"Usage: loansim COMMAND [OPTIONS]\n"
"\n"
"A discrete-event simulator of Unix page loaning: when does handing pages\n"
"to the kernel beat copying them?\n"
"\n"
"Commands:\n"
"  run SCENARIO        run a scenario (its sweep, strategies, replications)\n"
"  sweep SCENARIO      the same; with --dry-run, list the runs\n"
"  threshold SCENARIO  find the break-even size of one strategy against\n"
"                      another, with a 95%% confidence interval\n"
"  merge SCENARIO F... join the rows of --shard runs into one result\n"
"  plot TABLE.csv...   redraw figures from result tables\n"
"  regress SCENARIO... rerun scenarios and compare with results/\n"
"  params              list every parameter, its default, unit and meaning\n"
"  calibrate           measure this machine and write its machine profile\n"
"\n"
"'loansim COMMAND --help' shows a command's options; --version the\n"
"version.  See loansim(1).\n");
}

/* loansim plot [-m METRIC] [-o BASE] FILE.csv...: redraw figures. */
static int
main_plot(int argc, char **argv)
{
	char		*metric = NULL, *base = NULL;
	GOptionEntry	 entries[] = {
		{ "metric", 'm', 0, G_OPTION_ARG_STRING, &metric,
		  "Metric to plot (default: cpu_ns_per_byte)", "NAME" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &base,
		  "Figure path without extension (one table only)", "BASE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext	*ctx = g_option_context_new("TABLE.csv... - draw "
	    "figures from result tables");
	GError		*e = NULL;
	int		 i, status = 0;
	char		*png;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx,
	    "TABLE is what run, merge or threshold wrote: NAME.csv (rows, "
	    "summed up\nover replications), NAME-summary.csv, or "
	    "NAME-threshold.csv.  Each gives\nBASE.png and BASE.svg with "
	    "the .gp script and .dat data beside them,\nBASE being the "
	    "table's path without .csv unless -o says otherwise\n(its "
	    "folders are created).\n"
	    "A run table gives the metric against the numeric swept "
	    "parameter with the\nmost values, one line per strategy with "
	    "95% error bars; where a strategy\ncrosses the first, a dashed "
	    "line and a note say on which side it wins\n(\"cheaper\", or "
	    "\"faster\" for throughput_MBps).  More swept parameters give\n"
	    "a panel per value of a second one and a curve per value of the "
	    "others.\nWithout a numeric parameter: where CPU time went, "
	    "stacked by category (or\nthe metric as points with error "
	    "bars).  A threshold table gives the\nbreak-even against its "
	    "second parameter.\n"
	    "Exit status: 0 drawn, 1 not drawn (no gnuplot, or it failed), "
	    "2 bad input\n(the message names file, line and column).");
	argv[1] = "loansim plot";
	g_set_prgname(argv[1]);
	if (main_help(ctx, argc, argv)) {
		g_option_context_free(ctx);
		return 0;
	}
	if (!g_option_context_parse(ctx, &argc, &argv, &e)) {
		fprintf(stderr, "loansim plot: %s (see 'loansim plot "
		    "--help')\n", e->message);
		g_error_free(e);
		status = LOANSIM_EXIT_USAGE;
	} else if (argc < 3 || (base != NULL && argc > 3)) {
		fprintf(stderr, "loansim plot: expected %s (see 'loansim plot "
		    "--help')\n", argc < 3 ? "a result table" :
		    "one table with -o");
		status = LOANSIM_EXIT_USAGE;
	} else if (metric != NULL && model_metric_lookup(metric) < 0) {
		fprintf(stderr, "loansim plot: -m %s: unknown metric\n",
		    metric);
		status = LOANSIM_EXIT_USAGE;
	}
	for (i = 2; status == 0 && i < argc; i++) {
		if (!figure_draw(argv[i], base, metric, &png, &e)) {
			status = main_fail(e);
			e = NULL;
		} else {
			printf("figure: %s (and .svg, .gp, .dat)\n", png);
			g_free(png);
		}
	}
	g_option_context_free(ctx);
	g_free(metric);
	g_free(base);
	return status;
}

/* loansim regress [--results DIR] [--tolerance R] [--update] SCEN...:
 * rerun scenarios and compare their rows with the references. */
static int
main_regress(int argc, char **argv)
{
	char		*results = NULL;
	double		 tol = 1e-6;
	gboolean	 update = FALSE;
	gint		 jobs = 0;
	GOptionEntry	 entries[] = {
		{ "results", 0, 0, G_OPTION_ARG_FILENAME, &results,
		  "Folder of the references (default: results)", "DIR" },
		{ "tolerance", 't', 0, G_OPTION_ARG_DOUBLE, &tol,
		  "Relative tolerance of every metric (default: 1e-6)", "R" },
		{ "update", 'u', 0, G_OPTION_ARG_NONE, &update,
		  "Write the new outputs as the references", NULL },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
		  "Runs at once (default: one per CPU)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext	*ctx = g_option_context_new("SCENARIO... - compare "
	    "a rerun with the reference results");
	GError		*e = NULL;
	int		 i, status = 0, moved = 0, same = 0;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx,
	    "Runs each scenario again (its own seed, replications and "
	    "sweep) and compares\nits rows with RESULTS/NAME/NAME.csv: "
	    "every metric within the relative\ntolerance, the event count "
	    "and fingerprint exactly.  What moved is printed\nas a table.  "
	    "With --update the new rows, summary and figure replace the\n"
	    "references.  Exit status: 0 all the same, 1 something moved, "
	    "2 bad input.");
	argv[1] = "loansim regress";
	g_set_prgname(argv[1]);
	if (main_help(ctx, argc, argv)) {
		g_option_context_free(ctx);
		return 0;
	}
	if (!g_option_context_parse(ctx, &argc, &argv, &e)) {
		fprintf(stderr, "loansim regress: %s\n", e->message);
		g_error_free(e);
		g_option_context_free(ctx);
		return LOANSIM_EXIT_USAGE;
	}
	g_option_context_free(ctx);
	if (argc < 3 || tol < 0 || jobs < 0) {
		fprintf(stderr, "loansim regress: expected scenarios (and a "
		    "tolerance >= 0); see 'loansim regress --help'\n");
		g_free(results);
		return LOANSIM_EXIT_USAGE;
	}
	for (i = 2; i < argc && status != LOANSIM_EXIT_USAGE; i++) {
		struct main_opts	 o;
		struct study_options	 so;
		struct study_outputs	 out;
		struct params		*p;
		char			*dir, *tmp = NULL, *ref;
		const char		*name;
		int			 n;

		memset(&o, 0, sizeof(o));
		o.quiet = TRUE;
		o.jobs = jobs;
		if (!main_study_opts(&o, &so, &e) ||
		    (p = main_load(argv[i], &o, &e)) == NULL) {
			status = main_fail(e);
			e = NULL;
			break;
		}
		name = params_string(p, "scenario.name");
		dir = g_build_filename(results ? results : "results", name,
		    NULL);
		ref = g_strdup_printf("%s/%s.csv", dir, name);
		if (update)
			so.outdir = dir;
		else {
			tmp = g_dir_make_tmp("loansim-regress-XXXXXX", NULL);
			so.outdir = tmp;
			so.no_plot = TRUE;
		}
		if (tmp == NULL && !update) {
			fprintf(stderr, "loansim regress: no temporary "
			    "folder\n");
			status = LOANSIM_EXIT_FAILURE;
		} else if (!study_run(p, &so, &out, &e)) {
			status = main_fail(e);
			e = NULL;
		} else if (update) {
			printf("updated %s (%" G_GUINT64_FORMAT " runs)\n",
			    ref, out.runs);
			if (main_plot_status(out.plot_warning) != 0)
				status = LOANSIM_EXIT_FAILURE;
		} else {
			printf("%s: %s\n", name, argv[i]);
			n = regress_compare(ref, out.rows, tol, stdout, &e);
			if (n < 0) {
				status = main_fail(e);
				e = NULL;
			} else if (n > 0) {
				printf("MOVED %s: %d values differ from %s\n",
				    name, n, ref);
				moved++;
			} else {
				printf("same %s: %" G_GUINT64_FORMAT " rows "
				    "within %g\n", name, out.runs, tol);
				same++;
			}
		}
		if (tmp != NULL) {
			char *rows = g_strdup_printf("%s/%s", tmp, name);
			char *a = g_strconcat(rows, ".csv", NULL);
			char *b = g_strconcat(rows, "-summary.csv", NULL);
			char *c = g_strconcat(rows, ".csv.done", NULL);

			g_unlink(a);
			g_unlink(b);
			g_unlink(c);
			g_free(c);
			g_rmdir(tmp);
			g_free(a);
			g_free(b);
			g_free(rows);
		}
		study_outputs_clear(&out);
		g_strfreev(so.strategies);
		params_free(p);
		g_free(dir);
		g_free(ref);
		g_free(tmp);
	}
	if (!update && status == 0)
		printf("%d passed, %d failed\n", same, moved);
	g_free(results);
	if (status != 0)
		return status;
	return moved > 0 ? LOANSIM_EXIT_FAILURE : 0;
}

static void
main_on_signal(int sig)
{
	(void)sig;
	study_interrupted = 1;
}

/* SIGINT and SIGTERM stop a study within milliseconds: the runs under
 * way are abandoned, those finished stay in its journal; a second
 * signal kills at once (the journal is flushed row by row). */
static void
main_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = main_on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The short options that take a value, in every command. */
#define MAIN_SHORT_WITH_VALUE	"bcjmoprst"

/* GOption takes a short option's value only as the next argument; split
 * "-j2" into "-j" "2" and "-pk=v" into "-p" "k=v", as getopt(3) users
 * expect.  *owned gets what to free: the strings, then the vector; the
 * vector returned is a shallow copy that option parsing may reorder. */
static char **
main_split_short(int *argc, char **argv, char ***owned)
{
	GPtrArray	*v = g_ptr_array_new();
	char		**out;
	gboolean	 options = TRUE;
	int		 i;

	for (i = 0; i < *argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			options = FALSE;
		if (options && i > 0 && a[0] == '-' && a[1] != '\0' &&
		    a[1] != '-' && a[2] != '\0' &&
		    strchr(MAIN_SHORT_WITH_VALUE, a[1]) != NULL) {
			g_ptr_array_add(v, g_strndup(a, 2));
			g_ptr_array_add(v, g_strdup(a + 2));
		} else
			g_ptr_array_add(v, g_strdup(a));
	}
	*argc = (int)v->len;
	g_ptr_array_add(v, NULL);
	*owned = (char **)g_ptr_array_free(v, FALSE);
	out = g_new(char *, *argc + 1);
	memcpy(out, *owned, sizeof(char *) * (size_t)(*argc + 1));
	return out;
}

static int
main_command(int argc, char **argv)
{
	struct main_opts	 o;
	GOptionContext		*ctx;
	GError			*e = NULL;
	const char		*cmd;
	int			 status;
	size_t			 n;

	setlocale(LC_ALL, "C");
	slab_tune_malloc();
	main_signals();
	if (argc < 2) {
		main_usage(stderr);
		return LOANSIM_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		main_usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("loansim %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(cmd, "plot") == 0)
		return main_plot(argc, argv);
	if (strcmp(cmd, "regress") == 0)
		return main_regress(argc, argv);
	if (strcmp(cmd, "calibrate") == 0)
		return calibrate_main(argc, argv);
	if (strcmp(cmd, "params") == 0) {
		if (argc > 2 && (strcmp(argv[2], "--help") == 0 ||
		    strcmp(argv[2], "-h") == 0)) {
			printf("Usage: loansim params\n\nLists every "
			    "parameter a scenario file may set: group.key, "
			    "type, default, range and meaning.\n");
			return 0;
		}
		if (argc > 2) {
			fprintf(stderr, "loansim: params takes no argument "
			    "(got \"%s\")\n", argv[2]);
			return LOANSIM_EXIT_USAGE;
		}
		{
			const struct param_def *defs = model_registry(&n);

			params_print_registry(defs, n, stdout);
		}
		return 0;
	}
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "sweep") != 0 &&
	    strcmp(cmd, "threshold") != 0 && strcmp(cmd, "merge") != 0) {
		fprintf(stderr, "loansim: unknown command \"%s\"\n\n", cmd);
		main_usage(stderr);
		return LOANSIM_EXIT_USAGE;
	}
	memset(&o, 0, sizeof(o));
	ctx = main_context(cmd, &o);
	argv[1] = g_strconcat("loansim ", cmd, NULL);
	g_set_prgname(argv[1]);
	if (main_help(ctx, argc, argv))
		status = 0;
	else if (!g_option_context_parse(ctx, &argc, &argv, &e)) {
		fprintf(stderr, "loansim %s: %s (see 'loansim %s --help')\n",
		    cmd, e->message, cmd);
		g_error_free(e);
		status = LOANSIM_EXIT_USAGE;
	} else if (strcmp(cmd, "merge") == 0) {
		if (argc < 4) {
			fprintf(stderr, "loansim merge: expected SCENARIO and "
			    "at least one shard file (see 'loansim merge "
			    "--help')\n");
			status = LOANSIM_EXIT_USAGE;
		} else
			status = main_merge(argv[2], argv + 3, &o);
	} else if (argc != 3) {
		fprintf(stderr, "loansim %s: expected one SCENARIO file, got "
		    "%d arguments (see 'loansim %s --help')\n", cmd, argc - 2,
		    cmd);
		status = LOANSIM_EXIT_USAGE;
	} else if (strcmp(cmd, "threshold") == 0)
		status = main_threshold(argv[2], &o);
	else
		status = main_run(argv[2], &o);
	g_free(argv[1]);
	g_option_context_free(ctx);
	main_opts_free(&o);
	return status;
}

int
main(int argc, char **argv)
{
	char	**owned, **args;
	int	 status;

	args = main_split_short(&argc, argv, &owned);
	status = main_command(argc, args);
	g_free(args);
	g_strfreev(owned);
	return status;
}
