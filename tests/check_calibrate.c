/* Tests of the calibration's arithmetic (sim/hostprof.c): trial
 * summaries, the split of a measured sum, the knee of the copy curve,
 * the mapping of fixed measurements onto [machine] keys (exact), the
 * fallback to the base profile when a probe fails, and a written profile
 * that params load.  Nothing here measures the host. */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sim/hostprof.h"
#include "sim/params.h"
#include "models/model.h"

static void
stat_one(struct hostprof_stat *s, double x)
{
	double	v = x;

	hostprof_stat_set(s, &v, 1);
}

/* A base whose proportions the expected values below assume. */
static struct params *
test_base(void)
{
	static const char *const set[][2] = {
		{ "machine.fault_trap", "600ns" },
		{ "machine.page_alloc", "100ns" },
		{ "machine.pmap_enter", "100ns" },
		{ "machine.loan_page", "100ns" },
		{ "machine.pmap_protect", "100ns" },
		{ "machine.tlb_local", "150ns" },
		{ "machine.pmap_remove", "100ns" },
		{ "machine.unloan_page", "60ns" },
		{ "machine.context_switch", "1500ns" },
		{ "machine.wakeup", "1000ns" },
		{ "machine.copy_fixed", "20ns" },
		{ "machine.tlb_shootdown", "3us" },
	};
	struct params	*p = model_params_new();
	GError		*e = NULL;
	guint		 i;

	for (i = 0; i < G_N_ELEMENTS(set); i++)
		ck_assert_msg(params_set(p, set[i][0], set[i][1], "test", &e),
		    "%s", e ? e->message : "");
	return p;
}

/* A host with fixed figures (one trial each). */
static void
test_host(struct hostprof_host *h)
{
	static const double hot[] = { 100, 100, 60, 58, 58, 58, 58, 48, 48,
	    48, 48, 28, 3.5, 3.5, 3.5 };
	static const double cold[] = { 5, 7, 8.5, 9.3, 9.4 };
	unsigned	i;

	hostprof_host_init(h);
	h->cpus = 2;
	h->cpus_allowed = 2;
	h->page_size = 4096;
	h->cache_l2 = 1 << 20;
	h->cache_llc = 32 << 20;
	h->trials = 1;
	h->host = g_strdup("test host");
	for (i = 0; i < G_N_ELEMENTS(hot); i++) {
		h->hot.size[i] = (uint64_t)4096 << i;
		stat_one(&h->hot.bw[i], hot[i] * 1e9);
	}
	h->hot.n = G_N_ELEMENTS(hot);
	for (i = 0; i < G_N_ELEMENTS(cold); i++) {
		h->cold.size[i] = (uint64_t)4096 << (2 * i);
		stat_one(&h->cold.bw[i], cold[i] * 1e9);
	}
	h->cold.n = G_N_ELEMENTS(cold);
	stat_one(&h->p[HP_SYSCALL], 165);
	stat_one(&h->p[HP_ZERO_HOT], 40);
	stat_one(&h->p[HP_ZERO_COLD], 400);
	stat_one(&h->p[HP_FIRST_TOUCH], 1240);
	stat_one(&h->p[HP_MUNMAP_ANON], 300);
	stat_one(&h->p[HP_READ_FAULT], 170);
	stat_one(&h->p[HP_READ_FAULT1], 1570);
	stat_one(&h->p[HP_FAULT_AROUND], 16);
	stat_one(&h->p[HP_COW], 1600);
	stat_one(&h->p[HP_MUNMAP_FILE], 140);
	stat_one(&h->p[HP_MPROTECT_CALL], 2000);
	stat_one(&h->p[HP_MPROTECT_PAGE], 100);
	stat_one(&h->p[HP_SHOOTDOWN], 4000);
	stat_one(&h->p[HP_SHOOTDOWN_TARGET], 1040);
	stat_one(&h->p[HP_SHOOTDOWN_IPIS], 1);
	stat_one(&h->p[HP_PIPE_SELF], 680);
	stat_one(&h->p[HP_PIPE_HANDOFF], 2680);
	stat_one(&h->p[HP_READ_COLD], 11e9);
	stat_one(&h->p[HP_READ_SEQ], 19e9);
	stat_one(&h->p[HP_COPY_COLD_SRC], 10e9);
	stat_one(&h->p[HP_MAP_CYCLE], 7000);
	stat_one(&h->p[HP_READ_PAGE], 500);
	stat_one(&h->p[HP_HANDOFF2], 20000);
	stat_one(&h->p[HP_HANDOFF2_CPU], 9000);
	stat_one(&h->p[HP_READ_HOT], 25e9);
	stat_one(&h->p[HP_SHOOTDOWN_PAGE], 10);
	stat_one(&h->p[HP_SHOOTDOWN_TARGET_PAGE], 70);
	stat_one(&h->p[HP_COW_FIRST], 900);
}

static const struct hostprof_key *
key(const GPtrArray *keys, const char *name)
{
	const struct hostprof_key *k = hostprof_find(keys, name);

	ck_assert_msg(k != NULL, "no key %s", name);
	return k;
}

static void
key_is(const GPtrArray *keys, const char *name, const char *value,
    enum hostprof_how how)
{
	const struct hostprof_key *k = key(keys, name);

	ck_assert_msg(strcmp(k->value, value) == 0, "%s = %s, expected %s",
	    name, k->value, value);
	ck_assert_msg(k->how == how, "%s: how %d, expected %d (%s)", name,
	    k->how, how, k->note);
}

START_TEST(test_stat_quantiles)
{
	double			 odd[] = { 5, 1, 4, 2, 3 };
	double			 even[] = { 4, 1, 3, 2 };
	struct hostprof_stat	 s = { 0 };
	char			*t;

	hostprof_stat_set(&s, odd, 5);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_double_eq(s.median, 3);
	ck_assert_double_eq(s.q1, 2);
	ck_assert_double_eq(s.q3, 4);
	ck_assert_double_eq(s.min, 1);
	ck_assert_double_eq(s.max, 5);
	hostprof_stat_set(&s, even, 4);
	ck_assert_double_eq(s.median, 2.5);
	ck_assert_double_eq(s.q1, 1.75);
	ck_assert_double_eq(s.q3, 3.25);
	t = hostprof_stat_text(&s, 1, "ns");
	ck_assert_str_eq(t, "2.5ns (IQR 1.75..3.25, range 1..4, 4 trials)");
	g_free(t);
	/* Differences: what fell below 0 is shown as 0, and counted. */
	{
		double	d[] = { 4, -3, 2, -1, 5 };

		hostprof_stat_set_diff(&s, d, 5);
		ck_assert_uint_eq(s.negative, 2);
		ck_assert_double_eq(s.min, -3);
		t = hostprof_stat_text(&s, 1, "ns");
		ck_assert_str_eq(t, "2ns (IQR 0..4, range 0..5, 5 trials, 2 "
		    "of them below 0 by noise, shown as 0)");
		g_free(t);
		hostprof_stat_set_diff(&s, even, 4);
		t = hostprof_stat_text(&s, 1, "ns");
		ck_assert_str_eq(t, "2.5ns (IQR 1.75..3.25, range 1..4, 4 "
		    "trials)");
		g_free(t);
		/* A plain figure again forgets it. */
		hostprof_stat_set(&s, d, 5);
		ck_assert(!s.diff);
		ck_assert_uint_eq(s.negative, 0);
	}
	hostprof_stat_fail(&s, "no %s", "CPU");
	ck_assert_uint_eq(s.n, 0);
	t = hostprof_stat_text(&s, 1, "ns");
	ck_assert_str_eq(t, "not measured (no CPU)");
	g_free(t);
	g_free(s.why);
}
END_TEST

START_TEST(test_split_exact)
{
	static const double w3[] = { 600, 80, 100 };
	static const double w2[] = { 1500, 1000 };
	static const double zero[] = { 0, 0, 0 };
	uint64_t	p[3];

	hostprof_split(1000, w3, 3, p);
	ck_assert_uint_eq(p[0], 769);	/* 769.23 */
	ck_assert_uint_eq(p[1], 103);	/* 102.56: the largest remainder */
	ck_assert_uint_eq(p[2], 128);	/* 128.21 */
	hostprof_split(1876, w2, 2, p);
	ck_assert_uint_eq(p[0], 1126);	/* 1125.6 */
	ck_assert_uint_eq(p[1], 750);	/* 750.4 */
	hostprof_split(7, zero, 3, p);	/* equal parts, ties to the first */
	ck_assert_uint_eq(p[0], 3);
	ck_assert_uint_eq(p[1], 2);
	ck_assert_uint_eq(p[2], 2);
	hostprof_split(-5, w2, 2, p);
	ck_assert_uint_eq(p[0], 0);
	ck_assert_uint_eq(p[1], 0);
	hostprof_split(99.6, w2, 2, p);	/* round(99.6) = 100 */
	ck_assert_uint_eq(p[0] + p[1], 100);
	ck_assert_uint_eq(p[0], 60);
}
END_TEST

START_TEST(test_knee)
{
	struct hostprof_host	h;

	test_host(&h);
	/* peak 100 GB/s, cold 8.5: the threshold is 29.15 GB/s, which 8 MiB
	 * (28) is the first to fall below. */
	ck_assert_uint_eq(hostprof_knee(&h.hot, 8.5e9), 4 << 20);
	/* cold 7.9: threshold 28.1, still above 28 */
	ck_assert_uint_eq(hostprof_knee(&h.hot, 7.9e9), 4 << 20);
	ck_assert_uint_eq(hostprof_knee(&h.hot, 7.8e9), 8 << 20);
	/* Nothing falls below: no knee within the curve. */
	ck_assert_uint_eq(hostprof_knee(&h.hot, 0.1e9), 0);
	/* The smallest size already below: no knee either. */
	ck_assert_uint_eq(hostprof_knee(&h.hot, 200e9), 0);
	hostprof_host_clear(&h);
}
END_TEST

START_TEST(test_derive_exact)
{
	struct hostprof_host	 h;
	struct params		*base = test_base();
	GPtrArray		*keys;
	size_t			 i, n, nm = 0;
	const struct param_def	*defs = model_registry(&n);

	test_host(&h);
	keys = hostprof_derive(&h, base, "test-base.ini");
	for (i = 0; i < n; i++)
		nm += g_str_has_prefix(defs[i].name, "machine.");
	/* Every [machine] key, in the registry's order. */
	ck_assert_uint_eq(keys->len, nm);
	ck_assert_str_eq(((struct hostprof_key *)g_ptr_array_index(keys,
	    0))->name, "name");
	key_is(keys, "name", "host", HP_MEASURED);
	key_is(keys, "cpus", "2", HP_MEASURED);
	key_is(keys, "page_size", "4096", HP_MEASURED);
	key_is(keys, "cache_size", "4MiB", HP_MEASURED);
	/* median of 100,100,60,58x4,48x4 */
	key_is(keys, "copy_bw_hot", "58GB/s", HP_MEASURED);
	key_is(keys, "copy_bw_cold", "8.5GB/s", HP_MEASURED);
	key_is(keys, "syscall", "165ns", HP_MEASURED);
	key_is(keys, "page_zero", "40ns", HP_MEASURED);
	/* w = (170 x 16 - 1570)/15 = 76.67 -> 77, split 100:100 */
	key_is(keys, "pmap_enter", "39ns", HP_DERIVED);
	key_is(keys, "loan_page", "38ns", HP_DERIVED);
	/* 1240 - 40 - 39 = 1161, split 600:100 = 995.1 + 165.9 */
	key_is(keys, "fault_trap", "995ns", HP_DERIVED);
	key_is(keys, "page_alloc", "166ns", HP_DERIVED);
	/* The target's invalidation per page, measured: 70; mprotect per
	 * page 100 less it */
	key_is(keys, "tlb_local", "70ns", HP_MEASURED);
	key_is(keys, "pmap_protect", "30ns", HP_DERIVED);
	/* munmap of file pages 140 - 70 = 70, split 100:60 = 43.75 +
	 * 26.25 */
	key_is(keys, "pmap_remove", "44ns", HP_DERIVED);
	key_is(keys, "unloan_page", "26ns", HP_DERIVED);
	/* munmap of anonymous pages 300 - 44 - 70 */
	key_is(keys, "page_free", "186ns", HP_DERIVED);
	key_is(keys, "tlb_shootdown", "4000ns", HP_MEASURED);
	/* 1040 - 70 */
	key_is(keys, "tlb_shootdown_target", "970ns", HP_MEASURED);
	/* 2680 - 680 = 2000 split 1500:1000 */
	key_is(keys, "context_switch", "1200ns", HP_DERIVED);
	key_is(keys, "wakeup", "800ns", HP_DERIVED);
	key_is(keys, "read_bw_cold", "11GB/s", HP_MEASURED);
	key_is(keys, "checksum_bw_cold", "11GB/s", HP_DERIVED);
	key_is(keys, "read_bw_seq", "19GB/s", HP_MEASURED);
	key_is(keys, "read_bw_hot", "25GB/s", HP_MEASURED);
	key_is(keys, "copy_bw_page", "10GB/s", HP_MEASURED);
	key_is(keys, "fault_around", "16", HP_MEASURED);
	/* 7000 - 2 x 165 - 995 - 39 - 38 - 50 - 30 - 60 */
	key_is(keys, "map_entry", "5458ns", HP_DERIVED);
	key_is(keys, "map_anon", "900ns", HP_MEASURED);
	key_is(keys, "copy_fixed", "20ns", HP_BASE);
	ck_assert_ptr_nonnull(strstr(key(keys, "copy_fixed")->note,
	    "NOT MEASURED (no probe measures it): the value of "
	    "test-base.ini"));
	key_is(keys, "rtt", params_text(base, "machine.rtt"), HP_BASE);
	g_ptr_array_unref(keys);
	params_free(base);
	hostprof_host_clear(&h);
}
END_TEST

START_TEST(test_derive_failed_probes)
{
	struct hostprof_host	 h;
	struct params		*base = test_base();
	GPtrArray		*keys;
	char			*missing;

	test_host(&h);
	/* No first-touch figure: fault_trap and page_alloc from the base,
	 * saying why; the rest as before. */
	hostprof_stat_fail(&h.p[HP_FIRST_TOUCH], "simulated failure");
	hostprof_stat_fail(&h.p[HP_SHOOTDOWN], "only one CPU available");
	hostprof_stat_fail(&h.p[HP_SHOOTDOWN_TARGET], "only one CPU");
	hostprof_stat_fail(&h.p[HP_SHOOTDOWN_PAGE], "only one CPU");
	hostprof_stat_fail(&h.p[HP_SHOOTDOWN_TARGET_PAGE], "only one CPU");
	hostprof_stat_fail(&h.p[HP_READ_COLD], "mmap refused");
	hostprof_stat_fail(&h.p[HP_READ_HOT], "simulated failure");
	hostprof_stat_fail(&h.p[HP_MAP_CYCLE], "mmap of the file refused");
	hostprof_stat_fail(&h.p[HP_COW_FIRST], "mmap of the file refused");
	keys = hostprof_derive(&h, base, "test-base.ini");
	key_is(keys, "fault_trap", "600ns", HP_BASE);
	key_is(keys, "map_entry", params_text(base, "machine.map_entry"),
	    HP_BASE);
	ck_assert_ptr_nonnull(strstr(key(keys, "map_entry")->why,
	    "mmap of the file refused"));
	key_is(keys, "map_anon", params_text(base, "machine.map_anon"),
	    HP_BASE);
	key_is(keys, "page_alloc", "100ns", HP_BASE);
	ck_assert_ptr_nonnull(strstr(key(keys, "fault_trap")->why,
	    "simulated failure"));
	key_is(keys, "pmap_enter", "39ns", HP_DERIVED);
	key_is(keys, "tlb_shootdown", "3us", HP_BASE);
	key_is(keys, "tlb_shootdown_target", params_text(base,
	    "machine.tlb_shootdown_target"), HP_BASE);
	/* No target's slope: mprotect per page 100 split 100:150, and
	 * the munmaps less that tlb_local (140 - 60 = 80 at 100:60) */
	key_is(keys, "pmap_protect", "40ns", HP_DERIVED);
	key_is(keys, "tlb_local", "60ns", HP_DERIVED);
	key_is(keys, "pmap_remove", "50ns", HP_DERIVED);
	key_is(keys, "unloan_page", "30ns", HP_DERIVED);
	key_is(keys, "page_free", "190ns", HP_DERIVED);
	key_is(keys, "checksum_bw_cold", params_text(base,
	    "machine.checksum_bw_cold"), HP_BASE);
	key_is(keys, "read_bw_cold", params_text(base,
	    "machine.read_bw_cold"), HP_BASE);
	key_is(keys, "read_bw_seq", "19GB/s", HP_MEASURED);
	key_is(keys, "read_bw_hot", params_text(base, "machine.read_bw_hot"),
	    HP_BASE);
	ck_assert_ptr_nonnull(strstr(key(keys, "read_bw_hot")->why,
	    "read pass over data in the cache"));
	key_is(keys, "copy_bw_page", "10GB/s", HP_MEASURED);
	missing = hostprof_missing(keys);
	ck_assert_ptr_nonnull(strstr(missing, "only one CPU available"));
	ck_assert_ptr_nonnull(strstr(missing, "  fault_trap "));
	ck_assert_ptr_null(strstr(missing, "  pmap_enter "));
	g_free(missing);
	g_ptr_array_unref(keys);
	hostprof_host_clear(&h);
	/* No one-page read fault: the first touch less page_zero, split
	 * three ways (1200 at 600:100:100), and loan_page = r - pmap_enter. */
	test_host(&h);
	hostprof_stat_fail(&h.p[HP_READ_FAULT1], "mmap refused");
	keys = hostprof_derive(&h, base, "test-base.ini");
	key_is(keys, "fault_trap", "900ns", HP_DERIVED);
	key_is(keys, "page_alloc", "150ns", HP_DERIVED);
	key_is(keys, "pmap_enter", "150ns", HP_DERIVED);
	key_is(keys, "loan_page", "20ns", HP_DERIVED);
	g_ptr_array_unref(keys);
	hostprof_host_clear(&h);
	/* A figure the registry refuses (syscall at most 1 ms). */
	test_host(&h);
	stat_one(&h.p[HP_SYSCALL], 5e9);
	keys = hostprof_derive(&h, base, "test-base.ini");
	key_is(keys, "syscall", params_text(base, "machine.syscall"),
	    HP_BASE);
	ck_assert_ptr_nonnull(strstr(key(keys, "syscall")->why,
	    "the registry refuses"));
	g_ptr_array_unref(keys);
	hostprof_host_clear(&h);
	/* A negative difference is noise: 0, and said so. */
	test_host(&h);
	stat_one(&h.p[HP_MUNMAP_ANON], 50);
	keys = hostprof_derive(&h, base, "test-base.ini");
	key_is(keys, "page_free", "0ns", HP_DERIVED);
	ck_assert_ptr_nonnull(strstr(key(keys, "page_free")->note,
	    "below 0: noise"));
	g_ptr_array_unref(keys);
	params_free(base);
	hostprof_host_clear(&h);
}
END_TEST

START_TEST(test_text_loads)
{
	struct hostprof_host	 h;
	struct params		*base = test_base(), *p = model_params_new();
	GPtrArray		*keys;
	GKeyFile		*kf = g_key_file_new();
	GError			*e = NULL;
	char			*text, *dir, *path, *flat, **lines;
	const struct param_def	*defs;
	size_t			 i, n;

	test_host(&h);
	keys = hostprof_derive(&h, base, "test-base.ini");
	text = hostprof_text(&h, keys, "test-base.ini");
	dir = g_dir_make_tmp("check-calibrate-XXXXXX", NULL);
	path = g_build_filename(dir, "m.ini", NULL);
	ck_assert(g_file_set_contents(path, text, -1, NULL));
	ck_assert_msg(params_load_file(p, path, &e), "%s", e ? e->message :
	    "");
	ck_assert_uint_eq(params_time(p, "machine.fault_trap"), 995);
	ck_assert_uint_eq(params_time(p, "machine.map_entry"), 5458);
	ck_assert_uint_eq(params_count(p, "machine.fault_around"), 16);
	ck_assert_uint_eq(params_size(p, "machine.cache_size"), 4 << 20);
	ck_assert_double_eq(params_bandwidth(p, "machine.copy_bw_cold"),
	    8.5e9);
	ck_assert_str_eq(params_string(p, "machine.description"),
	    "measured by loansim calibrate on test host");
	ck_assert(g_key_file_load_from_data(kf, text, strlen(text), 0, NULL));
	defs = model_registry(&n);
	for (i = 0; i < n; i++)
		if (g_str_has_prefix(defs[i].name, "machine."))
			ck_assert_msg(g_key_file_has_key(kf, "machine",
			    defs[i].name + 8, NULL), "no %s", defs[i].name);
	/* The cross-check: 995 + 166 + 20 + page_zero 40 (the loan break
	 * copies into a fresh page: models/vm.c) + 44 + 26 + 39 + 70 =
	 * 1400 ns against 1600 measured. */
	ck_assert_ptr_nonnull(strstr(text, "= 1400 ns; the copy-on-write "));
	ck_assert_ptr_nonnull(strstr(text, "model/measured = 0.88"));
	/* The comments unwrapped. */
	flat = g_strjoinv(" ", lines = g_strsplit(text, "\n# ", -1));
	g_strfreev(lines);
	/* read() per page: 38 + 26, 20, copy_bw_page 4096/10e9 s = 410,
	 * 165/16 = 10. */
	ck_assert_ptr_nonnull(strstr(flat, "page_size/copy_bw_page + "
	    "syscall/16 = 64 + 20 + 410 + 10 = 504 ns; read() measured "
	    "500 ns: model/measured = 1.01"));
	ck_assert_ptr_nonnull(strstr(flat, "cost the initiator 10 ns more "
	    "than without it, the target 70 ns; the models charge the "
	    "initiator 0 per page beyond its own tlb_local and the target "
	    "tlb_local = 70 ns per page."));
	/* Its copy from memory instead: 1400 - 40 + 4096/10e9 s. */
	ck_assert_ptr_nonnull(strstr(flat, "page_size/copy_bw_page = 410 ns "
	    "in place of page_zero, the model's sum is 1770 ns: "
	    "model/measured = 1.11."));
	/* 2 x 1200 + 800 */
	ck_assert_ptr_nonnull(strstr(flat, "wakeup = 3200 ns of CPU"));
	ck_assert_ptr_nonnull(strstr(flat, "took 20000 ns of wall time and "
	    "9000 ns of one process's CPU"));
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
	g_free(text);
	g_free(flat);
	g_key_file_free(kf);
	g_ptr_array_unref(keys);
	params_free(p);
	params_free(base);
	hostprof_host_clear(&h);
}
END_TEST

static Suite *
calibrate_suite(void)
{
	Suite	*s = suite_create("calibrate");
	TCase	*tc = tcase_create("hostprof");

	tcase_add_test(tc, test_stat_quantiles);
	tcase_add_test(tc, test_split_exact);
	tcase_add_test(tc, test_knee);
	tcase_add_test(tc, test_derive_exact);
	tcase_add_test(tc, test_derive_failed_probes);
	tcase_add_test(tc, test_text_loads);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(calibrate_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
