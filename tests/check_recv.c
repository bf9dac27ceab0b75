/* Tests of the receive path (mechanism M5): the NIC's layouts and DMA,
 * exactly which stream bytes a read copies, coalesces or flips, the
 * process's check of what its pages hold, and whole receive runs with
 * exact costs: interrupt moderation, the window, the cache (DCA; the
 * software checksum does not warm it), the header page of the
 * page-aligned layout and the TLB flush ceiling. */
#include <check.h>
#include <string.h>

#include "sim/params.h"
#include "models/model.h"
#include "models/nic.h"
#include "models/sockbuf.h"

/* Round costs, each distinct, so that every one shows in a sum; the
 * rest are the registry's defaults. */
static const char *const rx_machine[] = {
	"machine.cpus=1", "machine.cache_size=1MiB",
	"machine.copy_bw_hot=4GB/s", "machine.copy_bw_cold=1GB/s",
	"machine.read_bw_cold=2GB/s", "machine.read_bw_hot=4GB/s",
	"machine.copy_bw_page=2GB/s", "machine.read_bw_seq=8GB/s",
	"machine.copy_fixed=100ns", "machine.syscall=500ns",
	"machine.page_alloc=200ns", "machine.page_free=150ns",
	"machine.pmap_enter=300ns", "machine.pmap_remove=250ns",
	"machine.tlb_local=110ns", "machine.tlb_shootdown=4000ns",
	"machine.tlb_flush_ceiling=33", "machine.context_switch=2000ns",
	"machine.wakeup=700ns", "machine.interrupt=900ns",
	"machine.mbuf_alloc=60ns", "machine.mbuf_free=50ns",
	"machine.cluster_alloc=80ns", "machine.cluster_free=70ns",
	"machine.checksum_bw=2GB/s", "machine.checksum_bw_cold=500MB/s",
	"machine.checksum_offload=true", "machine.link_bw=1Gbit/s",
	"machine.rtt=100us", "machine.protocol_rx=1300ns",
	"workload.kind=socket-recv", "socket.rcvbuf=1MiB",
	"nic.mtu=4168", "nic.layout=header-split",
	"nic.frames_per_interrupt=4", "nic.interrupt_timer=50us", NULL
};

/* Run one replication with rx_machine and then kv; the result. */
static struct model_result
rx_run(const char *const *kv, const char *strategy)
{
	const char *const	*lists[] = { rx_machine, kv };
	struct params		*p = model_params_new();
	struct model_result	 r;
	GError			*e = NULL;
	unsigned		 l, i;

	for (l = 0; l < G_N_ELEMENTS(lists); l++)
		for (i = 0; lists[l][i] != NULL; i++)
			ck_assert_msg(params_override(p, lists[l][i], &e),
			    "%s: %s", lists[l][i], e ? e->message : "");
	ck_assert_msg(model_run(p, strategy, 1, 0, &r, &e), "%s",
	    e ? e->message : "");
	params_free(p);
	return r;
}

/* A metric per byte times the bytes delivered: ns in all, or a count. */
static double
rx_total(const struct model_result *r, const char *metric, double bytes)
{
	int	i = model_metric_lookup(metric);

	ck_assert_int_ge(i, 0);
	return r->v[i] * bytes;
}

static struct nic_rx
rx_nic(enum nic_layout layout, uint64_t mtu)
{
	struct nic_rx	n = { layout, mtu, 72, 14, 4096, 2048 };

	return n;
}

/* --- the NIC: layouts and DMA ---------------------------------------- */

START_TEST(test_nic_buffers_per_frame)
{
	struct nic_rx	cl = rx_nic(NIC_CLUSTER, 1500);
	struct nic_rx	cj = rx_nic(NIC_CLUSTER, 9000);
	struct nic_rx	aj = rx_nic(NIC_PAGE_ALIGNED, 9000);
	struct nic_rx	a4 = rx_nic(NIC_PAGE_ALIGNED, 4168);
	struct nic_rx	s4 = rx_nic(NIC_HEADER_SPLIT, 4168);
	struct nic_rx	p4 = rx_nic(NIC_PAGE, 4168);

	ck_assert_uint_eq(nic_payload(&cl), 1428);
	ck_assert_uint_eq(nic_buffers_per_frame(&cl), 1);	/* 86 + 1428 */
	ck_assert_uint_eq(nic_buffers_per_frame(&cj), 5);	/* 9014 B */
	ck_assert_uint_eq(nic_payload(&s4), 4096);
	ck_assert_uint_eq(nic_buffers_per_frame(&s4), 1);
	ck_assert_uint_eq(nic_buffers_per_frame(&p4), 2);	/* 86 + 4096 */
	/* Page-aligned: a page for the headers, then the payload's. */
	ck_assert_uint_eq(nic_buffers_per_frame(&aj), 1 + 3);	/* 8928 B */
	ck_assert_uint_eq(nic_buffers_per_frame(&a4), 1 + 1);
	ck_assert_uint_eq(nic_header_buffers(&a4), 1);
	ck_assert_uint_eq(nic_header_buffers(&s4), 0);
	ck_assert_uint_eq(nic_header_buffers(&cj), 0);
}
END_TEST

static void
bufs_are(const struct nic_rx *n, uint64_t stream, uint64_t len,
    const uint64_t (*want)[3], unsigned count)
{
	GArray		*b = g_array_new(FALSE, FALSE, sizeof(struct nic_buf));
	unsigned	 i;

	nic_dma(n, stream, len, b);
	ck_assert_uint_eq(b->len, count);
	for (i = 0; i < count; i++) {
		const struct nic_buf *nb = &g_array_index(b, struct nic_buf,
		    i);

		ck_assert_uint_eq(nb->stream, want[i][0]);
		ck_assert_uint_eq(nb->off, want[i][1]);
		ck_assert_uint_eq(nb->len, want[i][2]);
		ck_assert(nb->last == (i + 1 == count));
	}
	g_array_free(b, TRUE);
}

START_TEST(test_nic_dma_stamps)
{
	struct nic_rx	cj = rx_nic(NIC_CLUSTER, 9000);
	struct nic_rx	aj = rx_nic(NIC_PAGE_ALIGNED, 9000);
	struct nic_rx	p4 = rx_nic(NIC_PAGE, 4168);
	struct nic_rx	s4 = rx_nic(NIC_HEADER_SPLIT, 4168);
	/* Frame 1 of 9000-byte frames in clusters: 86 header bytes, then
	 * the 8928 payload bytes from stream offset 8928 on. */
	static const uint64_t cjw[][3] = {
		{ 8928, 86, 1962 }, { 10890, 0, 2048 }, { 12938, 0, 2048 },
		{ 14986, 0, 2048 }, { 17034, 0, 822 }
	};
	static const uint64_t ajw[][3] = {
		{ 0, 0, 4096 }, { 4096, 0, 4096 }, { 8192, 0, 736 }
	};
	static const uint64_t p4w[][3] = { { 4096, 86, 4010 }, { 8106, 0, 86 } };
	static const uint64_t s4w[][3] = { { 4096, 0, 1000 } };

	bufs_are(&cj, 8928, 8928, cjw, G_N_ELEMENTS(cjw));
	bufs_are(&aj, 0, 8928, ajw, G_N_ELEMENTS(ajw));
	bufs_are(&p4, 4096, 4096, p4w, G_N_ELEMENTS(p4w));
	/* A short last frame. */
	bufs_are(&s4, 4096, 1000, s4w, G_N_ELEMENTS(s4w));
}
END_TEST

/* --- which bytes a read copies, coalesces and flips ----------------- */

#define C	NIC_COPY
#define K	NIC_COALESCE
#define F	NIC_FLIP

/* The plan's moves, each { kind, stream offset, length, user page }. */
static void
moves_are(const struct nic_rx *n, uint64_t start, uint64_t size,
    uint64_t offset, gboolean flip, const uint64_t (*want)[4],
    unsigned count)
{
	struct nic_plan	pl;
	unsigned	i;

	nic_plan_init(&pl);
	nic_plan_read(n, start, size, offset, flip, &pl);
	ck_assert_uint_eq(pl.moves->len, count);
	for (i = 0; i < count; i++) {
		const struct nic_move *m = &g_array_index(pl.moves,
		    struct nic_move, i);

		ck_assert_uint_eq(m->kind, want[i][0]);
		ck_assert_uint_eq(m->stream, want[i][1]);
		ck_assert_uint_eq(m->len, want[i][2]);
		ck_assert_uint_eq(m->page, want[i][3]);
	}
	nic_plan_clear(&pl);
}

START_TEST(test_nic_plan_byte_ranges)
{
	struct nic_rx	s4 = rx_nic(NIC_HEADER_SPLIT, 4168);
	struct nic_rx	cl = rx_nic(NIC_CLUSTER, 1500);
	struct nic_rx	aj = rx_nic(NIC_PAGE_ALIGNED, 9000);
	struct nic_rx	p4 = rx_nic(NIC_PAGE, 4168);
	/* 4096-byte payloads apart from their headers, an aligned buffer:
	 * every page flips as it lies. */
	static const uint64_t split[][4] = {
		{ F, 0, 4096, 0 }, { F, 4096, 4096, 1 }, { F, 8192, 4096, 2 },
		{ F, 12288, 4096, 3 }
	};
	/* The same into a buffer 100 bytes into its page: the head page
	 * gets 3996 bytes, pages 1-3 each straddle two frames and are
	 * coalesced from both, the tail page gets 100 bytes. */
	static const uint64_t split100[][4] = {
		{ C, 0, 3996, 0 },
		{ K, 3996, 100, 1 }, { K, 4096, 3996, 1 },
		{ K, 8092, 100, 2 }, { K, 8192, 3996, 2 },
		{ K, 12188, 100, 3 }, { K, 12288, 3996, 3 },
		{ C, 16284, 100, 0 }
	};
	/* Standard MTU into clusters: 1428-byte payloads, page 0 joins
	 * frames 0-2, page 1 frames 2-5. */
	static const uint64_t clusters[][4] = {
		{ K, 0, 1428, 0 }, { K, 1428, 1428, 0 }, { K, 2856, 1240, 0 },
		{ K, 4096, 188, 1 }, { K, 4284, 1428, 1 },
		{ K, 5712, 1428, 1 }, { K, 7140, 1052, 1 }
	};
	/* Jumbo frames, payload page-aligned: the first payload's pages 0
	 * and 1 lie whole; page 2 joins its 736-byte tail to the next
	 * frame's first 3360 bytes; page 3 spans that frame's first two
	 * buffers. */
	static const uint64_t jumbo[][4] = {
		{ F, 0, 4096, 0 }, { F, 4096, 4096, 1 },
		{ K, 8192, 736, 2 }, { K, 8928, 3360, 2 },
		{ K, 12288, 736, 3 }, { K, 13024, 3360, 3 }
	};
	/* Pages from offset 0: each payload starts 86 bytes in, so every
	 * page is its buffer's 4010 bytes and the next buffer's 86. */
	static const uint64_t page[][4] = {
		{ K, 0, 4010, 0 }, { K, 4010, 86, 0 },
		{ K, 4096, 4010, 1 }, { K, 8106, 86, 1 }
	};
	/* copy: one call per cluster piece, whatever the alignment. */
	static const uint64_t copy[][4] = {
		{ C, 0, 1428, 0 }, { C, 1428, 1428, 0 }, { C, 2856, 1428, 0 },
		{ C, 4284, 716, 0 }
	};
	/* Less than a whole page: nothing to flip. */
	static const uint64_t small[][4] = { { C, 4096, 3000, 0 } };

	moves_are(&s4, 0, 16384, 0, TRUE, split, G_N_ELEMENTS(split));
	moves_are(&s4, 0, 16384, 100, TRUE, split100,
	    G_N_ELEMENTS(split100));
	moves_are(&cl, 0, 8192, 0, TRUE, clusters, G_N_ELEMENTS(clusters));
	moves_are(&aj, 0, 16384, 0, TRUE, jumbo, G_N_ELEMENTS(jumbo));
	moves_are(&p4, 0, 8192, 0, TRUE, page, G_N_ELEMENTS(page));
	moves_are(&cl, 0, 5000, 100, FALSE, copy, G_N_ELEMENTS(copy));
	moves_are(&s4, 4096, 3000, 0, TRUE, small, G_N_ELEMENTS(small));
}
END_TEST

START_TEST(test_nic_plan_totals)
{
	struct nic_rx	s4 = rx_nic(NIC_HEADER_SPLIT, 4168);
	struct nic_plan	pl;

	nic_plan_init(&pl);
	nic_plan_read(&s4, 0, 16384, 100, TRUE, &pl);
	ck_assert_uint_eq(pl.copied, 3996 + 100);
	ck_assert_uint_eq(pl.copy_calls, 2);
	ck_assert_uint_eq(pl.coalesced, 3 * 4096);
	ck_assert_uint_eq(pl.fragments, 6);
	ck_assert_uint_eq(pl.coalesced_flips, 3);
	ck_assert_uint_eq(pl.direct_flips, 0);
	nic_plan_read(&s4, 0, 16384, 0, FALSE, &pl);
	ck_assert_uint_eq(pl.copied, 16384);
	ck_assert_uint_eq(pl.copy_calls, 4);
	ck_assert_uint_eq(pl.direct_flips + pl.coalesced_flips, 0);
	nic_plan_clear(&pl);
}
END_TEST

/* --- the process's check of what its pages hold ---------------------- */

static void
plan_add(struct nic_plan *pl, enum nic_move_kind kind, uint64_t x,
    uint64_t len, uint64_t page)
{
	struct nic_move	m = { kind, x, len, page };

	g_array_append_val(pl->moves, m);
}

START_TEST(test_sockbuf_check_sees_a_bad_flip)
{
	struct nic_rx	 aj = rx_nic(NIC_PAGE_ALIGNED, 9000);
	struct nic_rx	 p4 = rx_nic(NIC_PAGE, 4168);
	struct sockbuf	*sb = sockbuf_new(&aj, 0, 16384);
	struct sockbuf_done d;
	struct nic_plan	 pl;
	const struct sockbuf_page *pg;

	/* The plan of the layout: two pages as they lie, two coalesced
	 * across the frame boundary; every page right. */
	nic_plan_init(&pl);
	sockbuf_append(sb, 0, 8928);
	sockbuf_append(sb, 8928, 8928);
	nic_plan_read(&aj, 0, 16384, 0, TRUE, &pl);
	sockbuf_read(sb, &pl, &d);
	ck_assert_uint_eq(sockbuf_check(sb, 0), 0);
	/* Buffers read to their end: 3 of frame 0 (2 handed over) and 1
	 * of frame 1; frame 0's last went, so did its header mbuf. */
	ck_assert_uint_eq(d.bufs_freed, 2);
	ck_assert_uint_eq(d.frames_freed, 1);
	pg = sockbuf_page(sb, 2);
	ck_assert_uint_eq(pg->from, 0);
	ck_assert_uint_eq(pg->to, 4096);
	ck_assert_uint_eq(pg->stream, 8192);
	sockbuf_free(sb);

	/* A plan that flips page 2 as it lies, though it straddles two
	 * frames: the process gets the receive page holding the 736 bytes
	 * left of frame 0, and its check says so. */
	sb = sockbuf_new(&aj, 0, 16384);
	sockbuf_append(sb, 0, 8928);
	sockbuf_append(sb, 8928, 8928);
	g_array_set_size(pl.moves, 0);
	plan_add(&pl, NIC_FLIP, 0, 4096, 0);
	plan_add(&pl, NIC_FLIP, 4096, 4096, 1);
	plan_add(&pl, NIC_FLIP, 8192, 4096, 2);
	plan_add(&pl, NIC_COALESCE, 12288, 736, 3);
	plan_add(&pl, NIC_COALESCE, 13024, 3360, 3);
	sockbuf_read(sb, &pl, &d);
	ck_assert_uint_eq(sockbuf_check(sb, 0), 1);
	pg = sockbuf_page(sb, 2);
	ck_assert_uint_eq(pg->to - pg->from, 736);
	sockbuf_free(sb);

	/* Pages from offset 0 never hold a stream page at their offset 0:
	 * flipping one hands over the headers with the payload. */
	sb = sockbuf_new(&p4, 0, 4096);
	sockbuf_append(sb, 0, 4096);
	g_array_set_size(pl.moves, 0);
	plan_add(&pl, NIC_FLIP, 0, 4096, 0);
	sockbuf_read(sb, &pl, &d);
	ck_assert_uint_eq(sockbuf_check(sb, 0), 1);
	ck_assert_uint_eq(sockbuf_page(sb, 0)->from, 86);
	sockbuf_free(sb);
	nic_plan_clear(&pl);
}
END_TEST

START_TEST(test_sockbuf_check_partial_pages)
{
	struct nic_rx	 cl = rx_nic(NIC_CLUSTER, 1500);
	struct sockbuf	*sb = sockbuf_new(&cl, 100, 5000);
	struct sockbuf_done d;
	struct nic_plan	 pl;
	uint64_t	 x;

	nic_plan_init(&pl);
	for (x = 0; x < 2 * 5000 + 1428; x += 1428)
		sockbuf_append(sb, x, 1428);
	/* The second read starts at stream byte 5000: page 0 holds 3996
	 * bytes from 5000 at offset 100, page 1 the next 1004 at 0. */
	nic_plan_read(&cl, 0, 5000, 100, TRUE, &pl);
	sockbuf_read(sb, &pl, &d);
	ck_assert_uint_eq(sockbuf_check(sb, 0), 0);
	nic_plan_read(&cl, 5000, 5000, 100, TRUE, &pl);
	sockbuf_read(sb, &pl, &d);
	ck_assert_uint_eq(sockbuf_check(sb, 5000), 0);
	ck_assert_uint_eq(sockbuf_page(sb, 0)->from, 100);
	ck_assert_uint_eq(sockbuf_page(sb, 0)->stream, 5000);
	ck_assert_uint_eq(sockbuf_page(sb, 1)->to, 1004);
	ck_assert_uint_eq(sockbuf_page(sb, 1)->stream, 8996);
	/* Checked against the wrong stream offset, both pages are wrong. */
	ck_assert_uint_eq(sockbuf_check(sb, 4999), 2);
	sockbuf_free(sb);
	nic_plan_clear(&pl);
}
END_TEST

/* --- whole runs -------------------------------------------------------- */

static const char *const rx_split[] = {
	"workload.size=16KiB", "workload.messages=10", NULL
};

START_TEST(test_recv_flip_exact_counts)
{
	static const char *const cl[] = {
		"workload.size=16KiB", "workload.messages=10", "nic.mtu=1500",
		"nic.layout=cluster", NULL
	};
	static const char *const jumbo[] = {
		"workload.size=16KiB", "workload.messages=10", "nic.mtu=9000",
		"nic.layout=page-aligned", NULL
	};
	struct model_result f = rx_run(rx_split, "flip");
	struct model_result c = rx_run(rx_split, "copy");
	struct model_result g = rx_run(cl, "flip");
	struct model_result j = rx_run(jumbo, "flip");
	double		    b = 163840;

	/* 10 reads of 4 whole aligned pages: 40 flips in 160 KiB. */
	ck_assert_double_eq(rx_total(&f, "flips_per_MiB", b / 1048576), 40);
	ck_assert_double_eq(rx_total(&f, "coalesced_bytes_per_byte", b), 0);
	ck_assert_double_eq(rx_total(&f, "copied_bytes_per_byte", b), 0);
	ck_assert_double_eq(rx_total(&c, "copied_bytes_per_byte", b), b);
	ck_assert_double_eq(rx_total(&c, "flips_per_MiB", b), 0);
	/* Into clusters every flipped page is coalesced first. */
	ck_assert_double_eq(rx_total(&g, "flips_per_MiB", b / 1048576), 40);
	ck_assert_double_eq(rx_total(&g, "coalesced_bytes_per_byte", b), b);
	/* Jumbo frames: of the 40 pages only the first two lie whole in
	 * one payload; 38 are coalesced. */
	ck_assert_double_eq(rx_total(&j, "coalesced_bytes_per_byte", b),
	    38 * 4096);
	ck_assert_double_eq(rx_total(&f, "violations", 1), 0);
	ck_assert_double_eq(rx_total(&g, "violations", 1), 0);
	ck_assert_double_eq(rx_total(&j, "violations", 1), 0);
	/* A flip costs a pmap remove and enter per page, 4 local
	 * invalidations per read (one CPU). */
	ck_assert_double_eq_tol(rx_total(&f, "cpu_pmap_ns_per_byte", b),
	    40 * (250 + 300), 1e-6);
	ck_assert_double_eq_tol(rx_total(&f, "cpu_tlb_ns_per_byte", b),
	    40 * 110, 1e-6);
	/* Allocation: per frame a header mbuf and a ring page, its mbuf
	 * freed when read; the receive pages go to the process, its old
	 * pages are freed. */
	ck_assert_double_eq_tol(rx_total(&f, "cpu_alloc_ns_per_byte", b),
	    40 * (60 + 200) + 40 * 50 + 40 * 150, 1e-6);
	/* copy: the ring page is freed instead. */
	ck_assert_double_eq_tol(rx_total(&c, "cpu_alloc_ns_per_byte", b),
	    40 * (60 + 200) + 40 * (50 + 150), 1e-6);
}
END_TEST

START_TEST(test_recv_page_aligned_header_page)
{
	static const char *const aligned[] = {
		"workload.size=16KiB", "workload.messages=10",
		"nic.layout=page-aligned", NULL
	};
	struct model_result s = rx_run(rx_split, "flip");
	struct model_result a = rx_run(aligned, "flip");
	double		    b = 163840;

	/* Both flip every page as it lies ... */
	ck_assert_double_eq(rx_total(&a, "coalesced_bytes_per_byte", b), 0);
	ck_assert_double_eq(rx_total(&a, "flips_per_MiB", b / 1048576), 40);
	/* ... but page-aligned takes a ring page per frame for the
	 * headers: allocated at the refill, freed once tcp_input has
	 * stripped them. */
	ck_assert_double_eq_tol(rx_total(&a, "cpu_alloc_ns_per_byte", b) -
	    rx_total(&s, "cpu_alloc_ns_per_byte", b), 40 * (200 + 150), 1e-6);
}
END_TEST

START_TEST(test_recv_flip_shoots_down_other_threads)
{
	static const char *const kv[] = {
		"workload.size=16KiB", "workload.messages=10",
		"machine.cpus=4", "workload.threads=4", NULL
	};
	struct model_result f = rx_run(kv, "flip");

	/* Each read's flips are one pmap_update: 3 other CPUs, 10 rounds. */
	ck_assert_double_eq_tol(rx_total(&f, "shootdowns_per_MiB",
	    163840.0 / 1048576), 30, 1e-9);
}
END_TEST

START_TEST(test_recv_tlb_flush_ceiling)
{
	static const char *const big[] = {
		"workload.size=256KiB", "workload.messages=2", NULL
	};
	static const char *const big64[] = {
		"workload.size=256KiB", "workload.messages=2",
		"machine.tlb_flush_ceiling=64", NULL
	};
	static const char *const small[] = {
		"workload.size=64KiB", "workload.messages=2",
		"machine.tlb_flush_ceiling=16", NULL
	};
	struct model_result r = rx_run(big, "flip");
	struct model_result r64 = rx_run(big64, "flip");
	struct model_result s = rx_run(small, "flip");

	/* 64 pages a read: above the ceiling of 33, one full flush at the
	 * cost of 33 invalidations; at or below it, one per page. */
	ck_assert_double_eq_tol(rx_total(&r, "cpu_tlb_ns_per_byte", 524288),
	    2 * 33 * 110, 1e-6);
	ck_assert_double_eq_tol(rx_total(&r64, "cpu_tlb_ns_per_byte",
	    524288), 2 * 64 * 110, 1e-6);
	ck_assert_double_eq_tol(rx_total(&s, "cpu_tlb_ns_per_byte", 131072),
	    2 * 16 * 110, 1e-6);
}
END_TEST

/* The reader asks before the data is there: each read sleeps once in
 * sbwait() (switched away), is woken by the interrupt path (wakeup) and
 * switched back in: the same three charges as a sleep anywhere else. */
START_TEST(test_recv_reader_sleep_costs)
{
	static const char *const kv[] = {
		"workload.size=40960", "workload.messages=3", NULL
	};
	struct model_result r = rx_run(kv, "copy");

	ck_assert_double_eq_tol(rx_total(&r, "cpu_sched_ns_per_byte",
	    3 * 40960), 3 * (2000 + 700 + 2000), 1e-6);
}
END_TEST

/* Interrupts taken for one read of ten 4096-byte frames. */
static double
rx_interrupts(const char *per_intr, const char *timer)
{
	const char *const kv[] = {
		"workload.size=40960", "workload.messages=1", per_intr, timer,
		NULL
	};
	struct model_result r = rx_run(kv, "copy");

	/* Every frame is taken up once, whatever the moderation. */
	ck_assert_double_eq_tol(rx_total(&r, "cpu_protocol_ns_per_byte",
	    40960), 10 * 1300, 1e-6);
	return rx_total(&r, "cpu_interrupt_ns_per_byte", 40960) / 900;
}

START_TEST(test_recv_interrupt_moderation)
{
	/* Frames come every 33.648 us (4206 bytes on the wire at 1 Gbit/s).
	 * Four a time with a long timer: after frames 4 and 8, then the
	 * timer armed by frame 9 takes 9 and 10.  With a 50 us timer the
	 * timer comes first: two frames each. */
	ck_assert_double_eq_tol(rx_interrupts("nic.frames_per_interrupt=4",
	    "nic.interrupt_timer=200us"), 3, 1e-9);
	ck_assert_double_eq_tol(rx_interrupts("nic.frames_per_interrupt=4",
	    "nic.interrupt_timer=50us"), 5, 1e-9);
	ck_assert_double_eq_tol(rx_interrupts("nic.frames_per_interrupt=1",
	    "nic.interrupt_timer=50us"), 10, 1e-9);
	/* The timer alone: 50 us after a frame the next has come (two an
	 * interrupt); 100 us, two more (three); 20 us, none (one). */
	ck_assert_double_eq_tol(rx_interrupts(
	    "nic.frames_per_interrupt=4096", "nic.interrupt_timer=50us"), 5,
	    1e-9);
	ck_assert_double_eq_tol(rx_interrupts(
	    "nic.frames_per_interrupt=4096", "nic.interrupt_timer=100us"), 4,
	    1e-9);
	ck_assert_double_eq_tol(rx_interrupts(
	    "nic.frames_per_interrupt=4096", "nic.interrupt_timer=20us"), 10,
	    1e-9);
}
END_TEST

/* One interrupt a frame and no CPU cost but 1 ns a copy: the run's
 * length is the wire's and the window's. */
static uint64_t
rx_window_run(const char *rcvbuf)
{
	const char *const kv[] = {
		"workload.size=8192", "workload.messages=3", rcvbuf,
		"nic.frames_per_interrupt=1", "machine.interrupt=0",
		"machine.protocol_rx=0", "machine.mbuf_alloc=0",
		"machine.mbuf_free=0", "machine.page_alloc=0",
		"machine.page_free=0", "machine.syscall=0",
		"machine.context_switch=0", "machine.wakeup=0",
		"machine.copy_fixed=0", "machine.copy_bw_hot=10000GB/s",
		"machine.copy_bw_cold=10000GB/s",
		"machine.read_bw_cold=10000GB/s",
		"machine.read_bw_hot=10000GB/s",
		"machine.copy_bw_page=10000GB/s",
		"machine.read_bw_seq=10000GB/s", NULL
	};
	struct model_result r = rx_run(kv, "copy");

	return r.sim_time_ns;
}

START_TEST(test_recv_flow_control)
{
	const uint64_t	w = 33648, rtt = 100000, read = 2;

	/* The run ends when the last frame is in and the last read starts
	 * (1 ns of copy and 1 of reading follow).  A window of a
	 * megabyte: six frames back to back. */
	ck_assert_uint_eq(rx_window_run("socket.rcvbuf=1MiB"), 6 * w);
	/* A window of three frames: frame 3 fills it and the sender waits
	 * for read 1's update, an RTT after read 1 (done at 2w + read);
	 * frames 4 and 5 follow and fill it again; read 2 (done when frame
	 * 4 is in) opens it an RTT later for frame 6. */
	ck_assert_uint_eq(rx_window_run("socket.rcvbuf=12288"),
	    (2 * w + read + rtt) + w + read + rtt + w);
}
END_TEST

/* CPU time of one 16 KiB read (4 frames, one interrupt), by category. */
static void
rx_cache_costs(const char *strategy, const char *offload, const char *dca,
    const char *cache, double cksum, double copy, double app)
{
	const char *const kv[] = {
		"workload.size=16KiB", "workload.messages=1", offload, dca,
		cache, NULL
	};
	struct model_result r = rx_run(kv, strategy);

	ck_assert_double_eq_tol(rx_total(&r, "cpu_cksum_ns_per_byte", 16384),
	    cksum, 1e-6);
	ck_assert_double_eq_tol(rx_total(&r, "cpu_copy_ns_per_byte", 16384),
	    copy, 1e-6);
	ck_assert_double_eq_tol(rx_total(&r, "cpu_app_ns_per_byte", 16384),
	    app, 1e-6);
}

START_TEST(test_recv_only_dca_warms_the_cache)
{
	const char	*sw = "machine.checksum_offload=false";
	const char	*hw = "machine.checksum_offload=true";
	const char	*dca = "nic.dca=true", *nodca = "nic.dca=false";
	const char	*big = "machine.cache_size=1MiB";
	const char	*small = "machine.cache_size=16KiB";

	/* The software checksum reads fresh DMA data from memory
	 * (500 MB/s: 8192 ns a frame), and does not make it hot for the
	 * copy (docs/model.md): the copy is from memory into the buffer in
	 * the cache, at the page copy rate (copy_bw_page, 2 GB/s); the
	 * process then reads its buffer from the cache (4 GB/s). */
	rx_cache_costs("copy", sw, nodca, big, 4 * 8192, 8192 + 400, 4096);
	rx_cache_costs("copy", sw, nodca, small, 4 * 8192, 8192 + 400,
	    4096);
	rx_cache_costs("copy", sw, nodca, "machine.cpus=2", 4 * 8192,
	    8192 + 400, 4096);
	/* DCA: the NIC put the data in the cache; the checksum runs at
	 * the cache rate (2 GB/s) and the copy from the cache (4 GB/s),
	 * while the 16 KiB waiting and the 16 KiB buffer fit; in a cache of
	 * 16 KiB they do not. */
	rx_cache_costs("copy", sw, dca, big, 4 * 2048, 4096 + 400, 4096);
	rx_cache_costs("copy", sw, dca, small, 4 * 2048, 8192 + 400, 4096);
	/* Checksum offloaded: the same copies. */
	rx_cache_costs("copy", hw, nodca, big, 0, 8192 + 400, 4096);
	rx_cache_costs("copy", hw, dca, big, 0, 4096 + 400, 4096);
	/* flip: no copy; the process's first touch of the flipped pages is
	 * from memory, DCA or not: a read stream in order (read_bw_seq,
	 * 8 GB/s). */
	rx_cache_costs("flip", hw, nodca, big, 0, 0, 2048);
	rx_cache_costs("flip", hw, dca, big, 0, 0, 2048);
}
END_TEST

/* The same rates set apart from the others: the copy of data only in
 * memory into the buffer in the cache at copy_bw_page (1 GB/s here), the
 * process's pass over its buffer in the cache at read_bw_hot (8 GB/s);
 * flipped pages are read at read_bw_seq (2 GB/s here) even when the NIC
 * placed them in the cache. */
START_TEST(test_recv_page_copy_and_hot_pass)
{
	static const char *const kv[] = {
		"workload.size=16KiB", "workload.messages=1",
		"machine.checksum_offload=true", "nic.dca=false",
		"machine.cache_size=16KiB", "machine.copy_bw_page=1GB/s",
		"machine.read_bw_hot=8GB/s", NULL
	};
	static const char *const dca[] = {
		"workload.size=16KiB", "workload.messages=1",
		"machine.checksum_offload=true", "nic.dca=true",
		"machine.cache_size=1MiB", "machine.read_bw_hot=8GB/s",
		"machine.read_bw_seq=2GB/s", NULL
	};
	struct model_result r = rx_run(kv, "copy");
	struct model_result f = rx_run(dca, "flip");

	ck_assert_double_eq_tol(rx_total(&r, "cpu_copy_ns_per_byte", 16384),
	    16384 + 400, 1e-6);
	ck_assert_double_eq_tol(rx_total(&r, "cpu_app_ns_per_byte", 16384),
	    2048, 1e-6);
	ck_assert_double_eq_tol(rx_total(&f, "cpu_app_ns_per_byte", 16384),
	    8192, 1e-6);
}
END_TEST

/* Coalescing writes a fresh page, which is not in the cache (the cache
 * rule), from the DMA'd data, which is not either without DCA: a page
 * costs a copy from memory into memory, copy_bw_cold (1 GB/s: 4096 ns);
 * with DCA the memory write rate, page_zero (1200 ns here).  The
 * process's first pass over the coalesced pages is from memory
 * (read_bw_seq, 8 GB/s), DCA or not.  Four pages of 1428-byte payloads
 * in clusters: 4 pages + 11 frame ends inside them = 15 fragments, one
 * copy call each. */
START_TEST(test_recv_coalesce_into_a_fresh_page)
{
	static const char *const kv[] = {
		"workload.size=16KiB", "workload.messages=1", "nic.mtu=1500",
		"nic.layout=cluster", "machine.checksum_offload=false",
		"machine.page_zero=1200ns", NULL
	};
	static const char *const dca[] = {
		"workload.size=16KiB", "workload.messages=1", "nic.mtu=1500",
		"nic.layout=cluster", "machine.checksum_offload=false",
		"machine.page_zero=1200ns", "nic.dca=true", NULL
	};
	struct model_result r = rx_run(kv, "flip");
	struct model_result d = rx_run(dca, "flip");

	ck_assert_double_eq(rx_total(&r, "coalesced_bytes_per_byte", 1), 1);
	ck_assert_double_eq_tol(rx_total(&r, "cpu_copy_ns_per_byte", 16384),
	    4 * 4096 + 15 * 100, 1e-6);
	ck_assert_double_eq_tol(rx_total(&d, "cpu_copy_ns_per_byte", 16384),
	    4 * 1200 + 15 * 100, 1e-6);
	ck_assert_double_eq_tol(rx_total(&r, "cpu_app_ns_per_byte", 16384),
	    2048, 1e-6);
	ck_assert_double_eq_tol(rx_total(&d, "cpu_app_ns_per_byte", 16384),
	    2048, 1e-6);
}
END_TEST

START_TEST(test_recv_bad_config)
{
	static const char *const kv[] = {
		"workload.kind=socket-recv", "nic.mtu=128B",
		"nic.header_bytes=128B", NULL
	};
	struct params		*p = model_params_new();
	struct model_result	 r;
	GError			*e = NULL;
	unsigned		 i;

	for (i = 0; kv[i] != NULL; i++)
		ck_assert(params_override(p, kv[i], NULL));
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
recv_suite(void)
{
	Suite	*s = suite_create("/models/recv");
	TCase	*nic = tcase_create("/models/recv/nic");
	TCase	*run = tcase_create("/models/recv/run");

	tcase_add_test(nic, test_nic_buffers_per_frame);
	tcase_add_test(nic, test_nic_dma_stamps);
	tcase_add_test(nic, test_nic_plan_byte_ranges);
	tcase_add_test(nic, test_nic_plan_totals);
	tcase_add_test(nic, test_sockbuf_check_sees_a_bad_flip);
	tcase_add_test(nic, test_sockbuf_check_partial_pages);
	suite_add_tcase(s, nic);
	tcase_set_timeout(run, 60);
	tcase_add_test(run, test_recv_flip_exact_counts);
	tcase_add_test(run, test_recv_page_aligned_header_page);
	tcase_add_test(run, test_recv_flip_shoots_down_other_threads);
	tcase_add_test(run, test_recv_tlb_flush_ceiling);
	tcase_add_test(run, test_recv_reader_sleep_costs);
	tcase_add_test(run, test_recv_interrupt_moderation);
	tcase_add_test(run, test_recv_flow_control);
	tcase_add_test(run, test_recv_only_dca_warms_the_cache);
	tcase_add_test(run, test_recv_page_copy_and_hot_pass);
	tcase_add_test(run, test_recv_coalesce_into_a_fresh_page);
	tcase_add_test(run, test_recv_bad_config);
	suite_add_tcase(s, run);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(recv_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
