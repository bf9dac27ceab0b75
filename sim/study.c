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
#include "models/model.h"

#define STUDY_JOURNAL_TAG "# loansim journal "

/* Set by the command line's SIGINT/SIGTERM handler: stop after the runs
 * under way, keeping the journal for a rerun to resume. */
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
	char				*key;
	char				*header;	/* the rows' header line */

	/* Set while runs are under way. */
	GMutex				 lock;
	GError				*error;
	gboolean			 abort;
	GAsyncQueue			*finished;
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

/* The journal key: a digest of every parameter's value and of the sweep,
 * so that a journal written for other parameters is not resumed. */
static char *
study_key(const struct params *p)
{
	GString			*s = g_string_new(NULL);
	size_t			 n, i;
	const struct param_def	*defs = model_registry(&n);
	char			*key;

	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s=%s\n", defs[i].name,
		    params_text(p, defs[i].name));
	for (i = 0; i < params_sweep_count(p); i++)
		g_string_append_printf(s, "sweep %s=%s\n",
		    params_sweep_get(p, i)->name, params_sweep_get(p, i)->spec);
	key = g_compute_checksum_for_string(G_CHECKSUM_SHA256, s->str, -1);
	g_string_free(s, TRUE);
	return key;
}

static void
study_header_row(struct csv *c, const struct sweep *sw, gboolean summary)
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
study_row_key(struct csv *c, const struct study *st, size_t point,
    const guint64 *rep, const char *strategy)
{
	size_t	i;

	csv_field(c, st->name);
	csv_field_u64(c, point);
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
	study_row_key(c, st, point, &rep, st->strat[s]);
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
	g_free(st->key);
	g_free(st->header);
	progress_free(st->prog);
	if (st->journal != NULL)
		fclose(st->journal);
	g_clear_error(&st->error);
	g_mutex_clear(&st->lock);
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
	if ((st->sw = sweep_new(p, error)) == NULL ||
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
	st->res = g_new0(struct model_result, st->nruns);
	st->done = g_new0(guint8, st->nruns);
	st->key = study_key(p);
	c = csv_new();
	study_header_row(c, st->sw, FALSE);
	st->header = g_strdup(csv_text(c));
	csv_free(c);
	return TRUE;
}

/* --- rows read back (journal, shards) -------------------------------- */

/* Index of a row of this study, or -1 if it does not belong to it. */
static gssize
study_parse_row(struct study *st, char **f, struct model_result *mr)
{
	size_t	 na = sweep_axes(st->sw), want = 5 + na + MODEL_METRIC_COUNT + 3;
	size_t	 point, s, i;
	guint64	 rep, seed;
	char	*end;

	if (g_strv_length(f) != want || strcmp(f[0], st->name) != 0)
		return -1;
	point = (size_t)g_ascii_strtoull(f[1], &end, 10);
	if (*end || point >= sweep_points(st->sw))
		return -1;
	rep = g_ascii_strtoull(f[2], &end, 10);
	if (*end || rep >= st->reps)
		return -1;
	seed = g_ascii_strtoull(f[3], &end, 10);
	if (*end || seed != st->seed)
		return -1;
	for (s = 0; s < st->ns && strcmp(st->strat[s], f[4]) != 0; s++)
		;
	if (s == st->ns)
		return -1;
	for (i = 0; i < na; i++) {
		double x = sweep_number(st->sw, point, i);

		if (isnan(x) || sweep_is_dist(st->sw, i) ?
		    strcmp(f[5 + i], sweep_text(st->sw, point, i)) != 0 :
		    g_ascii_strtod(f[5 + i], NULL) != x)
			return -1;
	}
	memset(mr, 0, sizeof(*mr));
	for (i = 0; i < MODEL_METRIC_COUNT; i++) {
		mr->v[i] = g_ascii_strtod(f[5 + na + i], &end);
		if (*end)
			return -1;
	}
	mr->events = g_ascii_strtoull(f[5 + na + MODEL_METRIC_COUNT], &end, 10);
	mr->sim_time_ns = g_ascii_strtoull(f[6 + na + MODEL_METRIC_COUNT],
	    &end, 10);
	mr->fingerprint = g_ascii_strtoull(f[7 + na + MODEL_METRIC_COUNT],
	    &end, 16);
	if (*end)
		return -1;
	return (gssize)study_index(st, point, s, rep);
}

/* Take the rows of a file.  A journal starts with its key line; a file
 * whose key or header is not ours gives nothing (strict: an error). */
static gboolean
study_load_rows(struct study *st, const char *path, gboolean journal,
    gboolean strict, guint64 *taken, GError **error)
{
	char		*text = NULL, **lines, *hdr;
	GError		*e = NULL;
	guint		 i = 0;
	gboolean	 ok = TRUE;

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
	if (journal) {
		char *k = g_strconcat(STUDY_JOURNAL_TAG, st->key, NULL);

		ok = lines[0] != NULL && strcmp(lines[0], k) == 0;
		g_free(k);
		i = 1;
	}
	hdr = g_strndup(st->header, strlen(st->header) - 1);
	if (ok && (lines[i] == NULL || strcmp(lines[i], hdr) != 0))
		ok = FALSE;
	g_free(hdr);
	if (!ok) {
		if (strict)
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s: not rows of this scenario (its header "
			    "differs)", path);
		g_strfreev(lines);
		return !strict;
	}
	/* A SIGKILL may have cut the last line: unparsable rows are not
	 * results and are simply done again. */
	for (i++; lines[i] != NULL; i++) {
		struct model_result	 mr;
		char			**f;
		gssize			 r;

		if (*lines[i] == '\0')
			continue;
		f = csv_split_line(lines[i]);
		r = f != NULL ? study_parse_row(st, f, &mr) : -1;
		g_strfreev(f);
		if (r < 0) {
			if (strict) {
				g_set_error(error, LOANSIM_ERROR,
				    LOANSIM_ERROR_INPUT, "%s:%u: not a row of "
				    "this scenario", path, i + 1);
				ok = FALSE;
				break;
			}
			continue;
		}
		if (!st->done[r]) {
			st->res[r] = mr;
			st->done[r] = 1;
			(*taken)++;
		}
	}
	g_strfreev(lines);
	return ok;
}

/* --- doing the runs -------------------------------------------------- */

static void
study_do_run(struct study *st, size_t r)
{
	struct params	*pp = params_copy(st->p);
	size_t		 point, s;
	guint64		 rep;
	GError		*e = NULL;
	gboolean	 ok;

	study_unindex(st, r, &point, &s, &rep);
	ok = sweep_apply(st->sw, point, pp, &e) &&
	    model_run(pp, st->strat[s], st->seed, (guint32)rep, &st->res[r],
	    &e);
	params_free(pp);
	if (!ok) {
		g_mutex_lock(&st->lock);
		if (st->error == NULL)
			g_propagate_prefixed_error(&st->error, e,
			    "run %zu (%s, replication %" G_GUINT64_FORMAT "): ",
			    point, st->strat[s], rep);
		else
			g_error_free(e);
		st->abort = TRUE;
		g_mutex_unlock(&st->lock);
		return;
	}
	study_round(&st->res[r]);
}

struct study_task {
	struct study	*st;
	size_t		 r;
};

static void
study_worker(gpointer data, gpointer user)
{
	struct study	*st = user;
	size_t		 r = GPOINTER_TO_SIZE(data) - 1;
	gboolean	 skip;

	g_mutex_lock(&st->lock);
	skip = st->abort;
	g_mutex_unlock(&st->lock);
	if (!skip)
		study_do_run(st, r);
	g_async_queue_push(st->finished, GSIZE_TO_POINTER(r + 1));
}

/* A run is finished: journal its row (main thread only). */
static gboolean
study_finished(struct study *st, size_t r, GError **error)
{
	struct csv	*c;
	gboolean	 ok;

	if (st->abort)
		return TRUE;
	if (study_interrupted) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERRUPTED,
		    "interrupted; %" G_GUINT64_FORMAT " finished runs are "
		    "kept in the journal, and running the same command again "
		    "resumes", st->runs + st->resumed);
		return FALSE;
	}
	st->done[r] = 1;
	st->runs++;
	c = csv_new();
	study_row(c, st, r);
	ok = csv_journal_append(st->journal, csv_text(c), error);
	csv_free(c);
	progress_step(st->prog);
	return ok;
}

/* Do the runs listed in todo, on o->jobs threads. */
static gboolean
study_do(struct study *st, GArray *todo, GError **error)
{
	GThreadPool	*pool;
	guint		 jobs = MAX(1, st->o->jobs), i;
	gboolean	 ok = TRUE;

	if (jobs == 1 || todo->len < 2) {
		for (i = 0; ok && i < todo->len && !st->abort; i++) {
			size_t r = g_array_index(todo, size_t, i);

			study_do_run(st, r);
			ok = study_finished(st, r, error);
		}
	} else {
		st->finished = g_async_queue_new();
		pool = g_thread_pool_new(study_worker, st, (gint)jobs, TRUE,
		    NULL);
		for (i = 0; i < todo->len; i++)
			g_thread_pool_push(pool, GSIZE_TO_POINTER(g_array_index(
			    todo, size_t, i) + 1), NULL);
		for (i = 0; i < todo->len; i++) {
			size_t r = GPOINTER_TO_SIZE(g_async_queue_pop(
			    st->finished)) - 1;

			if (ok && !study_finished(st, r, error)) {
				ok = FALSE;
				g_mutex_lock(&st->lock);
				st->abort = TRUE;
				g_mutex_unlock(&st->lock);
			}
		}
		g_thread_pool_free(pool, FALSE, TRUE);
		g_async_queue_unref(st->finished);
		st->finished = NULL;
	}
	if (ok && st->error != NULL) {
		g_propagate_error(error, st->error);
		st->error = NULL;
		ok = FALSE;
	}
	return ok;
}

static gboolean
study_mine(const struct study *st, size_t r)
{
	return st->o->nshards == 0 ||
	    r % st->o->nshards == st->o->shard - 1;
}

/* The runs to do: the first reps_min replications of everything (of this
 * shard) not yet done. */
static GArray *
study_todo_initial(const struct study *st)
{
	GArray	*todo = g_array_new(FALSE, FALSE, sizeof(size_t));
	size_t	 point, s, r;
	guint64	 rep;

	for (point = 0; point < sweep_points(st->sw); point++)
		for (s = 0; s < st->ns; s++)
			for (rep = 0; rep < st->reps_min; rep++) {
				r = study_index(st, point, s, rep);
				if (!st->done[r] && study_mine(st, r))
					g_array_append_val(todo, r);
			}
	return todo;
}

/* Mean and ci95 of a metric over the done replications of a cell. */
static struct ci
study_cell(const struct study *st, size_t point, size_t s, int metric)
{
	double		*v = g_new(double, st->reps);
	size_t		 n = 0;
	guint64		 rep;
	struct ci	 c;

	for (rep = 0; rep < st->reps; rep++) {
		size_t r = study_index(st, point, s, rep);

		if (st->done[r])
			v[n++] = st->res[r].v[metric];
	}
	c = stats_ci95(v, n);
	g_free(v);
	return c;
}

/* --ci-target: cells whose interval is wider than the target get more
 * replications, doubling, up to the cap.  Which runs exist depends only
 * on results, so it is the same for any -j. */
static GArray *
study_todo_more(const struct study *st)
{
	GArray	*todo = g_array_new(FALSE, FALSE, sizeof(size_t));
	size_t	 point, s, r;
	guint64	 rep, have;

	for (point = 0; point < sweep_points(st->sw); point++)
		for (s = 0; s < st->ns; s++) {
			struct ci c = study_cell(st, point, s,
			    MODEL_CPU_NS_PER_BYTE);

			if (c.half_width <= st->o->ci_target * fabs(c.mean) ||
			    c.n >= st->reps)
				continue;
			have = c.n;
			for (rep = have; rep < MIN(2 * have, st->reps); rep++) {
				r = study_index(st, point, s, rep);
				if (!st->done[r])
					g_array_append_val(todo, r);
			}
		}
	return todo;
}

/* --- outputs --------------------------------------------------------- */

static void
study_summary(struct csv *c, const struct study *st)
{
	size_t	i, s;
	int	m;

	study_header_row(c, st->sw, TRUE);
	for (i = 0; i < sweep_points(st->sw); i++) {
		for (s = 0; s < st->ns; s++) {
			struct ci n = study_cell(st, i, s, 0);

			study_row_key(c, st, i, NULL, st->strat[s]);
			csv_field_u64(c, n.n);
			for (m = 0; m < MODEL_METRIC_COUNT; m++) {
				struct ci ci = study_cell(st, i, s, m);

				csv_field_double(c, ci.mean);
				csv_field_double(c, ci.half_width);
			}
			csv_end_row(c);
		}
	}
}

/* Rows of every done run of this shard (or all), in run order. */
static gboolean
study_write(struct study *st, const char *rows_path, gboolean whole,
    struct study_outputs *out, GError **error)
{
	struct csv	*rows = csv_new(), *sum;
	char		*base = g_build_filename(st->o->outdir, st->name, NULL);
	gboolean	 ok;
	size_t		 r;

	study_header_row(rows, st->sw, FALSE);
	for (r = 0; r < st->nruns; r++)
		if (st->done[r] && study_mine(st, r))
			study_row(rows, st, r);
	ok = csv_write_atomic(rows, rows_path, error);
	csv_free(rows);
	if (ok && whole) {
		sum = csv_new();
		study_summary(sum, st);
		out->summary = g_strconcat(base, "-summary.csv", NULL);
		ok = csv_write_atomic(sum, out->summary, error);
		csv_free(sum);
		if (ok && !st->o->no_plot) {
			GError *e = NULL;

			/* The figure is drawn from the summary just written,
			 * as "loansim plot" would. */
			if (!figure_draw(out->summary, base, NULL,
			    &out->figure, &e)) {
				out->plot_warning = g_strdup(e->message);
				g_error_free(e);
			}
		}
	}
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

gboolean
study_run(const struct params *p, const struct study_options *o,
    struct study_outputs *out, GError **error)
{
	struct study	 st;
	GArray		*todo = NULL;
	char		*jpath = NULL, *file;
	gboolean	 ok = FALSE;
	gint64		 t0 = g_get_monotonic_time();
	size_t		 r;

	memset(out, 0, sizeof(*out));
	if (!study_init(&st, p, o, error) || !study_mkdir(o->outdir, error))
		goto out;
	file = o->nshards > 0 ? g_strdup_printf("%s.shard-%u-of-%u.csv",
	    st.name, o->shard, o->nshards) : g_strconcat(st.name, ".csv",
	    NULL);
	out->rows = g_build_filename(o->outdir, file, NULL);
	g_free(file);
	jpath = g_strconcat(out->rows, ".partial", NULL);
	/* Resume: rows journaled by an earlier, interrupted run of the
	 * same parameters are results already. */
	if (!study_load_rows(&st, jpath, TRUE, FALSE, &out->resumed, error))
		goto out;
	if ((st.journal = csv_journal_open(jpath, error)) == NULL)
		goto out;
	/* Rewrite the journal from what was kept, then append. */
	{
		struct csv	*c = csv_new();
		GString		*j = g_string_new(STUDY_JOURNAL_TAG);

		g_string_append_printf(j, "%s\n%s", st.key, st.header);
		for (r = 0; r < st.nruns; r++)
			if (st.done[r])
				study_row(c, &st, r);
		g_string_append(j, csv_text(c));
		csv_free(c);
		ok = ftruncate(fileno(st.journal), 0) == 0 &&
		    csv_journal_append(st.journal, j->str, error);
		g_string_free(j, TRUE);
		if (!ok) {
			if (error != NULL && *error == NULL)
				g_set_error(error, LOANSIM_ERROR,
				    LOANSIM_ERROR_IO, "%s: %s", jpath,
				    g_strerror(errno));
			goto out;
		}
		ok = FALSE;
	}
	todo = study_todo_initial(&st);
	st.prog = progress_new(st.name, todo->len, o->quiet);
	while (todo->len > 0) {
		if (!study_do(&st, todo, error))
			goto out;
		g_array_free(todo, TRUE);
		todo = NULL;
		todo = o->ci_target > 0 ? study_todo_more(&st) :
		    g_array_new(FALSE, FALSE, sizeof(size_t));
	}
	progress_end(st.prog);
	if (!study_write(&st, out->rows, o->nshards == 0, out, error))
		goto out;
	fclose(st.journal);
	st.journal = NULL;
	(void)g_unlink(jpath);
	ok = TRUE;
out:
	progress_end(st.prog);
	out->runs = st.runs;
	out->seconds = (g_get_monotonic_time() - t0) / 1e6;
	if (todo != NULL)
		g_array_free(todo, TRUE);
	g_free(jpath);
	study_free(&st);
	return ok;
}

gboolean
study_merge(const struct params *p, const struct study_options *o,
    char **files, struct study_outputs *out, GError **error)
{
	struct study	 st;
	struct study_options mo = *o;
	gboolean	 ok = FALSE;
	guint64		 n, missing = 0;
	size_t		 r, first = 0;
	guint		 i;

	memset(out, 0, sizeof(*out));
	mo.nshards = mo.shard = 0;
	if (!study_init(&st, p, &mo, error) || !study_mkdir(o->outdir, error))
		goto out;
	for (i = 0; files[i] != NULL; i++) {
		if (!study_load_rows(&st, files[i], FALSE, TRUE, &n, error))
			goto out;
		out->resumed += n;
	}
	for (r = 0; r < st.nruns; r++)
		if (!st.done[r] && missing++ == 0)
			first = r;
	if (missing > 0) {
		size_t	point, s;
		guint64	rep;

		study_unindex(&st, first, &point, &s, &rep);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "the shards hold %" G_GUINT64_FORMAT " of %zu runs; "
		    "missing %" G_GUINT64_FORMAT ", the first run %zu (%s, "
		    "replication %" G_GUINT64_FORMAT ")", out->resumed,
		    st.nruns, missing, point, st.strat[s], rep);
		goto out;
	}
	{
		char *file = g_strconcat(st.name, ".csv", NULL);

		out->rows = g_build_filename(o->outdir, file, NULL);
		g_free(file);
	}
	ok = study_write(&st, out->rows, TRUE, out, error);
out:
	study_free(&st);
	return ok;
}
