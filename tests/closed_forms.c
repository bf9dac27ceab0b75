/* The simulation against the closed forms, as a table: each row a case
 * the test suites check (tests/check_models.c, check_pipe.c,
 * check_file.c, check_recv.c), the value worked out by hand from the
 * rules of docs/model.md on the test machine (tests/models_test.c), the
 * value the simulation gives, and their relative error: the table of
 * docs/validation.md.  make check runs it too, and it fails when a row
 * differs from its closed form (the suites' own copies of the formulas
 * could drift apart from these otherwise).
 *
 *     make tests/closed_forms && tests/closed_forms
 *
 * Every run is one deterministic replication: the output is the same
 * each time. */
#include <check.h>
#include <math.h>
#include <stdio.h>

#include "models/pipe.h"
#include "tests/models_test.h"

/* Rows whose simulation differs from its closed form. */
static int	closed_forms_wrong;

/* One row: a case, its formula, the simulation's value. */
static void
row(const char *what, double formula, double sim)
{
	double	err = formula != 0 ? (sim - formula) / formula : sim;

	if (fabs(err) > 1e-9)
		closed_forms_wrong++;
	printf("| %s | %.1f | %.1f | %.2g |\n", what, formula, sim,
	    fabs(err) < 1e-12 ? 0 : err);
}

/* A metric per byte times bytes: ns (or a count) in all. */
static double
total(const struct model_result *r, const char *metric, double bytes)
{
	return test_metric(r, metric) * bytes;
}

static void
socket_rows(void)
{
	static const char *const one[] = {
		"workload.size=8KiB", "workload.messages=1",
		"workload.buffers=1", NULL
	};
	static const char *const sizes[] = { "1KiB", "16KiB", "160KiB" };
	static const double bytes[] = { 1024, 16384, 163840 };
	double	n = 200, b = 4, close = 500 + 1500 + 900 + 900 + 1300;
	struct model_result c = test_run(one, "copy");
	struct model_result l = test_run(one, "loan");
	unsigned i, j;

	row("socket, one 8 KiB write, copy (ns)",
	    closed_form_copy(8192, 6, 3, 9, 0) + 500,
	    total(&c, "cpu_ns_per_byte", 8192));
	row("socket, one 8 KiB write, loan (ns)",
	    closed_form_loan(8192, 6, 3, 6, 1, 0, 0) + 500,
	    total(&l, "cpu_ns_per_byte", 8192));
	for (i = 0; i < G_N_ELEMENTS(sizes); i++)
		for (j = 0; j < 2; j++) {
			char	*size = g_strdup_printf("workload.size=%s",
			    sizes[i]);
			const char *const kv[] = {
				size, j == 0 ? "machine.checksum_in_copy=true" :
				    "machine.checksum_in_copy=false",
				"workload.messages=200", "workload.buffers=4",
				"workload.gap=5ms", "socket.nodelay=true",
				"socket.sndbuf=256KiB",
				"machine.checksum_offload=false", NULL
			};
			double	S = bytes[i], g = ceil(S / 1448);
			double	fc, fl;
			char	*w;

			c = test_run(kv, "copy");
			l = test_run(kv, "loan");
			fc = closed_form_copy(S, g, g / 2,
			    closed_form_copy_pieces(S), j) + close / n;
			fl = S < 4096 ? fc : closed_form_loan(S, g, g / 2,
			    g + ceil(S / 65536) - 1, ceil(S / 65536),
			    (n - b) / n, 1) + close / n;
			w = g_strdup_printf("socket, 200 writes of %s, "
			    "checksum %s, copy (ns a write)", sizes[i],
			    j == 0 ? "folded" : "separate");
			row(w, fc, total(&c, "cpu_ns_per_byte", S));
			g_free(w);
			w = g_strdup_printf("socket, 200 writes of %s, "
			    "checksum %s, loan (ns a write)", sizes[i],
			    j == 0 ? "folded" : "separate");
			row(w, fl, total(&l, "cpu_ns_per_byte", S));
			g_free(w);
			g_free(size);
		}
}

static void
pipe_rows(void)
{
	static const char *const four[] = {
		"workload.kind=pipe", "workload.size=8KiB",
		"workload.messages=4", NULL
	};
	static const char *const direct[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=3", "machine.cpus=2",
		"pipe.writer_rate=100MB/s", NULL
	};
	static const char *const gift[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=1", "pipe.gift_read=copy", NULL
	};
	struct params	*p = test_params(direct);
	struct model_result r = test_run(four, "copy"), d;
	struct pipe_counts c;
	double	busy = 2 * 4 * 8192 + 8 * 500 + 8 * (100 + 2048) + 4 * 2000 +
	    700;
	double	ws = 500 + 4 * (220 + 110 + 130 + 300) + 700 + 2000;
	double	rs = 2000 + 100 + 4096 + 700;

	row("pipe, one CPU, 4 x 8 KiB copied: run time = sum of costs (ns)",
	    busy, (double)r.sim_time_ns);
	row("pipe, one CPU, 4 x 8 KiB copied: CPU (ns)", busy,
	    total(&r, "cpu_ns_per_byte", 32768));
	ck_assert(pipe_run_counted(p, "loan", 1, 0, &d, &c, NULL));
	row("pipe, two CPUs, 3 x 16 KiB direct writes: latency (ns)",
	    3 * (ws + rs), (double)c.latency);
	params_free(p);
	r = test_run(gift, "gift");
	busy = 2 * 16384 + 2 * 500 + 4 * 130 + 4 * (100 + 1024) + 4 * 120;
	row("pipe, one CPU, 16 KiB gifted, copied out: run time (ns)", busy,
	    (double)r.sim_time_ns);
}

static void
file_rows(void)
{
	static const char *const miss[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=2", "file.size=64KiB", "file.residency=0",
		"file.disk_latency=1ms", "file.disk_bw=40MB/s", NULL
	};
	static const char *const wmiss[] = {
		"workload.kind=file-write", "workload.size=6KiB",
		"workload.messages=1", "file.size=64KiB", "file.residency=0",
		"file.disk_latency=1ms", "file.disk_bw=40MB/s", NULL
	};
	static const char *const cold[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=2MiB", NULL
	};
	static const char *const mm[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=10", "file.size=2MiB", NULL
	};
	static const char *const mmw[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=10", "file.size=2MiB",
		"workload.write_fraction=1", NULL
	};
	static const char *const rr[] = {
		"workload.kind=file-read", "workload.size=256KiB",
		"workload.messages=4", "file.size=2MiB",
		"machine.tlb_flush_ceiling=16", NULL
	};
	struct model_result r = test_run(miss, "copy");
	double	step = 500 + 2 * 200 + 900 + 2 * 250 + (2 * 100 + 2048) +
	    2048 + 2000;
	double	map = 500 + 5000 + 1000 + 4 * (130 + 300) + 4096;
	double	unmap = 500 + 4 * (250 + 120 + 110);
	/* A loan break copies into a fresh page: page_zero's rate. */
	double	brk = 1000 + 200 + (100 + 1200) + 250 + 120 + 300 + 110;

	row("file, 2 reads of 8 KiB missing from the cache: CPU (ns)",
	    2 * (step + 700 + 2000), total(&r, "cpu_ns_per_byte", 16384));
	row("file, the same: throughput (MB/s)",
	    16384e3 / (2 * (step + 1e6 + 204800 + 700 + 2000)),
	    test_metric(&r, "throughput_MBps"));
	r = test_run(wmiss, "copy");
	step = 1536 + 500 + 2 * 200 + 900 + 2 * 250 + (2 * 100 + 1536) + 2000;
	row("file, a 6 KiB write, its partial page missing: CPU (ns)",
	    step + 700 + 2000, total(&r, "cpu_ns_per_byte", 6144));
	r = test_run(cold, "copy");
	row("file, 10 reads of 8 KiB from a file beyond the cache, copy (ns)",
	    10 * (500 + 2 * 250 + 2 * 100 + 4096 + 2048),
	    total(&r, "cpu_ns_per_byte", 81920));
	r = test_run(cold, "exchange");
	row("file, the same, exchange: the process's pass (ns)", 10 * 2048,
	    total(&r, "cpu_app_ns_per_byte", 81920));
	r = test_run(mm, "mmap");
	row("file, 10 mmaps of 16 KiB beyond the cache (ns)",
	    10 * (map + unmap), total(&r, "cpu_ns_per_byte", 163840));
	r = test_run(mmw, "mmap");
	/* The first written page of each mapping: map_anon (1 us, the
	 * registry's). */
	row("file, the same, every page written (ns)",
	    10 * (map + 1000 + 4 * (brk + 1024) + 500 + 4 * (250 + 150 + 110)),
	    total(&r, "cpu_ns_per_byte", 163840));
	r = test_run(rr, "exchange");
	row("file, 4 exchanges of 64 pages, flush ceiling 16: TLB (ns)",
	    4 * 16 * 110, total(&r, "cpu_tlb_ns_per_byte", 4 * 262144));
}

static void
recv_rows(void)
{
	static const char *const split[] = {
		"workload.kind=socket-recv", "socket.rcvbuf=1MiB",
		"nic.mtu=4168", "nic.layout=header-split",
		"nic.frames_per_interrupt=4", "nic.interrupt_timer=50us",
		"machine.checksum_bw_cold=500MB/s", "workload.size=16KiB",
		"workload.messages=10", NULL
	};
	static const char *const big[] = {
		"workload.kind=socket-recv", "socket.rcvbuf=1MiB",
		"nic.mtu=4168", "nic.layout=header-split",
		"nic.frames_per_interrupt=4", "nic.interrupt_timer=50us",
		"machine.checksum_bw_cold=500MB/s", "workload.size=256KiB",
		"workload.messages=2", NULL
	};
	struct model_result f = test_run(split, "flip");
	struct model_result c = test_run(split, "copy");
	struct model_result g = test_run(big, "flip");
	double	b = 163840;

	row("receive, 10 reads of 4 pages flipped: pmap (ns)",
	    40 * (250 + 300), total(&f, "cpu_pmap_ns_per_byte", b));
	row("receive, the same: TLB (ns)", 40 * 110,
	    total(&f, "cpu_tlb_ns_per_byte", b));
	row("receive, the same: allocation (ns)",
	    40 * (60 + 200) + 40 * 50 + 40 * 150,
	    total(&f, "cpu_alloc_ns_per_byte", b));
	row("receive, the same copied: allocation (ns)",
	    40 * (60 + 200) + 40 * (50 + 150),
	    total(&c, "cpu_alloc_ns_per_byte", b));
	row("receive, 2 reads of 64 pages flipped, ceiling 33: TLB (ns)",
	    2 * 33 * 110, total(&g, "cpu_tlb_ns_per_byte", 524288));
}

/* The runs go through the suites' helpers, which assert with Check:
 * so the table is printed from one Check test, in this process. */
START_TEST(closed_forms_table)
{
	printf("| case | closed form | simulated | relative error |\n"
	    "|---|---|---|---|\n");
	socket_rows();
	pipe_rows();
	file_rows();
	recv_rows();
	ck_assert_msg(closed_forms_wrong == 0,
	    "%d rows of the table differ from their closed forms",
	    closed_forms_wrong);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("closed forms");
	TCase	*tc = tcase_create("table");
	SRunner	*sr;
	int	 failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, closed_forms_table);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
