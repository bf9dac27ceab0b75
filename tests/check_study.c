/* Tests of the study layer: sweep expansion, CSV, and whole runs written
 * to disk (byte-identical for the same seed, nothing left behind). */
#include <check.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/csv.h"
#include "sim/error.h"
#include "sim/params.h"
#include "sim/study.h"
#include "sim/sweep.h"
#include "sim/threshold.h"
#include "models/model.h"

static void
expand_ok(const char *spec, enum param_type t, const char *const *want,
    const double *nums, guint n)
{
	GPtrArray	*texts = g_ptr_array_new_with_free_func(g_free);
	GArray		*numbers = g_array_new(FALSE, FALSE, sizeof(double));
	GError		*e = NULL;
	guint		 i;

	ck_assert_msg(sweep_expand(spec, t, texts, numbers, &e), "%s: %s",
	    spec, e ? e->message : "");
	ck_assert_uint_eq(texts->len, n);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(g_ptr_array_index(texts, i), want[i]);
		if (nums != NULL)
			ck_assert_double_eq_tol(g_array_index(numbers, double,
			    i), nums[i], 1e-9);
	}
	g_ptr_array_free(texts, TRUE);
	g_array_free(numbers, TRUE);
}

static void
expand_bad(const char *spec, enum param_type t, const char *msg)
{
	GPtrArray	*texts = g_ptr_array_new_with_free_func(g_free);
	GArray		*numbers = g_array_new(FALSE, FALSE, sizeof(double));
	GError		*e = NULL;

	ck_assert(!sweep_expand(spec, t, texts, numbers, &e));
	ck_assert_msg(strstr(e->message, msg) != NULL, "\"%s\" lacks \"%s\"",
	    e->message, msg);
	g_error_free(e);
	g_ptr_array_free(texts, TRUE);
	g_array_free(numbers, TRUE);
}

START_TEST(test_sweep_geometric_sizes)
{
	static const char *const w[] = { "1024B", "2048B", "4096B", "8192B" };
	static const double n[] = { 1024, 2048, 4096, 8192 };

	expand_ok("1KiB .. 8KiB *2", PARAM_SIZE, w, n, 4);
}
END_TEST

START_TEST(test_sweep_arithmetic_and_lists)
{
	static const char *const w1[] = { "0", "0.25", "0.5", "0.75", "1" };
	static const char *const w2[] = { "copy", "loan" };
	static const char *const w3[] = { "100000ns", "300000ns" };
	static const char *const w4[] = { "50us", "1ms" };
	static const double n4[] = { 50000, 1000000 };

	expand_ok("0 .. 1 +0.25", PARAM_PROBABILITY, w1, NULL, 5);
	expand_ok("copy, loan", PARAM_ENUM, w2, NULL, 2);
	expand_ok("100us .. 300us +200us", PARAM_TIME, w3, NULL, 2);
	expand_ok("50us, 1ms", PARAM_TIME, w4, n4, 2);
}
END_TEST

START_TEST(test_sweep_bad_specs)
{
	expand_bad("8KiB .. 1KiB *2", PARAM_SIZE, "expected LO <= HI");
	expand_bad("1KiB .. 8KiB *1", PARAM_SIZE, "a factor above 1");
	expand_bad("1KiB .. 8KiB", PARAM_SIZE, "expected LO .. HI *FACTOR");
	expand_bad("copy .. loan +1", PARAM_ENUM, "a range needs a numeric");
	expand_bad("1KiB, , 2KiB", PARAM_SIZE, "empty value");
	expand_bad("1B .. 1GiB +1B", PARAM_SIZE, "more than 100000 values");
}
END_TEST

START_TEST(test_sweep_product_last_axis_fastest)
{
	struct params	*p = model_params_new();
	struct sweep	*s;
	GError		*e = NULL;

	ck_assert(params_add_sweep(p, "workload.size", "4KiB, 8KiB", "t", &e));
	ck_assert(params_add_sweep(p, "machine.cpus", "1, 2, 4", "t", &e));
	s = sweep_new(p, &e);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(sweep_points(s), 6);
	/* Listed values keep the user's text; numbers are in bytes. */
	ck_assert_str_eq(sweep_text(s, 0, 0), "4KiB");
	ck_assert_double_eq(sweep_number(s, 0, 0), 4096);
	ck_assert_str_eq(sweep_text(s, 2, 1), "4");
	ck_assert_str_eq(sweep_text(s, 3, 0), "8KiB");
	ck_assert_str_eq(sweep_text(s, 3, 1), "1");
	ck_assert(sweep_apply(s, 5, p, &e));
	ck_assert_uint_eq(params_size(p, "workload.size"), 8192);
	ck_assert_uint_eq(params_count(p, "machine.cpus"), 4);
	sweep_free(s);
	params_free(p);
}
END_TEST

START_TEST(test_sweep_where_constraints)
{
	struct params	*p = model_params_new();
	struct sweep	*s;
	GError		*e = NULL;
	size_t		 i;

	ck_assert(params_add_sweep(p, "machine.cpus", "1, 2, 4", "t", &e));
	ck_assert(params_add_sweep(p, "workload.threads", "1, 2, 4", "t", &e));
	ck_assert(params_add_sweep(p, "where", "workload.threads <= "
	    "machine.cpus, machine.cpus != 2", "t", &e));
	s = sweep_new(p, &e);
	ck_assert_msg(s != NULL, "%s", e ? e->message : "");
	/* (1,1), (4,1), (4,2), (4,4) */
	ck_assert_uint_eq(sweep_points(s), 4);
	for (i = 0; i < 4; i++)
		ck_assert_double_le(sweep_number(s, i, 1),
		    sweep_number(s, i, 0));
	ck_assert_str_eq(sweep_text(s, 3, 1), "4");
	sweep_free(s);
	params_free(p);
	p = model_params_new();
	ck_assert(params_add_sweep(p, "workload.size", "1KiB, 2KiB", "t", &e));
	ck_assert(params_add_sweep(p, "where", "workload.size > 1MiB", "t",
	    &e));
	ck_assert_ptr_null(sweep_new(p, &e));
	ck_assert_str_eq(e->message, "[sweep] where: no point of the sweep "
	    "satisfies the constraints");
	g_clear_error(&e);
	params_free(p);
	p = model_params_new();
	ck_assert(params_add_sweep(p, "where", "workload.sise < 1", "t", &e));
	ck_assert_ptr_null(sweep_new(p, &e));
	ck_assert_str_eq(e->message, "t: [sweep] where = \"workload.sise < "
	    "1\": \"workload.sise\" is neither a swept or numeric parameter "
	    "nor a number");
	g_clear_error(&e);
	params_free(p);
}
END_TEST

START_TEST(test_sweep_empty_spec)
{
	struct params	*p = model_params_new();
	GError		*e = NULL;

	expand_bad("", PARAM_SIZE, "no values: expected a list");
	expand_bad("  ", PARAM_ENUM, "no values: expected a list");
	/* Once divided the point count by zero values (SIGFPE). */
	ck_assert(params_add_sweep(p, "workload.size", "", "f.ini:9", &e));
	ck_assert_ptr_null(sweep_new(p, &e));
	ck_assert_int_eq(e->code, LOANSIM_ERROR_INPUT);
	ck_assert_str_eq(e->message, "f.ini:9: [sweep] workload.size: no "
	    "values: expected a list (a, b, c) or a range (LO .. HI *FACTOR "
	    "or LO .. HI +STEP)");
	g_clear_error(&e);
	params_free(p);
}
END_TEST

START_TEST(test_sweep_one_axis_per_parameter)
{
	struct params	*p = model_params_new();
	struct sweep	*s;
	GError		*e = NULL;

	ck_assert(params_add_sweep(p, "workload.size", "1KiB, 2KiB", "f.ini:3",
	    &e));
	ck_assert(params_add_sweep(p, "machine.cpus", "1, 2", "f.ini:4", &e));
	ck_assert(params_add_sweep(p, "workload.size", "4KiB, 8KiB, 16KiB",
	    "command line", &e));
	/* --sweep replaces the file's axis, in its place. */
	s = sweep_new(p, &e);
	ck_assert_msg(s != NULL, "%s", e ? e->message : "");
	ck_assert_uint_eq(sweep_axes(s), 2);
	ck_assert_uint_eq(sweep_points(s), 6);
	ck_assert_str_eq(sweep_axis_name(s, 0), "workload.size");
	ck_assert_str_eq(sweep_text(s, 0, 0), "4KiB");
	ck_assert_str_eq(sweep_text(s, 5, 0), "16KiB");
	sweep_free(s);
	/* -p fixes a parameter the file sweeps: its axis goes. */
	ck_assert(params_override(p, "machine.cpus=2", &e));
	s = sweep_new(p, &e);
	ck_assert_uint_eq(sweep_axes(s), 1);
	ck_assert_uint_eq(sweep_points(s), 3);
	sweep_free(s);
	/* The study's own keys cannot be swept. */
	ck_assert(params_add_sweep(p, "scenario.seed", "1, 2", "f.ini:7", &e));
	ck_assert_ptr_null(sweep_new(p, &e));
	ck_assert_int_eq(e->code, LOANSIM_ERROR_INPUT);
	ck_assert(g_str_has_prefix(e->message, "f.ini:7: [sweep] "
	    "scenario.seed: the study itself reads this parameter"));
	g_clear_error(&e);
	params_free(p);
}
END_TEST

START_TEST(test_csv_quoting)
{
	struct csv	*c = csv_new();

	csv_field(c, "plain");
	csv_field(c, "a,b");
	csv_field(c, "say \"hi\"");
	csv_field_u64(c, 42);
	csv_field_double(c, 0.1);
	csv_field_double(c, NAN);
	csv_end_row(c);
	ck_assert_str_eq(csv_text(c),
	    "plain,\"a,b\",\"say \"\"hi\"\"\",42,0.1,nan\n");
	ck_assert_str_eq(csv_last_row(c), csv_text(c));
	csv_free(c);
}
END_TEST

/* --- the progress line's time left ---------------------------------- */

/* The time left goes by the runs' weights (their estimated cost): 108
 * runs whose cost grows along the sweep, run i weighing i + 1, 45 done
 * in 3 s.  The plain rate, 15 runs/s, would say 4.2 s for the 63 left;
 * by weight 1035 of 5886 are done, so 3 s x 4851 / 1035 = 14.06 s. */
START_TEST(test_progress_eta_by_weight)
{
	double	done = 0, total = 0;
	int	i;

	for (i = 0; i < 108; i++) {
		total += i + 1;
		if (i < 45)
			done += i + 1;
	}
	ck_assert_double_eq(done, 1035);
	ck_assert_double_eq(total, 5886);
	ck_assert_double_eq_tol(progress_eta(done, total, 3), 3.0 * 4851 /
	    1035, 1e-12);
	ck_assert_double_eq_tol(progress_eta(done, total, 3), 14.0609, 1e-4);
	/* Equal weights: the plain rate. */
	ck_assert_double_eq_tol(progress_eta(45, 108, 3), 4.2, 1e-12);
	/* All done, or more than the total: nothing left. */
	ck_assert_double_eq(progress_eta(108, 108, 7), 0);
	ck_assert_double_eq(progress_eta(120, 108, 7), 0);
	/* Nothing done yet, or no time gone: unknown. */
	ck_assert(isnan(progress_eta(0, 108, 3)));
	ck_assert(isnan(progress_eta(45, 108, 0)));
}
END_TEST

/* --- whole studies on disk ------------------------------------------ */

static char	*tmpdir;

static void
study_setup(void)
{
	tmpdir = g_dir_make_tmp("loansim-study-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmpdir);
	g_setenv("LOANSIM_GNUPLOT", "", TRUE);	/* no figures here */
}

static void
study_rm(const char *dir)
{
	GDir		*d = g_dir_open(dir, 0, NULL);
	const char	*n;

	while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, n, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			study_rm(p);
		else
			g_unlink(p);
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	g_rmdir(dir);
}

static void
study_teardown(void)
{
	study_rm(tmpdir);
	g_free(tmpdir);
}

static struct params *
study_params(void)
{
	struct params	*p = model_params_new();
	GError		*e = NULL;

	ck_assert(params_override(p, "scenario.name=t", &e));
	ck_assert(params_override(p, "workload.messages=40", &e));
	ck_assert(params_override(p, "workload.rewrite_probability=0.5", &e));
	ck_assert(params_override(p, "workload.rewrite_delay=exp(20us)", &e));
	ck_assert(params_override(p, "scenario.replications=2", &e));
	ck_assert(params_add_sweep(p, "workload.size", "4KiB .. 16KiB *2",
	    "t", &e));
	return p;
}

static char *
study_once(const struct params *p, const char *sub)
{
	struct study_options	 o;
	struct study_outputs	 out;
	GError			*e = NULL;
	char			*dir = g_build_filename(tmpdir, sub, NULL);
	char			*text = NULL, *partial;

	memset(&o, 0, sizeof(o));
	o.outdir = dir;
	o.quiet = TRUE;
	ck_assert_msg(study_run(p, &o, &out, &e), "%s", e ? e->message : "");
	ck_assert_uint_eq(out.runs, 3 * 2 * 2);
	ck_assert(g_file_get_contents(out.rows, &text, NULL, NULL));
	partial = g_strconcat(out.rows, ".partial", NULL);
	ck_assert(!g_file_test(partial, G_FILE_TEST_EXISTS));
	ck_assert(g_file_test(out.summary, G_FILE_TEST_EXISTS));
	g_free(partial);
	study_outputs_clear(&out);
	g_free(dir);
	return text;
}

START_TEST(test_study_rows_byte_identical)
{
	struct params	*p = study_params();
	char		*a = study_once(p, "a"), *b = study_once(p, "b");
	char		**lines = g_strsplit(a, "\n", -1);

	ck_assert_str_eq(a, b);
	/* Header, 12 rows, and the empty string after the last newline. */
	ck_assert_uint_eq(g_strv_length(lines), 14);
	ck_assert(g_str_has_prefix(lines[0], "scenario,run_id,replication,"
	    "seed,strategy,workload.size,cpu_ns_per_byte,"));
	/* run_id is the run number, (point x 2 + strategy) x 2 + rep. */
	ck_assert(g_str_has_prefix(lines[1], "t,0,0,1,copy,4096,"));
	ck_assert(g_str_has_prefix(lines[4], "t,3,1,1,loan,4096,"));
	ck_assert(g_str_has_prefix(lines[12], "t,11,1,1,loan,16384,"));
	g_strfreev(lines);
	g_free(a);
	g_free(b);
	params_free(p);
}
END_TEST

static guint64
study_summary_reps(const char *path, int row)
{
	char	*text = NULL, **lines, **f;
	guint64	 n;
	int	 col, i;

	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	f = csv_split_line(lines[0]);
	for (col = 0; strcmp(f[col], "replications") != 0; col++)
		;
	g_strfreev(f);
	f = csv_split_line(lines[row]);
	n = g_ascii_strtoull(f[col], NULL, 10);
	for (i = 0; f[i] != NULL; i++)
		;
	g_strfreev(f);
	g_strfreev(lines);
	g_free(text);
	return n;
}

/* Options of a quiet --ci-target study on two threads into dir. */
static void
study_ci_options(struct study_options *o, const char *dir, double target,
    guint64 cap)
{
	memset(o, 0, sizeof(*o));
	o->outdir = dir;
	o->quiet = TRUE;
	o->jobs = 2;
	o->ci_target = target;
	o->max_replications = cap;
}

START_TEST(test_study_ci_target_adds_replications)
{
	struct params		*p = study_params();
	struct study_options	 o;
	struct study_outputs	 out;
	GError			*e = NULL;
	char			*dir = g_build_filename(tmpdir, "ci", NULL);

	/* Never met: every cell goes to the cap. */
	study_ci_options(&o, dir, 1e-9, 8);
	ck_assert_msg(study_run(p, &o, &out, &e), "%s", e ? e->message : "");
	/* 2, then 4, then 8 replications of 3 points x 2 strategies. */
	ck_assert_uint_eq(out.runs, 3 * 2 * 8);
	ck_assert_uint_eq(study_summary_reps(out.summary, 1), 8);
	/* Every one of the 6 cells stopped at the cap, short of it. */
	ck_assert_uint_eq(out.cells, 6);
	ck_assert_uint_eq(out.capped, 6);
	study_outputs_clear(&out);
	o.ci_target = 0.9;	/* met at once */
	ck_assert(study_run(p, &o, &out, &e));
	ck_assert_uint_eq(out.runs, 3 * 2 * 2);
	ck_assert_uint_eq(study_summary_reps(out.summary, 6), 2);
	ck_assert_uint_eq(out.cells, 6);
	ck_assert_uint_eq(out.capped, 0);
	study_outputs_clear(&out);
	g_free(dir);
	params_free(p);
}
END_TEST

/* --ci-metric: the target applies to the metric named.  No run breaks
 * copy semantics, so violations is 0 with an interval of 0, within any
 * target at the first two replications; cpu_ns_per_byte is not within
 * 1% of its mean in some cells even at 16. */
START_TEST(test_study_ci_metric)
{
	struct params		*p = study_params();
	struct study_options	 o;
	struct study_outputs	 out;
	GError			*e = NULL;
	char			*dir = g_build_filename(tmpdir, "cim", NULL);

	study_ci_options(&o, dir, 0.01, 16);
	o.ci_metric = (guint)model_metric_lookup("violations");
	ck_assert_msg(study_run(p, &o, &out, &e), "%s", e ? e->message : "");
	ck_assert_uint_eq(out.runs, 3 * 2 * 2);
	ck_assert_uint_eq(out.capped, 0);
	study_outputs_clear(&out);
	o.ci_metric = (guint)model_metric_lookup("cpu_ns_per_byte");
	ck_assert(study_run(p, &o, &out, &e));
	ck_assert_uint_gt(out.runs, 3 * 2 * 2);
	ck_assert_uint_gt(out.capped, 0);
	study_outputs_clear(&out);
	/* study_options zeroed asks for cpu_ns_per_byte. */
	ck_assert_int_eq(model_metric_lookup("cpu_ns_per_byte"), 0);
	g_free(dir);
	params_free(p);
}
END_TEST

static char *
study_read(const char *path)
{
	char	*text = NULL;

	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "%s",
	    path);
	return text;
}

/* A journal as a run killed in its second --ci-target round leaves it:
 * every row of the first round, some of the later ones in another order,
 * and a last row cut off in its fingerprint.  The resumed study must do
 * the rest and write what the run not killed wrote, byte for byte. */
START_TEST(test_study_resume_ci_target)
{
	struct params		*p = study_params();
	struct study_options	 o;
	struct study_outputs	 out;
	GError			*e = NULL;
	char			*rows, *sum, *partial, *j, **lines, **f;
	char			*cut = NULL;
	GString			*keep = g_string_new(NULL);
	guint			 i, kept = 0, total;

	memset(&o, 0, sizeof(o));
	o.outdir = tmpdir;
	o.quiet = TRUE;
	o.jobs = 2;
	o.ci_target = 0.03;
	o.max_replications = 16;
	ck_assert_msg(study_run(p, &o, &out, &e), "%s", e ? e->message : "");
	/* Cells end at different rounds (2, 4, 8 replications or the cap,
	 * 16): more than the first round, less than the cap everywhere.
	 * The resumed study must stop each one where this one did. */
	total = out.runs;
	ck_assert_uint_gt(total, 3 * 2 * 2);
	ck_assert_uint_lt(total, 3 * 2 * 16);
	rows = study_read(out.rows);
	sum = study_read(out.summary);
	study_outputs_clear(&out);

	/* A run stopped before its first run leaves the journal's key and
	 * header. */
	o.outdir = partial = g_build_filename(tmpdir, "b", NULL);
	study_interrupted = 1;
	ck_assert(!study_run(p, &o, &out, &e));
	ck_assert_int_eq(e->code, LOANSIM_ERROR_INTERRUPTED);
	g_clear_error(&e);
	study_outputs_clear(&out);
	study_interrupted = 0;
	j = g_build_filename(partial, "t.csv.partial", NULL);
	lines = g_strsplit(rows, "\n", -1);
	for (i = g_strv_length(lines) - 1; i >= 1; i--) {
		if (*lines[i] == '\0')
			continue;
		f = csv_split_line(lines[i]);
		if (atoi(f[2]) < 2 || (atoi(f[2]) < 4 &&
		    atoi(f[1]) % 3 == 0)) {
			g_string_append_printf(keep, "%s\n", lines[i]);
			kept++;
		} else if (cut == NULL)
			cut = g_strdup(lines[i]);
		g_strfreev(f);
	}
	g_strfreev(lines);
	/* A shortened fingerprint, once taken for the row's. */
	g_string_append_len(keep, cut, (gssize)strlen(cut) - 3);
	g_free(cut);
	{
		char *head = study_read(j), *text;
		char **hl = g_strsplit(head, "\n", -1);

		ck_assert_uint_eq(g_strv_length(hl), 3);
		g_strfreev(hl);
		text = g_strconcat(head, keep->str, NULL);
		ck_assert(g_file_set_contents(j, text, -1, NULL));
		g_free(head);
		g_free(text);
	}
	ck_assert_msg(study_run(p, &o, &out, &e), "%s", e ? e->message : "");
	ck_assert_uint_eq(out.resumed, kept);
	ck_assert_uint_eq(out.resumed + out.runs, total);
	{
		char *r2 = study_read(out.rows), *s2 = study_read(out.summary);

		ck_assert_str_eq(r2, rows);
		ck_assert_str_eq(s2, sum);
		g_free(r2);
		g_free(s2);
	}
	ck_assert(!g_file_test(j, G_FILE_TEST_EXISTS));
	study_outputs_clear(&out);
	g_string_free(keep, TRUE);
	g_free(j);
	g_free(partial);
	g_free(rows);
	g_free(sum);
	params_free(p);
}
END_TEST

/* With one replication the interval is unknown: the summary says nan,
 * and --ci-target never takes it as met. */
START_TEST(test_study_one_replication_no_interval)
{
	struct params		*p = study_params();
	struct study_options	 o;
	struct study_outputs	 out;
	GError			*e = NULL;
	char			*text, **lines, **head, **f;
	guint			 i;

	ck_assert(params_override(p, "scenario.replications=1", &e));
	memset(&o, 0, sizeof(o));
	o.outdir = tmpdir;
	o.quiet = TRUE;
	ck_assert_msg(study_run(p, &o, &out, &e), "%s", e ? e->message : "");
	text = study_read(out.summary);
	lines = g_strsplit(text, "\n", -1);
	head = csv_split_line(lines[0]);
	f = csv_split_line(lines[1]);
	for (i = 0; head[i] != NULL; i++)
		if (g_str_has_suffix(head[i], "_ci95"))
			ck_assert_str_eq(f[i], "nan");
	ck_assert_str_eq(head[1], "point");
	g_strfreev(head);
	g_strfreev(f);
	g_strfreev(lines);
	g_free(text);
	study_outputs_clear(&out);
	o.ci_target = 0.9;	/* met at two replications, not at one */
	o.max_replications = 8;
	ck_assert(study_run(p, &o, &out, &e));
	ck_assert_uint_eq(out.runs, 3 * 2 * 2);
	ck_assert_uint_eq(study_summary_reps(out.summary, 1), 2);
	study_outputs_clear(&out);
	params_free(p);
}
END_TEST

/* A finished study run again does nothing, unless its parameters or
 * its outputs changed. */
START_TEST(test_study_rerun_is_up_to_date)
{
	struct params		*p = study_params();
	struct study_options	 o;
	struct study_outputs	 out;
	GError			*e = NULL;
	char			*a, *b;
	FILE			*f;

	memset(&o, 0, sizeof(o));
	o.outdir = tmpdir;
	o.quiet = TRUE;
	ck_assert(study_run(p, &o, &out, &e));
	ck_assert(!out.up_to_date);
	a = study_read(out.rows);
	study_outputs_clear(&out);
	ck_assert(study_run(p, &o, &out, &e));
	ck_assert(out.up_to_date);
	ck_assert_uint_eq(out.runs, 0);
	b = study_read(out.rows);
	ck_assert_str_eq(a, b);
	g_free(b);
	/* Outputs changed since: done again. */
	f = fopen(out.summary, "a");
	fputs("x\n", f);
	fclose(f);
	study_outputs_clear(&out);
	ck_assert(study_run(p, &o, &out, &e));
	ck_assert(!out.up_to_date);
	ck_assert_uint_eq(out.runs, 12);
	study_outputs_clear(&out);
	/* Other parameters: done again. */
	ck_assert(params_override(p, "workload.messages=41", &e));
	ck_assert(study_run(p, &o, &out, &e));
	ck_assert(!out.up_to_date);
	ck_assert_uint_eq(out.runs, 12);
	b = study_read(out.rows);
	ck_assert_str_ne(a, b);
	g_free(a);
	g_free(b);
	study_outputs_clear(&out);
	params_free(p);
}
END_TEST

/* Output files are named by the scenario name alone, inside -o. */
START_TEST(test_study_name_stays_inside)
{
	struct params		*p = study_params();
	struct study_options	 o;
	struct study_outputs	 out;
	GError			*e = NULL;
	char			*out_dir = g_build_filename(tmpdir, "o", NULL);
	char			*esc = g_build_filename(tmpdir, "escape.csv",
	    NULL);

	ck_assert(study_name_check("sosend-mp_2.v1", NULL));
	ck_assert(!study_name_check("../escape", NULL));
	ck_assert(!study_name_check(".hidden", NULL));
	ck_assert(!study_name_check("", NULL));
	ck_assert(!study_name_check("a/b", NULL));
	memset(&o, 0, sizeof(o));
	o.outdir = out_dir;
	o.quiet = TRUE;
	/* The name may be refused already when it is set. */
	if (params_override(p, "scenario.name=../escape", &e)) {
		ck_assert(!study_run(p, &o, &out, &e));
		ck_assert_int_eq(e->code, LOANSIM_ERROR_INPUT);
		study_outputs_clear(&out);
	}
	g_clear_error(&e);
	ck_assert(!g_file_test(esc, G_FILE_TEST_EXISTS));
	g_free(esc);
	g_free(out_dir);
	params_free(p);
}
END_TEST

START_TEST(test_study_threshold_found_with_interval)
{
	struct params		*p = model_params_new();
	struct threshold_options o;
	struct threshold_outputs out;
	struct threshold_result	*r;
	GError			*e = NULL;

	ck_assert(params_override(p, "scenario.name=t", &e));
	ck_assert(params_override(p, "workload.messages=30", &e));
	ck_assert(params_override(p, "workload.gap=200us", &e));
	ck_assert(params_override(p, "machine.cpus=1", &e));
	ck_assert(params_override(p, "workload.reuse=sendfile", &e));
	ck_assert(params_override(p, "workload.file_size=4MiB", &e));
	ck_assert(params_override(p, "machine.copy_bw_hot=2GB/s", &e));
	ck_assert(params_override(p, "machine.copy_bw_cold=500MB/s", &e));
	ck_assert(params_override(p, "machine.copy_bw_page=500MB/s", &e));
	ck_assert(params_override(p, "scenario.replications=2", &e));
	memset(&o, 0, sizeof(o));
	o.study.outdir = tmpdir;
	o.study.quiet = TRUE;
	o.vary = "workload.size";
	o.lo = "256B";
	o.hi = "1MiB";
	o.grid_factor = 2;
	o.resolution = 0.01;
	o.margin = 0.001;
	o.metric = "cpu_ns_per_byte";
	ck_assert_msg(threshold_run(p, &o, &out, &e), "%s",
	    e ? e->message : "");
	ck_assert_uint_eq(out.results->len, 1);
	r = &g_array_index(out.results, struct threshold_result, 0);
	/* Pages of a mapped file on a uniprocessor with a slow copy: the
	 * loan wins as soon as sosend loans (sock_loan_thresh = 4096), and
	 * below that both strategies copy, a tie that is no break-even. */
	ck_assert_uint_eq(r->found, 2);
	ck_assert_uint_eq(r->below, 0);
	ck_assert_double_eq(r->mean, 4096);
	ck_assert_double_eq(r->ci95, 0);
	ck_assert(g_file_test(out.csv, G_FILE_TEST_EXISTS));
	threshold_outputs_clear(&out);
	/* One replication: a threshold, but no interval. */
	ck_assert(params_override(p, "scenario.replications=1", &e));
	ck_assert(threshold_run(p, &o, &out, &e));
	r = &g_array_index(out.results, struct threshold_result, 0);
	ck_assert_uint_eq(r->found, 1);
	ck_assert_double_eq(r->mean, 4096);
	ck_assert(isnan(r->ci95));
	threshold_outputs_clear(&out);
	params_free(p);
}
END_TEST

static const char *
study_srcdir(void)
{
	const char *d = g_getenv("top_srcdir");

	return d != NULL ? d : ".";
}

/* Throughput is won by being higher: in the default scenario loaning
 * gives less throughput than copying up to 16KiB (results/default), so
 * no replication may find a break-even below that.  The same for any -j,
 * and -j 2 searches the replications at once. */
START_TEST(test_study_threshold_higher_is_better)
{
	struct params		*p = model_params_new();
	struct threshold_options o;
	struct threshold_outputs out;
	struct threshold_result	*r;
	GError			*e = NULL;
	char			*path = g_build_filename(study_srcdir(),
	    "scenarios", "default.ini", NULL);
	char			*a, *b;

	ck_assert_msg(params_load_file(p, path, &e), "%s",
	    e ? e->message : "");
	ck_assert(model_metric_higher_is_better(MODEL_THROUGHPUT_MBPS));
	ck_assert(!model_metric_higher_is_better(MODEL_CPU_NS_PER_BYTE));
	memset(&o, 0, sizeof(o));
	o.study.outdir = tmpdir;
	o.study.quiet = TRUE;
	o.study.jobs = 1;
	o.vary = "workload.size";
	o.lo = "256B";
	o.hi = "1MiB";
	o.grid_factor = 2;
	o.resolution = 0.01;
	o.margin = 0.001;
	o.metric = "throughput_MBps";
	ck_assert_msg(threshold_run(p, &o, &out, &e), "%s",
	    e ? e->message : "");
	r = &g_array_index(out.results, struct threshold_result, 0);
	ck_assert_uint_eq(r->found, 3);
	ck_assert_double_gt(r->min, 16384 * 0.9);
	a = study_read(out.csv);
	threshold_outputs_clear(&out);
	o.study.jobs = 2;
	ck_assert(threshold_run(p, &o, &out, &e));
	b = study_read(out.csv);
	ck_assert_str_eq(a, b);
	threshold_outputs_clear(&out);
	g_free(a);
	g_free(b);
	g_free(path);
	params_free(p);
}
END_TEST

static Suite *
study_suite(void)
{
	Suite	*s = suite_create("/study");
	TCase	*tc = tcase_create("/study/sweep");

	tcase_add_test(tc, test_sweep_geometric_sizes);
	tcase_add_test(tc, test_sweep_arithmetic_and_lists);
	tcase_add_test(tc, test_sweep_bad_specs);
	tcase_add_test(tc, test_sweep_product_last_axis_fastest);
	tcase_add_test(tc, test_sweep_where_constraints);
	tcase_add_test(tc, test_sweep_empty_spec);
	tcase_add_test(tc, test_sweep_one_axis_per_parameter);
	suite_add_tcase(s, tc);
	tc = tcase_create("/study/csv");
	tcase_add_test(tc, test_csv_quoting);
	tcase_add_test(tc, test_progress_eta_by_weight);
	suite_add_tcase(s, tc);
	tc = tcase_create("/study/run");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, study_setup, study_teardown);
	tcase_add_test(tc, test_study_rows_byte_identical);
	tcase_add_test(tc, test_study_threshold_found_with_interval);
	tcase_add_test(tc, test_study_ci_target_adds_replications);
	tcase_add_test(tc, test_study_ci_metric);
	tcase_add_test(tc, test_study_resume_ci_target);
	tcase_add_test(tc, test_study_one_replication_no_interval);
	tcase_add_test(tc, test_study_rerun_is_up_to_date);
	tcase_add_test(tc, test_study_name_stays_inside);
	tcase_add_test(tc, test_study_threshold_higher_is_better);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(study_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
