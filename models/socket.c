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
 * TCP is reduced to what decides a loan's lifetime.  The sender
 * (tcp_output.c) sends MSS-sized segments, each an m_copym() of the send
 * buffer serialised on the link; a shorter one only under the Nagle rule:
 * when nothing sent is unacknowledged (or TCP_NODELAY) and no more of
 * the write is coming (SS_MORETOCOME, set by sosend() around each
 * pr_send of one mbuf), or with the FIN that close() adds.  The receiver
 * (tcp_input.c, TCP_SETUP_ACK) ACKs every second segment (ack_every), a
 * FIN at once, a PUSH at once if tcp_ack_on_push, and anything else when
 * its delayed-ACK timer (tcp_delack_ticks) fires; an ACK reaches the
 * sender half a round trip after the receiver sends it, and acknowledged
 * data is dropped from the send buffer (sbdrop).  When unsent data is
 * held with nothing in flight, the persist timer forces it out.  There
 * is no loss and no congestion window: the send buffer is the window. */
#include "models/socket.h"

#include <string.h>

#include "sim/error.h"
#include "sim/slab.h"

/* A first-in first-out queue of structs whose first member is their
 * link (struct mbuf's m_next, the others' next): nothing to allocate. */
struct so_fifo {
	void	*head;
	void	*tail;
};

static inline void
so_fifo_push(struct so_fifo *q, void *x)
{
	*(void **)x = NULL;
	if (q->tail != NULL)
		*(void **)q->tail = x;
	else
		q->head = x;
	q->tail = x;
}

static inline void *
so_fifo_pop(struct so_fifo *q)
{
	void	*x = q->head;

	if (x != NULL && (q->head = *(void **)x) == NULL)
		q->tail = NULL;
	return x;
}

struct so_write {
	struct so_write	*next;
	sim_time	 start;
	uint64_t	 end_seq;
};

struct so_seg {
	struct so_seg	*next;		/* on the link */
	struct socket	*so;
	uint64_t	 seq;
	uint64_t	 len;
	gboolean	 psh;		/* empties the send buffer */
	gboolean	 fin;
	struct mbuf	*copies;	/* m_copym()s of the send buffer,
					   chained by m_next */
};

/* One pr_send() of sosend: tcp_output() with the data up to 'limit' in
 * the send buffer, SS_MORETOCOME set if 'more' of the write follows. */
struct so_prsend {
	uint64_t	limit;
	gboolean	more;
};

struct so_ack {
	struct so_ack	*next;
	struct socket	*so;
	uint64_t	 seq;
	gboolean	 fin;
};

struct socket {
	struct kernel		*k;
	struct so_config	 cfg;
	so_release_fn		 release;
	void			*release_arg;

	struct so_fifo		 sb;		/* struct mbuf, by seq */
	struct mbuf		*sb_sndptr;	/* the first not sent whole
						   (FreeBSD's sb_sndptr) */
	uint64_t		 sb_end;	/* accepted by sosend so far */
	uint64_t		 snd_una;
	uint64_t		 snd_nxt;
	uint64_t		 snd_max;	/* appended to sb */
	struct so_fifo		 writes;	/* struct so_write: latency */
	gboolean		 output_pending;
	GArray			*prsend;	/* struct so_prsend, to run */
	gboolean		 output_plain;	/* an ACK or close() calls */
	engine_event_id		 persist;	/* TCPT_PERSIST armed */
	gboolean		 closing;	/* close() called: FIN to send */
	gboolean		 fin_sent;
	gboolean		 fin_acked;
	struct so_fifo		 inflight;	/* struct so_seg, on the link */
	struct so_fifo		 acks;		/* struct so_ack, in flight */
	struct slab		 segs;		/* their storage */
	struct slab		 ackmem;
	struct slab		 writemem;

	/* The receiving end. */
	uint64_t		 rcv_nxt;
	unsigned		 rcv_unacked;	/* segments not ACKed yet */
	engine_event_id		 delack;	/* its delayed-ACK timer */

	/* The write in progress. */
	struct vm_buf		*buf;
	uint64_t		 len;		/* of the write, from the buffer's start */
	uint64_t		 off;
	unsigned		 cpu;
	so_done_fn		 done;
	void			*done_arg;
	struct so_fifo		 pending;	/* mbufs built by this step */
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
static void	so_output_deferred(void *, sim_time);
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
	c->delack = params_time(p, "socket.delack");
	c->ack_on_push = params_bool(p, "socket.ack_on_push");
	c->nodelay = params_bool(p, "socket.nodelay");
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
	if (pf == NULL)
		return;
	/* Every socket_free() returned what it had queued. */
	g_assert(g_queue_is_empty(&pf->queue));
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
	slab_init(&so->segs, sizeof(struct so_seg));
	slab_init(&so->ackmem, sizeof(struct so_ack));
	slab_init(&so->writemem, sizeof(struct so_write));
	so->prsend = g_array_new(FALSE, FALSE, sizeof(struct so_prsend));
	sopendfree_get(k, cfg->somaxkva);
	return so;
}

static void	so_seg_free(struct so_seg *, struct charge *);
static void	sodopendfree(struct sopendfree *, struct charge *);

void
socket_free(struct socket *so)
{
	struct charge	 ch = { { 0 } };
	struct so_seg	*seg;
	struct mbuf	*m;
	void		*x;

	if (so == NULL)
		return;
	so->release = NULL;	/* nobody is woken at teardown */
	/* All empty after a finished run; not when a limit cut it short:
	 * segments still on the link drop their m_copym()s, the send buffer
	 * and the mbufs of an unfinished round are freed (loaned storage
	 * goes to so_pendfree), ACKs in flight are dropped. */
	while ((seg = so_fifo_pop(&so->inflight)) != NULL)
		so_seg_free(seg, &ch);
	while ((m = so_fifo_pop(&so->sb)) != NULL)
		m_free(so->k->mbufs, m, &ch);
	while ((m = so_fifo_pop(&so->pending)) != NULL)
		m_free(so->k->mbufs, m, &ch);
	/* What that queued on so_pendfree (this socket's, and any other's
	 * not yet returned) is returned now, as sopendfree would. */
	sodopendfree(so->k->pendfree, &ch);
	g_queue_remove(&so->k->pendfree->kva_waiters, so);
	so->k->ndeferred = 0;
	while ((x = so_fifo_pop(&so->acks)) != NULL)
		slab_free(&so->ackmem, x);
	while ((x = so_fifo_pop(&so->writes)) != NULL)
		slab_free(&so->writemem, x);
	slab_clear(&so->segs);
	slab_clear(&so->ackmem);
	slab_clear(&so->writemem);
	g_array_free(so->prsend, TRUE);
	g_free(so);
}

gboolean
socket_idle(const struct socket *so)
{
	return so->buf == NULL && so->sb.head == NULL &&
	    so->snd_una == so->sb_end && (!so->closing || so->fin_acked);
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

/* sodopendfree(): for everything queued, pmap_kremove(); pmap_update();
 * uvm_unloan(..., UVM_LOAN_TOPAGE); uvm_km_free() of its address space;
 * its buffer's owner is told when the last storage of it comes back. */
static void
sodopendfree(struct sopendfree *pf, struct charge *ch)
{
	struct kernel	*k = pf->k;
	struct so_loan	*l;

	while ((l = g_queue_pop_head(&pf->queue)) != NULL) {
		struct vm_tlb	tlb = { 0, 0, 0 };
		unsigned	i;

		for (i = 0; i < l->ext->npages; i++)
			vm_kremove(k->vm, l->ext->pages[i], k->kthread_cpu,
			    &tlb, ch);
		vm_tlb_flush(k->vm, &tlb, k->kthread_cpu, ch);
		for (i = 0; i < l->ext->npages; i++)
			vm_unloan(k->vm, l->ext->pages[i], ch);
		g_assert(pf->kva_used >= l->ext->npages * k->m.page_size);
		pf->kva_used -= l->ext->npages * k->m.page_size;
		so_buf_unbusy(l->so, l->ext, ch);
		m_ext_destroy(l->ext);
		g_free(l);
	}
}

static void
sopendfree_run(struct engine *e, void *arg)
{
	struct sopendfree	*pf = arg;
	struct kernel		*k = pf->k;
	struct charge		 ch = { { 0 } };
	struct socket		*w;

	pf->scheduled = FALSE;
	charge_add(&ch, CPU_SCHED, k->m.context_switch);
	sodopendfree(pf, &ch);
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
 * MINCLSIZE, by the cache rule (machine_move_ns()): from the user's
 * buffer or file pages, in the cache or not, into mbuf storage, which
 * the pool recycles and so stays in the cache whatever the size of the
 * write, unless the send buffers themselves outgrow it (hot_copy:
 * model_clusters_hot() in models/model.c). */
static void
sosend_copy(struct socket *so, uint64_t n, struct charge *ch)
{
	struct kernel	*k = so->k;
	struct mbuf	*m;
	uint64_t	 c;

	k->c.bytes_copied += n;
	if (n < so->cfg.minclsize) {
		m = m_get(k->mbufs, ch);
		machine_charge_move(&k->m, ch, n, so->cfg.hot_source,
		    so->cfg.hot_copy);
		m->len = n;
		so_fifo_push(&so->pending, m);
		return;
	}
	while (n > 0) {
		c = MIN(n, so->cfg.cluster_size);
		m = m_get(k->mbufs, ch);
		m_clget(k->mbufs, m, so->cfg.cluster_size, ch);
		machine_charge_move(&k->m, ch, c, so->cfg.hot_source,
		    so->cfg.hot_copy);
		m->len = c;
		so_fifo_push(&so->pending, m);
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
	so_fifo_push(&so->pending, m);
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
			 * chunk are loaned whole, head and tail included.
			 * Cut where they would not fit in somaxkva at all:
			 * sokvareserve() would sleep for ever. */
			n = MIN(MIN(resid, space), so->cfg.loan_chunk);
			if ((pos % ps + n + ps - 1) / ps * ps > pf->somaxkva)
				n = pf->somaxkva / ps * ps - pos % ps;
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
	gboolean	 more = so->off < so->len;
	struct mbuf	*m;

	/* NetBSD's sosend() hands TCP one mbuf per pr_send(), with
	 * SS_MORETOCOME set while more of the write follows. */
	while ((m = so_fifo_pop(&so->pending)) != NULL) {
		struct so_prsend p;

		m->seq = so->snd_max;
		so->snd_max += m->len;
		p.more = more || so->pending.head != NULL;
		so_fifo_push(&so->sb, m);
		if (so->sb_sndptr == NULL)
			so->sb_sndptr = m;
		p.limit = so->snd_max;
		g_array_append_val(so->prsend, p);
	}
	if (more) {
		engine_schedule_at(so->k->engine, when, sosend_step_ev, so);
	} else {
		so_done_fn	 done = so->done;
		void		*arg2 = so->done_arg;

		so->buf = NULL;
		done(arg2, when);
	}
	so_output_kick(so, when);
}

static void
sosend_step(struct socket *so, struct charge *ch)
{
	struct kernel	*k = so->k;
	uint64_t	 resid = so->len - so->off;
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
sosend(struct socket *so, struct vm_buf *buf, uint64_t len, unsigned cpu,
    struct charge *ch, so_done_fn done, void *arg)
{
	struct so_write	*w;

	g_assert(so->buf == NULL && len > 0 && len <= buf->len);
	so->buf = buf;
	so->len = len;
	so->off = 0;
	so->cpu = cpu;
	so->done = done;
	so->done_arg = arg;
	so->k->c.writes++;
	so->k->c.bytes_written += len;
	w = slab_alloc0(&so->writemem);
	w->start = engine_now(so->k->engine);
	w->end_seq = so->sb_end + len;
	so_fifo_push(&so->writes, w);
	charge_add(ch, CPU_SYSCALL, so->k->m.syscall);
	sosend_step(so, ch);
}

/* soclose() -> tcp_usrclosed(): the FIN goes out after the data;
 * close() returns at once (no linger). */
void
soclose(struct socket *so, struct charge *ch)
{
	g_assert(so->buf == NULL && !so->closing);
	charge_add(ch, CPU_SYSCALL, so->k->m.syscall);
	so->closing = TRUE;
	so->output_plain = TRUE;
	kernel_defer(so->k, so_output_deferred, so);
}

/* --- TCP output, the link and ACKs ---------------------------------- */

static void	so_output_ev(struct engine *, void *);

/* tcp_output() from an ACK or close(): no write is in pr_send. */
static void
so_output_deferred(void *arg, sim_time when)
{
	struct socket	*so = arg;

	so->output_plain = TRUE;
	so_output_kick(so, when);
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
so_seg_free(struct so_seg *seg, struct charge *ch)
{
	struct mbuf	*m, *next;

	for (m = seg->copies; m != NULL; m = next) {
		next = m->m_next;
		m_free(seg->so->k->mbufs, m, ch);
	}
	slab_free(&seg->so->segs, seg);
}

static void
so_seg_start(struct engine *e, void *arg)
{
	struct so_seg	*seg = arg;
	struct kernel	*k = seg->so->k;
	const struct mbuf *m;

	/* The NIC reads memory now: what it reads must be what the
	 * process had written when it called write(). */
	for (m = seg->copies; m != NULL; m = m->m_next)
		k->c.violations += m_verify(m, 0, m->len, k->m.page_size);
	engine_fingerprint_add(e, 1);
}

static void	so_ack_ev(struct engine *, void *);

/* The receiver sends an ACK of everything up to seq; it reaches the
 * sender one RTT after the data left (half there, half back). */
static void
so_ack_send(struct socket *so, uint64_t seq, gboolean fin, sim_time when)
{
	struct so_ack	*a = slab_alloc0(&so->ackmem);

	a->so = so;
	a->seq = seq;
	a->fin = fin;
	so->rcv_unacked = 0;
	if (so->delack != 0) {
		engine_cancel(so->k->engine, so->delack);
		so->delack = 0;
	}
	/* ACKs go back in the order they are sent: the queue's head is
	 * the next to arrive. */
	so_fifo_push(&so->acks, a);
	engine_schedule_at(so->k->engine, when, so_ack_ev, so);
}

/* tcp_delack(): the receiver's delayed-ACK timer.  Times here are the
 * sender's: the receiver sees a segment half an RTT after its end left
 * the link, so the timer, armed then for delack, is due delack after
 * that end, and its ACK arrives one RTT later. */
static void
so_delack_ev(struct engine *e, void *arg)
{
	struct socket	*so = arg;

	so->delack = 0;
	so_ack_send(so, so->rcv_nxt, FALSE, engine_now(e) + so->k->m.rtt);
}

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

	g_assert(so->inflight.head == seg);
	so_fifo_pop(&so->inflight);
	/* Transmit-complete interrupt: the NIC's m_copym()s are freed. */
	charge_add(&ch, CPU_INTERRUPT, k->m.interrupt);
	k->c.bytes_delivered += seg->len;
	while ((w = so->writes.head) != NULL && w->end_seq <= end) {
		histogram_add(k->latency, (double)(arrive - w->start));
		slab_free(&so->writemem, so_fifo_pop(&so->writes));
	}
	/* The receiver: TCP_SETUP_ACK ACKs at once every ack_every-th
	 * segment (a delayed ACK pending: "must send an ACK every two
	 * segments") and a PUSH if tcp_ack_on_push; a FIN at once
	 * ("If FIN is received ACK the FIN"); otherwise TCP_SET_DELACK. */
	so->rcv_nxt = end;
	if (++so->rcv_unacked >= so->cfg.ack_every || seg->fin ||
	    (seg->psh && so->cfg.ack_on_push))
		so_ack_send(so, end, seg->fin, now + k->m.rtt);
	else if (so->delack == 0)
		so->delack = engine_schedule_at(e, now + so->cfg.delack,
		    so_delack_ev, so);
	engine_fingerprint_add(e, 2);
	so_seg_free(seg, &ch);
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
 * computed over it unless offloaded or folded into the copy.  It reads
 * copied bytes where the copy left them, in the recycled clusters
 * (hot_copy), and the user's pages from the cache only if they are there
 * (a buffer the process filled that fits, or a small file).  Where the
 * data is follows the data, not the CPU the model charges the pass to:
 * BSD's tcp_output() runs from sosend() (PRU_SEND) on the writer's CPU
 * right after the copy; the model puts all protocol time on CPU N-1. */
/* The copies start at snd_nxt, in the mbuf sb_sndptr keeps track of, as
 * FreeBSD's sbsndptr() does, rather than by a walk from the head of the
 * send buffer. */
static struct mbuf *
so_copym(struct socket *so, uint64_t seq, uint64_t len, struct charge *ch)
{
	struct kernel	*k = so->k;
	struct so_fifo	 copies = { NULL, NULL };
	struct mbuf	*m;

	g_assert(seq == so->snd_nxt);
	for (m = so->sb_sndptr; m != NULL && len > 0; m = m->m_next) {
		uint64_t	 a, b;
		gboolean	 copied;

		g_assert(m->seq <= seq && m->seq + m->len > seq);
		a = seq - m->seq;
		b = MIN(m->len, a + len);
		so_fifo_push(&copies, m_copym(k->mbufs, m, a, b - a, ch));
		copied = m->ext == NULL || m->ext->type == MBUF_EXT_CLUSTER;
		if (!copied)
			machine_charge_cksum(&k->m, ch, b - a,
			    so->cfg.hot_source);
		else if (!k->m.checksum_in_copy)
			machine_charge_cksum(&k->m, ch, b - a,
			    so->cfg.hot_copy);
		len -= b - a;
		seq += b - a;
	}
	g_assert(len == 0);
	/* The first mbuf not sent whole from here on. */
	while (so->sb_sndptr != NULL &&
	    so->sb_sndptr->seq + so->sb_sndptr->len <= seq)
		so->sb_sndptr = so->sb_sndptr->m_next;
	return copies.head;
}

/* One segment of [snd_nxt, snd_nxt+len), onto the link when the output
 * step is over. */
static void
so_send_seg(struct socket *so, uint64_t len, gboolean psh, gboolean fin,
    struct charge *ch)
{
	struct kernel	*k = so->k;
	struct so_seg	*seg = slab_alloc0(&so->segs);

	seg->so = so;
	seg->seq = so->snd_nxt;
	seg->len = len;
	seg->psh = psh;
	seg->fin = fin;
	charge_add(ch, CPU_PROTOCOL, k->m.protocol_tx);
	seg->copies = so_copym(so, seg->seq, len, ch);
	so->snd_nxt += len;
	so->fin_sent |= fin;
	k->c.segments++;
	so_fifo_push(&so->inflight, seg);
	kernel_defer(k, so_seg_queue, seg);
}

/* tcp_output() with the data up to limit in the send buffer.  Returns
 * whether it sent anything. */
static gboolean
so_tcp_output(struct socket *so, uint64_t limit, gboolean more,
    gboolean force, struct charge *ch)
{
	/* "idle" is taken once, before the loop (tcp_output.c). */
	gboolean	idle = so->snd_una == so->snd_nxt;
	gboolean	sent = FALSE;

	while (so->snd_nxt < limit) {
		uint64_t	len = MIN(so->cfg.mss, limit - so->snd_nxt);
		gboolean	last = so->snd_nxt + len == so->snd_max;
		gboolean	fin = so->closing && last;

		/* Sender silly window avoidance (Nagle): a short segment
		 * only if idle or TF_NODELAY and nothing more is coming
		 * (SS_MORETOCOME), or with the FIN, or when forced by the
		 * persist timer. */
		if (len < so->cfg.mss && !fin && !force &&
		    (more || !(idle || so->cfg.nodelay)))
			break;
		/* "If we're sending everything we've got, set PUSH." */
		so_send_seg(so, len, so->snd_nxt + len == limit, fin, ch);
		sent = TRUE;
	}
	/* A FIN with no data left to carry it goes alone. */
	if (so->closing && !so->fin_sent && so->snd_nxt == so->snd_max) {
		so_send_seg(so, 0, FALSE, TRUE, ch);
		sent = TRUE;
	}
	return sent;
}

static void	so_persist_ev(struct engine *, void *);

/* TCPT_PERSIST: held data with nothing in flight (no retransmit timer)
 * is forced out when the timer fires (tcp_setpersist(): at least
 * TCPTV_PERSMIN, 5 s).  It only fires in corners where nothing else
 * will call tcp_output(), e.g. a writer asleep for loan address space. */
#define SO_PERSMIN	((sim_time)5000000000)

static void
so_persist_check(struct socket *so)
{
	gboolean held = so->snd_nxt < so->snd_max &&
	    so->snd_una == so->snd_nxt;

	if (held && so->persist == 0)
		so->persist = engine_schedule(so->k->engine, SO_PERSMIN,
		    so_persist_ev, so);
	else if (!held && so->persist != 0) {
		engine_cancel(so->k->engine, so->persist);
		so->persist = 0;
	}
}

static void
so_output_ev(struct engine *e, void *arg)
{
	struct socket	*so = arg;
	struct kernel	*k = so->k;
	struct charge	 ch = { { 0 } };
	gboolean	 sent = FALSE;
	guint		 i;

	so->output_pending = FALSE;
	for (i = 0; i < so->prsend->len; i++) {
		struct so_prsend p = g_array_index(so->prsend,
		    struct so_prsend, i);

		sent |= so_tcp_output(so, p.limit, p.more, FALSE, &ch);
	}
	g_array_set_size(so->prsend, 0);
	if (so->output_plain) {
		so->output_plain = FALSE;
		sent |= so_tcp_output(so, so->snd_max, FALSE, FALSE, &ch);
	}
	so_persist_check(so);
	if (sent)
		kernel_step_end(k, k->net_cpu, &ch);
}

static void
so_persist_ev(struct engine *e, void *arg)
{
	struct socket	*so = arg;
	struct charge	 ch = { { 0 } };

	so->persist = 0;
	if (so_tcp_output(so, so->snd_max, FALSE, TRUE, &ch))
		kernel_step_end(so->k, so->k->net_cpu, &ch);
	so_persist_check(so);
}

static void
so_ack_ev(struct engine *e, void *arg)
{
	struct socket	*so = arg;
	struct so_ack	*a = so_fifo_pop(&so->acks);
	struct kernel	*k = so->k;
	struct charge	 ch = { { 0 } };
	struct mbuf	*m;

	g_assert(a != NULL && a->so == so);
	charge_add(&ch, CPU_INTERRUPT, k->m.interrupt);
	charge_add(&ch, CPU_PROTOCOL, k->m.protocol_rx);
	k->c.acks++;
	g_assert(a->seq >= so->snd_una && a->seq <= so->snd_nxt);
	so->snd_una = a->seq;
	so->fin_acked |= a->fin;
	/* sbdrop(): free what is wholly acknowledged. */
	while ((m = so->sb.head) != NULL && m->seq + m->len <= so->snd_una) {
		so_fifo_pop(&so->sb);
		g_assert(m != so->sb_sndptr);
		m_free(k->mbufs, m, &ch);
	}
	/* sowwakeup(): the writer sleeps until lowat fits again. */
	if (so->sleeping && so->buf != NULL && !g_queue_find(
	    &k->pendfree->kva_waiters, so)) {
		uint64_t inbuf = so->sb_end - so->snd_una;
		uint64_t resid = so->len - so->off;

		if (so->cfg.sndbuf - inbuf >= MIN(resid, so->cfg.lowat))
			so_wakeup(so, &ch);
	}
	kernel_defer(k, so_output_deferred, so);
	engine_fingerprint_add(e, 3);
	slab_free(&so->ackmem, a);
	kernel_step_end(k, k->net_cpu, &ch);
}

const struct kernel_event_name so_event_names[] = {
	KERNEL_EVENT(sosend_resume), KERNEL_EVENT(sopendfree_run),
	KERNEL_EVENT(sosend_step_ev), KERNEL_EVENT(so_seg_start),
	KERNEL_EVENT(so_delack_ev), KERNEL_EVENT(so_seg_end),
	KERNEL_EVENT(so_output_ev), KERNEL_EVENT(so_persist_ev),
	KERNEL_EVENT(so_ack_ev)
};
const size_t so_event_name_count = G_N_ELEMENTS(so_event_names);
