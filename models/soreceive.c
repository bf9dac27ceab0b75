/* Receive: frames arrive at link rate, are DMA'd into receive buffers
 * (models/nic.c), and are taken up by the interrupt path after a number
 * of frames or a timer (interrupt moderation, as the host coalescing of
 * NetBSD's bge(4): BGE_HCC_RX_MAX_COAL_BDS frames or BGE_HCC_RX_COAL_TICKS
 * after the first; wm(4)'s RADV bounds the wait the same way): per frame,
 * TCP/IP input, a header mbuf, fresh receive buffers for the ring, the
 * checksum unless offloaded; the data joins the receive socket buffer
 * (models/sockbuf.c).  The sender is flow-controlled by the receive
 * buffer, TCP's window (tcp_output advertises sbspace(&so->so_rcv);
 * soreceive's PRU_RCVD calls tcp_output, which sends the update when a
 * read opens the window): the sender learns of each read an RTT after it
 * (frames take only their serialisation time to arrive, the ACK path
 * carries the round trip), and waits while the window is full.  No frame
 * is ever dropped; every read sends its update (the receiver's rule of
 * two segments or half the buffer is not modelled).
 *
 * The process reads 'size' bytes at a time into a buffer 'offset' bytes
 * into its first page, waiting (MSG_WAITALL) until all of them are there.
 * copy: uiomove from the receive buffers.  flip: every user page wholly
 * covered by the read is replaced by a kernel page holding its bytes: the
 * receive page itself when the page lies whole and aligned in one buffer,
 * else a fresh page into which the fragments are first copied
 * (coalesced); the old user pages are unmapped with one range removal
 * (invalidated wherever the process's address space is active) and
 * freed, the new ones mapped.  Partial head and tail pages are copied.
 * (FreeBSD zero_copy(9), Linux tcp_zerocopy_receive.) */
#include "models/soreceive.h"

#include <math.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "models/kernel.h"
#include "models/machine.h"
#include "models/nic.h"
#include "models/sockbuf.h"
#include "models/vm.h"

#define RX_WIRE_OVERHEAD	24	/* preamble, start and gap, bytes */

struct rx {
	struct kernel	*k;
	struct nic_rx	 nic;
	gboolean	 flip;
	gboolean	 dca;
	uint64_t	 size;
	uint64_t	 offset;
	uint64_t	 reads;
	uint64_t	 rcvbuf;		/* so_rcv's limit */
	uint64_t	 snd_wnd;	/* the window the sender keeps to */
	uint64_t	 held_peak;	/* most bytes so_rcv ever held */
	uint64_t	 per_intr;
	sim_time	 intr_timer;
	struct dist	*gap;
	struct rng	 rng;

	uint64_t	 payload;	/* per frame */
	uint64_t	 sent;		/* payload bytes put on the wire */
	uint64_t	 arrived;	/* DMA'd */
	uint64_t	 appended;	/* taken up by the interrupt path */
	uint64_t	 consumed;	/* read */
	uint64_t	 acked;		/* read, as the sender knows it */
	uint64_t	 pending;	/* frames waiting for the interrupt */
	engine_event_id	 timer;
	gboolean	 paused;	/* the sender waits for the window */
	GQueue		 updates;	/* window updates on their way */

	struct sockbuf	*sb;
	struct nic_plan	 plan;
	struct vm_map	 map;
	struct vm_buf	*buf;
	uint64_t	*seen;		/* each buffer page's version after
					   the last read */
	uint64_t	 done;		/* reads finished */
	gboolean	 waiting;
	gboolean	 slept;		/* switched away in sbwait() */
	gboolean	 in_read;
	sim_time	 read_start;

	uint64_t	 flips;
	uint64_t	 coalesced;
	uint64_t	 violations;
};

static void	rx_frame(struct engine *, void *);
static void	rx_read(struct engine *, void *);

static sim_time
rx_wire(const struct rx *rx)
{
	return machine_bytes_ns(rx->k->m.link_bw, rx->nic.mtu +
	    rx->nic.link_header + RX_WIRE_OVERHEAD);
}

/* The sender puts the next frame on the wire if the window allows: what
 * it has sent beyond what it knows the process has read, with the frame,
 * must fit in the window tcp_output advertised, the receive buffer. */
static void
rx_send_next(struct rx *rx, sim_time when)
{
	uint64_t total = rx->reads * rx->size;

	if (rx->sent >= total)
		return;
	if (rx->sent - rx->acked + rx->payload > rx->snd_wnd &&
	    rx->sent > rx->acked) {
		rx->paused = TRUE;
		return;
	}
	rx->sent += MIN(rx->payload, total - rx->sent);
	engine_schedule_at(rx->k->engine, when + rx_wire(rx), rx_frame, rx);
}

static void
rx_wake_reader(void *arg, sim_time when)
{
	struct rx	*rx = arg;

	engine_schedule_at(rx->k->engine, when, rx_read, rx);
}

static uint64_t
rx_buf_cost(const struct rx *rx, gboolean alloc)
{
	const struct machine *m = &rx->k->m;

	if (rx->nic.layout == NIC_CLUSTER)
		return alloc ? m->cluster_alloc : m->cluster_free;
	return alloc ? m->page_alloc : m->page_free;
}

/* The receive interrupt: take up every pending frame. */
static void
rx_intr(struct engine *e, void *arg)
{
	struct rx	*rx = arg;
	struct kernel	*k = rx->k;
	struct charge	 ch = { { 0 } };
	uint64_t	 bufs = nic_buffers_per_frame(&rx->nic), i;

	rx->timer = 0;
	if (rx->pending == 0)
		return;
	charge_add(&ch, CPU_INTERRUPT, k->m.interrupt);
	for (i = 0; i < rx->pending; i++) {
		uint64_t n = MIN(rx->payload, rx->arrived - rx->appended);

		charge_add(&ch, CPU_PROTOCOL, k->m.protocol_rx);
		charge_add(&ch, CPU_ALLOC, k->m.mbuf_alloc);
		/* Refill the ring with as many buffers as the frame took. */
		charge_add(&ch, CPU_ALLOC, bufs * rx_buf_cost(rx, TRUE));
		/* in4_cksum reads the payload as DMA left it: in memory,
		 * unless the NIC placed it in the cache (DCA). */
		machine_charge_cksum(&k->m, &ch, n, rx->dca);
		/* tcp_input strips the headers; sbcompress() frees the
		 * buffers that held nothing else. */
		charge_add(&ch, CPU_ALLOC, nic_header_buffers(&rx->nic) *
		    rx_buf_cost(rx, FALSE));
		sockbuf_append(rx->sb, rx->appended, n);
		rx->appended += n;
		rx->held_peak = MAX(rx->held_peak, sockbuf_cc(rx->sb));
		k->c.segments++;
	}
	rx->pending = 0;
	engine_fingerprint_add(e, 4);
	if (rx->waiting && rx->appended - rx->consumed >= rx->size) {
		rx->waiting = FALSE;
		charge_add(&ch, CPU_SCHED, k->m.wakeup);
		kernel_defer(k, rx_wake_reader, rx);
	}
	kernel_step_end(k, k->net_cpu, &ch);
}

static void
rx_frame(struct engine *e, void *arg)
{
	struct rx	*rx = arg;
	sim_time	 now = engine_now(e);

	rx->arrived = rx->sent < rx->arrived + rx->payload ? rx->sent :
	    rx->arrived + rx->payload;
	rx->pending++;
	engine_fingerprint_add(e, 5);
	/* Moderation: an interrupt after per_intr frames, or when the
	 * timer armed by the first pending frame runs out. */
	if (rx->pending >= rx->per_intr) {
		if (rx->timer != 0)
			engine_cancel(e, rx->timer);
		rx->timer = 0;
		engine_schedule_at(e, now, rx_intr, rx);
	} else if (rx->timer == 0)
		rx->timer = engine_schedule_at(e, now + rx->intr_timer,
		    rx_intr, rx);
	rx_send_next(rx, now);
}

/* The pages of the process's buffer whose content changed since the
 * last read gave them theirs: nothing but a read may write them (the
 * process only reads them), so each is a page holding other bytes than
 * those sent for it (a page handed over that the NIC still wrote into,
 * say). */
static uint64_t
rx_view_changed(const struct rx *rx)
{
	uint64_t	n = 0;
	unsigned	i;

	for (i = 0; i < rx->buf->npages; i++)
		n += rx->buf->pages[i]->version != rx->seen[i];
	return n;
}

static void
rx_view_seen(struct rx *rx)
{
	unsigned	i;

	for (i = 0; i < rx->buf->npages; i++)
		rx->seen[i] = rx->buf->pages[i]->version;
}

/* Replace user page pg of the buffer by a kernel page: the receive page
 * itself (direct) or a fresh page the fragments were copied into. */
static void
rx_flip_page(struct rx *rx, unsigned pg, gboolean direct, struct vm_tlb *tlb,
    struct charge *ch)
{
	struct kernel	*k = rx->k;
	struct vm_page	*old = rx->buf->pages[pg], *np;
	struct charge	 none = { { 0 } };

	/* A direct flip hands over the receive page, already allocated
	 * (charged) when the ring was refilled. */
	np = vm_page_alloc(k->vm, VM_OWNER_ANON, direct ? &none : ch);
	vm_remove(k->vm, old, &rx->map, 0, tlb, ch);
	vm_page_release(k->vm, old, ch);
	vm_enter(k->vm, np, &rx->map, TRUE, ch);
	rx->buf->pages[pg] = np;
	rx->flips++;
}

/* The flips of a read, in one range removal and one pmap_update(). */
static void
rx_flip_pages(struct rx *rx, struct charge *ch)
{
	struct kernel	*k = rx->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	GArray		*mv = rx->plan.moves;
	unsigned	 i;

	for (i = 0; i < mv->len; i++) {
		const struct nic_move *m = &g_array_index(mv, struct nic_move,
		    i);

		if (m->kind == NIC_FLIP)
			rx_flip_page(rx, (unsigned)m->page, TRUE, &tlb, ch);
		else if (m->kind == NIC_COALESCE && (i + 1 == mv->len ||
		    g_array_index(mv, struct nic_move, i + 1).kind !=
		    NIC_COALESCE || g_array_index(mv, struct nic_move,
		    i + 1).page != m->page))
			rx_flip_page(rx, (unsigned)m->page, FALSE, &tlb, ch);
	}
	/* One pmap_update() for the read's flips: vm_tlb_flush() caps the
	 * batch at the flush ceiling, here and on the targets. */
	vm_tlb_flush(k->vm, &tlb, 0, ch);
}

/* A read's window update reaches the sender (updates come in the order
 * of the reads, each releasing one read's bytes). */
static void
rx_window_update(struct engine *e, void *arg)
{
	struct rx	*rx = arg;

	g_queue_pop_head(&rx->updates);
	rx->acked += rx->size;
	g_assert(rx->acked <= rx->consumed);
	engine_fingerprint_add(e, 7);
	if (rx->paused) {
		rx->paused = FALSE;
		rx_send_next(rx, engine_now(e));
	}
}

static void
rx_read_done(void *arg, sim_time when)
{
	struct rx	*rx = arg;
	double		 g = dist_sample(rx->gap, &rx->rng);

	histogram_add(rx->k->latency, (double)(when - rx->read_start));
	rx->in_read = FALSE;
	rx->done++;
	if (rx->done < rx->reads)
		engine_schedule_at(rx->k->engine, when + (g > 0 ?
		    units_round(g) : 0), rx_read, rx);
	/* The window update reaches the sender an RTT later; after the
	 * last read nobody waits for it. */
	if (rx->done < rx->reads)
		g_queue_push_tail(&rx->updates, GSIZE_TO_POINTER(
		    engine_schedule_at(rx->k->engine, when + rx->k->m.rtt,
		    rx_window_update, rx)));
	else
		while (!g_queue_is_empty(&rx->updates))
			engine_cancel(rx->k->engine, (engine_event_id)
			    GPOINTER_TO_SIZE(g_queue_pop_head(&rx->updates)));
}

static void
rx_read(struct engine *e, void *arg)
{
	struct rx	*rx = arg;
	struct kernel	*k = rx->k;
	const struct machine *m = &k->m;
	struct charge	 ch = { { 0 } };
	struct nic_plan	*pl = &rx->plan;
	struct sockbuf_done d;
	gboolean	 resident, fits;

	if (!rx->in_read) {
		rx->in_read = TRUE;
		rx->read_start = engine_now(e);
		charge_add(&ch, CPU_SYSCALL, m->syscall);
	}
	if (rx->slept) {
		/* Woken from sbwait(): switched back in on its CPU. */
		rx->slept = FALSE;
		charge_add(&ch, CPU_SCHED, m->context_switch);
	}
	if (rx->appended - rx->consumed < rx->size) {
		/* sbwait(): sleep until the whole request is there. */
		rx->waiting = rx->slept = TRUE;
		charge_add(&ch, CPU_SCHED, m->context_switch);
		kernel_step_end(k, 0, &ch);
		return;
	}
	/* DMA'd data is in the cache only if the NIC put it there (DCA
	 * places it in the shared cache), and still there if what was taken
	 * up since, with the process's buffer, fits in the cache; otherwise
	 * it comes from memory.  The software checksum's pass does not count
	 * (docs/model.md): it runs in the interrupt path, at a time the
	 * moderation and the reader's sbwait() leave open, and what the CPU
	 * does in between is not tracked.  What the kernel copies into the
	 * process's buffer is in the cache if the buffer fits. */
	fits = rx->size <= m->cache_size;
	resident = rx->dca && rx->appended - rx->consumed + rx->size <=
	    m->cache_size;
	/* The process's pages still hold what the last read gave them. */
	rx->violations += rx_view_changed(rx);
	nic_plan_read(&rx->nic, rx->consumed, rx->size, rx->offset, rx->flip,
	    pl);
	sockbuf_read(rx->sb, pl, &d);
	/* uiomove: one copy call per receive buffer piece, into the
	 * process's buffer (in the cache if it fits); coalescing: one per
	 * fragment, into a fresh page, which is not (the cache rule,
	 * machine_move_ns()): from memory into memory at copy_bw_cold, or
	 * with DCA at the memory write rate. */
	charge_add(&ch, CPU_COPY, machine_move_ns(m, pl->copied, resident,
	    fits) + m->copy_fixed * pl->copy_calls);
	charge_add(&ch, CPU_COPY, machine_move_ns(m, pl->coalesced, resident,
	    FALSE) + m->copy_fixed * pl->fragments);
	k->c.bytes_copied += pl->copied + pl->coalesced;
	rx->coalesced += pl->coalesced;
	if (pl->direct_flips + pl->coalesced_flips > 0)
		rx_flip_pages(rx, &ch);
	/* What the process sees: each page must hold the stream bytes
	 * that belong at its addresses (the check of copy semantics). */
	rx->violations += sockbuf_check(rx->sb, rx->consumed);
	rx_view_seen(rx);
	/* Receive buffers read to their end go back, except pages handed
	 * over; each frame's header mbuf goes with its last buffer. */
	charge_add(&ch, CPU_ALLOC, d.frames_freed * m->mbuf_free +
	    d.bufs_freed * rx_buf_cost(rx, FALSE));
	rx->consumed += rx->size;
	k->c.bytes_delivered += rx->size;
	k->c.writes++;
	/* The process then reads what it got, in order: what the kernel
	 * copied into its buffer is in the cache if the buffer fits, and a
	 * pass over it runs at read_bw_hot; a page flipped in, as it lay or
	 * coalesced, is cold at the process's first touch (issue 5), DCA or
	 * not: a read stream in order over memory (read_bw_seq: lmbench
	 * bw_mem rd), as the file model's pass over exchanged pages. */
	charge_add(&ch, CPU_APP, machine_bytes_ns(fits ? m->read_bw_hot :
	    m->read_bw_seq, pl->copied) + machine_bytes_ns(m->read_bw_seq,
	    pl->coalesced + pl->direct_flips * m->page_size));
	engine_fingerprint_add(e, 6);
	kernel_defer(k, rx_read_done, rx);
	kernel_step_end(k, 0, &ch);
}

static gboolean
rx_init(struct rx *rx, struct kernel *k, const struct params *p,
    gboolean flip, GError **error)
{
	memset(rx, 0, sizeof(*rx));
	rx->k = k;
	rx->flip = flip;
	if (!nic_layout_parse(params_string(p, "nic.layout"),
	    &rx->nic.layout))
		g_assert_not_reached();
	rx->nic.mtu = params_size(p, "nic.mtu");
	rx->nic.header_bytes = params_size(p, "nic.header_bytes");
	rx->nic.link_header = params_size(p, "nic.link_header");
	rx->nic.page_size = k->m.page_size;
	rx->nic.cluster_size = params_size(p, "socket.cluster_size");
	rx->dca = params_bool(p, "nic.dca");
	rx->per_intr = params_count(p, "nic.frames_per_interrupt");
	rx->intr_timer = params_time(p, "nic.interrupt_timer");
	rx->rcvbuf = params_size(p, "socket.rcvbuf");
	rx->snd_wnd = rx->rcvbuf;
	rx->size = params_size(p, "workload.size");
	rx->offset = params_size(p, "workload.offset");
	rx->reads = params_count(p, "workload.messages");
	if (rx->nic.mtu <= rx->nic.header_bytes) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[nic] mtu = %" G_GUINT64_FORMAT " B leaves no payload "
		    "after header_bytes = %" G_GUINT64_FORMAT " B",
		    rx->nic.mtu, rx->nic.header_bytes);
		return FALSE;
	}
	rx->payload = nic_payload(&rx->nic);
	if (rx->offset >= k->m.page_size) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[workload] offset must be smaller than the page size");
		return FALSE;
	}
	if (rx->rcvbuf < rx->size + rx->payload) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[socket] rcvbuf = %" G_GUINT64_FORMAT " B must hold a "
		    "read (%" G_GUINT64_FORMAT " B) and a frame's payload "
		    "(%" G_GUINT64_FORMAT " B)", rx->rcvbuf, rx->size,
		    rx->payload);
		return FALSE;
	}
	return TRUE;
}

/* The receive workload's own invariants: the stream's counts in order
 * (sent, arrived, taken up, read), the receive buffer holding what was
 * taken up and not read, and never more than socket.rcvbuf (flow
 * control, no drops: checked on the most it ever held, so that the end
 * of the run sees it too), every byte read delivered, and in the end
 * every read done and every byte sent read; no page of the process
 * holding other bytes than those sent for it, under either strategy (by
 * the read's own record, or changed since). */
static gboolean
rx_check(void *ctx, gboolean end, GError **error)
{
	const struct rx	*rx = ctx;
	uint64_t	 delivered = rx->k->c.bytes_delivered;

	if (rx->consumed > rx->appended || rx->appended > rx->arrived ||
	    rx->arrived > rx->sent || rx->sent > rx->reads * rx->size) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "the stream's counts are out of order: %" G_GUINT64_FORMAT
		    " bytes sent, %" G_GUINT64_FORMAT " arrived, %"
		    G_GUINT64_FORMAT " taken up, %" G_GUINT64_FORMAT " read",
		    rx->sent, rx->arrived, rx->appended, rx->consumed);
		return FALSE;
	}
	if (sockbuf_cc(rx->sb) != rx->appended - rx->consumed ||
	    delivered != rx->consumed) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " bytes delivered and %"
		    G_GUINT64_FORMAT " in the receive buffer, but %"
		    G_GUINT64_FORMAT " taken up and %" G_GUINT64_FORMAT " read",
		    delivered, sockbuf_cc(rx->sb), rx->appended,
		    rx->consumed);
		return FALSE;
	}
	if (rx->held_peak > rx->rcvbuf) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "the receive buffer held %" G_GUINT64_FORMAT " bytes, "
		    "more than socket.rcvbuf = %" G_GUINT64_FORMAT " B: the "
		    "sender overran the window", rx->held_peak, rx->rcvbuf);
		return FALSE;
	}
	if (rx->violations + rx_view_changed(rx) > 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " pages of the process held bytes "
		    "other than those sent for them", rx->violations +
		    rx_view_changed(rx));
		return FALSE;
	}
	if (end && (rx->done != rx->reads || rx->consumed != rx->sent)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " reads done, "
		    "%" G_GUINT64_FORMAT " bytes read of %" G_GUINT64_FORMAT
		    " sent", rx->done, rx->reads, rx->consumed, rx->sent);
		return FALSE;
	}
	return TRUE;
}

gboolean
soreceive_run(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, const struct model_fault *fault, struct model_result *r,
    GError **error)
{
	struct model_checks	 mc;
	struct machine		 m;
	struct engine		*e;
	struct kernel		*k;
	struct rx		 rx;
	struct charge		 setup = { { 0 } };
	unsigned		 i, threads;
	gboolean		 ok = TRUE;

	if (strcmp(strategy, "copy") != 0 && strcmp(strategy, "flip") != 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "unknown strategy \"%s\" for workload kind socket-recv "
		    "(expected copy or flip)", strategy);
		return FALSE;
	}
	machine_init(&m, p);
	e = engine_new();
	k = kernel_new(e, &m);
	if (!rx_init(&rx, k, p, strcmp(strategy, "flip") == 0, error)) {
		kernel_free(k);
		engine_free(e);
		return FALSE;
	}
	rx.gap = params_dist(p, "workload.gap");
	rng_init(&rx.rng, seed, rep, "app.reader");
	/* The reader runs on CPU 0; the process's other threads make its
	 * address space active on the next CPUs too. */
	threads = (unsigned)params_count(p, "workload.threads");
	rx.map.name = "process";
	for (i = 0; i < threads; i++)
		rx.map.cpumask |= (uint64_t)1 << (i % m.cpus);
	rx.buf = vm_buf_new(k->vm, &rx.map, rx.offset, rx.size, &setup);
	rx.seen = g_new0(uint64_t, rx.buf->npages);
	rx_view_seen(&rx);
	rx.sb = sockbuf_new(&rx.nic, rx.offset, rx.size);
	nic_plan_init(&rx.plan);
	rx_send_next(&rx, 0);
	engine_schedule(e, 0, rx_read, &rx);
	model_checks_start(&mc, k, p, strategy, fault, rx_check, &rx);
	model_checks_run(&mc);
	ok = model_checks_end(&mc, rx.done == rx.reads, error);
	if (ok && rx.done != rx.reads) {
		model_limit_error(error, k, rx.done, rx.reads, "reads");
		ok = FALSE;
	}
	if (ok) {
		double mib = (double)k->c.bytes_delivered / 1048576.0;

		model_result_fill(r, k);
		r->v[MODEL_COALESCED_BYTES_PER_BYTE] = rx.coalesced /
		    (double)k->c.bytes_delivered;
		r->v[MODEL_FLIPS_PER_MIB] = rx.flips / mib;
		r->v[MODEL_VIOLATIONS] = (double)rx.violations;
	}
	g_queue_clear(&rx.updates);
	nic_plan_clear(&rx.plan);
	sockbuf_free(rx.sb);
	vm_buf_free(k->vm, rx.buf, &setup);
	g_free(rx.seen);
	if (!model_checks_teardown(&mc, error))
		ok = FALSE;
	dist_free(rx.gap);
	kernel_free(k);
	engine_free(e);
	return ok;
}

const struct kernel_event_name rx_event_names[] = {
	KERNEL_EVENT(rx_intr), KERNEL_EVENT(rx_frame),
	KERNEL_EVENT(rx_window_update), KERNEL_EVENT(rx_read)
};
const size_t rx_event_name_count = G_N_ELEMENTS(rx_event_names);

void
soreceive_test_window(struct kernel *k, void *arg)
{
	struct rx	*rx = k->model;

	g_assert(rx != NULL && rx->k == k);
	rx->snd_wnd = 2 * rx->rcvbuf;
}
