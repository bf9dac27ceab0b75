/* Tests of scenario files: every type, includes and their precedence,
 * overrides, the [sweep] group, and every error message, including files
 * of arbitrary bytes. */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sim/error.h"
#include "sim/params.h"
#include "sim/rng.h"

static const struct param_def defs[] = {
	{ "scenario.name", PARAM_NAME, "unnamed", NULL, NULL, NULL, "name" },
	{ "scenario.description", PARAM_STRING, "", NULL, NULL, NULL, "text" },
	{ "scenario.seed", PARAM_COUNT, "1", "0", NULL, NULL, "seed" },
	{ "machine.rtt", PARAM_TIME, "100us", "0", "10s", NULL, "round trip" },
	{ "machine.link_bw", PARAM_BANDWIDTH, "1Gbit/s", "1kbit/s", NULL, NULL,
	  "link" },
	{ "machine.offload", PARAM_BOOL, "false", NULL, NULL, NULL, "offload" },
	{ "workload.size", PARAM_SIZE, "16KiB", "1B", "1GiB", NULL, "size" },
	{ "workload.p", PARAM_PROBABILITY, "0", NULL, NULL, NULL, "prob" },
	{ "workload.x", PARAM_REAL, "1.5", "-2", "2", NULL, "real" },
	{ "workload.y", PARAM_REAL, "0", NULL, "10", NULL, "real, at most 10" },
	{ "workload.n", PARAM_COUNT, "3", "1", "10", NULL, "count" },
	{ "workload.m", PARAM_COUNT, "3", "2", NULL, NULL, "count, 2 up" },
	{ "workload.kind", PARAM_ENUM, "socket-send", NULL, NULL,
	  "socket-send,pipe", "kind" },
	{ "workload.delay", PARAM_DIST_TIME, "0", NULL, NULL, NULL, "delay" },
	{ "workload.table", PARAM_PATH, "none.txt", NULL, NULL, NULL, "path" },
	{ "compare.strategies", PARAM_LIST, "copy", NULL, NULL,
	  "copy,loan,gift", "strategies" },
};

static struct params	*p;
static char		*dir;

static void
setup(void)
{
	p = params_new(defs, G_N_ELEMENTS(defs));
	dir = g_dir_make_tmp("loansim-params-XXXXXX", NULL);
	ck_assert_ptr_nonnull(dir);
}

static void
rmtree(const char *d)
{
	GDir		*g = g_dir_open(d, 0, NULL);
	const char	*n;

	while (g != NULL && (n = g_dir_read_name(g)) != NULL) {
		char *f = g_build_filename(d, n, NULL);

		if (g_file_test(f, G_FILE_TEST_IS_DIR))
			rmtree(f);
		else
			g_unlink(f);
		g_free(f);
	}
	if (g != NULL)
		g_dir_close(g);
	g_rmdir(d);
}

static void
teardown(void)
{
	params_free(p);
	rmtree(dir);
	g_free(dir);
}

/* Write name (relative to dir) with text; returns its path. */
static char *
put(const char *name, const char *text, gssize len)
{
	char	*f = g_build_filename(dir, name, NULL);
	char	*d = g_path_get_dirname(f);
	FILE	*fp;

	g_mkdir_with_parents(d, 0700);
	g_free(d);
	/* Not g_file_set_contents: its fsync makes hundreds of files slow
	 * on a busy disk, and the test has a time limit. */
	fp = g_fopen(f, "wb");
	ck_assert_ptr_nonnull(fp);
	if (len < 0)
		len = (gssize)strlen(text);
	ck_assert(fwrite(text, 1, (size_t)len, fp) == (size_t)len);
	ck_assert_int_eq(fclose(fp), 0);
	return f;
}

/* Load text; the error message must be exactly "<path>msg". */
static void
load_bad(const char *text, const char *msg)
{
	char	*f = put("bad.ini", text, -1);
	char	*want = g_strconcat(f, msg, NULL);
	GError	*e = NULL;

	ck_assert_msg(!params_load_file(p, f, &e), "loaded: %s", text);
	ck_assert_str_eq(e->message, want);
	ck_assert_int_eq(e->code, LOANSIM_ERROR_INPUT);
	g_error_free(e);
	g_free(want);
	g_free(f);
}

START_TEST(test_params_defaults)
{
	ck_assert_str_eq(params_string(p, "scenario.name"), "unnamed");
	ck_assert_uint_eq(params_time(p, "machine.rtt"), 100000);
	ck_assert_double_eq(params_bandwidth(p, "machine.link_bw"), 1.25e8);
	ck_assert(!params_bool(p, "machine.offload"));
	ck_assert_uint_eq(params_size(p, "workload.size"), 16384);
	ck_assert_str_eq(params_origin(p, "workload.size"), "default");
	ck_assert(!params_is_set(p, "workload.size"));
}
END_TEST

START_TEST(test_params_every_type)
{
	char		*f = put("s.ini",
	    "# a scenario\n[scenario]\nname = test-run.2\nseed = 42\n\n"
	    "[machine]\nrtt = 1.5ms\nlink_bw = 10Gbit/s\noffload = yes\n"
	    "[workload]\nsize = 64 KiB\np = 25%\nx = -0.5\nkind = pipe\n"
	    "delay = exp(200us)\ntable = sizes.txt\n"
	    "[compare]\nstrategies = copy, loan\n", -1);
	GError		*e = NULL;
	char		**l, *path, *want;
	struct dist	*d;

	ck_assert_msg(params_load_file(p, f, &e), "%s", e ? e->message : "");
	ck_assert_str_eq(params_string(p, "scenario.name"), "test-run.2");
	ck_assert_uint_eq(params_count(p, "scenario.seed"), 42);
	ck_assert_uint_eq(params_time(p, "machine.rtt"), 1500000);
	ck_assert_double_eq(params_bandwidth(p, "machine.link_bw"), 1.25e9);
	ck_assert(params_bool(p, "machine.offload"));
	ck_assert_uint_eq(params_size(p, "workload.size"), 65536);
	ck_assert_double_eq(params_probability(p, "workload.p"), 0.25);
	ck_assert_double_eq(params_real(p, "workload.x"), -0.5);
	ck_assert_str_eq(params_string(p, "workload.kind"), "pipe");
	d = params_dist(p, "workload.delay");
	ck_assert_double_eq(dist_mean(d), 200000);
	dist_free(d);
	l = params_list(p, "compare.strategies");
	ck_assert_uint_eq(g_strv_length(l), 2);
	ck_assert_str_eq(l[1], "loan");
	g_strfreev(l);
	path = params_path(p, "workload.table");
	want = g_build_filename(dir, "sizes.txt", NULL);
	ck_assert_str_eq(path, want);
	g_free(path);
	g_free(want);
	want = g_strconcat(f, ":11", NULL);
	ck_assert_str_eq(params_origin(p, "workload.size"), want);
	g_free(want);
	g_free(f);
}
END_TEST

START_TEST(test_params_include_precedence)
{
	char	*f, *g;
	GError	*e = NULL;

	g_free(put("machines/m.ini", "[machine]\nrtt = 5us\nlink_bw = 1GB/s\n",
	    -1));
	g_free(put("machines/base.ini", "[machine]\ninclude = m.ini\n"
	    "rtt = 7us\noffload = true\n", -1));
	f = put("sub/s.ini", "[machine]\ninclude = ../machines/base.ini\n"
	    "rtt = 9us\n", -1);
	ck_assert_msg(params_load_file(p, f, &e), "%s", e ? e->message : "");
	/* default < m.ini < base.ini < s.ini < -p */
	ck_assert_double_eq(params_bandwidth(p, "machine.link_bw"), 1e9);
	ck_assert(params_bool(p, "machine.offload"));
	ck_assert_uint_eq(params_time(p, "machine.rtt"), 9000);
	ck_assert(params_override(p, " machine.rtt = 11us ", &e));
	ck_assert_uint_eq(params_time(p, "machine.rtt"), 11000);
	ck_assert_str_eq(params_origin(p, "machine.rtt"), "command line");
	g = g_build_filename(dir, "sub", NULL);
	ck_assert_str_eq(params_base_dir(p), g);
	g_free(g);
	g_free(f);
}
END_TEST

/* Load path; the error must be exactly want (INPUT: exit status 2). */
static void
load_fails(const char *path, const char *want)
{
	GError	*e = NULL;

	ck_assert_msg(!params_load_file(p, path, &e), "loaded %s", path);
	ck_assert_str_eq(e->message, want);
	ck_assert_int_eq(e->code, LOANSIM_ERROR_INPUT);
	g_error_free(e);
}

START_TEST(test_params_include_cycle)
{
	char	*a, *b, *want;

	a = put("a.ini", "[machine]\ninclude = b.ini\n", -1);
	b = put("b.ini", "# b\n[scenario]\ninclude = a.ini\n", -1);
	want = g_strdup_printf("%s:3: [scenario] include = \"a.ini\": include "
	    "cycle: %s includes %s includes %s", b, a, b, a);
	load_fails(a, want);
	g_free(want);
	g_free(a);
	g_free(b);
}
END_TEST

/* An include that cannot be read names the including file, its line and
 * group, then the file and why. */
START_TEST(test_params_include_errors)
{
	char	*a, *want, *sub;
	int	 i;

	a = put("c.ini", "[scenario]\nseed = 2\n[machine]\n"
	    "include = missing.ini\n", -1);
	want = g_strdup_printf("%s:4: [machine] include = \"missing.ini\": "
	    "cannot read %s/missing.ini: No such file or directory", a, dir);
	load_fails(a, want);
	g_free(want);
	g_free(a);

	sub = g_build_filename(dir, "sub", NULL);
	ck_assert_int_eq(g_mkdir(sub, 0700), 0);
	a = put("d.ini", "[machine]\ninclude = sub\n", -1);
	want = g_strdup_printf("%s:2: [machine] include = \"sub\": %s is a "
	    "directory, not a scenario file", a, sub);
	load_fails(a, want);
	g_free(want);
	g_free(a);
	want = g_strdup_printf("%s is a directory, not a scenario file", sub);
	load_fails(sub, want);
	g_free(want);
	g_free(sub);

	a = put("e.ini", "[workload]\nsize = 1KiB\ninclude =   \n", -1);
	want = g_strdup_printf("%s:3: [workload] include = \"\": expected a "
	    "file name", a);
	load_fails(a, want);
	g_free(want);
	g_free(a);

	/* in0 includes in1 ... includes in17: 16 levels are allowed. */
	for (i = 0; i <= 17; i++) {
		char *n = g_strdup_printf("in%d.ini", i);
		char *t = g_strdup_printf("[machine]\ninclude = in%d.ini\n",
		    i + 1);

		g_free(put(n, i == 17 ? "[machine]\nrtt = 3us\n" : t, -1));
		g_free(n);
		g_free(t);
	}
	a = g_build_filename(dir, "in1.ini", NULL);
	ck_assert(params_load_file(p, a, NULL));
	ck_assert_uint_eq(params_time(p, "machine.rtt"), 3000);
	g_free(a);
	a = g_build_filename(dir, "in0.ini", NULL);
	want = g_strdup_printf("%s/in16.ini:2: [machine] include = "
	    "\"in17.ini\": includes nested more than 16 deep", dir);
	load_fails(a, want);
	g_free(want);
	g_free(a);

	a = g_build_filename(dir, "absent.ini", NULL);
	want = g_strdup_printf("cannot read %s: No such file or directory",
	    a);
	load_fails(a, want);
	g_free(want);
	g_free(a);
}
END_TEST

/* scenario.name becomes file names and gnuplot text: only a safe word. */
START_TEST(test_params_name)
{
	static const char *bad[] = {
		"q\"; system(\"touch PWN3\"); print \"q",
		"q\" noenhanced; system \"touch PWN\"; set title \"q",
		"../../tmp/x", "a/b",
		".hidden", "a b", "x'y", "caf\xc3\xa9"
	};
	static const char *msg = "expected a name of 1 to 100 letters, "
	    "digits, '.', '_' or '-', not starting with '.' (it names the "
	    "output files)";
	char	*text, *want, *f, *longname;
	GError	*e = NULL;
	size_t	 i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		text = g_strdup_printf("[scenario]\nname = %s\n", bad[i]);
		want = g_strdup_printf(":2: [scenario] name = \"%s\": %s",
		    bad[i], msg);
		load_bad(text, want);
		g_free(text);
		g_free(want);
	}
	load_bad("[scenario]\nname =\n", ":2: [scenario] name = \"\": "
	    "expected a name of 1 to 100 letters, digits, '.', '_' or '-', "
	    "not starting with '.' (it names the output files)");
	longname = g_strnfill(101, 'a');
	text = g_strconcat("scenario.name=", longname, NULL);
	ck_assert(!params_override(p, text, &e));
	want = g_strdup_printf("command line: [scenario] name = \"%s\": %s",
	    longname, msg);
	ck_assert_str_eq(e->message, want);
	g_clear_error(&e);
	g_free(want);
	g_free(text);
	longname[100] = '\0';
	f = put("ok.ini", "[scenario]\nname = File-read_2.b\n", -1);
	ck_assert(params_load_file(p, f, &e));
	ck_assert_str_eq(params_string(p, "scenario.name"), "File-read_2.b");
	text = g_strconcat("scenario.name=", longname, NULL);
	ck_assert(params_override(p, text, &e));
	g_free(text);
	g_free(longname);
	g_free(f);
	/* Free text elsewhere is still free. */
	f = put("d.ini", "[scenario]\ndescription = a \"b\"; c/d\n", -1);
	ck_assert(params_load_file(p, f, &e));
	g_free(f);
}
END_TEST

START_TEST(test_params_errors)
{
	load_bad("[workload]\nsize = 16KQ\n", ":2: [workload] size = \"16KQ\": "
	    "expected a size such as 16KiB (units B, KiB, MiB, GiB, TiB, kB, "
	    "MB, GB, TB)");
	load_bad("[workload]\n\n# c\n  size =  2GiB\n", ":4: [workload] size "
	    "= \"2GiB\": expected a size from 1B to 1GiB");
	load_bad("[workload]\nsise = 1KiB\n", ":2: unknown key [workload] "
	    "sise; did you mean [workload] size?");
	load_bad("[machine]\nsize = 1KiB\n", ":2: unknown key [machine] "
	    "size; did you mean [workload] size?");
	load_bad("[workloads]\nsize = 1KiB\n", ":1: unknown group "
	    "[workloads]; did you mean [workload]?");
	load_bad("[zzzzzzzzz]\n", ":1: unknown group [zzzzzzzzz]");
	load_bad("[workload]\nkind = file\n", ":2: [workload] kind = \"file\": "
	    "expected one of socket-send, pipe");
	load_bad("[compare]\nstrategies = copy, copy\n", ":2: [compare] "
	    "strategies = \"copy, copy\": \"copy\" is listed twice");
	load_bad("[compare]\nstrategies = copy, teleport\n", ":2: [compare] "
	    "strategies = \"copy, teleport\": \"teleport\" is not one of "
	    "copy, loan, gift");
	load_bad("[workload]\ndelay = exp(-1us)\n", ":2: [workload] delay = "
	    "\"exp(-1us)\": argument 1: \"-1us\": expected a time such as "
	    "200us (units ns, us, ms, s)");
	load_bad("[machine]\noffload = maybe\n", ":2: [machine] offload = "
	    "\"maybe\": expected true or false (also yes/no, on/off, 1/0)");
	load_bad("[workload]\np = 2\n", ":2: [workload] p = \"2\": expected a "
	    "probability from 0 to 1 (or 0% to 100%)");
	load_bad("[sweep]\nworkload.sise = 1KiB, 2KiB\n", ":2: [sweep] "
	    "workload.sise: not a parameter (write group.key); did you mean "
	    "workload.size?");
	load_bad("[workload]\nsize = 1KiB\n# again\nsize=2KiB\n", ":4: "
	    "[workload] size is set again (first at line 2); set it once");
	load_bad("[workload]\nsize = 1KiB\n[machine]\ncpus = 1\n[workload]\n"
	    "size = 2KiB\n", ":6: [workload] size is set again (first at "
	    "line 2); set it once");
	load_bad("[sweep]\nworkload.size = 1KiB\nworkload.size = 2KiB\n",
	    ":3: [sweep] workload.size is set again (first at line 2); set "
	    "it once");
	load_bad("size = 1\n", ": Key file does not start with a group");
	load_bad("[workload]\nn = 11\n", ":2: [workload] n = \"11\": "
	    "expected a whole number from 1 to 10");
	load_bad("[workload]\nn = 0\n", ":2: [workload] n = \"0\": "
	    "expected a whole number from 1 to 10");
	load_bad("[workload]\nm = 1\n", ":2: [workload] m = \"1\": "
	    "expected a whole number of at least 2");
	load_bad("[workload]\nn = 2.5\n", ":2: [workload] n = \"2.5\": "
	    "expected a whole number such as 1000 or 1e6");
	load_bad("[workload]\nx = 2.01\n", ":2: [workload] x = \"2.01\": "
	    "expected a number from -2 to 2");
	load_bad("[workload]\ny = 1e3\n", ":2: [workload] y = \"1e3\": "
	    "expected a number of at most 10");
	load_bad("[workload]\ntable =\n", ":2: [workload] table = \"\": "
	    "expected a file name");
	load_bad("[compare]\nstrategies =\n", ":2: [compare] strategies = "
	    "\"\": expected at least one of copy, loan, gift");
	load_bad("[compare]\nstrategies = copy,,loan\n", ":2: [compare] "
	    "strategies = \"copy,,loan\": \"\" is not one of copy, loan, "
	    "gift");
	load_bad("[workload]\nsize = 1\n\xff\xfe\n", ":3: not a text file (a "
	    "NUL byte or invalid UTF-8)");
}
END_TEST

START_TEST(test_params_overrides)
{
	GError	*e = NULL;

	ck_assert(!params_override(p, "workload.size", &e));
	ck_assert_str_eq(e->message, "-p workload.size: expected "
	    "group.key=value");
	g_clear_error(&e);
	ck_assert(!params_override(p, "=3", &e));
	ck_assert_str_eq(e->message, "-p =3: expected group.key=value");
	g_clear_error(&e);
	ck_assert(!params_override(p, "workload.sizes=1KiB", &e));
	ck_assert_str_eq(e->message, "command line: unknown parameter "
	    "workload.sizes; did you mean workload.size?");
	g_clear_error(&e);
	ck_assert(!params_override(p, "workload.size=big", &e));
	ck_assert_str_eq(e->message, "command line: [workload] size = \"big\": "
	    "expected a size such as 16KiB (units B, KiB, MiB, GiB, TiB, kB, "
	    "MB, GB, TB)");
	g_clear_error(&e);
	ck_assert(params_override(p, "workload.size=1KiB", &e));
	ck_assert_uint_eq(params_size(p, "workload.size"), 1024);
}
END_TEST

START_TEST(test_params_sweep_order_and_copy)
{
	char		*f = put("s.ini", "[sweep]\nworkload.size = 1KiB .. 4KiB "
	    "*2\nmachine.rtt = 1us, 2us\n", -1);
	GError		*e = NULL;
	struct params	*c;

	ck_assert_msg(params_load_file(p, f, &e), "%s", e ? e->message : "");
	ck_assert(params_add_sweep(p, "workload.p", "0, 1", "command line",
	    &e));
	ck_assert_uint_eq(params_sweep_count(p), 3);
	ck_assert_str_eq(params_sweep_get(p, 0)->name, "workload.size");
	ck_assert_str_eq(params_sweep_get(p, 0)->spec, "1KiB .. 4KiB *2");
	ck_assert_str_eq(params_sweep_get(p, 1)->name, "machine.rtt");
	ck_assert_str_eq(params_sweep_get(p, 2)->origin, "command line");
	c = params_copy(p);
	ck_assert(params_override(c, "workload.size=1B", &e));
	ck_assert_uint_eq(params_size(p, "workload.size"), 16384);
	ck_assert_uint_eq(params_size(c, "workload.size"), 1);
	ck_assert_uint_eq(params_sweep_count(c), 3);
	params_free(c);
	ck_assert(!params_add_sweep(p, "nope.x", "1", "t", &e));
	ck_assert_str_eq(e->message, "t: sweep of unknown parameter nope.x");
	g_clear_error(&e);
	ck_assert(!params_add_sweep(p, "workload.sise", "1", "command line",
	    &e));
	ck_assert_str_eq(e->message, "command line: sweep of unknown "
	    "parameter workload.sise; did you mean workload.size?");
	g_clear_error(&e);
	g_free(f);
}
END_TEST

START_TEST(test_params_odd_files)
{
	char	*f;
	GError	*e = NULL;

	f = put("empty.ini", "", 0);
	ck_assert(params_load_file(p, f, &e));
	ck_assert_uint_eq(params_size(p, "workload.size"), 16384);
	g_free(f);
	f = put("nul.ini", "[workload]\nsize = 1\0KiB\n", 22);
	ck_assert(!params_load_file(p, f, &e));
	ck_assert(strstr(e->message, ":2: not a text file") != NULL);
	g_clear_error(&e);
	g_free(f);
}
END_TEST

START_TEST(test_params_random_bytes_never_crash)
{
	struct rng	g;
	char		buf[512];
	static const char alphabet[] = "[]=\n #.;abcdefgsizeworkload0123456"
	    "789KiBus\xff\x80()";
	int		i, k, ok = 0, bad = 0;

	rng_init(&g, 1, 0, "test.fuzz");
	for (i = 0; i < 300; i++) {
		size_t	 n = rng_below(&g, sizeof(buf));
		char	*f;
		GError	*e = NULL;

		for (k = 0; k < (int)n; k++)
			buf[k] = i % 2 ? (char)rng_below(&g, 256) :
			    alphabet[rng_below(&g, sizeof(alphabet) - 1)];
		f = put("fuzz.ini", buf, (gssize)n);
		if (params_load_file(p, f, &e))
			ok++;
		else {
			ck_assert_ptr_nonnull(e);
			ck_assert(e->message != NULL && *e->message);
			g_error_free(e);
			bad++;
		}
		g_free(f);
	}
	ck_assert_int_eq(ok + bad, 300);
	ck_assert_int_gt(bad, 0);
}
END_TEST

START_TEST(test_params_registry_printer)
{
	static const struct param_def small[] = {
		{ "machine.rtt", PARAM_TIME, "100us", "0", "10s", NULL,
		  "round trip" },
		{ "workload.kind", PARAM_ENUM, "pipe", NULL, NULL, "pipe,file",
		  "kind" },
	};
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&text, &len);

	params_print_registry(small, 2, f);
	fclose(f);
	ck_assert_str_eq(text,
	    "[machine]\n"
	    "  rtt                          time        100us            0 .. 10s\n"
	    "      round trip\n"
	    "\n[workload]\n"
	    "  kind                         choice      pipe             pipe, file\n"
	    "      kind\n");
	free(text);
}
END_TEST

static Suite *
params_suite(void)
{
	Suite	*s = suite_create("/sim/params");
	TCase	*tc = tcase_create("/sim/params/file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_params_defaults);
	tcase_add_test(tc, test_params_every_type);
	tcase_add_test(tc, test_params_include_precedence);
	tcase_add_test(tc, test_params_include_cycle);
	tcase_add_test(tc, test_params_include_errors);
	tcase_add_test(tc, test_params_name);
	tcase_add_test(tc, test_params_errors);
	tcase_add_test(tc, test_params_overrides);
	tcase_add_test(tc, test_params_sweep_order_and_copy);
	tcase_add_test(tc, test_params_odd_files);
	tcase_add_test(tc, test_params_random_bytes_never_crash);
	tcase_add_test(tc, test_params_registry_printer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(params_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
