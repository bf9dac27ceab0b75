/* Receive: frames arrive at link rate, are DMA'd into receive buffers
 * (models/nic.c), and are taken up by the interrupt path after a number
 * of frames or a timer (interrupt moderation): per frame, TCP/IP input,
 * a header mbuf, a fresh receive buffer for the ring, the checksum unless
 * offloaded; the data joins the receive socket buffer.  The sender is
 * flow-controlled by the receive buffer (TCP's window): when it is full
 * the sender waits, and the window update a read makes reaches it one
 * RTT later (no frame is ever dropped).
 *
 * The process reads 'size' bytes at a time into a buffer 'offset' bytes
 * into its first page, waiting (MSG_WAITALL) until all of them are there.
 * copy: uiomove from the receive buffers, cache-cold unless the NIC
 * places data in the cache (DCA) or a software checksum has just read it.  flip: every user page wholly covered
 * by the read is replaced by a kernel page holding its bytes: the receive
 * page itself when the page lies whole and aligned in one buffer, else a
 * fresh page into which the fragments are first copied (coalesced); the
 * old user page is unmapped (invalidated wherever the process's address
 * space is active) and freed, the new one mapped.  Partial head and tail
 * pages are copied.  A flipped page is cold when the process first
 * touches it.  (FreeBSD zero_copy(9), Linux tcp_zerocopy_receive.) */
#include "models/soreceive.h"

#include <math.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"
#include "models/kernel.h"
#include "models/machine.h"
#include "models/nic.h"
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
	uint64_t	 rcvbuf;
	uint64_t	 per_intr;
	sim_time	 intr_timer;
	struct dist	*gap;
	struct rng	 rng;

	uint64_t	 payload;	/* per frame */
	uint64_t	 sent;		/* payload bytes put on the wire */
	uint64_t	 arrived;	/* DMA'd */
	uint64_t	 appended;	/* taken up by the interrupt path */
	uint64_t	 consumed;	/* read */
	uint64_t	 pending;	/* frames waiting for the interrupt */
	engine_event_id	 timer;
	gboolean	 paused;	/* the sender waits for the window */

	struct vm_map	 map;
	struct vm_buf	*buf;
	uint64_t	 done;		/* reads finished */
	gboolean	 waiting;
	gboolean	 in_read;
	sim_time	 read_start;

	uint64_t	 flips;
	uint64_t	 coalesced;
	uint64_t	 copied;
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

/* The sender puts the next frame on the wire if the window allows. */
static void
rx_send_next(struct rx *rx, sim_time when)
{
	uint64_t total = rx->reads * rx->size;

	if (rx->sent >= total)
		return;
	if (rx->sent - rx->consumed + rx->payload > rx->rcvbuf &&
	    rx->sent > rx->consumed) {
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
		charge_add(&ch, CPU_ALLOC, bufs * (rx->nic.layout ==
		    NIC_CLUSTER ? k->m.cluster_alloc : k->m.page_alloc));
		machine_charge_cksum(&k->m, &ch, n, TRUE);
		rx->appended += n;
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

/* Replace user page pg of the buffer by a page holding stream bytes
 * [x, x + page): the flip. */
static void
rx_flip_page(struct rx *rx, unsigned pg, uint64_t x, gboolean direct,
    struct vm_tlb *tlb, struct charge *ch)
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
	np->version = x;
	rx->buf->pages[pg] = np;
	rx->flips++;
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
		    (sim_time)llround(g) : 0), rx_read, rx);
	if (rx->paused) {
		/* The window update reaches the sender an RTT later. */
		rx->paused = FALSE;
		rx_send_next(rx, when + rx->k->m.rtt);
	}
}

static void
rx_read(struct engine *e, void *arg)
{
	struct rx	*rx = arg;
	struct kernel	*k = rx->k;
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct nic_plan	 plan;
	uint64_t	 ps = k->m.page_size, pg, first, last, frames, bufs;
	/* DMA'd data is in the cache when the NIC put it there (DCA) or
	 * when a software checksum has just read it; else it is cold. */
	double		 cold = rx->dca || !k->m.checksum_offload ?
	    k->m.copy_bw_hot : k->m.copy_bw_cold;

	if (!rx->in_read) {
		rx->in_read = TRUE;
		rx->read_start = engine_now(e);
		charge_add(&ch, CPU_SYSCALL, k->m.syscall);
	}
	if (rx->appended - rx->consumed < rx->size) {
		/* sbwait(): sleep until the whole request is there. */
		rx->waiting = TRUE;
		charge_add(&ch, CPU_SCHED, k->m.context_switch);
		kernel_step_end(k, 0, &ch);
		return;
	}
	nic_plan_read(&rx->nic, rx->consumed, rx->size, rx->offset, rx->flip,
	    &plan);
	first = (rx->offset + ps - 1) / ps;
	last = (rx->offset + rx->size) / ps;
	/* uiomove: one copy call per receive buffer piece copied from. */
	if (plan.copied > 0) {
		uint64_t calls;

		if (!rx->flip || last <= first)
			calls = nic_pieces(&rx->nic, rx->consumed, rx->size);
		else {
			uint64_t head = first * ps - rx->offset;
			uint64_t tail = rx->offset + rx->size - last * ps;

			calls = (head ? nic_pieces(&rx->nic, rx->consumed,
			    head) : 0) + (tail ? nic_pieces(&rx->nic,
			    rx->consumed + rx->size - tail, tail) : 0);
		}
		charge_add(&ch, CPU_COPY, machine_bytes_ns(cold, plan.copied) +
		    k->m.copy_fixed * calls);
		k->c.bytes_copied += plan.copied;
		rx->copied += plan.copied;
	}
	/* Coalescing: the fragments of a page copied into a fresh page. */
	charge_add(&ch, CPU_COPY, machine_bytes_ns(cold, plan.coalesced) +
	    k->m.copy_fixed * plan.fragments);
	k->c.bytes_copied += plan.coalesced;
	rx->coalesced += plan.coalesced;
	for (pg = first; rx->flip && pg < last; pg++) {
		uint64_t x = rx->consumed + pg * ps - rx->offset;

		rx_flip_page(rx, (unsigned)pg, x, nic_page_direct(&rx->nic, x),
		    &tlb, &ch);
	}
	vm_tlb_flush(k->vm, &tlb, 0, &ch);
	/* Copied pages now hold the stream bytes as well. */
	for (pg = 0; pg < rx->buf->npages; pg++) {
		uint64_t x = rx->consumed + pg * ps - rx->offset;

		if (!rx->flip || pg < first || pg >= last)
			rx->buf->pages[pg]->version = x;
		/* What the process sees: page pg must start at stream byte
		 * x (the check of copy semantics on receive). */
		if (pg >= first && pg < last &&
		    rx->buf->pages[pg]->version != x)
			rx->violations++;
	}
	/* Receive buffers wholly read go back; flipped ones are the
	 * process's now.  Each frame's header mbuf is freed. */
	frames = (rx->consumed + rx->size) / rx->payload -
	    rx->consumed / rx->payload;
	bufs = frames * nic_buffers_per_frame(&rx->nic) - plan.direct_flips;
	charge_add(&ch, CPU_ALLOC, frames * k->m.mbuf_free + bufs *
	    (rx->nic.layout == NIC_CLUSTER ? k->m.cluster_free :
	    k->m.page_free));
	rx->consumed += rx->size;
	k->c.bytes_delivered += rx->size;
	k->c.writes++;
	/* The process then reads what it got: copied bytes are in the
	 * cache, flipped pages are not (unless placed there by the NIC). */
	charge_add(&ch, CPU_APP, machine_bytes_ns(k->m.copy_bw_hot,
	    plan.copied) + machine_bytes_ns(rx->flip ? cold :
	    k->m.copy_bw_hot, rx->size - plan.copied));
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

gboolean
soreceive_run(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, struct model_result *r, GError **error)
{
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
	rx_send_next(&rx, 0);
	engine_schedule(e, 0, rx_read, &rx);
	engine_run_bounded(e, params_time(p, "scenario.max_sim_time"),
	    params_count(p, "scenario.max_events"));
	if (rx.done != rx.reads) {
		model_limit_error(error, k, rx.done, rx.reads, "reads");
		ok = FALSE;
	} else if (rx.violations > 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "invariant broken (strategy %s): the process saw bytes "
		    "out of place", strategy);
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
	vm_buf_free(k->vm, rx.buf, &setup);
	dist_free(rx.gap);
	kernel_free(k);
	engine_free(e);
	return ok;
}
