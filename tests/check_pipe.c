/* Tests of the pipe model (models/pipe.c, mechanism M8): exact counts of
 * copies, sleeps, context switches, wakeups, loan breaks, violations and
 * buffer growth in small deterministic runs, and the closed forms of
 * their times, worked out by hand from the rules of sys_pipe.c (2002)
 * in docs/model.md on the machine of tests/run_model.h. */
#include <check.h>
#include <string.h>

#include "sim/error.h"
#include "models/pipe.h"
#include "tests/models_test.h"

/* Its costs, in ns. */
#define SYSCALL		500
#define COPY_FIXED	100
#define CSW		2000
#define WAKEUP		700
#define PMAP_ENTER	300
#define PMAP_PROTECT	220
#define TLB_LOCAL	110
#define LOAN_PAGE	130
#define UNLOAN_PAGE	120
/* Bytes at copy_bw_hot (4 GB/s) and at the default 1 GB/s of work. */
#define COPY_NS(b)	((b) / 4)
#define WORK_NS(b)	(b)

static struct model_result
pipe_test_run(const char *const *extra, const char *strategy,
    uint64_t seed, struct pipe_counts *c)
{
	struct params		*p = test_params(extra);
	struct model_result	 r;
	GError			*e = NULL;

	ck_assert_msg(pipe_run_counted(p, strategy, seed, 0, &r, c, &e), "%s",
	    e ? e->message : "");
	params_free(p);
	return r;
}

START_TEST(test_pipe_copies_and_breaks)
{
	static const char *const three[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=10", "workload.buffers=3",
		"machine.cpus=2", NULL
	};
	static const char *const one[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=10", "workload.buffers=1",
		"machine.cpus=2", NULL
	};
	static const char *const small[] = {
		"workload.kind=pipe", "workload.size=4KiB",
		"workload.messages=10", NULL
	};
	struct pipe_counts c;
	struct model_result cp = test_run(three, "copy");
	struct model_result l = test_run(three, "loan");
	struct model_result x = pipe_test_run(three, "exchange", 1, &c);
	struct model_result x1, g1, g3, s;

	/* Two copies through the buffer, one with the direct write, none
	 * with the exchange. */
	ck_assert_double_eq(test_metric(&cp, "copied_bytes_per_byte"), 2);
	ck_assert_double_eq(test_metric(&l, "copied_bytes_per_byte"), 1);
	ck_assert_double_eq(test_metric(&x, "copied_bytes_per_byte"), 0);
	/* Three buffers: the reader has released a message's pages before
	 * the writer refills them. */
	ck_assert_uint_eq(c.loan_breaks, 0);
	ck_assert_uint_eq(c.direct_writes, 10);
	/* One buffer: every refill breaks the loans of the message before,
	 * which the reader keeps until its next read: 4 pages a message
	 * from the second on. */
	x1 = pipe_test_run(one, "exchange", 1, &c);
	ck_assert_uint_eq(c.loan_breaks, 9 * 4);
	ck_assert_double_eq_tol(test_metric(&x1, "loan_breaks_per_MiB"),
	    36 / (163840.0 / 1048576), 1e-9);
	/* Each break is a copy-on-write fault, and there is no other. */
	ck_assert_double_eq_tol(test_metric(&x1, "cow_faults_per_MiB"),
	    36 / (163840.0 / 1048576), 1e-9);
	ck_assert_double_eq(test_metric(&x, "loan_breaks_per_MiB"), 0);
	ck_assert_uint_eq(c.violations, 0);
	/* Unprotected, the same refills change what the reader works
	 * through: every page of every message but the last. */
	g1 = pipe_test_run(one, "gift", 1, &c);
	ck_assert_uint_eq(c.violations, 9 * 4);
	ck_assert_uint_eq(c.loan_breaks, 0);
	ck_assert_double_eq(test_metric(&g1, "loan_breaks_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&g1, "violations"), 36);
	g3 = pipe_test_run(three, "gift", 1, &c);
	ck_assert_uint_eq(c.violations, 0);
	ck_assert_double_eq(test_metric(&g3, "violations"), 0);
	/* Below PIPE_MINDIRECT the "loan" pipe copies twice. */
	s = pipe_test_run(small, "loan", 1, &c);
	ck_assert_double_eq(test_metric(&s, "copied_bytes_per_byte"), 2);
	ck_assert_uint_eq(c.direct_writes, 0);
	ck_assert_uint_eq(c.copies, 20);
}
END_TEST

/* One CPU, four 8 KiB messages through the 16 KiB buffer.  The writer
 * writes m0 and m1 and sleeps on m2 (full): switched away.  The reader
 * reads m0, leaving 8 KiB: not below MINPIPESIZE (5461), so the writer
 * sleeps on (a rule of "a third free" would wake it here); it works
 * through m0 and reads m1, which empties the buffer: it wakes the
 * writer, which takes the CPU when read() returns (the reader switched
 * away).  The writer copies m2, writes m3 and exits; the reader, switched
 * back in, works through m1, then reads and works through m2 and m3. */
START_TEST(test_pipe_one_cpu_copy_exact)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=8KiB",
		"workload.messages=4", NULL
	};
	struct pipe_counts c;
	struct model_result r = pipe_test_run(kv, "copy", 1, &c);
	uint64_t busy;

	ck_assert_uint_eq(c.writes, 4);
	ck_assert_uint_eq(c.reads, 4);
	ck_assert_uint_eq(c.sleeps, 1);
	ck_assert_uint_eq(c.wakeups, 1);
	/* The writer away and back in, the reader away and back in. */
	ck_assert_uint_eq(c.switches, 4);
	ck_assert_uint_eq(c.copies, 8);
	ck_assert_uint_eq(c.copied, 2 * 4 * 8192);
	ck_assert_uint_eq(c.grown, 0);
	ck_assert_uint_eq(c.lock_waits, 0);
	/* One CPU, never idle: the run lasts the sum of its costs. */
	busy = 2 * 4 * WORK_NS(8192) + 8 * SYSCALL +
	    8 * (COPY_FIXED + COPY_NS(8192)) + 4 * CSW + WAKEUP;
	ck_assert_uint_eq(r.sim_time_ns, busy);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte"),
	    busy / 32768.0, 1e-12);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_sched_ns_per_byte"),
	    (4 * CSW + WAKEUP) / 32768.0, 1e-12);
}
END_TEST

/* The same run with messages larger than the cache (4 KiB): write()
 * copies from the writer's buffer out of memory into the pipe's buffer,
 * which is in the cache, at the page copy rate (copy_bw_page,
 * 2 GB/s); read() copies into the
 * reader's buffer, not in the cache, at the page-zeroing rate
 * (machine_move_ns: 1200 ns a 4 KiB page).  Nothing else moves. */
START_TEST(test_pipe_cold_messages_exact)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=8KiB",
		"workload.messages=4", "machine.cache_size=4KiB", NULL
	};
	struct pipe_counts c;
	struct model_result r = pipe_test_run(kv, "copy", 1, &c);
	uint64_t busy;

	ck_assert_uint_eq(c.copies, 8);
	ck_assert_uint_eq(c.switches, 4);
	busy = 2 * 4 * WORK_NS(8192) + 8 * SYSCALL +
	    4 * (COPY_FIXED + 8192 / 2) + 4 * (COPY_FIXED + 2 * 1200) +
	    4 * CSW + WAKEUP;
	ck_assert_uint_eq(r.sim_time_ns, busy);
}
END_TEST

/* 20 KiB writes grow the buffer to BIG_PIPE_SIZE at the first one; the
 * writer then fills it (m0 to m2, and 4 KiB of m3 at its end) and sleeps.
 * The reader wakes it only once less than PIPE_SIZE/3 is left, however big
 * the buffer: after m2 (4 KiB left), not after m1 (24 KiB left, 40 KiB
 * free).  Wrapping around costs m3 a second copy on each side. */
START_TEST(test_pipe_big_buffer_hysteresis)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=20KiB",
		"workload.messages=5", NULL
	};
	struct pipe_counts c;
	struct model_result r = pipe_test_run(kv, "copy", 1, &c);

	ck_assert_uint_eq(c.grown, 1);
	ck_assert_uint_eq(c.sleeps, 1);
	ck_assert_uint_eq(c.wakeups, 1);
	ck_assert_uint_eq(c.switches, 4);
	ck_assert_uint_eq(c.copies, 12);
	ck_assert_uint_eq(r.sim_time_ns, 2 * 5 * WORK_NS(20480) +
	    10 * SYSCALL + 12 * COPY_FIXED + COPY_NS(2 * 5 * 20480) +
	    4 * CSW + WAKEUP);
}
END_TEST

/* pipe_write(): "uio_resid > PIPE_SIZE" with the buffer empty. */
START_TEST(test_pipe_growth_rule)
{
	static const char *const at[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=5", NULL
	};
	static const char *const over[] = {
		"workload.kind=pipe", "workload.size=16385B",
		"workload.messages=5", NULL
	};
	struct pipe_counts c;

	pipe_test_run(at, "copy", 1, &c);
	ck_assert_uint_eq(c.grown, 0);
	pipe_test_run(over, "copy", 1, &c);
	ck_assert_uint_eq(c.grown, 1);
	/* A direct write grows the buffer too (the check comes first). */
	pipe_test_run(over, "loan", 1, &c);
	ck_assert_uint_eq(c.grown, 1);
}
END_TEST

/* Two CPUs, a writer ten times slower than the reader: the reader always
 * waits.  Each message costs the writer's write() step: the syscall,
 * uvm_loan of 4 pages (write-protect the writer's mapping, local
 * invalidation, bookkeeping), pmap_kenter_pa of each, the wakeup of the
 * reader and the switch away; and the reader's step back in: the switch,
 * the copy, the wakeup of the writer.  Unmapping and unloaning come
 * after, in the writer's step once woken (pipe_direct_write's cleanup),
 * not before read() returns. */
START_TEST(test_pipe_direct_write_exact)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=3", "machine.cpus=2",
		"pipe.writer_rate=100MB/s", NULL
	};
	struct pipe_counts c;
	uint64_t write_step = SYSCALL + 4 * (PMAP_PROTECT + TLB_LOCAL +
	    LOAN_PAGE + PMAP_ENTER) + WAKEUP + CSW;
	uint64_t read_step = CSW + COPY_FIXED + COPY_NS(16384) + WAKEUP;

	pipe_test_run(kv, "loan", 1, &c);
	ck_assert_uint_eq(c.direct_writes, 3);
	ck_assert_uint_eq(c.copies, 3);
	ck_assert_uint_eq(c.sleeps, 6);
	ck_assert_uint_eq(c.wakeups, 6);
	ck_assert_uint_eq(c.switches, 12);
	ck_assert_uint_eq(c.latency, 3 * (write_step + read_step));
}
END_TEST

/* A reader ten times slower than the writer: read() ends (and wakes the
 * writer) before the reader works through the message, so the writer
 * unloans, produces and lends the next one meanwhile, and the reader
 * never sleeps again after its first read().  Were the work charged in
 * the read() step, the wakeup would come after it and the reader would
 * find the pipe empty each time. */
START_TEST(test_pipe_reader_works_after_read)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=3", "machine.cpus=2",
		"pipe.reader_rate=100MB/s", NULL
	};
	struct pipe_counts c;

	pipe_test_run(kv, "loan", 1, &c);
	/* The reader once, the writer in each direct write. */
	ck_assert_uint_eq(c.sleeps, 1 + 3);
	ck_assert_uint_eq(c.wakeups, 1 + 3);
	ck_assert_uint_eq(c.reads, 3);
	/* The exchange does not wait for the reader, but a direct write
	 * waits for the one before it to be taken ("pipdww"): the writer
	 * lends m1 at once and sleeps once, on m2. */
	pipe_test_run(kv, "exchange", 1, &c);
	ck_assert_uint_eq(c.sleeps, 1 + 1);
	ck_assert_uint_eq(c.loan_breaks, 0);
}
END_TEST

/* Two CPUs, one 8 KiB message, no work: the reader, in first, finds the
 * pipe empty and sleeps; the writer's copy must wait for the pipelock the
 * reader held through that pass of read() (released before its switch
 * away), then wakes the reader, whose copy follows. */
START_TEST(test_pipe_lock_serialises_copies)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=8KiB",
		"workload.messages=1", "machine.cpus=2", "workload.fill=false",
		"pipe.writer_rate=10000GB/s", "pipe.reader_rate=10000GB/s",
		NULL
	};
	struct pipe_counts c;
	struct model_result r = pipe_test_run(kv, "copy", 1, &c);
	/* 8192 B at 10000 GB/s round to 1 ns of work on either side. */
	uint64_t writer = 1 + (SYSCALL + WAKEUP + CSW) +
	    (CSW + COPY_FIXED + COPY_NS(8192) + WAKEUP);
	uint64_t reader = CSW + COPY_FIXED + COPY_NS(8192);

	ck_assert_uint_eq(c.lock_waits, 1);
	ck_assert_uint_eq(c.sleeps, 2);
	ck_assert_uint_eq(c.wakeups, 2);
	ck_assert_uint_eq(c.switches, 4);
	ck_assert_uint_eq(r.sim_time_ns, writer + reader + 1);
	ck_assert_uint_eq(c.latency, writer - 1 + reader);
}
END_TEST

/* pipe.lock = spin (Linux's pipe mutex), two CPUs, two 8 KiB messages,
 * no work: the reader, in first, sleeps on the empty pipe; the writer's
 * first copy finds the lock free (the reader let it go at 500, before
 * its switch away; the writer asks at 1 + 500) and wakes the reader,
 * which copies out until 7497.  The writer's second write() asks for
 * the lock at 3350 + 500 and spins until 7497 (3647 ns), copies until
 * 9645; the reader's second read() asks at 7498 + 500 and spins until
 * 9645 (1647 ns), copies until 11793.  Spinning is busy CPU, no switch,
 * no wakeup: one sleep in all, the reader's first. */
START_TEST(test_pipe_lock_spins)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=8KiB",
		"workload.messages=2", "machine.cpus=2", "workload.fill=false",
		"pipe.writer_rate=10000GB/s", "pipe.reader_rate=10000GB/s",
		"pipe.lock=spin", NULL
	};
	static const char *const sleep[] = {
		"workload.kind=pipe", "workload.size=8KiB",
		"workload.messages=2", "machine.cpus=2", "workload.fill=false",
		"pipe.writer_rate=10000GB/s", "pipe.reader_rate=10000GB/s",
		NULL
	};
	struct pipe_counts c;
	struct model_result r = pipe_test_run(kv, "copy", 1, &c);
	uint64_t copy = COPY_FIXED + COPY_NS(8192);
	/* Work 1 ns a message on either side. */
	uint64_t writer = 1 + (SYSCALL + copy + WAKEUP) + 1 +
	    (SYSCALL + 3647 + copy);
	uint64_t reader = (SYSCALL + CSW) + (CSW + copy) + 1 +
	    (SYSCALL + 1647 + copy) + 1;

	ck_assert_uint_eq(c.lock_spins, 2);
	ck_assert_uint_eq(c.lock_spun, 3647 + 1647);
	ck_assert_uint_eq(c.lock_waits, 0);
	ck_assert_uint_eq(c.sleeps, 1);
	ck_assert_uint_eq(c.wakeups, 1);
	ck_assert_uint_eq(c.switches, 2);
	ck_assert_uint_eq(r.sim_time_ns, 11794);
	/* write() at 1 to 7497, at 3350 to 11793 */
	ck_assert_uint_eq(c.latency, 7496 + 8443);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte"),
	    (double)(writer + reader) / (2 * 8192), 1e-9);
	/* The same under lockmgr's rule sleeps on the lock instead. */
	pipe_test_run(sleep, "copy", 1, &c);
	ck_assert_uint_eq(c.lock_spins, 0);
	ck_assert_uint_eq(c.lock_spun, 0);
	ck_assert_uint_gt(c.lock_waits, 0);
	ck_assert_uint_eq(c.sleeps, 1 + c.lock_waits);
}
END_TEST

/* The writer's and the reader's think times are drawn from their own
 * streams: without them the seed changes nothing; with them a run is the
 * same for the same seed and differs for another. */
START_TEST(test_pipe_seeds_and_gaps)
{
	static const char *const fixed[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=50", "machine.cpus=2", NULL
	};
	static const char *const gaps[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=50", "machine.cpus=2",
		"pipe.writer_gap=exp(5us)", "pipe.reader_gap=exp(5us)", NULL
	};
	struct pipe_counts c;
	struct model_result a = pipe_test_run(fixed, "exchange", 1, &c);
	struct model_result b = pipe_test_run(fixed, "exchange", 2, &c);
	struct model_result g1, g1b, g2;

	ck_assert_uint_eq(a.sim_time_ns, b.sim_time_ns);
	ck_assert_uint_eq(a.fingerprint, b.fingerprint);
	g1 = pipe_test_run(gaps, "exchange", 1, &c);
	g1b = pipe_test_run(gaps, "exchange", 1, &c);
	g2 = pipe_test_run(gaps, "exchange", 2, &c);
	ck_assert_uint_eq(g1.sim_time_ns, g1b.sim_time_ns);
	ck_assert_uint_eq(g1.fingerprint, g1b.fingerprint);
	ck_assert(g1.sim_time_ns != g2.sim_time_ns);
	ck_assert(g1.fingerprint != g2.fingerprint);
	/* Thinking is idle time: the run is longer, the CPU per byte is
	 * that of the sleeps the gaps add. */
	ck_assert_uint_gt(g1.sim_time_ns, a.sim_time_ns);
}
END_TEST

/* Linux's gift (pipe.gift_read = copy): vmsplice() references the
 * writer's pages into the pipe's slots, nothing protected, and the
 * reader's read() copies out of each slot (a copy call a slot) and drops
 * its reference.  One CPU, one 16 KiB message: the writer's steps, then
 * the reader's, the sum of their costs.  With one buffer and a slow
 * reader the writer refills the pages of m1 before the reader copies
 * them out: those four pages are violations; with three buffers none. */
START_TEST(test_pipe_gift_copies_out)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=1", "pipe.gift_read=copy", NULL
	};
	const char *slow[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=3", "workload.buffers=1", "machine.cpus=2",
		"pipe.reader_rate=100MB/s", "pipe.gift_read=copy", NULL
	};
	struct pipe_counts c;
	struct model_result r = pipe_test_run(kv, "gift", 1, &c);
	struct model_result m;
	uint64_t busy = 2 * WORK_NS(16384) + 2 * SYSCALL + 4 * LOAN_PAGE +
	    4 * (COPY_FIXED + COPY_NS(4096)) + 4 * UNLOAN_PAGE;

	ck_assert_uint_eq(c.direct_writes, 1);
	ck_assert_uint_eq(c.gift_pages, 4);
	ck_assert_uint_eq(c.copies, 4);
	ck_assert_uint_eq(r.sim_time_ns, busy);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte"),
	    busy / 16384.0, 1e-12);
	ck_assert_double_eq(test_metric(&r, "copied_bytes_per_byte"), 1);
	/* At most the 16 slots at a time: a 128 KiB message (32 pages)
	 * goes in two vmsplice() calls.  The first references 16 pages
	 * into the slots and, with more to give, the next 16, which find
	 * no slot and are put back; it returns short, is called again
	 * and sleeps until the reader has taken the first 16.  The buffer
	 * is left alone: no growth. */
	pipe_test_run((const char *const[]){ "workload.kind=pipe",
	    "workload.size=128KiB", "workload.messages=1", "machine.cpus=2",
	    "pipe.gift_read=copy", NULL }, "gift", 1, &c);
	ck_assert_uint_eq(c.grown, 0);
	ck_assert_uint_eq(c.direct_writes, 2);
	ck_assert_uint_eq(c.gift_pages, 32);
	ck_assert_uint_eq(c.gift_put_back, 16);
	ck_assert_uint_eq(c.gift_recalls, 1);
	ck_assert_uint_eq(c.copies, 32);
	ck_assert_uint_eq(c.copied, 131072);
	pipe_test_run(slow, "gift", 1, &c);
	ck_assert_uint_eq(c.violations, 4);
	slow[3] = "workload.buffers=3";
	m = pipe_test_run(slow, "gift", 1, &c);
	ck_assert_uint_eq(c.violations, 0);
	ck_assert_double_eq(test_metric(&m, "violations"), 0);
}
END_TEST

/* The gift's writer does not wait for the reader, only for a free slot
 * (Linux's wait_for_space; BSD's direct write waits for the one before
 * to be taken, "pipdww").  Two CPUs, three 8 KiB messages (two pages
 * each), a reader ten times slower than the writer, two slots: one
 * message fills them.  The reader, in first, sleeps on the empty pipe
 * (0 to 2500: syscall, switch away; the lock free from 500).  The writer
 * produces m0 (to 8192) and write()s it: syscall, two references, the
 * reader woken (8192 to 9652).  The reader, switched in, copies both
 * slots out (2 x (copy + put_page): 9652 to 14140) and works on m0 (to
 * 96060).  Meanwhile the writer produces m1 (9652 to 17844) and gives it
 * (17844 to 18604), produces m2 (to 26796) and finds the slots full:
 * it sleeps (26796 to 29296).  The reader's read() of m1 (96060 to
 * 99748) frees them and wakes it; the writer, switched in, gives m2
 * (99748 to 102008) and is done; the reader works on m1 (to 181668),
 * reads m2 (to 184656) and works on it (to 266576).  With the default
 * 16 slots the writer never sleeps: m2 goes in at once, and m1's read()
 * wakes nobody (700 ns less). */
START_TEST(test_pipe_gift_slots_exact)
{
	const char *kv[] = {
		"workload.kind=pipe", "workload.size=8KiB",
		"workload.messages=3", "workload.buffers=3", "machine.cpus=2",
		"pipe.reader_rate=100MB/s", "pipe.gift_read=copy",
		"pipe.slots=2", NULL
	};
	struct pipe_counts c;
	struct model_result r = pipe_test_run(kv, "gift", 1, &c);
	uint64_t copy = 2 * (COPY_FIXED + COPY_NS(4096) + UNLOAN_PAGE);
	uint64_t give = SYSCALL + 2 * LOAN_PAGE;
	uint64_t writer = 3 * WORK_NS(8192) + (give + WAKEUP) + give +
	    (SYSCALL + CSW) + (CSW + 2 * LOAN_PAGE);
	uint64_t reader = (SYSCALL + CSW) + (CSW + copy) + 3 * 10 *
	    WORK_NS(8192) + (SYSCALL + copy + WAKEUP) + (SYSCALL + copy);

	ck_assert_uint_eq(c.sleeps, 2);
	ck_assert_uint_eq(c.wakeups, 2);
	ck_assert_uint_eq(c.switches, 4);
	ck_assert_uint_eq(c.direct_writes, 3);
	ck_assert_uint_eq(c.gift_pages, 6);
	ck_assert_uint_eq(c.gift_put_back, 0);
	ck_assert_uint_eq(c.gift_recalls, 0);
	ck_assert_uint_eq(c.copies, 6);
	ck_assert_uint_eq(c.violations, 0);
	ck_assert_uint_eq(c.lock_waits, 0);
	ck_assert_uint_eq(r.sim_time_ns, 266576);
	/* write() at 8192, 17844, 26796; the read() that completes each
	 * returns at 14140, 99748, 184656. */
	ck_assert_uint_eq(c.latency, (14140 - 8192) + (99748 - 17844) +
	    (184656 - 26796));
	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte"),
	    (double)(writer + reader) / (3 * 8192), 1e-9);
	kv[7] = "pipe.slots=16";
	r = pipe_test_run(kv, "gift", 1, &c);
	ck_assert_uint_eq(c.sleeps, 1);
	ck_assert_uint_eq(c.wakeups, 1);
	ck_assert_uint_eq(c.switches, 2);
	ck_assert_uint_eq(r.sim_time_ns, 266576 - WAKEUP);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte"),
	    (double)(writer + reader - WAKEUP - 2 * CSW) / (3 * 8192), 1e-9);
}
END_TEST

/* vmsplice() returns short when the slots fill.  Two CPUs, one 32 KiB
 * message (eight pages), four slots, Linux's spinning pipe lock.  The
 * reader sleeps on the empty pipe (0 to 2500).  The writer produces
 * the message (to 32768) and write()s it: syscall, eight pages
 * referenced (one batch of iter_to_pipe), four into the slots and four
 * put back; short: the reader woken, the call again (syscall), the
 * slots full, asleep (32768 to 37988, the lock free from 35988).  The
 * reader takes the four slots and, the pipe empty, wakes the writer and
 * returns half the message (37988 to 45664).  The writer, switched in,
 * gives the other four pages (45664 to 48184); the reader's next read()
 * spins on the lock from 46164 (after its syscall) to 48184, takes them
 * (to 53160) and works on the message (to 85928). */
START_TEST(test_pipe_gift_short_return)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=32KiB",
		"workload.messages=1", "machine.cpus=2", "pipe.gift_read=copy",
		"pipe.slots=4", "pipe.lock=spin", NULL
	};
	struct pipe_counts c;
	struct model_result r = pipe_test_run(kv, "gift", 1, &c);
	uint64_t slots = 4 * (COPY_FIXED + COPY_NS(4096) + UNLOAN_PAGE);
	uint64_t writer = WORK_NS(32768) + (SYSCALL + 8 * LOAN_PAGE +
	    4 * UNLOAN_PAGE + WAKEUP + SYSCALL + CSW) + (CSW + 4 * LOAN_PAGE);
	uint64_t reader = (SYSCALL + CSW) + (CSW + slots + WAKEUP) +
	    (SYSCALL + 2020 + slots) + WORK_NS(32768);

	ck_assert_uint_eq(writer, 48184 - 45664 + 37988 - 32768 + 32768);
	ck_assert_uint_eq(c.reads, 2);
	ck_assert_uint_eq(c.direct_writes, 2);
	ck_assert_uint_eq(c.gift_pages, 8);
	ck_assert_uint_eq(c.gift_put_back, 4);
	ck_assert_uint_eq(c.gift_recalls, 1);
	ck_assert_uint_eq(c.sleeps, 2);
	ck_assert_uint_eq(c.wakeups, 2);
	ck_assert_uint_eq(c.switches, 4);
	ck_assert_uint_eq(c.lock_spins, 1);
	ck_assert_uint_eq(c.lock_spun, 48184 - 46164);
	ck_assert_uint_eq(c.copies, 8);
	ck_assert_uint_eq(r.sim_time_ns, 85928);
	ck_assert_uint_eq(c.latency, 53160 - 32768);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte"),
	    (double)(writer + reader) / 32768, 1e-9);
}
END_TEST

/* Triple buffering is no longer enough for a gift: the writer may run
 * as far ahead as the slots let it.  Two CPUs, six one-page messages, a
 * reader ten times slower: the writer gives all six (16 slots: it never
 * sleeps) before the reader has worked through m0, producing message i
 * in buffer i % N.  Copying out, the reader takes m0 at once and each of
 * m1 to m5 once it has worked through the one before, after all six were
 * produced: m_k (k from 1) is violated if m_(k+N) exists, k + N <= 5,
 * 5 - N pages (none from N = 5).  Mapping, m0 too (the reader works on
 * its page while the writer refills it): 6 - N.  Under BSD's rule of
 * one direct write at a time ("pipdww"), which the gift kept before,
 * three buffers had none. */
START_TEST(test_pipe_gift_buffers)
{
	char		 nb[32];
	const char	*kv[] = {
		"workload.kind=pipe", "workload.size=4KiB",
		"workload.messages=6", nb, "machine.cpus=2",
		"pipe.reader_rate=100MB/s", "pipe.lock=spin",
		"pipe.mindirect=4KiB", NULL, NULL
	};
	struct pipe_counts c;
	unsigned	 n;

	for (n = 1; n <= 6; n++) {
		g_snprintf(nb, sizeof(nb), "workload.buffers=%u", n);
		kv[8] = "pipe.gift_read=copy";
		pipe_test_run(kv, "gift", 1, &c);
		ck_assert_uint_eq(c.sleeps, 1);
		ck_assert_uint_eq(c.violations, n < 5 ? 5 - n : 0);
		kv[8] = "pipe.gift_read=map";
		pipe_test_run(kv, "gift", 1, &c);
		ck_assert_uint_eq(c.sleeps, 1);
		ck_assert_uint_eq(c.violations, 6 - n);
	}
}
END_TEST

/* Every pipe event counts in the run's fingerprint (an engine that saw
 * none keeps the FNV-1a offset basis). */
START_TEST(test_pipe_fingerprint)
{
	static const char *const kv[] = {
		"workload.kind=pipe", "workload.size=16KiB",
		"workload.messages=4", NULL
	};
	struct model_result c = test_run(kv, "copy");
	struct model_result l = test_run(kv, "loan");

	ck_assert(c.fingerprint != 0xCBF29CE484222325ull);
	ck_assert(c.fingerprint != l.fingerprint);
}
END_TEST

START_TEST(test_pipe_bad_strategy)
{
	static const char *const kv[] = { "workload.kind=pipe", NULL };
	struct params		*p = test_params(kv);
	struct model_result	 r;
	GError			*e = NULL;

	ck_assert(!model_strategy_valid(p, "flip", &e));
	ck_assert(g_error_matches(e, LOANSIM_ERROR, LOANSIM_ERROR_INPUT));
	ck_assert_ptr_nonnull(strstr(e->message, "pipe"));
	g_clear_error(&e);
	ck_assert(!model_run(p, "zbuf", 1, 0, &r, &e));
	ck_assert(g_error_matches(e, LOANSIM_ERROR, LOANSIM_ERROR_INPUT));
	g_clear_error(&e);
	params_free(p);
}
END_TEST

static Suite *
pipe_suite(void)
{
	Suite	*s = suite_create("/models/pipe");
	TCase	*tc = tcase_create("/models/pipe/run");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pipe_copies_and_breaks);
	tcase_add_test(tc, test_pipe_one_cpu_copy_exact);
	tcase_add_test(tc, test_pipe_cold_messages_exact);
	tcase_add_test(tc, test_pipe_big_buffer_hysteresis);
	tcase_add_test(tc, test_pipe_growth_rule);
	tcase_add_test(tc, test_pipe_direct_write_exact);
	tcase_add_test(tc, test_pipe_reader_works_after_read);
	tcase_add_test(tc, test_pipe_lock_serialises_copies);
	tcase_add_test(tc, test_pipe_lock_spins);
	tcase_add_test(tc, test_pipe_seeds_and_gaps);
	tcase_add_test(tc, test_pipe_gift_copies_out);
	tcase_add_test(tc, test_pipe_gift_slots_exact);
	tcase_add_test(tc, test_pipe_gift_short_return);
	tcase_add_test(tc, test_pipe_gift_buffers);
	tcase_add_test(tc, test_pipe_fingerprint);
	tcase_add_test(tc, test_pipe_bad_strategy);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(pipe_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
