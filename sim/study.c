/* Runs a scenario's sweep x strategies x replications, on one thread or
 * many, all of it or one shard; journals rows as they finish; resumes;
 * merges shards; writes the rows, the summary and the figure. */
#include "sim/study.h"

#include <errno.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/csv.h"
#include "sim/error.h"
#include "sim/figure.h"
#include "sim/stats.h"
#include "sim/sweep.h"
#include "sim/units.h"
#include "models/estimate.h"
#include "models/model.h"

/* The first line of a journal and of a shard file, and of ROWS.done. */
#define STUDY_KEY_TAG "# loansim key "
#define STUDY_DONE_TAG "# loansim done "

/* Set by the command line's SIGINT/SIGTERM handler: start no other run,
 * and abandon the runs under way (the engine looks at it every 2^16
 * events); the runs finished are journaled for a rerun to resume. */
volatile sig_atomic_t study_interrupted;

struct study {
	const struct params		*p;
	const struct study_options	*o;
	const char			*name;
	struct sweep			*sw;
	char				**strat;
	size_t				 ns;
	guint64				 reps;		/* index stride */
	guint64				 reps_min;
	guint64				 seed;
	size_t				 nruns;
	struct model_result		*res;
	guint8				*done;
	guint64				*want;		/* per cell: replications */
	/* Per point: a run's estimated events. */
	double				*cost;
	char				*key;
	char				*header;	/* the rows' header line */

	/* Set while runs are under way. */
	GMutex				 lock;
	GError				*error;
	gboolean			 abort;
	GAsyncQueue			*finished;
	GArray				*todo;		/* the runs being done */
	FILE				*journal;
	struct progress			*prog;
	guint64				 runs;
	guint64				 resumed;
};

/* --- options shared by the subcommands ------------------------------ */

char **
study_strategies(const struct params *p, const struct study_options *o,
    GError **error)
{
	char	**s = o->strategies != NULL ? g_strdupv(o->strategies) :
	    params_list(p, "compare.strategies");
	guint	 i, j;

	for (i = 0; s[i] != NULL; i++) {
		if (!model_strategy_valid(p, s[i], error)) {
			g_strfreev(s);
			return NULL;
		}
		for (j = 0; j < i; j++)
			if (strcmp(s[i], s[j]) == 0) {
				g_set_error(error, LOANSIM_ERROR,
				    LOANSIM_ERROR_INPUT, "strategy \"%s\" "
				    "given twice", s[i]);
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

/* A scenario name becomes file names: keep it to one plain component. */
gboolean
study_name_check(const char *name, GError **error)
{
	const char	*c;

	for (c = name; *c != '\0'; c++)
		if (!g_ascii_isalnum(*c) && *c != '.' && *c != '_' &&
		    *c != '-')
			break;
	if (*name == '\0' || *name == '.' || *c != '\0') {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[scenario] name = \"%s\": expected letters, digits, "
		    "'.', '_' and '-', not starting with '.' (it names the "
		    "output files)", name);
		return FALSE;
	}
	return TRUE;
}

/* --- the study object ------------------------------------------------ */

static size_t
study_index(const struct study *st, size_t point, size_t s, guint64 rep)
{
	return (point * st->ns + s) * st->reps + rep;
}

static void
study_unindex(const struct study *st, size_t r, size_t *point, size_t *s,
    guint64 *rep)
{
	*rep = r % st->reps;
	*s = (r / st->reps) % st->ns;
	*point = r / (st->reps * st->ns);
}

/* The key of a study's rows (journals and shard files): a digest of
 * every parameter a run reads, the sweep, the seed, the replication
 * stride and the strategies, so that rows of another study are never
 * taken for this one's.  The keys the study itself reads are hashed as
 * resolved (--seed and scenario.seed give the same key). */
/* Parameters that change no result, only what is checked or refused:
 * rows made with or without them are the same rows. */
static gboolean
study_param_unkeyed(const char *name)
{
	return strcmp(name, "scenario.check_invariants") == 0 ||
	    strcmp(name, "scenario.max_memory") == 0;
}

static char *
study_key(const struct study *st)
{
	GString			*s = g_string_new(NULL);
	size_t			 n, i;
	const struct param_def	*defs = model_registry(&n);
	char			*key;

	for (i = 0; i < n; i++)
		if (!sweep_param_study(defs[i].name) &&
		    !study_param_unkeyed(defs[i].name))
			g_string_append_printf(s, "%s=%s\n", defs[i].name,
			    params_text(st->p, defs[i].name));
	for (i = 0; i < sweep_axes(st->sw); i++)
		g_string_append_printf(s, "sweep %s=%s\n",
		    sweep_axis_name(st->sw, i), sweep_axis_spec(st->sw, i));
	g_string_append_printf(s, "sweep where=%s\n", sweep_where(st->sw));
	g_string_append_printf(s, "name=%s\nseed=%" G_GUINT64_FORMAT
	    "\nstride=%" G_GUINT64_FORMAT "\nstrategies=", st->name, st->seed,
	    st->reps);
	for (i = 0; i < st->ns; i++)
		g_string_append_printf(s, "%s,", st->strat[i]);
	key = g_compute_checksum_for_string(G_CHECKSUM_SHA256, s->str, -1);
	g_string_free(s, TRUE);
	return key;
}

static void
study_header_row(struct csv *c, const struct sweep *sw, gboolean summary)
{
	size_t	i;

	csv_field(c, "scenario");
	csv_field(c, summary ? "point" : "run_id");
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

/* The fields before the metrics: id is the run number in rows and the
 * point in the summary. */
static void
study_row_key(struct csv *c, const struct study *st, size_t id,
    size_t point, const guint64 *rep, const char *strategy)
{
	size_t	i;

	csv_field(c, st->name);
	csv_field_u64(c, id);
	if (rep != NULL)
		csv_field_u64(c, *rep);
	csv_field_u64(c, st->seed);
	csv_field(c, strategy);
	for (i = 0; i < sweep_axes(st->sw); i++) {
		double x = sweep_number(st->sw, point, i);

		/* Distributions keep their text ("exp(50us)"). */
		if (isnan(x) || sweep_is_dist(st->sw, i))
			csv_field(c, sweep_text(st->sw, point, i));
		else
			csv_field_double(c, x);
	}
}

static void
study_row(struct csv *c, const struct study *st, size_t r)
{
	const struct model_result	*mr = &st->res[r];
	size_t				 point, s, m;
	guint64				 rep;
	char				 fp[17];

	study_unindex(st, r, &point, &s, &rep);
	study_row_key(c, st, r, point, &rep, st->strat[s]);
	for (m = 0; m < MODEL_METRIC_COUNT; m++)
		csv_field_double(c, mr->v[m]);
	csv_field_u64(c, mr->events);
	csv_field_u64(c, mr->sim_time_ns);
	g_snprintf(fp, sizeof(fp), "%016" G_GINT64_MODIFIER "x",
	    mr->fingerprint);
	csv_field(c, fp);
	csv_end_row(c);
}

/* Round a result to what its row says, so that a summary computed from
 * the run and one computed from the rows (merge, resume) are the same. */
static void
study_round(struct model_result *mr)
{
	char	buf[64];
	int	m;

	for (m = 0; m < MODEL_METRIC_COUNT; m++) {
		g_ascii_formatd(buf, sizeof(buf), "%.10g", mr->v[m]);
		mr->v[m] = g_ascii_strtod(buf, NULL);
	}
}

static void
study_free(struct study *st)
{
	sweep_free(st->sw);
	g_strfreev(st->strat);
	g_free(st->res);
	g_free(st->done);
	g_free(st->want);
	g_free(st->cost);
	g_free(st->key);
	g_free(st->header);
	progress_free(st->prog);
	if (st->journal != NULL)
		fclose(st->journal);
	g_clear_error(&st->error);
	g_mutex_clear(&st->lock);
}

/* --- limits --------------------------------------------------------- */

/* A study's results must fit in scenario.max_memory. */
static gboolean
study_check_tables(const struct study *st, GError **error)
{
	double		 need = (double)st->nruns * (sizeof(struct model_result)
			    + 1) + (double)sweep_points(st->sw) * st->ns *
			    sizeof(guint64);
	uint64_t	 max = params_size(st->p, "scenario.max_memory");
	char		*a, *b;

	if (need <= (double)max)
		return TRUE;
	a = units_format_size(need);
	b = units_format_size((double)max);
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
	    "%zu points x %zu strategies x %" G_GUINT64_FORMAT " replications "
	    "= %zu runs would need %s for their results alone, more than "
	    "scenario.max_memory = %s: fewer sweep points, strategies or "
	    "replications", sweep_points(st->sw), st->ns, st->reps, st->nruns,
	    a, b);
	g_free(a);
	g_free(b);
	return FALSE;
}

/* The values of a sweep point for model_estimate(), without building
 * its parameters: a swept parameter's from the sweep, the others'. */
struct study_values {
	const struct study	*st;
	GHashTable		*axis;	/* name -> axis + 1 */
	size_t			 point;
};

static double
study_values_number(void *ctx, const char *name)
{
	struct study_values	*sv = ctx;
	guint			 a = GPOINTER_TO_UINT(g_hash_table_lookup(
				    sv->axis, name));
	double			 x;

	if (a == 0)
		return model_values_number((void *)sv->st->p, name);
	x = sweep_number(sv->st->sw, sv->point, a - 1);
	/* An enumeration of numbers (machine.page_size). */
	return isnan(x) ? g_ascii_strtod(sweep_text(sv->st->sw, sv->point,
	    a - 1), NULL) : x;
}

static const char *
study_values_text(void *ctx, const char *name)
{
	struct study_values	*sv = ctx;
	guint			 a = GPOINTER_TO_UINT(g_hash_table_lookup(
				    sv->axis, name));

	return a == 0 ? params_string(sv->st->p, name) :
	    sweep_text(sv->st->sw, sv->point, a - 1);
}

/* "point P (name=value, ...): " before an error about the point. */
static void
study_prefix_point(const struct study *st, size_t point, GError **error)
{
	GString	*s = g_string_new(NULL);
	size_t	 i;

	g_string_printf(s, "point %zu", point);
	for (i = 0; i < sweep_axes(st->sw); i++)
		g_string_append_printf(s, "%s%s=%s", i == 0 ? " (" : ", ",
		    sweep_axis_name(st->sw, i), sweep_text(st->sw, point, i));
	if (sweep_axes(st->sw) > 0)
		g_string_append(s, ")");
	g_prefix_error(error, "%s: ", s->str);
	g_string_free(s, TRUE);
}

/* Most events a study may take: at ten million a second, more than a
 * day of one CPU. */
#define STUDY_MAX_EVENTS	1e12

/* What a run costs beyond its events (building its parameters and its
 * model), in events: about 2000 on default.ini, where a run of 1291
 * events takes 1 ms and one of 165653 takes 20 ms. */
#define STUDY_RUN_EVENTS	2000

/* Before any run of todo: each fits in scenario.max_memory, and all of
 * them are not absurdly long (their estimated events added up).  Keeps
 * every point's estimated cost of a run for the progress line. */
static gboolean
study_check_work(struct study *st, const GArray *todo, GError **error)
{
	struct study_values	 sv = { st, g_hash_table_new(g_str_hash,
				    g_str_equal), 0 };
	struct model_values	 v = { study_values_number, study_values_text,
				    &sv };
	struct model_estimate	 est;
	uint64_t		 max = params_size(st->p, "scenario.max_memory");
	double			 events = 0, most = 0;
	size_t			 i, point, s, np = sweep_points(st->sw);
	guint64			 rep;
	gboolean		 ok = TRUE, *need = g_new0(gboolean, np);

	for (i = 0; i < sweep_axes(st->sw); i++)
		g_hash_table_insert(sv.axis, (gpointer)sweep_axis_name(st->sw,
		    i), GUINT_TO_POINTER(i + 1));
	for (i = 0; i < todo->len; i++) {
		study_unindex(st, g_array_index(todo, size_t, i), &point, &s,
		    &rep);
		need[point] = TRUE;
	}
	g_free(st->cost);
	st->cost = g_new0(double, np);
	/* Every point: a later --ci-target round may run any of them. */
	for (point = 0; ok && point < np; point++) {
		sv.point = point;
		model_estimate(&v, &est);
		if (need[point] && !(ok = model_estimate_check(&est, max,
		    error)))
			study_prefix_point(st, point, error);
		st->cost[point] = MIN(est.events, est.max_events);
		if (need[point])
			most = MAX(most, st->cost[point]);
	}
	for (i = 0; ok && i < todo->len; i++) {
		study_unindex(st, g_array_index(todo, size_t, i), &point, &s,
		    &rep);
		events += st->cost[point];
	}
	g_hash_table_destroy(sv.axis);
	g_free(need);
	if (ok && events > STUDY_MAX_EVENTS) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "the study would take about %.2g events (%u runs of up "
		    "to %.2g events), more than %.0e (over a day of one CPU): "
		    "lower workload.messages or scenario.max_events, sweep "
		    "fewer points, or split the runs with --shard", events,
		    todo->len, most, STUDY_MAX_EVENTS);
		ok = FALSE;
	}
	return ok;
}

/* A run's weight for the progress line: its point's estimated cost. */
static double
study_weight(const struct study *st, size_t r)
{
	size_t	point, s;
	guint64	rep;

	study_unindex(st, r, &point, &s, &rep);
	return st->cost[point] + STUDY_RUN_EVENTS;
}

/* The weight of the runs of todo. */
static double
study_todo_weight(const struct study *st, const GArray *todo)
{
	double	w = 0;
	guint	i;

	for (i = 0; i < todo->len; i++)
		w += study_weight(st, g_array_index(todo, size_t, i));
	return w;
}

static gboolean
study_init(struct study *st, const struct params *p,
    const struct study_options *o, GError **error)
{
	struct csv	*c;

	memset(st, 0, sizeof(*st));
	g_mutex_init(&st->lock);
	st->p = p;
	st->o = o;
	st->name = params_string(p, "scenario.name");
	if (!study_name_check(st->name, error) ||
	    (st->sw = sweep_new(p, error)) == NULL ||
	    (st->strat = study_strategies(p, o, error)) == NULL)
		return FALSE;
	st->ns = g_strv_length(st->strat);
	st->reps_min = study_replications(p, o);
	st->reps = st->reps_min;
	if (o->ci_target > 0) {
		if (o->nshards > 0) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "--ci-target and --shard do not go together: "
			    "which runs exist depends on the results");
			return FALSE;
		}
		st->reps = MAX(st->reps_min, o->max_replications);
	}
	st->seed = study_seed(p, o);
	if (sweep_points(st->sw) > G_MAXSIZE / st->ns / st->reps / 2 ||
	    sweep_points(st->sw) * st->ns * st->reps > 100000000) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "%zu points x %zu strategies x %" G_GUINT64_FORMAT
		    " replications is more than 10^8 runs",
		    sweep_points(st->sw), st->ns, st->reps);
		return FALSE;
	}
	st->nruns = sweep_points(st->sw) * st->ns * st->reps;
	if (!study_check_tables(st, error))
		return FALSE;
	st->res = g_new0(struct model_result, st->nruns);
	st->done = g_new0(guint8, st->nruns);
	st->want = g_new0(guint64, sweep_points(st->sw) * st->ns);
	st->key = study_key(st);
	c = csv_new();
	study_header_row(c, st->sw, FALSE);
	st->header = g_strdup(csv_text(c));
	csv_free(c);
	return TRUE;
}

/* --- rows read back (journals, shard files) -------------------------- */

/* A whole unsigned decimal number, nothing else. */
static gboolean
study_parse_u64(const char *s, guint64 *v)
{
	char	*end;

	if (!g_ascii_isdigit(*s))
		return FALSE;
	*v = g_ascii_strtoull(s, &end, 10);
	return *end == '\0';
}

/* Exactly the 16 hex digits study_row writes. */
static gboolean
study_parse_fingerprint(const char *s, guint64 *v)
{
	int	i;

	for (i = 0; i < 16; i++)
		if (!g_ascii_isxdigit(s[i]) || g_ascii_isupper(s[i]))
			return FALSE;
	if (s[16] != '\0')
		return FALSE;
	*v = g_ascii_strtoull(s, NULL, 16);
	return TRUE;
}

/* Index of a row of this study, or -1 if it does not belong to it. */
static gssize
study_parse_row(const struct study *st, char **f, struct model_result *mr)
{
	size_t	 na = sweep_axes(st->sw), want = 5 + na + MODEL_METRIC_COUNT + 3;
	size_t	 point, s, i;
	guint64	 run, rep, v;
	char	*end;

	if (g_strv_length(f) != want || strcmp(f[0], st->name) != 0 ||
	    !study_parse_u64(f[1], &run) || run >= st->nruns)
		return -1;
	study_unindex(st, (size_t)run, &point, &s, &rep);
	if (!study_parse_u64(f[2], &v) || v != rep ||
	    !study_parse_u64(f[3], &v) || v != st->seed ||
	    strcmp(f[4], st->strat[s]) != 0)
		return -1;
	for (i = 0; i < na; i++) {
		double x = sweep_number(st->sw, point, i);

		if (isnan(x) || sweep_is_dist(st->sw, i) ?
		    strcmp(f[5 + i], sweep_text(st->sw, point, i)) != 0 :
		    g_ascii_strtod(f[5 + i], &end) != x || *end != '\0')
			return -1;
	}
	memset(mr, 0, sizeof(*mr));
	for (i = 0; i < MODEL_METRIC_COUNT; i++) {
		const char *t = f[5 + na + i];

		mr->v[i] = g_ascii_strtod(t, &end);
		if (*t == '\0' || *end != '\0')
			return -1;
	}
	f += 5 + na + MODEL_METRIC_COUNT;
	if (!study_parse_u64(f[0], &v))
		return -1;
	mr->events = v;
	if (!study_parse_u64(f[1], &v))
		return -1;
	mr->sim_time_ns = v;
	if (!study_parse_fingerprint(f[2], &v))
		return -1;
	mr->fingerprint = v;
	return (gssize)run;
}

/* Take the rows of a journal or a shard file: a key line, the header,
 * rows, each line ended by a newline.  A journal (strict FALSE) whose
 * key or header is not ours gives nothing, and a bad or cut-off line of
 * it is dropped, to be done again (a SIGKILL may cut the last line).  In
 * a shard file (strict) each of these is an error naming the file and
 * the line. */
static gboolean
study_load_rows(struct study *st, const char *path, gboolean strict,
    guint64 *taken, GError **error)
{
	char		*text = NULL, **lines, *k;
	GError		*e = NULL;
	guint		 i, n;
	gboolean	 ok;

	*taken = 0;
	if (!g_file_get_contents(path, &text, NULL, &e)) {
		if (strict)
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "cannot read %s: %s", path, e->message);
		g_error_free(e);
		return !strict;
	}
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	/* lines[n], after the last newline, is empty unless a line was
	 * cut off. */
	n = MAX(g_strv_length(lines), 1) - 1;
	k = g_strconcat(STUDY_KEY_TAG, st->key, NULL);
	ok = n >= 1 && strcmp(lines[0], k) == 0;
	g_free(k);
	if (!ok) {
		if (strict)
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s: %s", path, n >= 1 && g_str_has_prefix(lines[0],
			    STUDY_KEY_TAG) ? "its runs were made with other "
			    "parameters than these (-p, [sweep], -s, --seed, "
			    "--replications or --compare differ); give merge "
			    "the same scenario and options as the shards had" :
			    "not a shard file of loansim run --shard (no key "
			    "line)");
		g_strfreev(lines);
		return !strict;
	}
	if (n < 2 || strncmp(lines[1], st->header, strlen(st->header) - 1) !=
	    0 || strlen(lines[1]) + 1 != strlen(st->header)) {
		if (strict)
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s:2: not the header of this scenario's rows",
			    path);
		g_strfreev(lines);
		return !strict;
	}
	for (i = 2; i <= n; i++) {
		struct model_result	 mr;
		char			**f;
		gssize			 r = -1;
		const char		*why = "not a row of this scenario";

		if (i == n) {
			if (*lines[i] == '\0')
				break;
			why = "the last line is cut off (no newline)";
		} else if (*lines[i] != '\0') {
			f = csv_split_line(lines[i]);
			r = f != NULL ? study_parse_row(st, f, &mr) : -1;
			g_strfreev(f);
		} else
			why = "an empty line";
		if (r >= 0 && st->done[r] && strict &&
		    memcmp(&st->res[r], &mr, sizeof(mr)) != 0) {
			r = -1;
			why = "the same run as an earlier file, with other "
			    "results";
		}
		if (r < 0) {
			if (!strict)
				continue;
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s:%u: %s", path, i + 1, why);
			g_strfreev(lines);
			return FALSE;
		}
		if (!st->done[r]) {
			st->res[r] = mr;
			st->done[r] = 1;
			(*taken)++;
		}
	}
	g_strfreev(lines);
	return TRUE;
}

/* The journal again, from the rows kept: a new file (JOURNAL.tmp, of a
 * fixed name: a kill leaves no other) renamed over the old one, so that
 * a kill at any moment keeps every finished row; then open for rows to
 * be appended. */
static gboolean
study_journal_start(struct study *st, const char *path, GError **error)
{
	struct csv	*c = csv_new();
	char		*text;
	gboolean	 ok;
	size_t		 r;

	for (r = 0; r < st->nruns; r++)
		if (st->done[r])
			study_row(c, st, r);
	text = g_strdup_printf("%s%s\n%s%s", STUDY_KEY_TAG, st->key,
	    st->header, csv_text(c));
	csv_free(c);
	ok = csv_write_text(path, text, error) &&
	    (st->journal = csv_journal_open(path, error)) != NULL;
	g_free(text);
	return ok;
}

/* --- threads --------------------------------------------------------- */

struct study_workers {
	GThread		**threads;
	guint		  nthreads;
	gint		  next;		/* the next item to take */
	guint		  n;
	void		(*fn)(guint, gpointer);
	gpointer	  data;
};

static gpointer
study_worker_main(gpointer arg)
{
	struct study_workers	*w = arg;
	gint			 i;

	while ((i = g_atomic_int_add(&w->next, 1)) < (gint)w->n)
		w->fn((guint)i, w->data);
	return NULL;
}

/* Threads that call fn(i, data) for every i below n, each i once; a
 * thread of its own per job (joined by study_workers_join), rather
 * than a GThreadPool, whose threads outlive it. */
struct study_workers *
study_workers_start(guint jobs, guint n, void (*fn)(guint, gpointer),
    gpointer data)
{
	struct study_workers	*w = g_new0(struct study_workers, 1);
	guint			 i;

	g_assert(n <= G_MAXINT / 2);
	w->n = n;
	w->fn = fn;
	w->data = data;
	w->nthreads = MAX(1, MIN(jobs, n));
	w->threads = g_new(GThread *, w->nthreads);
	for (i = 0; i < w->nthreads; i++)
		w->threads[i] = g_thread_new("loansim", study_worker_main, w);
	return w;
}

void
study_workers_join(struct study_workers *w)
{
	guint	i;

	for (i = 0; i < w->nthreads; i++)
		g_thread_join(w->threads[i]);
	g_free(w->threads);
	g_free(w);
}

/* --- doing the runs -------------------------------------------------- */

static gboolean
study_do_run(struct study *st, size_t r)
{
	struct params	*pp = params_copy(st->p);
	size_t		 point, s;
	guint64		 rep;
	GError		*e = NULL;
	gboolean	 ok;

	study_unindex(st, r, &point, &s, &rep);
	ok = sweep_apply(st->sw, point, pp, &e) &&
	    model_run_interruptible(pp, st->strat[s], st->seed, (guint32)rep,
	    &study_interrupted, &st->res[r], &e);
	params_free(pp);
	if (!ok && g_error_matches(e, LOANSIM_ERROR,
	    LOANSIM_ERROR_INTERRUPTED)) {
		/* Abandoned: never journaled; study_do says why. */
		g_error_free(e);
		return FALSE;
	}
	if (!ok) {
		g_mutex_lock(&st->lock);
		if (st->error == NULL)
			g_propagate_prefixed_error(&st->error, e,
			    "run %zu (point %zu, %s, replication %"
			    G_GUINT64_FORMAT "): ", r, point, st->strat[s],
			    rep);
		else
			g_error_free(e);
		st->abort = TRUE;
		g_mutex_unlock(&st->lock);
		return FALSE;
	}
	study_round(&st->res[r]);
	return TRUE;
}

/* Whether to start another run: not after an error, nor once SIGINT or
 * SIGTERM came (the runs under way stop too, unjournaled). */
static gboolean
study_go(struct study *st)
{
	gboolean	go;

	g_mutex_lock(&st->lock);
	go = !st->abort && !study_interrupted;
	g_mutex_unlock(&st->lock);
	return go;
}

/* Do run todo[i] on a worker thread; tell the main thread it finished,
 * and whether it has a result. */
static void
study_worker(guint i, gpointer user)
{
	struct study	*st = user;
	size_t		 r = g_array_index(st->todo, size_t, i);
	gboolean	 ok = study_go(st) && study_do_run(st, r);

	g_async_queue_push(st->finished, GSIZE_TO_POINTER(2 * r + ok + 1));
}

/* A run is finished: journal its row (main thread only). */
static gboolean
study_finished(struct study *st, size_t r, GError **error)
{
	struct csv	*c = csv_new();
	gboolean	 ok;

	st->done[r] = 1;
	st->runs++;
	study_row(c, st, r);
	ok = csv_journal_append(st->journal, csv_text(c), error);
	csv_free(c);
	progress_step_weight(st->prog, study_weight(st, r));
	return ok;
}

/* Do the runs listed in todo, on o->jobs threads.  Every run that
 * finishes is journaled, even after an error or an interrupt. */
static gboolean
study_do(struct study *st, GArray *todo, GError **error)
{
	struct study_workers	*w;
	guint			 jobs = MAX(1, st->o->jobs), i;
	GError			*jerr = NULL;

	if (jobs == 1 || todo->len < 2) {
		for (i = 0; jerr == NULL && i < todo->len && study_go(st);
		    i++) {
			size_t r = g_array_index(todo, size_t, i);

			if (study_do_run(st, r))
				study_finished(st, r, &jerr);
		}
	} else {
		st->finished = g_async_queue_new();
		st->todo = todo;
		w = study_workers_start(jobs, todo->len, study_worker, st);
		for (i = 0; i < todo->len; i++) {
			size_t v = GPOINTER_TO_SIZE(g_async_queue_pop(
			    st->finished)) - 1;

			if (v % 2 == 1 && jerr == NULL &&
			    !study_finished(st, v / 2, &jerr)) {
				g_mutex_lock(&st->lock);
				st->abort = TRUE;
				g_mutex_unlock(&st->lock);
			}
		}
		study_workers_join(w);
		g_async_queue_unref(st->finished);
		st->finished = NULL;
		st->todo = NULL;
	}
	if (jerr != NULL) {
		g_propagate_error(error, jerr);
		return FALSE;
	}
	if (st->error != NULL) {
		g_propagate_error(error, st->error);
		st->error = NULL;
		return FALSE;
	}
	if (study_interrupted) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERRUPTED,
		    "interrupted; %" G_GUINT64_FORMAT " finished runs are "
		    "kept in the journal, and running the same command again "
		    "resumes", st->runs + st->resumed);
		return FALSE;
	}
	return TRUE;
}

static gboolean
study_mine(const struct study *st, size_t r)
{
	return st->o->nshards == 0 ||
	    r % st->o->nshards == st->o->shard - 1;
}

/* Mean and ci95 of a metric over the first n replications of a cell;
 * with fewer than two the interval is unknown (NAN), never 0. */
static struct ci
study_cell(const struct study *st, size_t point, size_t s, int metric,
    guint64 n)
{
	double		*v = g_new(double, n);
	guint64		 rep;
	struct ci	 c;

	for (rep = 0; rep < n; rep++) {
		size_t r = study_index(st, point, s, rep);

		g_assert(st->done[r]);
		v[rep] = st->res[r].v[metric];
	}
	c = stats_ci95(v, n);
	if (n < 2)
		c.half_width = NAN;
	g_free(v);
	return c;
}

/* Whether the interval of the --ci-metric over a cell's first n
 * replications is known (n >= 2) and within --ci-target of its mean. */
static gboolean
study_precise(const struct study *st, size_t point, size_t s, guint64 n)
{
	struct ci	c = study_cell(st, point, s, (int)st->o->ci_metric, n);

	return c.half_width <= st->o->ci_target * fabs(c.mean);
}

/* The runs still to do, and for each cell (point, strategy) how many
 * replications it takes.  A cell starts with reps_min; with --ci-target,
 * while the interval of the --ci-metric over its first n replications
 * is unknown (n < 2) or wider than the target, n doubles, up to the cap.
 * Each decision reads only the results of replications 0 .. n-1, so the
 * runs and the outputs are the same for any -j, and for a study resumed
 * after a kill at any moment. */
static GArray *
study_plan(struct study *st)
{
	GArray		*todo = g_array_new(FALSE, FALSE, sizeof(size_t));
	size_t		 point, s, r;
	guint64		 n, rep;
	gboolean	 missing;

	for (point = 0; point < sweep_points(st->sw); point++)
		for (s = 0; s < st->ns; s++) {
			for (n = st->reps_min;; n = MIN(2 * n, st->reps)) {
				missing = FALSE;
				for (rep = 0; rep < n; rep++) {
					r = study_index(st, point, s, rep);
					if (st->done[r])
						continue;
					missing = TRUE;
					if (study_mine(st, r))
						g_array_append_val(todo, r);
				}
				if (missing || st->o->ci_target <= 0 ||
				    n >= st->reps ||
				    study_precise(st, point, s, n))
					break;
			}
			st->want[point * st->ns + s] = n;
		}
	return todo;
}

/* With --ci-target, once every cell has its replications: how many
 * stopped at the cap with the interval still wider than the target. */
static guint64
study_capped(const struct study *st)
{
	size_t	point, s;
	guint64	n = 0;

	for (point = 0; point < sweep_points(st->sw); point++)
		for (s = 0; s < st->ns; s++)
			n += st->want[point * st->ns + s] >= st->reps &&
			    !study_precise(st, point, s, st->reps);
	return n;
}

/* --- outputs --------------------------------------------------------- */

/* The figure, drawn from the summary just written as "loansim plot"
 * would; a figure that cannot be drawn is a warning. */
static void
study_figure(struct study_outputs *out, const char *base)
{
	GError	*e = NULL;

	if (!figure_draw(out->summary, base, NULL, &out->figure, &e)) {
		out->plot_warning = g_strdup(e->message);
		g_error_free(e);
	}
}

static void
study_summary(struct csv *c, const struct study *st)
{
	size_t	i, s;
	int	m;

	study_header_row(c, st->sw, TRUE);
	for (i = 0; i < sweep_points(st->sw); i++) {
		for (s = 0; s < st->ns; s++) {
			guint64 n = st->want[i * st->ns + s];

			study_row_key(c, st, i, i, NULL, st->strat[s]);
			csv_field_u64(c, n);
			for (m = 0; m < MODEL_METRIC_COUNT; m++) {
				struct ci ci = study_cell(st, i, s, m, n);

				csv_field_double(c, ci.mean);
				csv_field_double(c, ci.half_width);
			}
			csv_end_row(c);
		}
	}
}

static gboolean
study_used(const struct study *st, size_t r)
{
	size_t	point, s;
	guint64	rep;

	study_unindex(st, r, &point, &s, &rep);
	return st->done[r] && study_mine(st, r) &&
	    rep < st->want[point * st->ns + s];
}

/* The rows of every run of this shard (or all) the study uses, in run
 * order; a shard file starts with the key, for merge to check. */
static gboolean
study_write(struct study *st, const char *rows_path, gboolean whole,
    struct study_outputs *out, GError **error)
{
	struct csv	*rows = csv_new(), *sum;
	char		*base = g_build_filename(st->o->outdir, st->name, NULL);
	GString		*text = g_string_new(NULL);
	gboolean	 ok;
	size_t		 r;

	if (!whole)
		g_string_append_printf(text, "%s%s\n", STUDY_KEY_TAG, st->key);
	study_header_row(rows, st->sw, FALSE);
	for (r = 0; r < st->nruns; r++)
		if (study_used(st, r))
			study_row(rows, st, r);
	g_string_append(text, csv_text(rows));
	ok = csv_write_text(rows_path, text->str, error);
	g_string_free(text, TRUE);
	csv_free(rows);
	if (ok && whole) {
		sum = csv_new();
		study_summary(sum, st);
		out->summary = g_strconcat(base, "-summary.csv", NULL);
		ok = csv_write_atomic(sum, out->summary, error);
		csv_free(sum);
	}
	if (ok && whole && !st->o->no_plot)
		study_figure(out, base);
	g_free(base);
	return ok;
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

/* --- a finished study is not done again ------------------------------ */

/* A digest of a file's bytes, to tell a changed file from the one a
 * stamp names (nothing adversarial): 64 bits, eight bytes a
 * multiply-xorshift step, then splitmix64's finaliser.  SHA-256 of the
 * 1.2 MB program took 3% of a default study's instructions. */
static char *
study_file_digest(const char *path)
{
	char		*text = NULL;
	gsize		 len, i;
	guint64		 h, w;

	if (path == NULL ||
	    !g_file_get_contents(path, &text, &len, NULL))
		return NULL;
	h = len;
	for (i = 0; i < len; i += 8) {
		w = 0;
		if (len - i >= 8)
			memcpy(&w, text + i, 8);
		else
			memcpy(&w, text + i, len - i);
		h = (h ^ w) * 0x9E3779B97F4A7C15ull;
		h ^= h >> 29;
	}
	g_free(text);
	h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
	h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
	return g_strdup_printf("%016" G_GINT64_MODIFIER "x", h ^ (h >> 31));
}

/* What ROWS.done says of a finished study: its key with every option
 * that shapes the outputs and the program, then a digest of each output
 * file.  NULL if a file is missing or the program cannot be read. */
static char *
study_stamp_text(const struct study *st, const char *rows,
    const char *summary)
{
	/* The running program, so that a rebuilt model (the same
	 * parameters, other results) never takes old outputs as current. */
	char	*prog = study_file_digest("/proc/self/exe");
	char	*dr = study_file_digest(rows), *ds = study_file_digest(summary);
	char	*opts, *key, *text = NULL;

	if (prog != NULL && dr != NULL && (summary == NULL || ds != NULL)) {
		/* Asked for checks, a finished study is done again. */
		opts = g_strdup_printf("%s\nreplications=%" G_GUINT64_FORMAT
		    "\nci_target=%.17g\nci_metric=%s\nshard=%u/%u\n"
		    "program=%s\ncheck_invariants=%d\n", st->key,
		    st->reps_min, st->o->ci_target,
		    model_metric_name(st->o->ci_metric), st->o->shard,
		    st->o->nshards, prog, params_bool(st->p,
		    "scenario.check_invariants"));
		key = g_compute_checksum_for_string(G_CHECKSUM_SHA256, opts,
		    -1);
		char *rb = g_path_get_basename(rows);
		char *sb = summary ? g_path_get_basename(summary) : NULL;

		/* Names without their folder: it may be moved. */
		text = g_strdup_printf("%s%s\n%s  %s\n%s%s%s%s", STUDY_DONE_TAG,
		    key, dr, rb, ds ? ds : "", ds ? "  " : "", ds ? sb : "",
		    ds ? "\n" : "");
		g_free(rb);
		g_free(sb);
		g_free(opts);
		g_free(key);
	}
	g_free(prog);
	g_free(dr);
	g_free(ds);
	return text;
}

/* Whether the outputs in place are those of this very study, made by
 * this program: then there is nothing to do. */
static gboolean
study_up_to_date(const struct study *st, const char *stamp,
    const char *rows, const char *summary)
{
	char		*have = NULL, *want;
	gboolean	 same;

	if (!g_file_get_contents(stamp, &have, NULL, NULL))
		return FALSE;
	want = study_stamp_text(st, rows, summary);
	same = want != NULL && strcmp(have, want) == 0;
	g_free(have);
	g_free(want);
	return same;
}

/* What interrupted writes of this study's files may have left beside
 * them (csv_remove_temps): none may stay once it is done. */
static void
study_remove_temps(const struct study_outputs *out, const char *journal,
    const char *stamp)
{
	csv_remove_temps(out->rows);
	csv_remove_temps(journal);
	csv_remove_temps(stamp);
	if (out->summary != NULL)
		csv_remove_temps(out->summary);
}

gboolean
study_run(const struct params *p, const struct study_options *o,
    struct study_outputs *out, GError **error)
{
	struct study	 st;
	GArray		*todo = NULL;
	char		*jpath = NULL, *stamp = NULL, *file, *text;
	gboolean	 ok = FALSE, whole = o->nshards == 0;
	gint64		 t0 = g_get_monotonic_time();

	memset(out, 0, sizeof(*out));
	if (!study_init(&st, p, o, error) || !study_mkdir(o->outdir, error))
		goto out;
	file = whole ? g_strconcat(st.name, ".csv", NULL) :
	    g_strdup_printf("%s.shard-%u-of-%u.csv", st.name, o->shard,
	    o->nshards);
	out->rows = g_build_filename(o->outdir, file, NULL);
	g_free(file);
	jpath = g_strconcat(out->rows, ".partial", NULL);
	stamp = g_strconcat(out->rows, ".done", NULL);
	if (whole) {
		char *base = g_build_filename(o->outdir, st.name, NULL);

		out->summary = g_strconcat(base, "-summary.csv", NULL);
		g_free(base);
	}
	study_remove_temps(out, jpath, stamp);
	if (study_up_to_date(&st, stamp, out->rows, out->summary)) {
		out->up_to_date = TRUE;
		if (whole && !o->no_plot) {
			char *base = g_build_filename(o->outdir, st.name, NULL);

			study_figure(out, base);
			g_free(base);
		}
		ok = TRUE;
		goto out;
	}
	g_clear_pointer(&out->summary, g_free);
	/* Resume: rows journaled by an earlier, interrupted run of the
	 * same study are results already. */
	study_load_rows(&st, jpath, FALSE, &st.resumed, NULL);
	out->resumed = st.resumed;
	todo = study_plan(&st);
	if (!study_check_work(&st, todo, error) ||
	    !study_journal_start(&st, jpath, error))
		goto out;
	/* Runs get longer along most sweeps (sizes): the time left goes
	 * by their estimated cost, not their number. */
	st.prog = progress_new(st.name, 0, o->quiet);
	progress_grow(st.prog, todo->len, study_todo_weight(&st, todo));
	while (todo->len > 0) {
		if (!study_do(&st, todo, error))
			goto out;
		g_array_free(todo, TRUE);
		todo = study_plan(&st);
		progress_grow(st.prog, todo->len, study_todo_weight(&st,
		    todo));
	}
	if (o->ci_target > 0) {
		out->cells = sweep_points(st.sw) * st.ns;
		out->capped = study_capped(&st);
	}
	if (!study_write(&st, out->rows, whole, out, error))
		goto out;
	/* The stamp last: outputs without it are simply made again. */
	if ((text = study_stamp_text(&st, out->rows, out->summary)) != NULL &&
	    !csv_write_text(stamp, text, error)) {
		g_free(text);
		goto out;
	}
	g_free(text);
	fclose(st.journal);
	st.journal = NULL;
	(void)g_unlink(jpath);
	study_remove_temps(out, jpath, stamp);
	ok = TRUE;
out:
	progress_end(st.prog);
	out->runs = st.runs;
	out->seconds = (g_get_monotonic_time() - t0) / 1e6;
	if (todo != NULL)
		g_array_free(todo, TRUE);
	g_free(jpath);
	g_free(stamp);
	study_free(&st);
	return ok;
}

gboolean
study_merge(const struct params *p, const struct study_options *o,
    char **files, struct study_outputs *out, GError **error)
{
	struct study	 st;
	struct study_options mo = *o;
	GArray		*todo = NULL;
	gboolean	 ok = FALSE;
	guint64		 n;
	guint		 i;

	memset(out, 0, sizeof(*out));
	mo.nshards = mo.shard = 0;
	if (!study_init(&st, p, &mo, error) || !study_mkdir(o->outdir, error))
		goto out;
	for (i = 0; files[i] != NULL; i++) {
		if (!study_load_rows(&st, files[i], TRUE, &n, error))
			goto out;
		out->resumed += n;
	}
	todo = study_plan(&st);
	if (todo->len > 0) {
		size_t	point, s, r = g_array_index(todo, size_t, 0);
		guint64	rep;

		study_unindex(&st, r, &point, &s, &rep);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "the shards hold %" G_GUINT64_FORMAT " of %zu runs; "
		    "missing %u, the first run %zu (point %zu, %s, "
		    "replication %" G_GUINT64_FORMAT ")", out->resumed,
		    st.nruns, todo->len, r, point, st.strat[s], rep);
		goto out;
	}
	{
		char *file = g_strconcat(st.name, ".csv", NULL);

		out->rows = g_build_filename(o->outdir, file, NULL);
		g_free(file);
	}
	ok = study_write(&st, out->rows, TRUE, out, error);
	if (ok) {
		csv_remove_temps(out->rows);
		csv_remove_temps(out->summary);
	}
out:
	if (todo != NULL)
		g_array_free(todo, TRUE);
	study_free(&st);
	return ok;
}

/* "loansim run --dry-run": the runs a study would do (of its shard),
 * each with its number, point, strategy, replication and seed. */
gboolean
study_dry_run(const struct params *p, const struct study_options *o,
    FILE *f, GError **error)
{
	struct study	 st;
	size_t		 r, point, s, a;
	guint64		 rep, n = 0;

	if (!study_init(&st, p, o, error)) {
		study_free(&st);
		return FALSE;
	}
	for (r = 0; r < st.nruns; r++)
		if (r % st.reps < st.reps_min && study_mine(&st, r))
			n++;
	fprintf(f, "%zu point%s x %zu strateg%s x %" G_GUINT64_FORMAT
	    " replication%s = %zu runs", sweep_points(st.sw),
	    sweep_points(st.sw) == 1 ? "" : "s", st.ns, st.ns == 1 ? "y" :
	    "ies", st.reps_min, st.reps_min == 1 ? "" : "s",
	    sweep_points(st.sw) * st.ns * st.reps_min);
	if (o->nshards > 0)
		fprintf(f, "; shard %u of %u does %" G_GUINT64_FORMAT " of "
		    "them", o->shard, o->nshards, n);
	if (o->ci_target > 0)
		fprintf(f, "; then, where the interval of %s is wider than "
		    "--ci-target, more replications, up to %" G_GUINT64_FORMAT,
		    model_metric_name(o->ci_metric), st.reps);
	fputc('\n', f);
	for (r = 0; r < st.nruns; r++) {
		study_unindex(&st, r, &point, &s, &rep);
		if (rep >= st.reps_min || !study_mine(&st, r))
			continue;
		fprintf(f, "run %zu: point %zu, %s, replication %"
		    G_GUINT64_FORMAT ", seed %" G_GUINT64_FORMAT, r, point,
		    st.strat[s], rep, st.seed);
		for (a = 0; a < sweep_axes(st.sw); a++)
			fprintf(f, ", %s=%s", sweep_axis_name(st.sw, a),
			    sweep_text(st.sw, point, a));
		fputc('\n', f);
	}
	study_free(&st);
	return TRUE;
}
