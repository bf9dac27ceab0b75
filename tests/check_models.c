/* Tests of the kernel models: vm (loans, loan breaks, orphans), mbufs
 * (shared external storage), and whole socket-send runs with exact
 * counts, checked against the closed forms of docs/model.md. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "sim/params.h"
#include "models/cpu.h"
#include "models/machine.h"
#include "models/mbuf.h"
#include "models/model.h"
#include "models/nic.h"
#include "models/vm.h"
#include "tests/run_model.h"

/* --- vm ------------------------------------------------------------- */

static struct machine	vm_m;
static struct vm	*vm;
static struct vm_map	vm_proc = { "process", 1 };

static void
vm_setup(void)
{
	struct params	*p = test_params(NULL);

	machine_init(&vm_m, p);
	params_free(p);
	vm = vm_new(&vm_m, 2);
}

static void
vm_teardown(void)
{
	vm_free(vm);
}

START_TEST(test_vm_loan_protects_and_unloan_keeps_ro)
{
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_buf	*b = vm_buf_new(vm, &vm_proc, 0, 4096, &ch);
	struct vm_page	*pg = b->pages[0];

	ck_assert(vm_page_writable_in(pg, &vm_proc));
	memset(&ch, 0, sizeof(ch));
	vm_loan(vm, pg, 0, &tlb, &ch);
	vm_tlb_flush(vm, &tlb, 0, &ch);
	/* uvm_loan: the first loan write-protects the one mapping. */
	ck_assert(!vm_page_writable_in(pg, &vm_proc));
	ck_assert_uint_eq(pg->loan_count, 1);
	ck_assert_uint_eq(ch.ns[CPU_PMAP], 220);
	ck_assert_uint_eq(ch.ns[CPU_TLB], 110);
	ck_assert_uint_eq(ch.ns[CPU_LOAN], 130);
	vm_unloan(vm, pg, &ch);
	ck_assert_uint_eq(pg->loan_count, 0);
	/* Unloan leaves the mapping read-only: the next write faults but
	 * only re-enables write (no copy). */
	memset(&ch, 0, sizeof(ch));
	vm_buf_write(vm, b, 0, 10, 0, &ch);
	ck_assert_ptr_eq(b->pages[0], pg);
	ck_assert_uint_eq(vm_stats(vm)->write_faults, 1);
	ck_assert_uint_eq(vm_stats(vm)->loan_breaks, 0);
	ck_assert_uint_eq(ch.ns[CPU_FAULT], 1000);
	ck_assert_uint_eq(ch.ns[CPU_PMAP], 300);
	vm_buf_free(vm, b, &ch);
	ck_assert_uint_eq(vm_live(vm), 1);	/* the zero page */
}
END_TEST

START_TEST(test_vm_write_to_loaned_page_breaks_loan)
{
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_buf	*b = vm_buf_new(vm, &vm_proc, 0, 4096, &ch);
	struct vm_page	*old = b->pages[0];
	uint64_t	 v = old->version;

	vm_loan(vm, old, 0, &tlb, &ch);
	vm_tlb_flush(vm, &tlb, 0, &ch);
	memset(&ch, 0, sizeof(ch));
	vm_buf_write(vm, b, 0, 4096, 0, &ch);
	/* uvm_loanbreak: new page, copy, old page's mappings removed. */
	ck_assert_ptr_ne(b->pages[0], old);
	ck_assert_uint_eq(vm_stats(vm)->loan_breaks, 1);
	ck_assert_uint_eq(old->version, v);
	ck_assert_uint_eq(b->pages[0]->version, v + 1);
	ck_assert_uint_eq(old->nmappings, 0);
	ck_assert_int_eq(old->owner, VM_OWNER_NONE);
	ck_assert_uint_eq(ch.ns[CPU_FAULT], 1000);
	ck_assert_uint_eq(ch.ns[CPU_ALLOC], 200);
	/* A page copy: fixed cost plus 4096 B at 4 GB/s = 1024 ns. */
	ck_assert_uint_eq(ch.ns[CPU_COPY], 100 + 1024);
	ck_assert_uint_eq(ch.ns[CPU_PMAP], 250 + 300);
	ck_assert_uint_eq(ch.ns[CPU_TLB], 110);
	ck_assert_uint_eq(vm_live(vm), 3);
	/* The orphan goes with its last loan. */
	vm_unloan(vm, old, &ch);
	ck_assert_uint_eq(vm_live(vm), 2);
	ck_assert_uint_eq(vm_stats(vm)->orphans, 1);
	vm_buf_free(vm, b, &ch);
	ck_assert_uint_eq(vm_live(vm), 1);
}
END_TEST

START_TEST(test_vm_shootdown_where_map_active)
{
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_map	 both = { "threads", 3 };
	struct vm_buf	*b = vm_buf_new(vm, &both, 0, 3 * 4096, &ch);
	unsigned	 i;

	memset(&ch, 0, sizeof(ch));
	for (i = 0; i < 3; i++)
		vm_loan(vm, b->pages[i], 0, &tlb, &ch);
	vm_tlb_flush(vm, &tlb, 0, &ch);
	/* Three local invalidations and one IPI round to CPU 1. */
	ck_assert_uint_eq(ch.ns[CPU_TLB], 3 * 110 + 4000);
	ck_assert_uint_eq(vm_stats(vm)->shootdowns, 1);
	ck_assert_uint_eq(vm_stats(vm)->shootdown_rounds, 1);
	for (i = 0; i < 3; i++)
		vm_unloan(vm, b->pages[i], &ch);
	vm_buf_free(vm, b, &ch);
}
END_TEST

/* --- mbuf ----------------------------------------------------------- */

static int	test_freed;

static void
test_ext_free(struct mbuf_ext *ext, void *arg, struct charge *ch)
{
	test_freed++;
	m_ext_destroy(ext);
}

START_TEST(test_mbuf_copym_shares_storage)
{
	struct charge		 ch = { { 0 } };
	struct mbuf_pool	*mp = mbuf_pool_new(&vm_m);
	struct vm_buf		*b = vm_buf_new(vm, &vm_proc, 0, 8192, &ch);
	struct mbuf		*m, *c1, *c2;

	test_freed = 0;
	m = m_get(mp, &ch);
	m_extadd_pages(mp, m, b->pages, 2, 0, 8192, test_ext_free, NULL, b,
	    &ch);
	c1 = m_copym(mp, m, 0, 1448, &ch);
	c2 = m_copym(mp, m, 1448, 4000, &ch);
	ck_assert_ptr_eq(c1->ext, m->ext);
	ck_assert_uint_eq(m->ext->refcnt, 3);
	ck_assert_uint_eq(mbuf_pool_stats(mp)->copym_refs, 2);
	/* c2 spans bytes 1448..5447: pages 0 and 1. */
	ck_assert_uint_eq(m_verify(c2, 0, c2->len, 4096), 0);
	b->pages[1]->version++;
	ck_assert_uint_eq(m_verify(c2, 0, c2->len, 4096), 1);
	ck_assert_uint_eq(m_verify(c1, 0, c1->len, 4096), 0);
	m_free(mp, m, &ch);
	m_free(mp, c1, &ch);
	ck_assert_int_eq(test_freed, 0);
	m_free(mp, c2, &ch);
	ck_assert_int_eq(test_freed, 1);
	ck_assert_uint_eq(mbuf_pool_live(mp), 0);
	ck_assert_uint_eq(mbuf_pool_stats(mp)->ext_live, 0);
	mbuf_pool_free(mp);
	vm_buf_free(vm, b, &ch);
}
END_TEST

START_TEST(test_mbuf_cluster_freed_with_last_reference)
{
	struct charge		 ch = { { 0 } };
	struct mbuf_pool	*mp = mbuf_pool_new(&vm_m);
	struct mbuf		*m = m_get(mp, &ch), *c;

	m_clget(mp, m, 2048, &ch);
	m->len = 2048;
	c = m_copym(mp, m, 100, 200, &ch);
	m_free(mp, m, &ch);
	ck_assert_uint_eq(mbuf_pool_stats(mp)->clusters_freed, 0);
	m_free(mp, c, &ch);
	ck_assert_uint_eq(mbuf_pool_stats(mp)->clusters_freed, 1);
	/* 2 m_get + 1 m_clget; 2 m_free + 1 cluster free. */
	ck_assert_uint_eq(ch.ns[CPU_ALLOC], 2 * 60 + 80 + 2 * 50 + 70);
	mbuf_pool_free(mp);
}
END_TEST

static Suite *
models_vm_suite(void)
{
	Suite	*s = suite_create("/models");
	TCase	*tc = tcase_create("/models/vm");

	tcase_add_checked_fixture(tc, vm_setup, vm_teardown);
	tcase_add_test(tc, test_vm_loan_protects_and_unloan_keeps_ro);
	tcase_add_test(tc, test_vm_write_to_loaned_page_breaks_loan);
	tcase_add_test(tc, test_vm_shootdown_where_map_active);
	suite_add_tcase(s, tc);
	tc = tcase_create("/models/mbuf");
	tcase_add_checked_fixture(tc, vm_setup, vm_teardown);
	tcase_add_test(tc, test_mbuf_copym_shares_storage);
	tcase_add_test(tc, test_mbuf_cluster_freed_with_last_reference);
	suite_add_tcase(s, tc);
	return s;
}

/* --- whole socket-send runs ----------------------------------------- */

/* Expected CPU time of one uncontended write of S bytes (a multiple of
 * the cluster size and of the page size, S <= sndbuf and loan_chunk),
 * from docs/model.md, with the costs of test_machine.  segs = ceil(S/mss)
 * segments, acks = ceil(segs/ack_every); pieces = the (segment, storage)
 * pairs that m_copym references. */
static double
closed_form_copy(double S, double segs, double acks, double pieces)
{
	double	cl = S / 2048;

	return S / 4.0			/* fill at 4 GB/s: 0.25 ns/B */
	    + 500			/* syscall */
	    + cl * (60 + 80 + 100 + 2048 / 4.0)	/* MGET, MCLGET, uiomove */
	    + segs * 1500 + pieces * 60	/* tcp_output, m_copym */
	    + segs * (900) + pieces * 50	/* tx done: intr, m_free */
	    + acks * (900 + 1300)	/* ACK: intr, tcp_input */
	    + cl * (50 + 70);		/* sbdrop: m_free, cluster */
}

static double
closed_form_loan(double S, double segs, double acks, gboolean refault)
{
	double	pg = S / 4096;

	return S / 4.0 + 500
	    + (refault ? pg * (1000 + 300) : 0)	/* write-enable faults */
	    + pg * (220 + 130 + 300 + 110)	/* protect, loan, kenter,
						   invlpg */
	    + 60				/* MGET for MEXTADD */
	    + segs * (1500 + 60)		/* one piece a segment */
	    + segs * (900 + 50)
	    + acks * (900 + 1300)
	    + 50 + 700				/* sbdrop, wake sopendfree */
	    + 2000 + pg * (250 + 110 + 120);	/* switch, kremove,
						   invlpg, unloan */
}

static const char *const one_8k[] = {
	"workload.size=8KiB", "workload.messages=1", "workload.buffers=1",
	NULL
};

START_TEST(test_socket_copy_one_write_exact)
{
	struct model_result r = test_run(one_8k, "copy");

	/* 6 segments over 4 clusters touch 9 (segment, cluster) pairs. */
	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte") * 8192,
	    28026, 1e-6);
	ck_assert_double_eq_tol(closed_form_copy(8192, 6, 3, 9), 28026, 1e-9);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_copy_ns_per_byte") *
	    8192, 4 * (100 + 512), 1e-6);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_alloc_ns_per_byte") *
	    8192, 2030, 1e-6);
	ck_assert_double_eq_tol(test_metric(&r, "copied_bytes_per_byte"), 1,
	    1e-12);
	ck_assert_double_eq(test_metric(&r, "violations"), 0);
	ck_assert_double_eq(test_metric(&r, "pinned_pages_peak"), 0);
}
END_TEST

START_TEST(test_socket_loan_one_write_exact)
{
	struct model_result r = test_run(one_8k, "loan");

	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte") * 8192,
	    29498, 1e-6);
	ck_assert_double_eq_tol(closed_form_loan(8192, 6, 3, FALSE), 29498,
	    1e-9);
	ck_assert_double_eq(test_metric(&r, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&r, "pinned_pages_peak"), 2);
	ck_assert_double_eq(test_metric(&r, "cow_faults_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&r, "violations"), 0);
}
END_TEST

START_TEST(test_socket_loan_refill_breaks_loans)
{
	static const char *const kv[] = {
		"workload.size=8KiB", "workload.messages=2",
		"workload.buffers=1", NULL
	};
	struct model_result r = test_run(kv, "loan");

	/* The second fill comes long before the first ACK: both pages of
	 * the only buffer are still on loan and are copied on write. */
	ck_assert_double_eq_tol(test_metric(&r, "cow_faults_per_MiB"),
	    2 / (16384.0 / 1048576), 1e-9);
	ck_assert_double_eq_tol(test_metric(&r, "copied_bytes_per_byte"),
	    2 * 4096 / 16384.0, 1e-12);
	ck_assert_double_eq(test_metric(&r, "violations"), 0);
}
END_TEST

START_TEST(test_socket_gift_rewrite_violates)
{
	static const char *const kv[] = {
		"workload.size=8KiB", "workload.messages=1",
		"workload.buffers=1", "workload.rewrite_probability=1",
		"workload.rewrite_delay=0", NULL
	};
	struct model_result g = test_run(kv, "gift");
	struct model_result l = test_run(kv, "loan");
	struct model_result c = test_run(kv, "copy");
	struct model_result z = test_run(kv, "zbuf");

	/* Segments of 1448 B over two pages: 7 (segment, page) pairs, all
	 * read by the NIC after the rewrite. */
	ck_assert_double_eq(test_metric(&g, "violations"), 7);
	ck_assert_double_eq(test_metric(&l, "violations"), 0);
	ck_assert_double_eq(test_metric(&c, "violations"), 0);
	ck_assert_double_eq(test_metric(&z, "violations"), 0);
	ck_assert_double_eq_tol(test_metric(&l, "cow_faults_per_MiB"),
	    2 / (8192.0 / 1048576), 1e-9);
}
END_TEST

START_TEST(test_socket_partial_pages)
{
	static const char *const copy_kv[] = {
		"workload.size=8KiB", "workload.messages=1",
		"workload.buffers=1", "workload.offset=100", NULL
	};
	static const char *const loan_kv[] = {
		"workload.size=8KiB", "workload.messages=1",
		"workload.buffers=1", "workload.offset=100",
		"socket.loan_partial=loan", NULL
	};
	struct model_result c = test_run(copy_kv, "loan");
	struct model_result l = test_run(loan_kv, "loan");

	/* Bytes 100..8291 of three pages: the 3996-byte head is copied,
	 * the one whole page loaned, the 100-byte tail (below the
	 * threshold) copied. */
	ck_assert_double_eq(test_metric(&c, "pinned_pages_peak"), 1);
	ck_assert_double_eq_tol(test_metric(&c, "copied_bytes_per_byte"),
	    (3996 + 100) / 8192.0, 1e-12);
	/* NetBSD's sosend_loan loans all three pages whole. */
	ck_assert_double_eq(test_metric(&l, "pinned_pages_peak"), 3);
	ck_assert_double_eq(test_metric(&l, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&l, "violations"), 0);
}
END_TEST

START_TEST(test_socket_closed_form_steady_state)
{
	static const char *const kv[] = {
		"workload.size=16KiB", "workload.messages=200",
		"workload.buffers=4", "workload.gap=1ms", NULL
	};
	struct model_result c = test_run(kv, "copy");
	struct model_result l = test_run(kv, "loan");
	double	segs = 12, acks = 6, n = 200, b = 4;
	/* 16 KiB over 8 clusters: 12 segments, each in one or two. */
	double	copy = closed_form_copy(16384, segs, acks, 19);
	double	loan = (n * closed_form_loan(16384, segs, acks, FALSE) +
	    (n - b) * 4 * (1000 + 300)) / n;

	ck_assert_double_eq_tol(test_metric(&c, "cpu_ns_per_byte"),
	    copy / 16384, 0.02 * copy / 16384);
	ck_assert_double_eq_tol(test_metric(&l, "cpu_ns_per_byte"),
	    loan / 16384, 0.02 * loan / 16384);
	ck_assert_double_eq(test_metric(&l, "cow_faults_per_MiB"), 0);
	ck_assert_double_eq_tol(test_metric(&l, "faults_per_MiB"),
	    (n - b) * 4 / (n * 16384 / 1048576), 1e-9);
}
END_TEST

START_TEST(test_socket_mp_kernel_unmap_shoots_down)
{
	static const char *const kv[] = {
		"machine.cpus=2", "workload.size=16KiB",
		"workload.messages=10", "workload.gap=1ms", NULL
	};
	struct model_result c = test_run(kv, "copy");
	struct model_result l = test_run(kv, "loan");

	/* sopendfree on CPU 1 unmaps kernel mappings: one IPI round to
	 * CPU 0 per loan chunk; copying never shoots down. */
	ck_assert_double_eq(test_metric(&c, "shootdowns_per_MiB"), 0);
	ck_assert_double_eq_tol(test_metric(&l, "shootdowns_per_MiB"),
	    10 / (10 * 16384.0 / 1048576), 1e-9);
}
END_TEST

START_TEST(test_socket_same_seed_same_result)
{
	static const char *const kv[] = {
		"workload.size=12KiB", "workload.messages=200",
		"workload.rewrite_probability=0.5",
		"workload.rewrite_delay=exp(100us)", NULL
	};
	struct params		*p = test_params(kv);
	struct model_result	 a, b, c;

	ck_assert(model_run(p, "loan", 7, 0, &a, NULL));
	ck_assert(model_run(p, "loan", 7, 0, &b, NULL));
	ck_assert(model_run(p, "loan", 7, 1, &c, NULL));
	ck_assert(memcmp(a.v, b.v, sizeof(a.v)) == 0);
	ck_assert_uint_eq(a.fingerprint, b.fingerprint);
	ck_assert_uint_eq(a.events, b.events);
	/* Another replication draws other rewrites. */
	ck_assert(a.fingerprint != c.fingerprint);
	params_free(p);
}
END_TEST

START_TEST(test_socket_bad_config_is_an_error)
{
	static const char *const kv[] = {
		"socket.sndbuf=4KiB", "socket.lowat=4KiB", NULL
	};
	struct params		*p = test_params(kv);
	struct model_result	 r;
	GError			*e = NULL;

	ck_assert(!model_run(p, "copy", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "[socket] sndbuf = 4096 B is smaller "
	    "than mss + lowat = 5544 B");
	g_clear_error(&e);
	ck_assert(!model_run(p, "teleport", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "unknown strategy \"teleport\" for "
	    "workload kind socket-send (expected copy, loan, gift or zbuf)");
	g_error_free(e);
	params_free(p);
}
END_TEST

/* --- receive: NIC layouts and page flipping ------------------------- */

static struct nic_rx
test_nic(enum nic_layout layout, uint64_t mtu)
{
	struct nic_rx	n = { layout, mtu, 72, 14, 4096, 2048 };

	return n;
}

static void
plan_is(const struct nic_rx *n, uint64_t start, uint64_t size,
    uint64_t offset, uint64_t copied, uint64_t coalesced, uint64_t direct,
    uint64_t cflips, uint64_t fragments)
{
	struct nic_plan	p;

	nic_plan_read(n, start, size, offset, TRUE, &p);
	ck_assert_uint_eq(p.copied, copied);
	ck_assert_uint_eq(p.coalesced, coalesced);
	ck_assert_uint_eq(p.direct_flips, direct);
	ck_assert_uint_eq(p.coalesced_flips, cflips);
	ck_assert_uint_eq(p.fragments, fragments);
}

START_TEST(test_nic_buffers_per_frame)
{
	struct nic_rx	a = test_nic(NIC_CLUSTER, 1500);
	struct nic_rx	b = test_nic(NIC_CLUSTER, 9000);
	struct nic_rx	c = test_nic(NIC_PAGE_ALIGNED, 9000);
	struct nic_rx	d = test_nic(NIC_HEADER_SPLIT, 4168);
	struct nic_rx	e = test_nic(NIC_PAGE, 4168);

	ck_assert_uint_eq(nic_payload(&a), 1428);
	ck_assert_uint_eq(nic_buffers_per_frame(&a), 1);	/* 86 + 1428 */
	ck_assert_uint_eq(nic_buffers_per_frame(&b), 5);	/* 9014 B */
	ck_assert_uint_eq(nic_buffers_per_frame(&c), 3);	/* 8928 B */
	ck_assert_uint_eq(nic_payload(&d), 4096);
	ck_assert_uint_eq(nic_buffers_per_frame(&d), 1);
	ck_assert_uint_eq(nic_buffers_per_frame(&e), 2);	/* 86 + 4096 */
}
END_TEST

START_TEST(test_nic_coalescing_arithmetic)
{
	struct nic_rx	split = test_nic(NIC_HEADER_SPLIT, 4168);
	struct nic_rx	cl = test_nic(NIC_CLUSTER, 1500);
	struct nic_rx	jumbo = test_nic(NIC_PAGE_ALIGNED, 9000);
	struct nic_rx	page = test_nic(NIC_PAGE, 4168);
	struct nic_plan	p;

	/* 4096-byte payloads split from their headers, an aligned buffer:
	 * every page flips as it lies. */
	plan_is(&split, 0, 16384, 0, 0, 0, 4, 0, 0);
	/* The same into a buffer 100 bytes into its page: pages 1..3 are
	 * whole, each straddling two frames; 3996 + 100 bytes copied. */
	plan_is(&split, 0, 16384, 100, 4096, 3 * 4096, 0, 3, 6);
	/* Standard MTU into clusters: page 0 joins frames 0-2, page 1
	 * frames 2-5 (payloads of 1428 bytes). */
	plan_is(&cl, 0, 8192, 0, 0, 8192, 0, 2, 3 + 4);
	/* Jumbo frames, payload page-aligned: pages 0 and 1 of the first
	 * 8928-byte payload lie whole; page 2 joins its 736-byte tail to
	 * the next frame's head; page 3 starts 3360 bytes into that frame
	 * and spans two of its buffers. */
	plan_is(&jumbo, 0, 16384, 0, 0, 8192, 2, 2, 4);
	/* Pages from offset 0: the payload sits after 86 header bytes. */
	plan_is(&page, 0, 8192, 0, 0, 8192, 0, 2, 2 + 2);
	/* Less than a page: nothing to flip. */
	plan_is(&split, 0, 3000, 0, 3000, 0, 0, 0, 0);
	/* Copy copies everything. */
	nic_plan_read(&split, 0, 16384, 0, FALSE, &p);
	ck_assert_uint_eq(p.copied, 16384);
	ck_assert_uint_eq(p.direct_flips + p.coalesced_flips, 0);
}
END_TEST

static const char *const rx_split[] = {
	"workload.kind=socket-recv", "workload.size=16KiB",
	"workload.messages=10", "nic.mtu=4168", "nic.layout=header-split",
	NULL
};

START_TEST(test_recv_flip_exact_counts)
{
	static const char *const rx_cl[] = {
		"workload.kind=socket-recv", "workload.size=16KiB",
		"workload.messages=10", "nic.mtu=1500", "nic.layout=cluster",
		NULL
	};
	struct model_result f = test_run(rx_split, "flip");
	struct model_result c = test_run(rx_split, "copy");
	struct model_result g = test_run(rx_cl, "flip");

	/* 10 reads of 4 whole aligned pages: 40 flips in 160 KiB. */
	ck_assert_double_eq(test_metric(&f, "flips_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&f, "coalesced_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&f, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&c, "copied_bytes_per_byte"), 1);
	ck_assert_double_eq(test_metric(&c, "flips_per_MiB"), 0);
	/* Into clusters every flipped page is coalesced first. */
	ck_assert_double_eq(test_metric(&g, "flips_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&g, "coalesced_bytes_per_byte"), 1);
	ck_assert_double_eq(test_metric(&f, "violations"), 0);
	ck_assert_double_eq(test_metric(&g, "violations"), 0);
	/* A flip costs a pmap remove and enter per page, 4 local
	 * invalidations per read (one CPU). */
	ck_assert_double_eq_tol(test_metric(&f, "cpu_pmap_ns_per_byte") *
	    163840, 40 * (250 + 300), 1e-6);
	ck_assert_double_eq_tol(test_metric(&f, "cpu_tlb_ns_per_byte") *
	    163840, 40 * 110, 1e-6);
}
END_TEST

START_TEST(test_recv_flip_shoots_down_other_threads)
{
	static const char *const kv[] = {
		"workload.kind=socket-recv", "workload.size=16KiB",
		"workload.messages=10", "nic.mtu=4168",
		"nic.layout=header-split", "machine.cpus=4",
		"workload.threads=4", NULL
	};
	struct model_result f = test_run(kv, "flip");

	/* Each read's flips are one pmap_update: 3 other CPUs, 10 rounds. */
	ck_assert_double_eq_tol(test_metric(&f, "shootdowns_per_MiB"),
	    30 / (163840.0 / 1048576), 1e-9);
}
END_TEST

START_TEST(test_recv_bad_config)
{
	static const char *const kv[] = {
		"workload.kind=socket-recv", "nic.mtu=128B",
		"nic.header_bytes=128B", NULL
	};
	struct params		*p = test_params(kv);
	struct model_result	 r;
	GError			*e = NULL;

	ck_assert(!model_run(p, "flip", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "[nic] mtu = 128 B leaves no payload "
	    "after header_bytes = 128 B");
	g_clear_error(&e);
	ck_assert(!model_run(p, "loan", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "unknown strategy \"loan\" for "
	    "workload kind socket-recv (expected copy or flip)");
	g_clear_error(&e);
	params_free(p);
}
END_TEST

static Suite *
models_nic_suite(void)
{
	Suite	*s = suite_create("/models/nic");
	TCase	*tc = tcase_create("/models/nic/receive");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_nic_buffers_per_frame);
	tcase_add_test(tc, test_nic_coalescing_arithmetic);
	tcase_add_test(tc, test_recv_flip_exact_counts);
	tcase_add_test(tc, test_recv_flip_shoots_down_other_threads);
	tcase_add_test(tc, test_recv_bad_config);
	suite_add_tcase(s, tc);
	return s;
}

/* --- files: page exchange and donation ------------------------------ */

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

static Suite *
models_file_suite(void)
{
	Suite	*s = suite_create("/models/file");
	TCase	*tc = tcase_create("/models/file/io");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_file_exchange_counts);
	tcase_add_test(tc, test_file_donate_replacements);
	tcase_add_test(tc, test_file_other_writers_and_mappers);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *
models_socket_suite(void)
{
	Suite	*s = suite_create("/models/socket");
	TCase	*tc = tcase_create("/models/socket/send");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_socket_copy_one_write_exact);
	tcase_add_test(tc, test_socket_loan_one_write_exact);
	tcase_add_test(tc, test_socket_loan_refill_breaks_loans);
	tcase_add_test(tc, test_socket_gift_rewrite_violates);
	tcase_add_test(tc, test_socket_partial_pages);
	tcase_add_test(tc, test_socket_closed_form_steady_state);
	tcase_add_test(tc, test_socket_mp_kernel_unmap_shoots_down);
	tcase_add_test(tc, test_socket_same_seed_same_result);
	tcase_add_test(tc, test_socket_bad_config_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(models_vm_suite());
	int	 failed;

	srunner_add_suite(sr, models_socket_suite());
	srunner_add_suite(sr, models_nic_suite());
	srunner_add_suite(sr, models_file_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
