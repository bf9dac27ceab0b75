/* The transmit side of a TCP socket.
 *
 * sosend() follows NetBSD sys/kern/uipc_socket.c: it loops while data
 * remains, sleeping in sbwait() when the send buffer lacks space, and for
 * each round either loans pages (sosend_loan(), when the rest of the write
 * and the free space are both at least sock_loan_thresh, at most
 * SOCK_LOAN_CHUNK bytes at a time) or copies into clusters (uiomove into
 * MCLGET'd mbufs).  Loaned pages are write-protected by uvm_loan(), mapped
 * read-only into kernel address space (pmap_kenter_pa) and attached with
 * MEXTADD(..., soloanfree).  When the last reference drops, soloanfree()
 * only queues the storage on so_pendfree; the sopendfree kernel thread
 * later unmaps it (pmap_kremove, pmap_update), uvm_unloan()s the pages
 * and frees the address space, waking senders blocked at somaxkva.
 *
 * TCP is reduced to what decides a loan's lifetime: MSS-sized segments
 * (a shorter one only at the end of a write), each an m_copym() of the
 * send buffer, serialised on the link, and a cumulative ACK every
 * ack_every segments (or at the end of a write) one RTT after the segment
 * left; acknowledged data is dropped from the send buffer (sbdrop).
 * There is no loss and no congestion window: the send buffer is the
 * window. */
#include "models/socket.h"

#include <string.h>

#include "sim/error.h"

struct so_write {
	sim_time	start;
	uint64_t	end_seq;
};

struct so_seg {
	struct socket	*so;
	uint64_t	 seq;
	uint64_t	 len;
	gboolean	 psh;
	GPtrArray	*copies;	/* m_copym()s of the send buffer */
};

struct socket {
	struct kernel		*k;
	struct so_config	 cfg;
	so_release_fn		 release;
	void			*release_arg;

	GQueue			 sb;		/* struct mbuf *, by seq */
	uint64_t		 sb_end;	/* accepted by sosend so far */
	uint64_t		 snd_una;
	uint64_t		 snd_nxt;
	uint64_t		 snd_max;	/* appended to sb */
	uint64_t		 psh_seq;	/* end of the last whole write */
	unsigned		 unacked_segs;
	GQueue			 writes;	/* struct so_write *: latency */
	gboolean		 output_pending;

	/* The write in progress. */
	struct vm_buf		*buf;
	uint64_t		 off;
	unsigned		 cpu;
	so_done_fn		 done;
	void			*done_arg;
	GPtrArray		*pending;	/* mbufs built by this step */
	gboolean		 sleeping;	/* in sbwait or waiting for kva */
};

struct so_loan {
	struct mbuf_ext	*ext;
	struct socket	*so;
};

struct sopendfree {
	struct kernel	*k;
	GQueue		 queue;		/* struct so_loan * */
	gboolean	 scheduled;
	uint64_t	 kva_used;
	uint64_t	 somaxkva;
	GQueue		 kva_waiters;	/* struct socket * */
};

static const char *so_strategy_names[] = { "copy", "loan", "gift", "zbuf" };

static void	so_output_kick(struct socket *, sim_time);
static void	sosend_step(struct socket *, struct charge *);

gboolean
so_strategy_parse(const char *s, enum so_strategy *out)
{
	unsigned	i;

	for (i = 0; i < G_N_ELEMENTS(so_strategy_names); i++) {
		if (strcmp(s, so_strategy_names[i]) == 0) {
			*out = (enum so_strategy)i;
			return TRUE;
		}
	}
	return FALSE;
}

const char *
so_strategy_name(enum so_strategy s)
{
	g_assert((unsigned)s < G_N_ELEMENTS(so_strategy_names));
	return so_strategy_names[s];
}

gboolean
so_config_init(struct so_config *c, const struct params *p,
    enum so_strategy strategy, const struct machine *m, GError **error)
{
	memset(c, 0, sizeof(*c));
	c->strategy = strategy;
	c->loan_threshold = params_size(p, "socket.loan_threshold");
	c->loan_chunk = params_size(p, "socket.loan_chunk");
	c->sndbuf = params_size(p, "socket.sndbuf");
	c->lowat = params_size(p, "socket.lowat");
	c->somaxkva = params_size(p, "socket.somaxkva");
	c->mss = params_size(p, "socket.mss");
	c->cluster_size = params_size(p, "socket.cluster_size");
	c->minclsize = params_size(p, "socket.minclsize");
	c->header_bytes = params_size(p, "socket.header_bytes");
	c->ack_every = (unsigned)params_count(p, "socket.ack_every");
	c->loan_partial = strcmp(params_string(p, "socket.loan_partial"),
	    "loan") == 0;
	/* The send buffer must hold an MSS beyond its low-water mark, or a
	 * sender could wait for space that a partial segment never frees. */
	if (c->sndbuf < c->mss + c->lowat) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[socket] sndbuf = %" G_GUINT64_FORMAT " B is smaller than "
		    "mss + lowat = %" G_GUINT64_FORMAT " B", c->sndbuf,
		    c->mss + c->lowat);
		return FALSE;
	}
	if (c->loan_chunk < m->page_size || c->somaxkva < c->loan_chunk) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[socket] loan_chunk must be at least a page and at most "
		    "somaxkva");
		return FALSE;
	}
	return TRUE;
}

static struct sopendfree *
sopendfree_get(struct kernel *k, uint64_t somaxkva)
{
	if (k->pendfree == NULL) {
		k->pendfree = g_new0(struct sopendfree, 1);
		k->pendfree->k = k;
		k->pendfree->somaxkva = somaxkva;
		g_queue_init(&k->pendfree->queue);
		g_queue_init(&k->pendfree->kva_waiters);
	}
	return k->pendfree;
}

void
sopendfree_free(struct sopendfree *pf)
{
	struct so_loan		*l;

	if (pf == NULL)
		return;
	/* Empty after a finished run; a run cut short by a limit may leave
	 * loans queued, and they are dropped with it. */
	while ((l = g_queue_pop_head(&pf->queue)) != NULL) {
		m_ext_destroy(l->ext);
		g_free(l);
	}
	g_queue_clear(&pf->kva_waiters);
	g_free(pf);
}

struct socket *
socket_new(struct kernel *k, const struct so_config *cfg, so_release_fn rel,
    void *arg)
{
	struct socket	*so = g_new0(struct socket, 1);

	so->k = k;
	so->cfg = *cfg;
	so->release = rel;
	so->release_arg = arg;
	g_queue_init(&so->sb);
	g_queue_init(&so->writes);
	so->pending = g_ptr_array_new();
	sopendfree_get(k, cfg->somaxkva);
	return so;
}

void
socket_free(struct socket *so)
{
	struct charge	 ch = { { 0 } };
	struct mbuf	*m;
	guint		 i;

	if (so == NULL)
		return;
	so->release = NULL;	/* nobody is woken at teardown */
	/* Empty after a finished run; not when a limit cut it short. */
	while ((m = g_queue_pop_head(&so->sb)) != NULL)
		m_free(so->k->mbufs, m, &ch);
	for (i = 0; i < so->pending->len; i++)
		m_free(so->k->mbufs, g_ptr_array_index(so->pending, i), &ch);
	g_array_set_size(so->k->deferred, 0);
	g_queue_clear_full(&so->writes, g_free);
	g_ptr_array_free(so->pending, TRUE);
	g_free(so);
}

gboolean
socket_idle(const struct socket *so)
{
	return so->buf == NULL && so->sb.length == 0 &&
	    so->snd_una == so->sb_end;
}

/* A buffer whose last loaned storage came back: tell its owner now, in
 * the step that released it (the owner may wake a thread from it). */
static void
so_buf_unbusy(struct socket *so, struct mbuf_ext *ext, struct charge *ch)
{
	struct vm_buf	*buf = ext->owner;

	if (buf == NULL)
		return;
	g_assert(buf->busy > 0);
	if (--buf->busy > 0 || so->release == NULL)
		return;
	so->release(so->release_arg, buf, ch);
}

/* --- sleeping and waking the writer -------------------------------- */

static void
sosend_resume(struct engine *e, void *arg)
{
	struct socket	*so = arg;
	struct charge	 ch = { { 0 } };

	/* The woken writer is switched back in on its own CPU. */
	charge_add(&ch, CPU_SCHED, so->k->m.context_switch);
	sosend_step(so, &ch);
}

static void
so_resume_deferred(void *arg, sim_time when)
{
	struct socket	*so = arg;

	engine_schedule_at(so->k->engine, when, sosend_resume, so);
}

/* wakeup() from the current step (charged to it); the writer runs again
 * when the step is over. */
static void
so_wakeup(struct socket *so, struct charge *ch)
{
	g_assert(so->sleeping);
	so->sleeping = FALSE;
	charge_add(ch, CPU_SCHED, so->k->m.wakeup);
	kernel_defer(so->k, so_resume_deferred, so);
}

/* --- the loan return path: soloanfree() and sopendfree ------------- */

static void
sopendfree_run(struct engine *e, void *arg)
{
	struct sopendfree	*pf = arg;
	struct kernel		*k = pf->k;
	struct charge		 ch = { { 0 } };
	struct so_loan		*l;
	struct socket		*w;

	pf->scheduled = FALSE;
	charge_add(&ch, CPU_SCHED, k->m.context_switch);
	while ((l = g_queue_pop_head(&pf->queue)) != NULL) {
		struct vm_tlb	tlb = { 0, 0, 0 };
		unsigned	i;

		/* sodopendfree(): pmap_kremove(); pmap_update();
		 * uvm_unloan(..., UVM_LOAN_TOPAGE); uvm_km_free(). */
		for (i = 0; i < l->ext->npages; i++)
			vm_kremove(k->vm, l->ext->pages[i], k->kthread_cpu,
			    &tlb, &ch);
		vm_tlb_flush(k->vm, &tlb, k->kthread_cpu, &ch);
		for (i = 0; i < l->ext->npages; i++)
			vm_unloan(k->vm, l->ext->pages[i], &ch);
		g_assert(pf->kva_used >= l->ext->npages * k->m.page_size);
		pf->kva_used -= l->ext->npages * k->m.page_size;
		so_buf_unbusy(l->so, l->ext, &ch);
		m_ext_destroy(l->ext);
		g_free(l);
	}
	/* sokvaunreserve(): wake every sender waiting for address space. */
	while ((w = g_queue_pop_head(&pf->kva_waiters)) != NULL)
		so_wakeup(w, &ch);
	/* The queue is empty: the thread sleeps again (switched away). */
	charge_add(&ch, CPU_SCHED, k->m.context_switch);
	kernel_step_end(k, k->kthread_cpu, &ch);
}

static void
sopendfree_kick(void *arg, sim_time when)
{
	struct sopendfree	*pf = arg;

	engine_schedule_at(pf->k->engine, when, sopendfree_run, pf);
}

/* soloanfree(): the mbuf layer's free routine for loaned storage.  It
 * cannot sleep or unmap in interrupt context, so it queues the storage
 * and wakes the sopendfree thread. */
static void
soloanfree(struct mbuf_ext *ext, void *arg, struct charge *ch)
{
	struct socket		*so = arg;
	struct sopendfree	*pf = so->k->pendfree;
	struct so_loan		*l = g_new(struct so_loan, 1);

	l->ext = ext;
	l->so = so;
	g_queue_push_tail(&pf->queue, l);
	if (!pf->scheduled) {
		pf->scheduled = TRUE;
		charge_add(ch, CPU_SCHED, so->k->m.wakeup);
		kernel_defer(so->k, sopendfree_kick, pf);
	}
}

/* A gift's pages are only referenced: drop the references at once. */
static void
so_gift_free(struct mbuf_ext *ext, void *arg, struct charge *ch)
{
	struct socket	*so = arg;
	unsigned	 i;

	for (i = 0; i < ext->npages; i++)
		vm_page_unhold(so->k->vm, ext->pages[i], ch);
	so_buf_unbusy(so, ext, ch);
	m_ext_destroy(ext);
}

/* A zbuf goes back to its owner through the free callback. */
static void
so_zbuf_free(struct mbuf_ext *ext, void *arg, struct charge *ch)
{
	struct socket	*so = arg;

	so_buf_unbusy(so, ext, ch);
	m_ext_destroy(ext);
}

/* --- sosend ---------------------------------------------------------- */

/* uiomove() into clusters (MCLGET), or into the mbuf itself below
 * MINCLSIZE. */
static void
sosend_copy(struct socket *so, uint64_t n, struct charge *ch)
{
	struct kernel	*k = so->k;
	struct mbuf	*m;
	uint64_t	 c;

	k->c.bytes_copied += n;
	if (n < so->cfg.minclsize) {
		m = m_get(k->mbufs, ch);
		machine_charge_copy(&k->m, ch, n, so->cfg.hot_source);
		m->len = n;
		g_ptr_array_add(so->pending, m);
		return;
	}
	while (n > 0) {
		c = MIN(n, so->cfg.cluster_size);
		m = m_get(k->mbufs, ch);
		m_clget(k->mbufs, m, so->cfg.cluster_size, ch);
		machine_charge_copy(&k->m, ch, c, so->cfg.hot_source);
		m->len = c;
		g_ptr_array_add(so->pending, m);
		n -= c;
	}
}

/* Attach the buffer's pages covering [off, off+n) as external storage. */
static void
sosend_pages(struct socket *so, uint64_t n, mbuf_ext_free_fn fn,
    struct charge *ch)
{
	struct kernel	*k = so->k;
	struct vm_buf	*buf = so->buf;
	uint64_t	 ps = k->m.page_size;
	uint64_t	 pos = buf->offset + so->off;
	unsigned	 first = (unsigned)(pos / ps);
	unsigned	 np = (unsigned)((pos + n - 1) / ps) - first + 1;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct mbuf	*m;
	unsigned	 i;

	for (i = first; i < first + np; i++) {
		struct vm_page	*pg = buf->pages[i];

		if (so->cfg.strategy == SO_LOAN) {
			vm_loan(k->vm, pg, so->cpu, &tlb, ch);
			vm_kenter(k->vm, pg, ch);
		} else if (so->cfg.strategy == SO_GIFT)
			vm_page_hold(k->vm, pg, ch);
	}
	vm_tlb_flush(k->vm, &tlb, so->cpu, ch);
	m = m_get(k->mbufs, ch);
	m_extadd_pages(k->mbufs, m, buf->pages + first, np, pos % ps, n, fn,
	    so, buf, ch);
	buf->busy++;
	g_ptr_array_add(so->pending, m);
}

/* How much of the write this round takes, and how: the rules of
 * sosend() and sosend_loan().  Returns FALSE when the writer must sleep
 * for loan address space. */
static gboolean
sosend_round(struct socket *so, uint64_t resid, uint64_t space,
    struct charge *ch)
{
	struct sopendfree	*pf = so->k->pendfree;
	uint64_t		 ps = so->k->m.page_size;
	uint64_t		 pos = so->buf->offset + so->off;
	uint64_t		 n, thresh, kva;

	switch (so->cfg.strategy) {
	case SO_ZBUF:
		n = MIN(MIN(resid, space), so->cfg.loan_chunk);
		sosend_pages(so, n, so_zbuf_free, ch);
		break;
	case SO_LOAN:
	case SO_GIFT:
		/* uipc_socket.c: loan "if (uio->uio_iov->iov_len >=
		 * sock_loan_thresh && space >= sock_loan_thresh)"; a gift
		 * takes any whole page. */
		thresh = so->cfg.strategy == SO_LOAN ?
		    so->cfg.loan_threshold : ps;
		if (resid < thresh || space < thresh) {
			n = MIN(resid, space);
			sosend_copy(so, n, ch);
			break;
		}
		if (so->cfg.strategy == SO_LOAN && so->cfg.loan_partial) {
			/* NetBSD sosend_loan(): the pages covering the
			 * chunk are loaned whole, head and tail included. */
			n = MIN(MIN(resid, space), so->cfg.loan_chunk);
		} else if (pos % ps != 0) {
			/* Partial head page: copied. */
			n = MIN(MIN(resid, space), ps - pos % ps);
			sosend_copy(so, n, ch);
			break;
		} else {
			n = MIN(MIN(resid, space), so->cfg.loan_chunk);
			n -= n % ps;
			if (n == 0) {
				n = MIN(resid, space);
				sosend_copy(so, n, ch);
				break;
			}
		}
		if (so->cfg.strategy == SO_GIFT) {
			sosend_pages(so, n, so_gift_free, ch);
			break;
		}
		/* sokvareserve(): loaned pages take kernel address space,
		 * whole pages; block at somaxkva. */
		kva = ((pos + n + ps - 1) / ps - pos / ps) * ps;
		if (pf->kva_used + kva > pf->somaxkva)
			return FALSE;
		pf->kva_used += kva;
		sosend_pages(so, n, soloanfree, ch);
		break;
	default:
		n = MIN(resid, space);
		sosend_copy(so, n, ch);
		break;
	}
	so->off += n;
	so->sb_end += n;
	return TRUE;
}

static void
sosend_step_ev(struct engine *e, void *arg)
{
	struct charge	ch = { { 0 } };

	sosend_step(arg, &ch);
}

/* The end of one sosend round: its mbufs join the send buffer
 * (sbappend), TCP output runs, and either the next round or the return
 * to the user follows. */
static void
sosend_round_end(void *arg, sim_time when)
{
	struct socket	*so = arg;
	guint		 i;

	for (i = 0; i < so->pending->len; i++) {
		struct mbuf	*m = g_ptr_array_index(so->pending, i);

		m->seq = so->snd_max;
		so->snd_max += m->len;
		g_queue_push_tail(&so->sb, m);
	}
	g_ptr_array_set_size(so->pending, 0);
	if (so->off < so->buf->len) {
		engine_schedule_at(so->k->engine, when, sosend_step_ev, so);
	} else {
		so_done_fn	 done = so->done;
		void		*arg2 = so->done_arg;

		so->psh_seq = so->snd_max;
		so->buf = NULL;
		done(arg2, when);
	}
	so_output_kick(so, when);
}

static void
sosend_step(struct socket *so, struct charge *ch)
{
	struct kernel	*k = so->k;
	uint64_t	 resid = so->buf->len - so->off;
	uint64_t	 inbuf = so->sb_end - so->snd_una;
	uint64_t	 space = so->cfg.sndbuf > inbuf ? so->cfg.sndbuf - inbuf : 0;

	g_assert(resid > 0 && !so->sleeping);
	/* sbwait() until at least sb_lowat (or the rest) fits. */
	if (space < MIN(resid, so->cfg.lowat)) {
		so->sleeping = TRUE;
		k->c.blocked_space++;
		charge_add(ch, CPU_SCHED, k->m.context_switch);
		kernel_step_end(k, so->cpu, ch);
		return;
	}
	if (!sosend_round(so, resid, space, ch)) {
		so->sleeping = TRUE;
		k->c.blocked_kva++;
		g_queue_push_tail(&k->pendfree->kva_waiters, so);
		charge_add(ch, CPU_SCHED, k->m.context_switch);
		kernel_step_end(k, so->cpu, ch);
		return;
	}
	kernel_defer(k, sosend_round_end, so);
	kernel_step_end(k, so->cpu, ch);
}

void
sosend(struct socket *so, struct vm_buf *buf, unsigned cpu,
    struct charge *ch, so_done_fn done, void *arg)
{
	struct so_write	*w;

	g_assert(so->buf == NULL && buf->len > 0);
	so->buf = buf;
	so->off = 0;
	so->cpu = cpu;
	so->done = done;
	so->done_arg = arg;
	so->k->c.writes++;
	so->k->c.bytes_written += buf->len;
	w = g_new(struct so_write, 1);
	w->start = engine_now(so->k->engine);
	w->end_seq = so->sb_end + buf->len;
	g_queue_push_tail(&so->writes, w);
	charge_add(ch, CPU_SYSCALL, so->k->m.syscall);
	sosend_step(so, ch);
}

/* --- TCP output, the link and ACKs ---------------------------------- */

static void	so_output_ev(struct engine *, void *);

static void
so_output_deferred(void *arg, sim_time when)
{
	so_output_kick(arg, when);
}

static void
so_output_kick(struct socket *so, sim_time when)
{
	if (so->output_pending)
		return;
	so->output_pending = TRUE;
	engine_schedule_at(so->k->engine, when, so_output_ev, so);
}

static void
so_seg_start(struct engine *e, void *arg)
{
	struct so_seg	*seg = arg;
	struct kernel	*k = seg->so->k;
	guint		 i;

	/* The NIC reads memory now: what it reads must be what the
	 * process had written when it called write(). */
	for (i = 0; i < seg->copies->len; i++) {
		struct mbuf *m = g_ptr_array_index(seg->copies, i);

		k->c.violations += m_verify(m, 0, m->len, k->m.page_size);
	}
	engine_fingerprint_add(e, 1);
}

static void	so_ack_ev(struct engine *, void *);

struct so_ack {
	struct socket	*so;
	uint64_t	 seq;
};

static void
so_seg_end(struct engine *e, void *arg)
{
	struct so_seg	*seg = arg;
	struct socket	*so = seg->so;
	struct kernel	*k = so->k;
	struct charge	 ch = { { 0 } };
	struct so_write	*w;
	sim_time	 now = engine_now(e);
	sim_time	 arrive = now + k->m.rtt / 2;
	uint64_t	 end = seg->seq + seg->len;
	guint		 i;

	/* Transmit-complete interrupt: the NIC's m_copym()s are freed. */
	charge_add(&ch, CPU_INTERRUPT, k->m.interrupt);
	for (i = 0; i < seg->copies->len; i++)
		m_free(k->mbufs, g_ptr_array_index(seg->copies, i), &ch);
	k->c.bytes_delivered += seg->len;
	while ((w = g_queue_peek_head(&so->writes)) != NULL &&
	    w->end_seq <= end) {
		histogram_add(k->latency, (double)(arrive - w->start));
		g_free(g_queue_pop_head(&so->writes));
	}
	/* Delayed ACK: every ack_every segments, and at once for the end
	 * of a write (PSH). */
	if (++so->unacked_segs >= so->cfg.ack_every || seg->psh) {
		struct so_ack *a = g_new(struct so_ack, 1);

		a->so = so;
		a->seq = end;
		so->unacked_segs = 0;
		engine_schedule_at(e, now + k->m.rtt, so_ack_ev, a);
	}
	engine_fingerprint_add(e, 2);
	g_ptr_array_free(seg->copies, TRUE);
	g_free(seg);
	kernel_step_end(k, k->net_cpu, &ch);
}

/* The driver queues the segment on the link when output is done. */
static void
so_seg_queue(void *arg, sim_time when)
{
	struct so_seg	*seg = arg;
	struct kernel	*k = seg->so->k;
	sim_time	 start = MAX(when, k->link_free_at);

	k->link_free_at = start + machine_bytes_ns(k->m.link_bw,
	    seg->len + seg->so->cfg.header_bytes);
	engine_schedule_at(k->engine, start, so_seg_start, seg);
	engine_schedule_at(k->engine, k->link_free_at, so_seg_end, seg);
}

/* m_copym() of [seq, seq+len) of the send buffer; the checksum is
 * computed over it unless offloaded or folded into the copy. */
static GPtrArray *
so_copym(struct socket *so, uint64_t seq, uint64_t len, struct charge *ch)
{
	struct kernel	*k = so->k;
	GPtrArray	*copies = g_ptr_array_new();
	GList		*l;

	for (l = so->sb.head; l != NULL && len > 0; l = l->next) {
		struct mbuf	*m = l->data;
		uint64_t	 a, b;

		if (m->seq + m->len <= seq)
			continue;
		a = seq - m->seq;
		b = MIN(m->len, a + len);
		g_ptr_array_add(copies, m_copym(k->mbufs, m, a, b - a, ch));
		if (m->ext == NULL || m->ext->type != MBUF_EXT_CLUSTER ||
		    !k->m.checksum_in_copy)
			machine_charge_cksum(&k->m, ch, b - a, TRUE);
		len -= b - a;
		seq += b - a;
	}
	g_assert(len == 0);
	return copies;
}

static void
so_output_ev(struct engine *e, void *arg)
{
	struct socket	*so = arg;
	struct kernel	*k = so->k;
	struct charge	 ch = { { 0 } };
	uint64_t	 len;
	gboolean	 sent = FALSE;

	so->output_pending = FALSE;
	while (so->snd_nxt < so->snd_max) {
		struct so_seg	*seg;

		len = MIN(so->cfg.mss, so->snd_max - so->snd_nxt);
		/* A short segment only ends a whole write (no Nagle wait). */
		if (len < so->cfg.mss && so->snd_nxt + len != so->psh_seq)
			break;
		seg = g_new0(struct so_seg, 1);
		seg->so = so;
		seg->seq = so->snd_nxt;
		seg->len = len;
		seg->psh = so->snd_nxt + len == so->psh_seq;
		charge_add(&ch, CPU_PROTOCOL, k->m.protocol_tx);
		seg->copies = so_copym(so, seg->seq, len, &ch);
		so->snd_nxt += len;
		k->c.segments++;
		kernel_defer(k, so_seg_queue, seg);
		sent = TRUE;
	}
	if (sent)
		kernel_step_end(k, k->net_cpu, &ch);
}

static void
so_ack_ev(struct engine *e, void *arg)
{
	struct so_ack	*a = arg;
	struct socket	*so = a->so;
	struct kernel	*k = so->k;
	struct charge	 ch = { { 0 } };
	struct mbuf	*m;

	charge_add(&ch, CPU_INTERRUPT, k->m.interrupt);
	charge_add(&ch, CPU_PROTOCOL, k->m.protocol_rx);
	k->c.acks++;
	g_assert(a->seq > so->snd_una && a->seq <= so->snd_nxt);
	so->snd_una = a->seq;
	/* sbdrop(): free what is wholly acknowledged. */
	while ((m = g_queue_peek_head(&so->sb)) != NULL &&
	    m->seq + m->len <= so->snd_una) {
		g_queue_pop_head(&so->sb);
		m_free(k->mbufs, m, &ch);
	}
	/* sowwakeup(): the writer sleeps until lowat fits again. */
	if (so->sleeping && so->buf != NULL && !g_queue_find(
	    &k->pendfree->kva_waiters, so)) {
		uint64_t inbuf = so->sb_end - so->snd_una;
		uint64_t resid = so->buf->len - so->off;

		if (so->cfg.sndbuf - inbuf >= MIN(resid, so->cfg.lowat))
			so_wakeup(so, &ch);
	}
	kernel_defer(k, so_output_deferred, so);
	engine_fingerprint_add(e, 3);
	g_free(a);
	kernel_step_end(k, k->net_cpu, &ch);
}
