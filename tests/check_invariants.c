/* Tests of the invariant checks (models/model.h): each invariant broken
 * on purpose in a whole run, by a fault injected after a given event (a
 * loan given back twice, a page freed while loaned, a leaked mbuf, bytes
 * counted twice, a page written behind a loan's back), and the exact
 * message naming the page, mbuf or counts and the event; with the
 * checks after every event (scenario.check_invariants) and without
 * (the end of the run, the teardown).  A fault-free run is checked and
 * unchanged in both modes. */
#include <check.h>
#include <string.h>

#include "sim/error.h"
#include "models/kernel.h"
#include "models/mbuf.h"
#include "models/model.h"
#include "models/soreceive.h"
#include "models/vm.h"
#include "tests/models_test.h"

/* A run of kv (plus the check mode) with the fault after event 'after':
 * it must fail with a broken invariant, whose message is returned. */
static char *
inv_fail(const char *const *kv, const char *strategy, gboolean every,
    uint64_t after, void (*fn)(struct kernel *, void *), void *arg)
{
	struct params		*p = test_params(kv);
	struct model_fault	 f = { after, fn, arg };
	struct model_result	 r;
	GError			*e = NULL;
	char			*msg;

	ck_assert(params_override(p, every ?
	    "scenario.check_invariants=true" :
	    "scenario.check_invariants=false", NULL));
	ck_assert_msg(!model_run_faulted(p, strategy, 1, 0, &f, &r, &e),
	    "%s: the run did not fail", strategy);
	ck_assert_msg(g_error_matches(e, LOANSIM_ERROR,
	    LOANSIM_ERROR_INTERNAL), "%s", e->message);
	msg = g_strdup(e->message);
	g_error_free(e);
	params_free(p);
	return msg;
}

#define INV_ASSERT(msg, want)	do {					\
	char *m_ = (msg);						\
	ck_assert_str_eq(m_, want);					\
	g_free(m_);							\
} while (0)

static const char *const inv_socket[] = {
	"workload.size=16KiB", "workload.messages=20", "workload.buffers=2",
	"workload.rewrite_probability=0.5", "workload.rewrite_delay=50us",
	NULL
};

static const char *const inv_recv[] = {
	"workload.kind=socket-recv", "workload.size=16KiB",
	"workload.messages=20", "socket.rcvbuf=256KiB",
	"nic.layout=page-aligned", "nic.mtu=4168", NULL
};

/* A reader that works 200 us after each read: the link could bring
 * more than the receive buffer holds meanwhile. */
static const char *const inv_recv_slow[] = {
	"workload.kind=socket-recv", "workload.size=16KiB",
	"workload.messages=40", "socket.rcvbuf=64KiB",
	"nic.layout=page-aligned", "nic.mtu=4168", "workload.gap=200us",
	NULL
};

static const char *const inv_file[] = {
	"workload.kind=file-read", "workload.size=8KiB",
	"workload.messages=40", "file.size=256KiB",
	"workload.write_delay=20us", NULL
};

/* Donation with stale replacements, another process writing the file
 * (512 bytes of a page, which then holds its bytes). */
static const char *const inv_donate[] = {
	"workload.kind=file-write", "workload.size=8KiB",
	"workload.messages=64", "file.size=128KiB", "file.writers=1",
	"file.writer_interval=20us", "workload.replacement=stale", NULL
};

static const char *const inv_pipe[] = {
	"workload.kind=pipe", "workload.size=16KiB", "workload.messages=20",
	"workload.buffers=2", "machine.cpus=2", NULL
};

/* --- faults ------------------------------------------------------------ */

static gboolean
inv_loaned(const struct vm_page *pg)
{
	return pg->loan_count > 0;
}

static gboolean
inv_mapped_anon(const struct vm_page *pg)
{
	return pg->owner == VM_OWNER_ANON && pg->loan_count == 0 &&
	    pg->wire_count == 0 && pg->nmappings > 0;
}

/* A page allocated and dropped uncounted: pages are not conserved. */
static void
inv_lose_page(struct kernel *k, void *arg)
{
	struct charge	ch = { { 0 } };

	vm_test_drop(k->vm, vm_page_alloc(k->vm, VM_OWNER_ANON, &ch));
}

static void
inv_unloan_zero(struct kernel *k, void *arg)
{
	struct charge	ch = { { 0 } };

	vm_unloan(k->vm, vm_zero_page(k->vm), &ch);
}

static void
inv_loan_zero(struct kernel *k, void *arg)
{
	struct charge	ch = { { 0 } };
	struct vm_tlb	tlb = { 0, 0, 0 };

	vm_loan(k->vm, vm_zero_page(k->vm), 0, &tlb, &ch);
}

static void
inv_free_loaned(struct kernel *k, void *arg)
{
	struct vm_page	*pg = vm_test_page(k->vm, inv_loaned);

	ck_assert_ptr_nonnull(pg);
	vm_test_destroy(k->vm, pg);
}

static void
inv_release_mapped(struct kernel *k, void *arg)
{
	struct vm_page	*pg = vm_test_page(k->vm, inv_mapped_anon);
	struct charge	 ch = { { 0 } };

	ck_assert_ptr_nonnull(pg);
	vm_page_release(k->vm, pg, &ch);
}

static void
inv_leak_mbuf(struct kernel *k, void *arg)
{
	struct charge	ch = { { 0 } };

	(void)m_get(k->mbufs, &ch);
}

static void
inv_leak_page(struct kernel *k, void *arg)
{
	struct charge	ch = { { 0 } };

	(void)vm_page_alloc(k->vm, VM_OWNER_ANON, &ch);
}

static void
inv_count_twice(struct kernel *k, void *arg)
{
	k->c.bytes_delivered++;
}

/* The process writes a loaned page without the fault that would have
 * broken the loan. */
static void
inv_write_behind(struct kernel *k, void *arg)
{
	struct vm_page	*pg = vm_test_page(k->vm, inv_loaned);

	ck_assert_ptr_nonnull(pg);
	pg->version++;
}

/* The process's newest buffer page (a page a receive flipped in) is
 * written behind its back. */
static void
inv_write_view(struct kernel *k, void *arg)
{
	struct vm_page	*pg = vm_test_page(k->vm, inv_mapped_anon);

	ck_assert_ptr_nonnull(pg);
	pg->version++;
}

/* A page-cache page another process wrote is taken for the process's
 * own (whose stale pages it may be given back). */
static gboolean
inv_others_page(const struct vm_page *pg)
{
	return pg->owner == VM_OWNER_OBJECT && pg->data_owner == 2 &&
	    pg->version > 0;
}

static void
inv_mark_own(struct kernel *k, void *arg)
{
	struct vm_page	*pg = vm_test_page(k->vm, inv_others_page);

	ck_assert_ptr_nonnull(pg);
	pg->data_owner = 1;
}

/* --- the tests --------------------------------------------------------- */

#define INV_BOTH(kv, st, after, fn, want) do {				\
	INV_ASSERT(inv_fail(kv, st, TRUE, after, fn, NULL), want);	\
	INV_ASSERT(inv_fail(kv, st, FALSE, after, fn, NULL), want);	\
} while (0)

/* Allocated = freed + live: after the event that lost a page with the
 * checks after every event, at the end of the run without. */
START_TEST(test_inv_pages_conserved)
{
	INV_ASSERT(inv_fail(inv_socket, "loan", TRUE, 200, inv_lose_page,
	    NULL), "invariant broken at event 200 (so_ack_ev, 655632 ns), "
	    "strategy loan: 9 pages live, but 19 allocated and 9 freed");
	INV_ASSERT(inv_fail(inv_socket, "loan", FALSE, 200, inv_lose_page,
	    NULL), "invariant broken at the end of the run (910 events, "
	    "2892064 ns), strategy loan: 9 pages live, but 31 allocated and "
	    "21 freed");
}
END_TEST

/* A loan given back twice, a page freed while loaned or while mapped:
 * not done, and the run stops at that event, in both modes. */
START_TEST(test_inv_misuse_stops_the_run)
{
	INV_BOTH(inv_socket, "loan", 200, inv_unloan_zero,
	    "invariant broken at event 200 (so_ack_ev, 655632 ns), strategy "
	    "loan: page 1 (zero, loan count 0, wire count 0) unloaned with no "
	    "loan on it: its loan count would go negative");
	INV_BOTH(inv_socket, "loan", 200, inv_free_loaned,
	    "invariant broken at event 200 (so_ack_ev, 655632 ns), strategy "
	    "loan: page 14 (anon, loan count 1, wire count 0) freed while "
	    "loaned");
	INV_BOTH(inv_socket, "loan", 200, inv_release_mapped,
	    "invariant broken at event 200 (so_ack_ev, 655632 ns), strategy "
	    "loan: page 18 (anon, loan count 0, wire count 0) freed while "
	    "mapped");
}
END_TEST

/* Loan counts zero at the end, every mbuf freed at the end, every page
 * but the zero page freed at teardown. */
START_TEST(test_inv_end_and_teardown)
{
	INV_BOTH(inv_socket, "loan", 200, inv_loan_zero,
	    "invariant broken at the end of the run (910 events, 2892064 ns), "
	    "strategy loan: page 1 (zero, loan count 1, wire count 0) is "
	    "still loaned");
	INV_BOTH(inv_socket, "copy", 200, inv_leak_mbuf,
	    "invariant broken at the end of the run (887 events, 2893720 ns), "
	    "strategy copy: mbuf 181 (internal data, bytes 0..0) was never "
	    "freed, one of 1");
	INV_BOTH(inv_socket, "copy", 200, inv_leak_page,
	    "invariant broken at teardown, strategy copy: page 10 (anon, loan "
	    "count 0, wire count 0) was never freed");
}
END_TEST

/* Each kind's bytes conserved: a byte delivered twice. */
START_TEST(test_inv_bytes_conserved)
{
	/* Checked after every event, as soon as it shows. */
	INV_ASSERT(inv_fail(inv_socket, "copy", TRUE, 200, inv_count_twice,
	    NULL), "invariant broken at event 876 (so_seg_end, 2791280 ns), "
	    "strategy copy: 327681 bytes delivered, but 327680 written");
	INV_ASSERT(inv_fail(inv_socket, "copy", FALSE, 200, inv_count_twice,
	    NULL), "invariant broken at the end of the run (887 events, "
	    "2893720 ns), strategy copy: 327681 bytes delivered, but 327680 "
	    "written");
	INV_ASSERT(inv_fail(inv_recv, "flip", TRUE, 100, inv_count_twice,
	    NULL), "invariant broken at event 100 (rx_frame, 1514160 ns), "
	    "strategy flip: 180225 bytes delivered and 0 in the receive "
	    "buffer, but 180224 taken up and 180224 read");
	INV_ASSERT(inv_fail(inv_recv, "copy", FALSE, 100, inv_count_twice,
	    NULL), "invariant broken at the end of the run (179 events, "
	    "2713612 ns), strategy copy: 327681 bytes delivered and 0 in the "
	    "receive buffer, but 327680 taken up and 327680 read");
	INV_ASSERT(inv_fail(inv_file, "exchange", TRUE, 30, inv_count_twice,
	    NULL), "invariant broken at event 30 (file_touch_after_read, "
	    "365580 ns), strategy exchange: 122881 bytes delivered, but 15 "
	    "operations of 8192 bytes done");
	INV_ASSERT(inv_fail(inv_file, "copy", FALSE, 30, inv_count_twice,
	    NULL), "invariant broken at the end of the run (80 events, "
	    "1011840 ns), strategy copy: 327681 bytes delivered, but 40 "
	    "operations of 8192 bytes done");
	INV_ASSERT(inv_fail(inv_pipe, "exchange", TRUE, 30, inv_count_twice,
	    NULL), "invariant broken at event 30 (pipe_read_done, 140964 ns), "
	    "strategy exchange: 81921 bytes delivered, but 5 messages of "
	    "16384 bytes read; 0 of 16384 buffer bytes used");
	INV_ASSERT(inv_fail(inv_pipe, "copy", FALSE, 30, inv_count_twice,
	    NULL), "invariant broken at the end of the run (101 events, "
	    "444880 ns), strategy copy: 327681 bytes delivered, but 20 "
	    "messages of 16384 bytes read; 0 of 16384 buffer bytes used");
}
END_TEST

/* A page written behind a loan's back reaches the reader: a violation,
 * not allowed for a safe strategy. */
START_TEST(test_inv_safe_strategies_never_violate)
{
	INV_ASSERT(inv_fail(inv_socket, "loan", TRUE, 200, inv_write_behind,
	    NULL), "invariant broken at event 221 (so_seg_start, 714336 ns), "
	    "strategy loan: 1 of the pages sent had changed since write(), "
	    "under a safe strategy");
	/* Not stopped, the page goes out in four segments. */
	INV_ASSERT(inv_fail(inv_socket, "loan", FALSE, 200, inv_write_behind,
	    NULL), "invariant broken at the end of the run (910 events, "
	    "2892064 ns), strategy loan: 4 of the pages sent had changed "
	    "since write(), under a safe strategy");
	INV_ASSERT(inv_fail(inv_file, "exchange", TRUE, 30, inv_write_behind,
	    NULL), "invariant broken at event 31 (file_op, 365580 ns), "
	    "strategy exchange: 1 violations: the process saw data that was "
	    "not the file's at read() nor its own, got another's data back, "
	    "or the file lost a write");
	INV_ASSERT(inv_fail(inv_file, "exchange", FALSE, 30, inv_write_behind,
	    NULL), "invariant broken at the end of the run (80 events, "
	    "974780 ns), strategy exchange: 2 violations: the process saw "
	    "data that was not the file's at read() nor its own, got "
	    "another's data back, or the file lost a write");
	INV_ASSERT(inv_fail(inv_pipe, "exchange", TRUE, 26, inv_write_behind,
	    NULL), "invariant broken at event 30 (pipe_read_done, 140964 ns), "
	    "strategy exchange: 1 of the pages the reader took had changed "
	    "since write(), under a safe strategy");
	INV_ASSERT(inv_fail(inv_pipe, "exchange", FALSE, 26, inv_write_behind,
	    NULL), "invariant broken at the end of the run (119 events, "
	    "510324 ns), strategy exchange: 1 of the pages the reader took "
	    "had changed since write(), under a safe strategy");
}
END_TEST

/* The receive buffer never holds more than socket.rcvbuf (flow
 * control, no drops): a sender that takes the window to be twice that
 * overruns it, seen after the interrupt that took the frame up, or at
 * the end on the most it ever held. */
START_TEST(test_inv_recv_window)
{
	INV_ASSERT(inv_fail(inv_recv_slow, "copy", TRUE, 1,
	    soreceive_test_window, NULL), "invariant broken at event 76 "
	    "(rx_intr, 1429568 ns), strategy copy: the receive buffer held "
	    "73728 bytes, more than socket.rcvbuf = 65536 B: the sender "
	    "overran the window");
	INV_ASSERT(inv_fail(inv_recv_slow, "copy", FALSE, 1,
	    soreceive_test_window, NULL), "invariant broken at the end of "
	    "the run (320 events, 8507992 ns), strategy copy: the receive "
	    "buffer held 122880 bytes, more than socket.rcvbuf = 65536 B: "
	    "the sender overran the window");
}
END_TEST

/* A page of the process changed between two reads (the NIC writing
 * into a page it handed over, say): the process holds other bytes than
 * those sent, under copy as under flip. */
START_TEST(test_inv_recv_view)
{
	INV_ASSERT(inv_fail(inv_recv, "flip", TRUE, 100, inv_write_view,
	    NULL), "invariant broken at event 100 (rx_frame, 1514160 ns), "
	    "strategy flip: 1 pages of the process held bytes other than "
	    "those sent for them");
	INV_ASSERT(inv_fail(inv_recv, "flip", FALSE, 100, inv_write_view,
	    NULL), "invariant broken at the end of the run (179 events, "
	    "2713612 ns), strategy flip: 1 pages of the process held bytes "
	    "other than those sent for them");
	INV_ASSERT(inv_fail(inv_recv, "copy", FALSE, 100, inv_write_view,
	    NULL), "invariant broken at the end of the run (179 events, "
	    "2713612 ns), strategy copy: 1 pages of the process held bytes "
	    "other than those sent for them");
}
END_TEST

/* A replacement page never carries another process's data: a page a
 * writer wrote, taken for the process's own, reaches its stale pool. */
START_TEST(test_inv_donate_stale_foreign)
{
	INV_ASSERT(inv_fail(inv_donate, "donate", TRUE, 40, inv_mark_own,
	    NULL), "invariant broken at event 42 (file_op, 189228 ns), "
	    "strategy donate: 1 violations: the process saw data that was "
	    "not the file's at read() nor its own, got another's data back, "
	    "or the file lost a write");
	INV_ASSERT(inv_fail(inv_donate, "donate", FALSE, 40, inv_mark_own,
	    NULL), "invariant broken at the end of the run (81 events, "
	    "398901 ns), strategy donate: 1 violations: the process saw data "
	    "that was not the file's at read() nor its own, got another's "
	    "data back, or the file lost a write");
}
END_TEST

/* A gift may show the reader what the process wrote after write():
 * with rewrites (socket) or two buffers (pipe) it does, and the run,
 * checked after every event, counts the violations without failing. */
static double
inv_gift_violations(const char *const *kv)
{
	struct params		*p = test_params(kv);
	struct model_result	 r;
	GError			*e = NULL;

	ck_assert(params_override(p, "scenario.check_invariants=true", NULL));
	ck_assert_msg(model_run(p, "gift", 1, 0, &r, &e), "%s",
	    e ? e->message : "");
	params_free(p);
	return r.v[MODEL_VIOLATIONS];
}

START_TEST(test_inv_gift_may_violate)
{
	ck_assert_double_eq(inv_gift_violations(inv_socket), 39);
	ck_assert_double_eq(inv_gift_violations(inv_pipe), 72);
}
END_TEST

/* Checked after every event or not, a run gives the same result; and
 * every kind's fault-free run passes its checks. */
START_TEST(test_inv_checks_change_nothing)
{
	const char *const *kinds[] = { inv_socket, inv_recv, inv_file,
	    inv_pipe };
	const char *strategies[] = { "loan", "flip", "exchange", "gift" };
	unsigned	 i;

	for (i = 0; i < G_N_ELEMENTS(kinds); i++) {
		struct params		*p = test_params(kinds[i]);
		struct model_result	 a, b;

		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		ck_assert(model_run(p, strategies[i], 1, 0, &a, NULL));
		ck_assert(params_override(p, "scenario.check_invariants=true",
		    NULL));
		ck_assert(model_run(p, strategies[i], 1, 0, &b, NULL));
		ck_assert_msg(memcmp(&a, &b, sizeof(a)) == 0, "%s",
		    strategies[i]);
		ck_assert_uint_gt(a.events, 0);
		params_free(p);
	}
}
END_TEST

static Suite *
inv_suite(void)
{
	Suite	*s = suite_create("/models/invariants");
	TCase	*tc = tcase_create("faults");

	tcase_add_test(tc, test_inv_pages_conserved);
	tcase_add_test(tc, test_inv_misuse_stops_the_run);
	tcase_add_test(tc, test_inv_end_and_teardown);
	tcase_add_test(tc, test_inv_bytes_conserved);
	tcase_add_test(tc, test_inv_safe_strategies_never_violate);
	tcase_add_test(tc, test_inv_recv_window);
	tcase_add_test(tc, test_inv_recv_view);
	tcase_add_test(tc, test_inv_donate_stale_foreign);
	tcase_add_test(tc, test_inv_gift_may_violate);
	tcase_add_test(tc, test_inv_checks_change_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(inv_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
