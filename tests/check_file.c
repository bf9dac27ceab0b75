/* Tests of the file model (models/file.c): page exchange on read, page
 * donation on write, stdio, the page cache and the disk, with exact
 * counts and costs in small deterministic runs on the test machine
 * (tests/models_test.c: 4 KiB pages, a 1 MiB cache, hot copies at
 * 4 GB/s, cold at 1 GB/s, memory read and page copy into the cache at
 * 2 GB/s, a read pass in the cache at 4 GB/s, a page zeroed or
 * written to memory in 1200 ns; a page-cache lookup, loan_page +
 * unloan_page, 250 ns). */
#include <check.h>
#include <string.h>

#include "models/model.h"
#include "tests/models_test.h"

/* --- page exchange on read ------------------------------------------ */

START_TEST(test_file_exchange_counts)
{
	static const char *const kv[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=1MiB", NULL
	};
	static const char *const wr[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=1MiB",
		"workload.write_fraction=1", NULL
	};
	static const char *const odd[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=1MiB", "workload.offset=100",
		NULL
	};
	struct model_result x = test_run(kv, "exchange");
	struct model_result w = test_run(wr, "exchange");
	struct model_result u = test_run(odd, "exchange");
	struct model_result c = test_run(kv, "copy");

	/* Two aligned whole pages a read, exchanged: 20 in 80 KiB. */
	ck_assert_double_eq(test_metric(&x, "flips_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&x, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&x, "cow_faults_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&c, "copied_bytes_per_byte"), 1);
	/* Every exchanged page written afterwards: every loan breaks. */
	ck_assert_double_eq(test_metric(&w, "cow_faults_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&w, "copied_bytes_per_byte"), 1);
	/* A buffer 100 bytes into its page: nothing is aligned, all
	 * copied. */
	ck_assert_double_eq(test_metric(&u, "flips_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&u, "copied_bytes_per_byte"), 1);
	ck_assert_double_eq(test_metric(&x, "violations"), 0);
}
END_TEST

START_TEST(test_file_other_writers_and_mappers)
{
	static const char *const kv[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=50", "file.size=64KiB", "file.mappers=1",
		"file.mapped_writable=true", "machine.cpus=2", NULL
	};
	static const char *const wr[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=50", "file.size=64KiB", "file.mappers=1",
		"file.mapped_writable=true", "machine.cpus=2",
		"file.writers=2", "file.writer_interval=2us", NULL
	};
	struct model_result x = test_run(kv, "exchange");
	struct model_result w = test_run(wr, "exchange");
	double first = 4 / (50 * 16384.0 / 1048576);

	/* The first loan of each of the 16 file pages write-protects the
	 * mapper's mapping on CPU 1: one shootdown round for each of the
	 * first 4 reads; the mapping stays read-only after that. */
	ck_assert_double_eq_tol(test_metric(&x, "shootdowns_per_MiB"), first,
	    1e-9);
	/* Writers break loans: the file gets fresh pages, writable for the
	 * mapper again, so later loans protect again; the process keeps
	 * the snapshot it read (a violation would fail the run). */
	ck_assert_double_gt(test_metric(&w, "shootdowns_per_MiB"), first);
	ck_assert_double_eq(test_metric(&w, "violations"), 0);
}
END_TEST

/* Other writers change the file while the process holds exchanged pages
 * and works write_delay before writing them.  What it read must stay
 * what it sees (checked against the file's own record, so dropping the
 * file-side loan break fails the run); each page it writes is copied
 * exactly once, by its own loan break or, when a writer came first, by
 * the writer's, after which the process's anon owns the old page
 * (uvm_anon_lockloanpg) and its write only faults. */
START_TEST(test_file_writers_break_loans_once)
{
	static const char *const all[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=200", "file.size=64KiB", "machine.cpus=2",
		"workload.write_fraction=1", "workload.write_delay=50us",
		"file.writers=2", "file.writer_interval=5us", NULL
	};
	static const char *const none[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=200", "file.size=64KiB", "machine.cpus=2",
		"workload.write_fraction=0", "workload.write_delay=50us",
		"file.writers=2", "file.writer_interval=5us", NULL
	};
	struct model_result a = test_run(all, "exchange");
	struct model_result n = test_run(none, "exchange");
	struct model_result c = test_run(none, "copy");

	ck_assert_double_eq(test_metric(&a, "copied_bytes_per_byte"), 1);
	ck_assert_double_gt(test_metric(&a, "cow_faults_per_MiB"), 0);
	ck_assert_double_lt(test_metric(&a, "cow_faults_per_MiB"), 256);
	/* Nothing written by the process: only the writers copy, pages
	 * that were on loan while the process worked. */
	ck_assert_double_gt(test_metric(&n, "copied_bytes_per_byte"), 0);
	ck_assert_double_lt(test_metric(&n, "copied_bytes_per_byte"), 1);
	ck_assert_double_eq(test_metric(&n, "cow_faults_per_MiB"), 0);
	/* Copying, the writers never copy a page. */
	ck_assert_double_eq(test_metric(&c, "copied_bytes_per_byte"), 1);
	ck_assert_double_eq(test_metric(&a, "violations"), 0);
}
END_TEST

/* The longer the process keeps exchanged pages before writing, the more
 * of them the writers find on loan. */
START_TEST(test_file_write_delay_with_writers)
{
	static const char *const soon[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=300", "file.size=64KiB", "machine.cpus=2",
		"workload.write_fraction=0.5", "workload.write_delay=0",
		"file.writers=1", "file.writer_interval=20us", NULL
	};
	static const char *const late[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=300", "file.size=64KiB", "machine.cpus=2",
		"workload.write_fraction=0.5", "workload.write_delay=200us",
		"file.writers=1", "file.writer_interval=20us", NULL
	};
	struct model_result s = test_run(soon, "exchange");
	struct model_result l = test_run(late, "exchange");

	/* Half the pages are written, each copied once.  With no delay the
	 * loans of the other half end at the next read, almost at once;
	 * over 200 us the writer's 10 writes spread over 16 pages hit a
	 * given one with probability 1 - (15/16)^10 = 0.48, so about
	 * 0.5 + 0.5 * 0.48 of the bytes are copied. */
	ck_assert_double_lt(test_metric(&s, "copied_bytes_per_byte"), 0.55);
	ck_assert_double_gt(test_metric(&l, "copied_bytes_per_byte"), 0.7);
	ck_assert_double_lt(test_metric(&l, "copied_bytes_per_byte"), 0.8);
}
END_TEST

/* What a read() of a file larger than the cache costs by where things
 * are: the copy from memory into a buffer in the cache at the page copy
 * rate (copy_bw_page, 2 GB/s); the process's pass over exchanged
 * pages of the file read in order at the in-order rate (read_bw_seq,
 * 4 GB/s), read at random at read_bw_cold; a copy into a buffer larger
 * than the cache at the cold copy rate (1 GB/s). */
START_TEST(test_file_read_cold_rates)
{
	static const char *const small[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=2MiB", NULL
	};
	static const char *const rnd[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=2MiB",
		"file.access=random", NULL
	};
	static const char *const huge[] = {
		"workload.kind=file-read", "workload.size=2MiB",
		"workload.messages=2", "file.size=4MiB", NULL
	};
	struct model_result c = test_run(small, "copy");
	struct model_result x = test_run(small, "exchange");
	struct model_result xr = test_run(rnd, "exchange");
	struct model_result h = test_run(huge, "copy");

	/* Two lookups and two copy calls a read, 8 KiB at 2 GB/s; the
	 * process's pass over its buffer, in the cache, at 4 GB/s. */
	ck_assert_double_eq_tol(test_metric(&c, "cpu_copy_ns_per_byte") *
	    81920, 10 * (2 * 100 + 4096), 1e-6);
	ck_assert_double_eq_tol(test_metric(&c, "cpu_loan_ns_per_byte") *
	    81920, 10 * 2 * 250, 1e-6);
	ck_assert_double_eq_tol(test_metric(&c, "cpu_app_ns_per_byte") *
	    81920, 10 * 2048, 1e-6);
	ck_assert_double_eq_tol(test_metric(&c, "cpu_ns_per_byte") * 81920,
	    10 * (500 + 2 * 250 + 2 * 100 + 4096 + 2048), 1e-6);
	/* Exchanged, the process reads the file's pages from memory, in
	 * order at read_bw_seq; at random, at read_bw_cold. */
	ck_assert_double_eq_tol(test_metric(&x, "cpu_app_ns_per_byte") *
	    81920, 10 * 2048, 1e-6);
	ck_assert_double_eq_tol(test_metric(&xr, "cpu_app_ns_per_byte") *
	    81920, 10 * 4096, 1e-6);
	/* 2 MiB does not fit: the copy runs memory to memory (512 calls),
	 * the process's pass at the read rate. */
	ck_assert_double_eq_tol(test_metric(&h, "cpu_copy_ns_per_byte") *
	    4194304, 2 * (512 * 100 + 2097152), 1e-6);
	ck_assert_double_eq_tol(test_metric(&h, "cpu_app_ns_per_byte") *
	    4194304, 2 * 1048576, 1e-6);
}
END_TEST

/* The two rates that are neither a memcpy nor a pass over memory, set
 * apart from the others (copy_bw_hot 4 GB/s, read_bw_cold 2 GB/s):
 * read()'s copy out of page-cache pages only in memory at copy_bw_page
 * (1 GB/s here), the process's pass over what is in the cache, its
 * buffer or pages of a file that fits, at read_bw_hot (8 GB/s). */
START_TEST(test_file_read_page_copy_and_hot_pass)
{
	static const char *const cold[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=2MiB",
		"machine.copy_bw_page=1GB/s", "machine.read_bw_hot=8GB/s", NULL
	};
	static const char *const hot[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=256KiB",
		"machine.copy_bw_page=1GB/s", "machine.read_bw_hot=8GB/s", NULL
	};
	struct model_result c = test_run(cold, "copy");
	struct model_result x = test_run(cold, "exchange");
	struct model_result ch = test_run(hot, "copy");
	struct model_result xh = test_run(hot, "exchange");

	/* Two copy calls a read, 8 KiB at 1 GB/s; the pass over the
	 * buffer at 8 GB/s. */
	ck_assert_double_eq_tol(test_metric(&c, "cpu_copy_ns_per_byte") *
	    81920, 10 * (2 * 100 + 8192), 1e-6);
	ck_assert_double_eq_tol(test_metric(&c, "cpu_app_ns_per_byte") *
	    81920, 10 * 1024, 1e-6);
	/* Exchanged pages of a file in memory: still read_bw_seq. */
	ck_assert_double_eq_tol(test_metric(&x, "cpu_app_ns_per_byte") *
	    81920, 10 * 2048, 1e-6);
	/* The file fits: the kernel's copy is hot (4 GB/s) and the pass,
	 * over the buffer or the exchanged pages, at 8 GB/s. */
	ck_assert_double_eq_tol(test_metric(&ch, "cpu_copy_ns_per_byte") *
	    81920, 10 * (2 * 100 + 2048), 1e-6);
	ck_assert_double_eq_tol(test_metric(&ch, "cpu_app_ns_per_byte") *
	    81920, 10 * 1024, 1e-6);
	ck_assert_double_eq_tol(test_metric(&xh, "cpu_app_ns_per_byte") *
	    81920, 10 * 1024, 1e-6);
}
END_TEST

/* Exchange lets the buffer's old pages go in one range removal: on the
 * ceiling's terms (16 pages here), not an invalidation per page. */
START_TEST(test_file_exchange_range_removal)
{
	static const char *const kv[] = {
		"workload.kind=file-read", "workload.size=256KiB",
		"workload.messages=4", "file.size=2MiB",
		"machine.tlb_flush_ceiling=16", NULL
	};
	struct model_result x = test_run(kv, "exchange");

	ck_assert_double_eq_tol(test_metric(&x, "cpu_tlb_ns_per_byte") *
	    4 * 262144, 4 * 16 * 110, 1e-6);
}
END_TEST

/* mmap: per operation of 4 pages of a file larger than the cache, the
 * mmap call and the mapping's own work, one fault for the fault-around
 * block of 4 (two when it is 3), a reference and a PTE per page, the
 * process's pass in order (read_bw_seq, 4 GB/s), and munmap: the call, and per
 * page the PTE removed, the reference dropped, an invalidation.  A page
 * the process writes is copied as a loan break (and freed at munmap);
 * the first written page of a mapping gives it its anonymous memory,
 * map_anon, once. */
START_TEST(test_file_mmap_costs)
{
	static const char *const kv[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=10", "file.size=2MiB", NULL
	};
	static const char *const fa3[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=10", "file.size=2MiB",
		"machine.fault_around=3", NULL
	};
	static const char *const wr[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=10", "file.size=2MiB",
		"workload.write_fraction=1", "machine.map_anon=700ns", NULL
	};
	static const char *const none[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=10", "file.size=2MiB",
		"machine.map_anon=700ns", NULL
	};
	static const char *const half[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=200", "file.size=2MiB",
		"workload.write_fraction=0.5", "machine.map_anon=700ns", NULL
	};
	static const char *const half0[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=200", "file.size=2MiB",
		"workload.write_fraction=0.5", "machine.map_anon=0", NULL
	};
	struct model_result m = test_run(kv, "mmap");
	struct model_result m3 = test_run(fa3, "mmap");
	struct model_result w = test_run(wr, "mmap");
	struct model_result n = test_run(none, "mmap");
	struct model_result h = test_run(half, "mmap");
	struct model_result h0 = test_run(half0, "mmap");
	double ops;
	double map = 500 + 5000 + 1000 + 4 * (130 + 300) + 4096;
	double unmap = 500 + 4 * (250 + 120 + 110);
	/* A loan break copies into a fresh page, not in the cache: the
	 * memory write rate, page_zero (1200 ns). */
	double brk = 1000 + 200 + (100 + 1200) + 250 + 120 + 300 + 110;

	ck_assert_double_eq_tol(test_metric(&m, "cpu_ns_per_byte") * 163840,
	    10 * (map + unmap), 1e-6);
	ck_assert_double_eq_tol(test_metric(&m, "cpu_syscall_ns_per_byte") *
	    163840, 10 * (500 + 5000 + 500), 1e-6);
	ck_assert_double_eq_tol(test_metric(&m, "cpu_fault_ns_per_byte") *
	    163840, 10 * 1000, 1e-6);
	ck_assert_double_eq_tol(test_metric(&m, "cpu_app_ns_per_byte") *
	    163840, 10 * 4096, 1e-6);
	ck_assert_double_eq(test_metric(&m, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&m, "violations"), 0);
	ck_assert_double_eq_tol(test_metric(&m3, "cpu_fault_ns_per_byte") *
	    163840, 10 * 2 * 1000, 1e-6);
	/* Every page written: four breaks, each page's write at the cache
	 * rate; at munmap the copies are freed, not unloaned. */
	ck_assert_double_eq_tol(test_metric(&w, "cow_faults_per_MiB"), 256,
	    1e-9);
	ck_assert_double_eq_tol(test_metric(&w, "cpu_ns_per_byte") * 163840,
	    10 * (map + 700 + 4 * (brk + 1024) + 500 + 4 * (250 + 150 +
	    110)), 1e-6);
	/* Nothing written, no anonymous memory. */
	ck_assert_double_eq(test_metric(&n, "cpu_ns_per_byte"),
	    test_metric(&m, "cpu_ns_per_byte"));
	/* Half the pages written: map_anon once for each operation that
	 * writes any (the same draws with and without it: all but 1/16 of
	 * the 200), and only in the allocation category. */
	ops = (test_metric(&h, "cpu_alloc_ns_per_byte") -
	    test_metric(&h0, "cpu_alloc_ns_per_byte")) * 200 * 16384 / 700;
	ck_assert_double_eq_tol(ops, round(ops), 1e-6);
	ck_assert_double_lt(fabs(ops - 200 * 15.0 / 16), 4 * sqrt(200 *
	    15.0 / 256));
	ck_assert_double_eq_tol(test_metric(&h, "cpu_ns_per_byte") -
	    test_metric(&h0, "cpu_ns_per_byte"), ops * 700 / (200 * 16384),
	    1e-9);
}
END_TEST

/* --- the disk -------------------------------------------------------- */

START_TEST(test_file_read_miss_cost)
{
	static const char *const kv[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=2", "file.size=64KiB", "file.residency=0",
		"file.disk_latency=1ms", "file.disk_bw=40MB/s", NULL
	};
	static const char *const three[] = {
		"workload.kind=file-read", "workload.size=12KiB",
		"workload.messages=1", "file.size=64KiB", "file.residency=0",
		"file.disk_latency=1ms", "file.disk_bw=40MB/s", NULL
	};
	struct model_result r = test_run(kv, "copy");
	struct model_result t = test_run(three, "copy");
	/* Per read: syscall, two page allocations, one disk read of both
	 * pages and its interrupt, the two pages' lookups, the hot copy
	 * (two calls), the process's pass, the switch away; the wakeup
	 * (biodone) and the switch back after 1 ms + 8 KiB at 40 MB/s. */
	double step = 500 + 2 * 200 + 900 + 2 * 250 + (2 * 100 + 2048) +
	    2048 + 2000;
	double wait = 1e6 + 204800;

	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte") * 16384,
	    2 * (step + 700 + 2000), 1e-6);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_interrupt_ns_per_byte") *
	    16384, 2 * 900, 1e-6);
	ck_assert_double_eq_tol(test_metric(&r, "throughput_MBps"),
	    16384e3 / (2 * (step + wait + 700 + 2000)), 1e-9);
	/* Three missing pages in a row are one disk read (genfs_getpages
	 * reads a run of contiguous blocks at once): one latency, one
	 * interrupt. */
	step = 500 + 3 * 200 + 900 + 3 * 250 + (3 * 100 + 3072) + 3072 +
	    2000;
	wait = 1e6 + 307200;
	ck_assert_double_eq_tol(test_metric(&t, "cpu_interrupt_ns_per_byte") *
	    12288, 900, 1e-6);
	ck_assert_double_eq_tol(test_metric(&t, "throughput_MBps"),
	    12288e3 / (step + wait + 700 + 2000), 1e-9);
}
END_TEST

START_TEST(test_file_write_miss_cost)
{
	static const char *const kv[] = {
		"workload.kind=file-write", "workload.size=6KiB",
		"workload.messages=1", "file.size=64KiB", "file.residency=0",
		"file.disk_latency=1ms", "file.disk_bw=40MB/s", NULL
	};
	struct model_result r = test_run(kv, "copy");
	/* The fill, the syscall; page 0 written whole is only allocated
	 * (UBC_FAULTBUSY), page 1 written in part is read first: one page
	 * from disk and its interrupt; the two pages' lookups, the copy in
	 * two calls, the switch away, and the wakeup and the switch back
	 * after 1 ms + 4 KiB at 40 MB/s. */
	double step = 1536 + 500 + 2 * 200 + 900 + 2 * 250 +
	    (2 * 100 + 1536) + 2000;

	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte") * 6144,
	    step + 700 + 2000, 1e-6);
	ck_assert_double_eq_tol(test_metric(&r, "throughput_MBps"),
	    6144e3 / (step + 1e6 + 102400 + 700 + 2000), 1e-9);
}
END_TEST

/* --- donation on write ----------------------------------------------- */

START_TEST(test_file_donate_replacements)
{
	static const char *const zero[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=16KiB", NULL
	};
	static const char *const cow[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=16KiB",
		"workload.replacement=zero-cow", NULL
	};
	static const char *const stale[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=16KiB",
		"workload.replacement=stale", NULL
	};
	struct model_result z = test_run(zero, "donate");
	struct model_result c = test_run(cow, "donate");
	struct model_result s = test_run(stale, "donate");

	ck_assert_double_eq(test_metric(&z, "flips_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&z, "copied_bytes_per_byte"), 0);
	/* zero-cow: every fill after the first faults on both pages
	 * (the shared zero page): 18 faults in 80 KiB. */
	ck_assert_double_eq_tol(test_metric(&c, "faults_per_MiB"),
	    18 / (81920.0 / 1048576), 1e-9);
	ck_assert_double_eq(test_metric(&z, "faults_per_MiB"), 0);
	/* stale: the first 4 replacements are zeroed pages; once the file
	 * wraps around, each page the process donated comes back out of
	 * the cache as its next replacement: 16 allocations, zeroings and
	 * frees fewer. */
	ck_assert_double_eq_tol((test_metric(&z, "cpu_alloc_ns_per_byte") -
	    test_metric(&s, "cpu_alloc_ns_per_byte")) * 81920,
	    16 * (200 + 1200 + 150), 1e-6);
	ck_assert_double_eq(test_metric(&s, "violations"), 0);
}
END_TEST

/* file.warmup leaves the first pass (the stale pool still empty) out of
 * every metric: what remains is the steady state, exactly. */
START_TEST(test_file_warmup_steady_state)
{
	static const char *const cold[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=16KiB",
		"workload.replacement=stale", NULL
	};
	static const char *const warm[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=16KiB",
		"workload.replacement=stale", "file.warmup=1", NULL
	};
	struct model_result c = test_run(cold, "donate");
	struct model_result w = test_run(warm, "donate");
	/* A steady write: the fill (hot), the syscall, and for each page
	 * the unmapping, the stale page entered, one local invalidation. */
	double per = 2048 + 500 + 2 * (250 + 300 + 110);

	ck_assert_double_eq_tol(test_metric(&w, "cpu_ns_per_byte") * 81920,
	    10 * per, 1e-6);
	ck_assert_double_eq(test_metric(&w, "cpu_alloc_ns_per_byte"), 0);
	ck_assert_double_eq(test_metric(&w, "flips_per_MiB"), 256);
	ck_assert_double_eq_tol(test_metric(&w, "throughput_MBps"),
	    81920e3 / (10 * per), 1e-9);
	/* Without it the first two writes free the file's pages and zero
	 * four replacements. */
	ck_assert_double_eq_tol(test_metric(&c, "cpu_alloc_ns_per_byte") *
	    81920, 4 * (200 + 1200 + 150), 1e-6);
}
END_TEST

/* One rule for what is in the CPU cache: the process's buffer is; the
 * pages of a file larger than the cache are not, so copying into them
 * writes memory (page_zero a page, as zeroing does), and a stale page
 * coming back from such a file is written at that rate too. */
START_TEST(test_file_cache_rule)
{
	static const char *const small[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=64KiB",
		"workload.replacement=stale", "file.warmup=1", NULL
	};
	/* Two passes: the last write of the first one still gets zeroed
	 * replacements, which the next fill writes hot. */
	static const char *const big[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=2MiB",
		"workload.replacement=stale", "file.warmup=2", NULL
	};
	struct model_result cs = test_run(small, "copy");
	struct model_result cb = test_run(big, "copy");
	struct model_result ds = test_run(small, "donate");
	struct model_result db = test_run(big, "donate");

	ck_assert_double_eq_tol(test_metric(&cs, "cpu_copy_ns_per_byte") *
	    81920, 10 * (2 * 100 + 2048), 1e-6);
	ck_assert_double_eq_tol(test_metric(&cb, "cpu_copy_ns_per_byte") *
	    81920, 10 * (2 * 100 + 2 * 1200), 1e-6);
	/* The fill: into the same hot buffer when copying; into stale
	 * pages, hot or not as the file's pages are, when donating. */
	ck_assert_double_eq_tol(test_metric(&cb, "cpu_app_ns_per_byte") *
	    81920, 10 * 2048, 1e-6);
	ck_assert_double_eq_tol(test_metric(&ds, "cpu_app_ns_per_byte") *
	    81920, 10 * 2048, 1e-6);
	ck_assert_double_eq_tol(test_metric(&db, "cpu_app_ns_per_byte") *
	    81920, 10 * 2 * 1200, 1e-6);
}
END_TEST

/* Donation with other writers present: a page one of them wrote never
 * comes back to the process; it is freed and a zeroed page replaces it. */
START_TEST(test_file_donate_with_writers)
{
	static const char *const alone[] = {
		"workload.kind=file-write", "workload.size=16KiB",
		"workload.messages=200", "file.size=64KiB",
		"workload.replacement=stale", "file.warmup=1",
		"machine.cpus=2", NULL
	};
	static const char *const shared[] = {
		"workload.kind=file-write", "workload.size=16KiB",
		"workload.messages=200", "file.size=64KiB",
		"workload.replacement=stale", "file.warmup=1",
		"machine.cpus=2", "file.writers=2",
		"file.writer_interval=20us", NULL
	};
	struct model_result a = test_run(alone, "donate");
	struct model_result s = test_run(shared, "donate");

	ck_assert_double_eq(test_metric(&a, "cpu_alloc_ns_per_byte"), 0);
	ck_assert_double_gt(test_metric(&s, "cpu_alloc_ns_per_byte"), 0);
	ck_assert_double_eq(test_metric(&s, "flips_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&s, "violations"), 0);
}
END_TEST

/* Writes of a page and a half at random page-aligned offsets: a page is
 * written whole (donated) by one write and in part (copied) by another.
 * A partial write must leave the page marked as holding the bytes that
 * were there (the file's earlier content, other writers'): marked the
 * process's, it would go to the stale pool and fail the run. */
START_TEST(test_file_partial_write_keeps_others_bytes)
{
	static const char *const kv[] = {
		"workload.kind=file-write", "workload.size=6KiB",
		"workload.messages=400", "file.size=32KiB",
		"workload.replacement=stale", "file.access=random", NULL
	};
	static const char *const wr[] = {
		"workload.kind=file-write", "workload.size=6KiB",
		"workload.messages=400", "file.size=32KiB",
		"workload.replacement=stale", "file.access=random",
		"machine.cpus=2", "file.writers=1", "file.writer_interval=50us",
		NULL
	};
	struct model_result r = test_run(kv, "donate");
	struct model_result w = test_run(wr, "donate");

	/* One whole page of the two a write covers is donated. */
	ck_assert_double_eq_tol(test_metric(&r, "flips_per_MiB"), 1048576 /
	    6144.0, 1e-9);
	ck_assert_double_eq_tol(test_metric(&r, "copied_bytes_per_byte"),
	    2048 / 6144.0, 1e-12);
	ck_assert_double_eq(test_metric(&r, "violations"), 0);
	ck_assert_double_eq(test_metric(&w, "violations"), 0);
}
END_TEST

/* --- stdio ------------------------------------------------------------ */

START_TEST(test_file_stdio_copies)
{
	static const char *const wr[] = {
		"workload.kind=file-write", "workload.stdio=true",
		"workload.record=512B", "workload.size=8KiB",
		"workload.messages=10", "file.size=64KiB", NULL
	};
	static const char *const rd[] = {
		"workload.kind=file-read", "workload.stdio=true",
		"workload.record=512B", "workload.size=8KiB",
		"workload.messages=10", "file.size=64KiB", NULL
	};
	struct model_result wc = test_run(wr, "copy");
	struct model_result wd = test_run(wr, "donate");
	struct model_result rc = test_run(rd, "copy");
	struct model_result rx = test_run(rd, "exchange");

	/* fwrite() memcpys the records into the buffer, write() copies the
	 * buffer into the cache: twice; donation leaves the memcpys. */
	ck_assert_double_eq(test_metric(&wc, "copied_bytes_per_byte"), 2);
	ck_assert_double_eq(test_metric(&wd, "copied_bytes_per_byte"), 1);
	ck_assert_double_eq(test_metric(&rc, "copied_bytes_per_byte"), 2);
	ck_assert_double_eq(test_metric(&rx, "copied_bytes_per_byte"), 1);
	/* 16 records a buffer: 16 memcpy calls and the 8 KiB they move;
	 * reading, the process's pass over the buffer besides. */
	ck_assert_double_eq_tol(test_metric(&wc, "cpu_app_ns_per_byte") *
	    81920, 10 * (2048 + 16 * 100), 1e-6);
	ck_assert_double_eq_tol(test_metric(&wd, "cpu_app_ns_per_byte") *
	    81920, 10 * (2048 + 16 * 100), 1e-6);
	ck_assert_double_eq_tol(test_metric(&rx, "cpu_app_ns_per_byte") *
	    81920, 10 * (2048 + 2048 + 16 * 100), 1e-6);
	ck_assert_double_eq(test_metric(&wd, "flips_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&rx, "flips_per_MiB"), 256);
}
END_TEST

/* --- determinism and bad input --------------------------------------- */

START_TEST(test_file_same_seed_same_result)
{
	static const char *const kv[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=100", "file.size=64KiB", "machine.cpus=2",
		"workload.write_fraction=0.5", "workload.write_delay=exp(20us)",
		"file.writers=2", "file.writer_interval=10us",
		"file.access=random", NULL
	};
	struct params		*p = test_params(kv);
	struct model_result	 a, b, c;

	ck_assert(model_run(p, "exchange", 3, 0, &a, NULL));
	ck_assert(model_run(p, "exchange", 3, 0, &b, NULL));
	ck_assert(model_run(p, "exchange", 3, 1, &c, NULL));
	ck_assert(memcmp(a.v, b.v, sizeof(a.v)) == 0);
	ck_assert_uint_eq(a.fingerprint, b.fingerprint);
	ck_assert(a.fingerprint != c.fingerprint);
	params_free(p);
}
END_TEST

START_TEST(test_file_bad_config)
{
	static const char *const big[] = {
		"workload.kind=file-read", "workload.size=128KiB",
		"file.size=64KiB", NULL
	};
	struct params		*p = test_params(big);
	struct model_result	 r;
	GError			*e = NULL;

	ck_assert(!model_run(p, "exchange", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "[workload] offset must be below the "
	    "page size and size at most [file] size");
	g_clear_error(&e);
	ck_assert(!model_run(p, "donate", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "unknown strategy \"donate\" for "
	    "workload kind file-read (expected copy, exchange or mmap)");
	g_clear_error(&e);
	ck_assert(!params_override(p, "file.access=backwards", &e));
	g_clear_error(&e);
	params_free(p);
	/* mmap maps whole pages at page-aligned offsets, and only reads. */
	p = test_params((const char *const[]){ "workload.kind=file-read",
	    "workload.size=8KiB", "workload.offset=100", NULL });
	ck_assert(!model_run(p, "mmap", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "[workload] strategy mmap needs offset "
	    "0, a size that is a whole number of pages and no stdio");
	g_clear_error(&e);
	params_free(p);
	p = test_params((const char *const[]){ "workload.kind=file-write",
	    NULL });
	ck_assert(!model_run(p, "mmap", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "unknown strategy \"mmap\" for "
	    "workload kind file-write (expected copy or donate)");
	g_clear_error(&e);
	params_free(p);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("/models/file");
	TCase	*rd = tcase_create("/models/file/read");
	TCase	*dk = tcase_create("/models/file/disk");
	TCase	*wr = tcase_create("/models/file/write");
	TCase	*st = tcase_create("/models/file/stdio");
	SRunner	*sr;
	int	 failed;

	tcase_set_timeout(rd, 60);
	tcase_set_timeout(wr, 60);
	tcase_add_test(rd, test_file_exchange_counts);
	tcase_add_test(rd, test_file_other_writers_and_mappers);
	tcase_add_test(rd, test_file_writers_break_loans_once);
	tcase_add_test(rd, test_file_write_delay_with_writers);
	tcase_add_test(rd, test_file_read_cold_rates);
	tcase_add_test(rd, test_file_read_page_copy_and_hot_pass);
	tcase_add_test(rd, test_file_exchange_range_removal);
	tcase_add_test(rd, test_file_mmap_costs);
	tcase_add_test(dk, test_file_read_miss_cost);
	tcase_add_test(dk, test_file_write_miss_cost);
	tcase_add_test(wr, test_file_donate_replacements);
	tcase_add_test(wr, test_file_warmup_steady_state);
	tcase_add_test(wr, test_file_cache_rule);
	tcase_add_test(wr, test_file_donate_with_writers);
	tcase_add_test(wr, test_file_partial_write_keeps_others_bytes);
	tcase_add_test(st, test_file_stdio_copies);
	tcase_add_test(st, test_file_same_seed_same_result);
	tcase_add_test(st, test_file_bad_config);
	suite_add_tcase(s, rd);
	suite_add_tcase(s, dk);
	suite_add_tcase(s, wr);
	suite_add_tcase(s, st);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
