/* Pipes (M8), after NetBSD's sys/kern/sys_pipe.c of 2002 (rev. 1.4.2.11
 * of 2002-04-01, trunk's code with FreeBSD's 1.95 merged; NetBSD 1.6 was
 * branched from that trunk) and sys/sys/pipe.h.
 *
 * The writer runs on CPU 0, the reader on CPU 1 when there is one.  Each
 * step of a process (its own work, or one pass of read() or write() up to
 * a sleep or a return) occupies its CPU; a wakeup() takes effect when the
 * waker's step ends, as the woken process can run only once the waker has
 * left the kernel path that woke it.
 *
 *   copy      the writer copies into the buffer, the reader copies out:
 *             two copies (PIPE_NODIRECT).
 *   loan      pipe_direct_write() for writes of at least pipe.mindirect
 *             (PIPE_MINDIRECT, 8192): once the buffer has drained, the
 *             writer's pages are loaned read-only and entered into kernel
 *             space, the writer sleeps until the reader has copied them
 *             out, then unmaps and unloans them itself: one copy.
 *   exchange  the loaned pages replace the reader's buffer pages (no
 *             copy); the writer does not wait.  The reader keeps them until
 *             its next read replaces them, so a writer that writes into a
 *             page still on loan breaks the loan (fault, copy).  Laight's
 *             proposal, not BSD.
 *   gift      Linux's vmsplice(SPLICE_F_GIFT) (fs/splice.c,
 *             fs/pipe.c): the writer's pages are referenced into the
 *             pipe's ring of slots (pipe.slots, PIPE_DEF_BUFFERS = 16,
 *             a page each), nothing copied and nothing protected, and
 *             write() returns: the writer waits for the reader only when
 *             every slot is taken.  The reader's read() maps the pages in
 *             place of its own, as exchange does (pipe.gift_read = map),
 *             or copies out of them and drops the references, as
 *             Linux's pipe_read() does (copy).  A writer that refills a
 *             page the reader has not finished with (still in a slot, or
 *             mapped) changes what the reader sees: violations.
 *
 * The writer produces each message in its buffers (N of them, used in
 * turn: with three, the reader has released a page before the writer
 * refills it, Laight's triple buffering) at pipe.writer_rate, write()s
 * it, and thinks for pipe.writer_gap; the reader read()s until it has the
 * whole message (read() returns short when the buffer runs dry), works
 * through it at pipe.reader_rate, and thinks for pipe.reader_gap.  The
 * gaps are drawn from the streams "pipe.writer" and "pipe.reader". */
#include "models/pipe.h"

#include <math.h>
#include <string.h>

#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "models/kernel.h"
#include "models/machine.h"
#include "models/vm.h"

/* sys/sys/pipe.h */
#define PIPE_SIZE		16384
#define BIG_PIPE_SIZE		(4 * PIPE_SIZE)
#define PIPE_DIRECT_CHUNK	(1024 * 1024)
/* sys_pipe.c: the reader wakes a blocked writer once the buffer holds
 * less than this ("write blocking hysteresis"). */
#define MINPIPESIZE		(PIPE_SIZE / 3)
/* PIPE_BUF of NetBSD's sys/syslimits.h: writes of at most this many
 * bytes are atomic (the host's <limits.h> has its own PIPE_BUF). */
#define PIPE_ATOMIC		512
/* Linux fs/splice.c iter_to_pipe(): "struct page *pages[16]", the pages
 * it references at a time. */
#define ITER_TO_PIPE_PAGES	16

/* engine_fingerprint_add() kinds of the pipe's events. */
enum pipe_event {
	PIPE_EV_PRODUCE = 9,
	PIPE_EV_WRITE,
	PIPE_EV_WRITER_WOKEN,
	PIPE_EV_READ,
	PIPE_EV_READER_WOKEN,
	PIPE_EV_WORK,
	PIPE_EV_READ_DONE
};

enum pipe_mode { PIPE_COPY, PIPE_LOAN, PIPE_EXCHANGE, PIPE_GIFT };
enum pipe_proc { PIPE_NOBODY, PIPE_WRITER, PIPE_READER };
enum pipe_next { PIPE_RUNS, PIPE_BLOCKS, PIPE_EXITS };

struct pipe {
	struct kernel	*k;
	enum pipe_mode	 mode;
	uint64_t	 size;		/* per message */
	uint64_t	 msgs;
	unsigned	 nbufs;
	uint64_t	 mindirect;
	double		 wrate, rrate;
	gboolean	 fill;		/* the writer writes its buffer */
	gboolean	 user_hot;	/* a message fits in the cache */
	gboolean	 gift_copy;	/* gift: the reader copies out */
	gboolean	 lock_spin;	/* pipe.lock = spin (Linux's mutex) */
	struct dist	*wgap, *rgap;
	struct rng	 wrng, rrng;
	unsigned	 wcpu, rcpu;
	gboolean	 woke;		/* this step woke the other side */
	int		 owner;		/* one CPU: whose it is (pipe_proc) */
	int		 lock_owner;	/* pipelock(): who has it, */
	sim_time	 lock_until;	/* till when (the end of its step) */
	gboolean	 locked;	/* this step has taken it */
	engine_fn	 parked[3];	/* one CPU: a step waiting for it */
	struct pipe_proc_next {
		struct pipe	*pp;
		engine_fn	 fn;
	}		 next[3];	/* the step after this one */
	gboolean	 away[3];	/* switched away, per pipe_proc */
	struct vm_map	 wmap, rmap;
	struct vm_buf	**wbufs;
	struct vm_buf	*rbuf;

	/* struct pipebuf */
	uint64_t	 bufsize;
	uint64_t	 cnt, in, out;

	/* Linux's ring of struct pipe_buffer (struct pipe_inode_info:
	 * bufs, head, tail; max_usage = nslots): the gifts, a page (or a
	 * part of one) a slot, in the order given. */
	struct pipe_slot {
		struct vm_page	*page;
		uint64_t	 version;	/* its content at vmsplice() */
		uint64_t	 len;		/* its bytes (buf->len) */
	}		*slots;
	unsigned	 nslots;
	uint64_t	 head, tail;	/* slots used: head - tail */

	/* struct pipemapping: the direct write under way (PIPE_DIRECTW) */
	gboolean	 directw;
	uint64_t	 map_cnt;	/* bytes the reader has not taken */
	unsigned	 map_first;	/* its pages in the message */
	unsigned	 map_npages;
	struct vm_page	**map_pages;	/* the pages lent (the writer's buffer
					   may hold copies by the time the
					   reader comes) */
	uint64_t	*map_version;	/* their content at write() */

	/* The writer. */
	uint64_t	 written;	/* messages whose write() returned */
	uint64_t	 wresid;	/* bytes of this write() still to go */
	gboolean	 wgrow;		/* the resize check is still to come */
	gboolean	 wgift;		/* this write() is a vmsplice() */
	gboolean	 wsleep;
	sim_time	 wthink;	/* after this write() */
	gboolean	 wunloan;	/* asleep in "pipdwt": unloan when woken */
	GArray		*wstart;	/* write() start times, not yet read */
	guint		 wstart_head;

	/* The reader. */
	uint64_t	 consumed;	/* messages read and worked through */
	uint64_t	 rpos;		/* bytes of this message read */
	uint64_t	 nread;		/* bytes this read() has returned */
	gboolean	 rsleep;
	sim_time	 rthink;	/* after this message */
	uint64_t	*rseen;		/* per reader page: version handed */

	struct pipe_counts c;
};

gboolean
pipe_strategy_valid(const char *s, GError **error)
{
	if (strcmp(s, "copy") == 0 || strcmp(s, "loan") == 0 ||
	    strcmp(s, "exchange") == 0 || strcmp(s, "gift") == 0)
		return TRUE;
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
	    "unknown strategy \"%s\" for workload kind pipe (expected copy, "
	    "loan, exchange or gift)", s);
	return FALSE;
}

static void	pipe_produce(struct engine *, void *);
static void	pipe_write(struct engine *, void *);
static void	pipe_writer_woken(struct engine *, void *);
static void	pipe_read(struct engine *, void *);
static void	pipe_reader_woken(struct engine *, void *);
static void	pipe_work(struct engine *, void *);
static void	pipe_read_done(struct engine *, void *);

/* After a write() returns (after working through a message), the
 * writer (the reader) thinks for a time drawn from its gap, unless that
 * was its last message; it blocks if the time is not zero. */
static enum pipe_next
pipe_think(struct pipe *pp, int me)
{
	gboolean	 w = me == PIPE_WRITER;
	uint64_t	 done = w ? pp->written : pp->consumed;
	sim_time	*t = w ? &pp->wthink : &pp->rthink;
	double		 x;

	if (done + 1 == pp->msgs)
		return PIPE_EXITS;
	x = dist_sample(w ? pp->wgap : pp->rgap, w ? &pp->wrng : &pp->rrng);
	*t = x <= 0 ? 0 : units_round(x);
	return *t > 0 ? PIPE_BLOCKS : PIPE_RUNS;
}

static void
pipe_switch(struct pipe *pp, struct charge *ch)
{
	pp->c.switches++;
	charge_add(ch, CPU_SCHED, pp->k->m.context_switch);
}

/* The next event of a process is step, when the current step ends. */
static void
pipe_next_at(void *arg, sim_time when)
{
	struct pipe_proc_next	*n = arg;
	engine_fn		 fn = n->fn;

	n->fn = NULL;
	engine_schedule_at(n->pp->k->engine, when, fn, n->pp);
}

static void
pipe_then(struct pipe *pp, int who, engine_fn step)
{
	g_assert(pp->next[who].fn == NULL);
	pp->next[who].fn = step;
	kernel_defer(pp->k, pipe_next_at, &pp->next[who]);
}

/* The start of a step of one process.  With a CPU each, it runs.  On one
 * CPU, as under 4.4BSD's scheduler, a process keeps the CPU until it
 * blocks or a process it woke takes the CPU from it; meanwhile the other
 * one waits (its step is parked: FALSE).  A process that was switched
 * away is switched back in, a context switch charged to this step. */
static gboolean
pipe_cpu_take(struct pipe *pp, int me, engine_fn step, struct charge *ch)
{
	if (pp->wcpu == pp->rcpu) {
		if (pp->owner != PIPE_NOBODY && pp->owner != me) {
			g_assert(pp->parked[me] == NULL);
			pp->parked[me] = step;
			return FALSE;
		}
		pp->owner = me;
	}
	if (pp->away[me]) {
		pp->away[me] = FALSE;
		pipe_switch(pp, ch);
	}
	return TRUE;
}

/* The end of a step of process me, which then runs on (PIPE_RUNS),
 * blocks (sleeps in the pipe or thinks: PIPE_BLOCKS) or is done
 * (PIPE_EXITS).  As every sleep in loansim, a block costs a context
 * switch away now and one back in when the process runs again.  On one
 * CPU a process that woke the other is switched away too: the woken one,
 * which slept at kernel priority, takes the CPU when the waker returns
 * to user mode (wakeup() -> need_resched()). */
static void
pipe_step_end(struct pipe *pp, int me, enum pipe_next next,
    struct charge *ch)
{
	int		other = me == PIPE_WRITER ? PIPE_READER : PIPE_WRITER;
	gboolean	one = pp->wcpu == pp->rcpu;
	sim_time	end, away = 0;

	if (next == PIPE_BLOCKS || (one && pp->woke && next == PIPE_RUNS)) {
		pp->away[me] = TRUE;
		pipe_switch(pp, ch);
		away = pp->k->m.context_switch;
	}
	if (one && (next != PIPE_RUNS || pp->woke)) {
		pp->owner = next == PIPE_RUNS ? other : PIPE_NOBODY;
		if (pp->parked[other] != NULL) {
			pipe_then(pp, other, pp->parked[other]);
			pp->parked[other] = NULL;
		}
	}
	pp->woke = FALSE;
	end = kernel_step_end(pp->k, me == PIPE_WRITER ? pp->wcpu : pp->rcpu,
	    ch);
	if (pp->locked) {
		/* Released at the end of the step, before a switch away:
		 * pipeunlock() comes before tsleep(). */
		pp->lock_owner = me;
		pp->lock_until = end - away;
		pp->locked = FALSE;
	}
}

/* tsleep() on the pipe.  PIPE_WANTR and PIPE_WANTW are the sleeping
 * flags: a side sets its flag just before it sleeps and the waker clears
 * it. */
static void
pipe_sleep(struct pipe *pp, int me, struct charge *ch)
{
	*(me == PIPE_WRITER ? &pp->wsleep : &pp->rsleep) = TRUE;
	pp->c.sleeps++;
	pipe_step_end(pp, me, PIPE_BLOCKS, ch);
}

/* pipelock(), the pipe's long-term lock (lockmgr() in 2002): the reader
 * holds it through each pass of its read() loop, the writer while it
 * resizes the buffer, copies into it, or undoes a direct write.  Here a
 * step that takes it holds it to its end.  Held by the other side,
 * lockmgr() sleeps until it is released (the release's wakeup() is
 * charged to the sleeper's step): FALSE, the step has ended.
 *
 * pipe.lock = spin: Linux's pipe->mutex (fs/pipe.c pipe_lock ->
 * mutex_lock), whose waiter spins while the owner runs on a CPU
 * (kernel/locking/mutex.c mutex_optimistic_spin, mutex_spin_on_owner)
 * and sleeps only when the owner does; a holder here runs to the end of
 * its step, so the waiter spins from the moment it asks (its step's
 * start and what it has charged so far) until then: busy CPU, no switch,
 * no wakeup, and the step goes on. */
static gboolean
pipe_lock(struct pipe *pp, int me, struct charge *ch)
{
	struct engine	*e = pp->k->engine;
	sim_time	 asks = engine_now(e) + charge_total(ch);

	if (pp->lock_spin) {
		if (pp->lock_owner != me && pp->lock_until > asks) {
			pp->c.lock_spins++;
			pp->c.lock_spun += pp->lock_until - asks;
			charge_add(ch, CPU_SCHED, pp->lock_until - asks);
		}
		pp->locked = TRUE;
		return TRUE;
	}
	if (pp->lock_owner != me && pp->lock_until > engine_now(e)) {
		pp->c.sleeps++;
		pp->c.lock_waits++;
		pp->c.wakeups++;
		charge_add(ch, CPU_SCHED, pp->k->m.wakeup);
		engine_schedule_at(e, pp->lock_until, me == PIPE_WRITER ?
		    pipe_writer_woken : pipe_reader_woken, pp);
		pipe_step_end(pp, me, PIPE_BLOCKS, ch);
		return FALSE;
	}
	pp->locked = TRUE;
	return TRUE;
}

/* wakeup() of the other side if it sleeps; it runs again when the
 * current step ends. */
static void
pipe_wakeup(struct pipe *pp, int who, struct charge *ch)
{
	gboolean	*sl = who == PIPE_WRITER ? &pp->wsleep : &pp->rsleep;

	if (!*sl)
		return;
	*sl = FALSE;
	pp->c.wakeups++;
	pp->woke = TRUE;
	charge_add(ch, CPU_SCHED, pp->k->m.wakeup);
	pipe_then(pp, who, who == PIPE_WRITER ? pipe_writer_woken :
	    pipe_reader_woken);
}

/* A uiomove() of n bytes, charged by where they are (machine_move_ns(),
 * the one cache rule): the pipe's own buffer is always in the cache
 * (PIPE_SIZE to BIG_PIPE_SIZE, reused); a process's buffer is when the
 * message fits in the cache. */
static void
pipe_move(struct pipe *pp, uint64_t n, gboolean src_hot, gboolean dst_hot,
    struct charge *ch)
{
	machine_charge_move(&pp->k->m, ch, n, src_hot, dst_hot);
	pp->k->c.bytes_copied += n;
	pp->c.copies++;
	pp->c.copied += n;
}

/* A copy from one process's buffer to the other's (the direct read). */
static void
pipe_copy(struct pipe *pp, uint64_t n, struct charge *ch)
{
	pipe_move(pp, n, pp->user_hot, pp->user_hot, ch);
}

/* --- the writer ------------------------------------------------------ */

/* write() has returned: think, then produce the next message. */
static void
pipe_write_returned(void *arg, sim_time when)
{
	struct pipe	*pp = arg;

	pp->written++;
	if (pp->written < pp->msgs)
		engine_schedule_at(pp->k->engine, when + pp->wthink,
		    pipe_produce, pp);
}

/* The writer fills its next buffer.  A page still on loan faults and is
 * copied (the loan breaks); a gifted page the reader still uses is
 * simply overwritten. */
static void
pipe_produce(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	struct kernel	*k = pp->k;
	struct charge	 ch = { { 0 } };
	struct vm_buf	*b = pp->wbufs[pp->written % pp->nbufs];

	engine_fingerprint_add(e, PIPE_EV_PRODUCE);
	if (!pipe_cpu_take(pp, PIPE_WRITER, pipe_produce, &ch))
		return;
	if (pp->fill)
		vm_buf_write(k->vm, b, 0, b->len, pp->wcpu, &ch);
	charge_add(&ch, CPU_APP, machine_bytes_ns(pp->wrate, pp->size));
	pipe_then(pp, PIPE_WRITER, pipe_write);
	pipe_step_end(pp, PIPE_WRITER, PIPE_RUNS, &ch);
}

/* pipe_write(): uio_iov->iov_len >= PIPE_MINDIRECT on a blocking pipe
 * goes direct.  An exchange hands over whole pages only.  (A gift is
 * not a direct write: pipe_gift_ok().) */
static gboolean
pipe_direct_ok(const struct pipe *pp)
{
	if (pp->mode == PIPE_COPY || pp->mode == PIPE_GIFT ||
	    pp->wresid < pp->mindirect)
		return FALSE;
	return pp->mode == PIPE_LOAN || pp->wresid % pp->k->m.page_size == 0;
}

/* Whether a write() is a gift, decided for all of it.  Reading by copy
 * (Linux's path) every one is: vmsplice() takes what it is given, in
 * pages or parts of pages, and has no threshold.  Reading by map, where
 * the pages replace the reader's, whole pages of at least
 * pipe.mindirect, as for exchange; the others go through the buffer. */
static gboolean
pipe_gift_ok(const struct pipe *pp)
{
	if (pp->mode != PIPE_GIFT)
		return FALSE;
	return pp->gift_copy || (pp->size >= pp->mindirect &&
	    pp->size % pp->k->m.page_size == 0);
}

static uint64_t
pipe_slots_used(const struct pipe *pp)
{
	return pp->head - pp->tail;
}

/* Linux include/linux/pipe_fs_i.h pipe_full(): every slot taken. */
static gboolean
pipe_slots_full(const struct pipe *pp)
{
	return pipe_slots_used(pp) >= pp->nslots;
}

/* vmsplice(SPLICE_F_GIFT), Linux's fs/splice.c vmsplice_to_pipe(), up
 * to its sleep (FALSE) or until the whole write is in the pipe (TRUE).
 * With the pipe's lock held (pipe_lock), wait_for_space() sleeps while
 * every slot is taken (pipe_full -> pipe_wait_writable); iter_to_pipe()
 * then references the write's pages, ITER_TO_PIPE_PAGES at a time
 * (iov_iter_get_pages2 -> get_user_pages_fast: loan_page, the lookup
 * and the reference, a page), and add_to_pipe()s each into the next
 * slot (a struct pipe_buffer: the page, its offset and length; its
 * stores are within loan_page): nothing copied, nothing protected, no
 * wait for the reader.  Once the slots are full add_to_pipe() fails and
 * the batch's pages not taken are put back (put_page: unloan_page
 * each); vmsplice() returns what it put in, waking a sleeping reader
 * (wakeup_pipe_readers), and the caller, with more to give, calls it
 * again (bench_pipegift's loop): another system call, which sleeps in
 * wait_for_space(). */
static gboolean
pipe_vmsplice(struct pipe *pp, struct charge *ch)
{
	struct kernel	*k = pp->k;
	struct vm_buf	*b = pp->wbufs[pp->written % pp->nbufs];
	uint64_t	 ps = k->m.page_size, off;
	unsigned	 i, first, n;
	gboolean	 failed = FALSE;

	if (!pipe_lock(pp, PIPE_WRITER, ch))
		return FALSE;
	if (pipe_slots_full(pp)) {
		pipe_sleep(pp, PIPE_WRITER, ch);
		return FALSE;
	}
	pp->c.direct_writes++;
	while (pp->wresid > 0 && !failed) {
		off = pp->size - pp->wresid;
		first = (unsigned)(off / ps);
		n = MIN(ITER_TO_PIPE_PAGES, b->npages - first);
		for (i = 0; i < n; i++) {
			struct vm_page *pg = b->pages[first + i];
			struct pipe_slot *sl;

			vm_page_hold(k->vm, pg, ch);
			if (failed || pipe_slots_full(pp)) {
				vm_page_unhold(k->vm, pg, ch);
				pp->c.gift_put_back++;
				failed = TRUE;
				continue;
			}
			sl = &pp->slots[pp->head++ % pp->nslots];
			sl->page = pg;
			sl->version = pg->version;
			sl->len = MIN(ps - off % ps, pp->wresid);
			off += sl->len;
			pp->wresid -= sl->len;
			pp->c.gift_pages++;
		}
	}
	if (pp->wresid == 0)
		return TRUE;
	/* Returned short: called again, and the slots are full. */
	pipe_wakeup(pp, PIPE_READER, ch);
	charge_add(ch, CPU_SYSCALL, k->m.syscall);
	pp->c.gift_recalls++;
	pipe_sleep(pp, PIPE_WRITER, ch);
	return FALSE;
}

/* pipe_direct_write(), up to its sleep (FALSE) or its return (TRUE). */
static gboolean
pipe_direct_write(struct pipe *pp, struct charge *ch)
{
	struct kernel	*k = pp->k;
	struct vm_buf	*b = pp->wbufs[pp->written % pp->nbufs];
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 ps = k->m.page_size, off, len;
	unsigned	 i;

	if (pp->directw || pp->cnt > 0) {
		/* "pipdww": an earlier direct write is not taken yet;
		 * "pipdwc": the buffer must drain first. */
		pipe_wakeup(pp, PIPE_READER, ch);
		pipe_sleep(pp, PIPE_WRITER, ch);
		return FALSE;
	}
	/* uvm_loan(..., UVM_LOAN_TOPAGE) of at most PIPE_DIRECT_CHUNK, and
	 * pmap_kenter_pa() of each page, read-only. */
	off = pp->size - pp->wresid;
	len = MIN(pp->wresid, PIPE_DIRECT_CHUNK);
	pp->map_first = (unsigned)(off / ps);
	pp->map_npages = (unsigned)((off + len + ps - 1) / ps) - pp->map_first;
	for (i = 0; i < pp->map_npages; i++) {
		struct vm_page *pg = b->pages[pp->map_first + i];

		vm_loan(k->vm, pg, pp->wcpu, &tlb, ch);
		if (pp->mode == PIPE_LOAN)
			vm_kenter(k->vm, pg, ch);
		pp->map_pages[i] = pg;
		pp->map_version[i] = pg->version;
	}
	vm_tlb_flush(k->vm, &tlb, pp->wcpu, ch);
	pp->directw = TRUE;
	pp->map_cnt = len;
	pp->c.direct_writes++;
	pipe_wakeup(pp, PIPE_READER, ch);
	if (pp->mode == PIPE_LOAN) {
		/* "pipdwt": sleep until the reader has copied it all. */
		pp->wunloan = TRUE;
		pipe_sleep(pp, PIPE_WRITER, ch);
		return FALSE;
	}
	pp->wresid -= len;
	return TRUE;
}

/* pipe_direct_write() after "pipdwt": the writer itself unmaps the
 * pages from kernel space (pmap_kremove) and unloans them. */
static void
pipe_direct_unloan(struct pipe *pp, struct charge *ch)
{
	struct kernel	*k = pp->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	unsigned	 i;

	for (i = 0; i < pp->map_npages; i++)
		vm_kremove(k->vm, pp->map_pages[i], pp->wcpu, &tlb, ch);
	vm_tlb_flush(k->vm, &tlb, pp->wcpu, ch);
	for (i = 0; i < pp->map_npages; i++)
		vm_unloan(k->vm, pp->map_pages[i], ch);
	pp->wresid -= MIN(pp->wresid, PIPE_DIRECT_CHUNK);
	pp->wunloan = FALSE;
}

/* The buffered write of n bytes: one uiomove(), two where the buffer
 * wraps around. */
static void
pipe_copyin(struct pipe *pp, uint64_t n, struct charge *ch)
{
	uint64_t	seg = MIN(pp->bufsize - pp->in, n);

	pipe_move(pp, seg, pp->user_hot, TRUE, ch);
	if (seg < n)
		pipe_move(pp, n - seg, pp->user_hot, TRUE, ch);
	pp->in += n;
	if (pp->in >= pp->bufsize)
		pp->in = n - seg;
	pp->cnt += n;
	pp->wresid -= n;
	g_assert(pp->cnt <= pp->bufsize);
}

/* The loop of pipe_write(), from its start or from a wakeup. */
static void
pipe_write_loop(struct pipe *pp, struct charge *ch)
{
	struct kernel	*k = pp->k;
	uint64_t	 space;

	if (pp->wgift && !pipe_vmsplice(pp, ch))
		return;
	if (pp->wgrow) {
		/* "If it is advantageous to resize the pipe buffer, do so":
		 * pipespace(BIG_PIPE_SIZE) once, for a write larger than
		 * PIPE_SIZE finding the buffer empty and no direct write
		 * under way. */
		if (pp->wresid > PIPE_SIZE && pp->bufsize <= PIPE_SIZE &&
		    pp->cnt == 0 && !pp->directw) {
			if (!pipe_lock(pp, PIPE_WRITER, ch))
				return;
			pp->bufsize = BIG_PIPE_SIZE;
			pp->in = pp->out = 0;
			pp->c.grown++;
		}
		pp->wgrow = FALSE;
	}
	while (pp->wresid > 0) {
		if (pipe_direct_ok(pp)) {
			if (!pipe_direct_write(pp, ch))
				return;
			continue;
		}
		if (pp->directw) {
			/* "pipbww": no buffered write beside a direct one. */
			pipe_wakeup(pp, PIPE_READER, ch);
			pipe_sleep(pp, PIPE_WRITER, ch);
			return;
		}
		space = pp->bufsize - pp->cnt;
		if (space < pp->wresid && pp->wresid <= PIPE_ATOMIC)
			space = 0;	/* atomic */
		if (space > 0) {
			if (!pipe_lock(pp, PIPE_WRITER, ch))
				return;
			pipe_copyin(pp, MIN(space, pp->wresid), ch);
			continue;
		}
		/* Full: "If the read-side has been blocked, wake it up
		 * now", then sleep. */
		pipe_wakeup(pp, PIPE_READER, ch);
		pipe_sleep(pp, PIPE_WRITER, ch);
		return;
	}
	/* "If we have put any characters in the buffer, we wake up the
	 * reader"; vmsplice_to_pipe(): wakeup_pipe_readers(). */
	if (pp->cnt > 0 || pipe_slots_used(pp) > 0)
		pipe_wakeup(pp, PIPE_READER, ch);
	kernel_defer(k, pipe_write_returned, pp);
	pipe_step_end(pp, PIPE_WRITER, pipe_think(pp, PIPE_WRITER), ch);
}

static void
pipe_write(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	struct charge	 ch = { { 0 } };
	sim_time	 now = engine_now(e);

	engine_fingerprint_add(e, PIPE_EV_WRITE);
	if (!pipe_cpu_take(pp, PIPE_WRITER, pipe_write, &ch))
		return;
	g_array_append_val(pp->wstart, now);
	pp->c.writes++;
	charge_add(&ch, CPU_SYSCALL, pp->k->m.syscall);
	pp->wresid = pp->size;
	/* A gift leaves the buffer alone (Linux has no resize check). */
	pp->wgift = pipe_gift_ok(pp);
	pp->wgrow = !pp->wgift;
	pipe_write_loop(pp, &ch);
}

static void
pipe_writer_woken(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	struct charge	 ch = { { 0 } };

	engine_fingerprint_add(e, PIPE_EV_WRITER_WOKEN);
	if (!pipe_cpu_take(pp, PIPE_WRITER, pipe_writer_woken, &ch))
		return;
	if (pp->wunloan) {
		if (pp->directw) {
			/* Not taken yet: back to sleep. */
			pipe_sleep(pp, PIPE_WRITER, &ch);
			return;
		}
		if (!pipe_lock(pp, PIPE_WRITER, &ch))
			return;
		pipe_direct_unloan(pp, &ch);
	}
	pipe_write_loop(pp, &ch);
}

/* --- the reader ------------------------------------------------------ */

static void
pipe_copyout(struct pipe *pp, uint64_t n, struct charge *ch)
{
	pipe_move(pp, n, TRUE, pp->user_hot, ch);
	pp->out += n;
	if (pp->out >= pp->bufsize)
		pp->out = 0;
	pp->cnt -= n;
	/* "If there is no more to read in the pipe, reset its pointers
	 * to the beginning." */
	if (pp->cnt == 0)
		pp->in = pp->out = 0;
	pp->rpos += n;
	pp->nread += n;
}

/* The exchange of the reader's page j for pg, mapped read-only: the
 * old page is freed, or unloaned (unheld) if it was the last message's.
 * What the reader was sent is version, whatever pg holds now. */
static void
pipe_exchange_page(struct pipe *pp, unsigned j, struct vm_page *pg,
    uint64_t version, struct vm_tlb *tlb, struct charge *ch)
{
	struct kernel	*k = pp->k;
	struct vm_page	*old = pp->rbuf->pages[j];

	vm_remove(k->vm, old, &pp->rmap, pp->rcpu, tlb, ch);
	if (old->owner == VM_OWNER_ANON && old->loan_count == 0 &&
	    old->wire_count == 0)
		vm_page_release(k->vm, old, ch);
	else if (pp->mode == PIPE_GIFT)
		vm_page_unhold(k->vm, old, ch);
	else
		vm_unloan(k->vm, old, ch);
	vm_enter(k->vm, pg, &pp->rmap, FALSE, ch);
	pp->rbuf->pages[j] = pg;
	pp->rseen[j] = version;
}

/* The exchange: the reader's pages give way to the lent ones. */
static void
pipe_exchange(struct pipe *pp, struct charge *ch)
{
	struct vm_tlb	tlb = { 0, 0, 0 };
	unsigned	i;

	for (i = 0; i < pp->map_npages; i++)
		pipe_exchange_page(pp, pp->map_first + i, pp->map_pages[i],
		    pp->map_version[i], &tlb, ch);
	vm_tlb_flush(pp->k->vm, &tlb, pp->rcpu, ch);
}

/* Linux's pipe_read() of the slot at the tail (fs/pipe.c): a slot never
 * crosses a message, and read() asks for the rest of it, so the reader
 * takes the whole slot: copy_page_to_iter() of its bytes (a copy call a
 * slot), then, the slot empty, pipe_buf_release() (user_page_pipe_buf_ops
 * -> put_page: unloan_page) and the tail moves on.  A page the writer
 * has refilled since vmsplice() hands over its new bytes: a violation.
 * Reading by map the page replaces the reader's instead, as exchange
 * does (no copy; the reference goes with it, dropped when the next
 * message's page replaces it), its TLB invalidations batched over the
 * read() pass (tlb). */
static void
pipe_gift_read(struct pipe *pp, struct vm_tlb *tlb, struct charge *ch)
{
	struct pipe_slot	*sl = &pp->slots[pp->tail % pp->nslots];
	uint64_t		 ps = pp->k->m.page_size;

	g_assert(sl->len <= pp->size - pp->rpos);
	if (pp->gift_copy) {
		pipe_copy(pp, sl->len, ch);
		if (sl->page->version != sl->version)
			pp->c.violations++;
		vm_page_unhold(pp->k->vm, sl->page, ch);
	} else {
		g_assert(pp->rpos % ps == 0 && sl->len == ps);
		pipe_exchange_page(pp, (unsigned)(pp->rpos / ps), sl->page,
		    sl->version, tlb, ch);
	}
	sl->page = NULL;
	pp->tail++;
	pp->rpos += sl->len;
	pp->nread += sl->len;
}

/* The direct read: copy out of the loaned pages, or take them. */
static void
pipe_direct_read(struct pipe *pp, struct charge *ch)
{
	uint64_t	n = MIN(pp->map_cnt, pp->size - pp->rpos);

	if (pp->mode == PIPE_LOAN)
		pipe_copy(pp, n, ch);
	else {
		/* A chunk never crosses a message. */
		g_assert(n == pp->map_cnt);
		pipe_exchange(pp, ch);
	}
	pp->map_cnt -= n;
	pp->rpos += n;
	pp->nread += n;
	if (pp->map_cnt == 0) {
		/* Taken: the writer is woken (unconditionally, in
		 * sys_pipe.c). */
		pp->directw = FALSE;
		pipe_wakeup(pp, PIPE_WRITER, ch);
	}
}

/* read() has returned: the message is whole, or read() again. */
static void
pipe_read_returned(void *arg, sim_time when)
{
	struct pipe	*pp = arg;
	sim_time	 start;

	if (pp->rpos < pp->size) {
		engine_schedule_at(pp->k->engine, when, pipe_read, pp);
		return;
	}
	/* Latency: from write() to the read() that completes the
	 * message. */
	g_assert(pp->wstart_head < pp->wstart->len);
	start = g_array_index(pp->wstart, sim_time, pp->wstart_head);
	pp->wstart_head++;
	if (pp->wstart_head > 1024 && pp->wstart_head * 2 > pp->wstart->len) {
		g_array_remove_range(pp->wstart, 0, pp->wstart_head);
		pp->wstart_head = 0;
	}
	histogram_add(pp->k->latency, (double)(when - start));
	pp->c.latency += when - start;
	engine_schedule_at(pp->k->engine, when, pipe_work, pp);
}

/* The loop of pipe_read(), from its start or from a wakeup; the read()
 * asks for the rest of the message. */
static void
pipe_read_loop(struct pipe *pp, struct charge *ch)
{
	struct kernel	*k = pp->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };

	if (!pipe_lock(pp, PIPE_READER, ch))
		return;
	while (pp->rpos < pp->size) {
		if (pp->cnt > 0) {
			pipe_copyout(pp, MIN(MIN(pp->bufsize - pp->out,
			    pp->cnt), pp->size - pp->rpos), ch);
			continue;
		}
		if (pp->directw && pp->map_cnt > 0) {
			pipe_direct_read(pp, ch);
			continue;
		}
		if (pipe_slots_used(pp) > 0) {
			pipe_gift_read(pp, &tlb, ch);
			continue;
		}
		/* Empty: "If the write-side has been blocked, wake it up
		 * now"; return what was read, or sleep. */
		pipe_wakeup(pp, PIPE_WRITER, ch);
		if (pp->nread > 0)
			break;
		pipe_sleep(pp, PIPE_READER, ch);
		return;
	}
	vm_tlb_flush(k->vm, &tlb, pp->rcpu, ch);
	/* "Handle write blocking hysteresis": a blocked writer is woken
	 * once less than MINPIPESIZE (PIPE_SIZE/3) is left in the buffer,
	 * whatever the buffer's size.  A gift's writer sleeps only on full
	 * slots, which this read() has freed: Linux's pipe_read() wakes it
	 * ("was_full"). */
	if (pp->cnt < MINPIPESIZE)
		pipe_wakeup(pp, PIPE_WRITER, ch);
	kernel_defer(k, pipe_read_returned, pp);
	pipe_step_end(pp, PIPE_READER, PIPE_RUNS, ch);
}

static void
pipe_read(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	struct charge	 ch = { { 0 } };

	engine_fingerprint_add(e, PIPE_EV_READ);
	if (!pipe_cpu_take(pp, PIPE_READER, pipe_read, &ch))
		return;
	pp->c.reads++;
	pp->nread = 0;
	charge_add(&ch, CPU_SYSCALL, pp->k->m.syscall);
	pipe_read_loop(pp, &ch);
}

static void
pipe_reader_woken(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	struct charge	 ch = { { 0 } };

	engine_fingerprint_add(e, PIPE_EV_READER_WOKEN);
	if (!pipe_cpu_take(pp, PIPE_READER, pipe_reader_woken, &ch))
		return;
	pipe_read_loop(pp, &ch);
}

/* After read() has returned the whole message, the reader works through
 * it, in its own step. */
static void
pipe_work(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	struct charge	 ch = { { 0 } };

	engine_fingerprint_add(e, PIPE_EV_WORK);
	if (!pipe_cpu_take(pp, PIPE_READER, pipe_work, &ch))
		return;
	charge_add(&ch, CPU_APP, machine_bytes_ns(pp->rrate, pp->size));
	pipe_then(pp, PIPE_READER, pipe_read_done);
	pipe_step_end(pp, PIPE_READER, pipe_think(pp, PIPE_READER), &ch);
}

/* The reader is through with the message: what it saw must be what was
 * written (a gift refilled too early is not).  Then it thinks, and reads
 * the next. */
static void
pipe_read_done(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	unsigned	 i;

	engine_fingerprint_add(e, PIPE_EV_READ_DONE);
	for (i = 0; (pp->mode == PIPE_EXCHANGE || (pp->mode == PIPE_GIFT &&
	    !pp->gift_copy)) && i < pp->rbuf->npages; i++)
		if (pp->rseen[i] != pp->rbuf->pages[i]->version)
			pp->c.violations++;
	pp->consumed++;
	pp->rpos = 0;
	pp->k->c.bytes_delivered += pp->size;
	if (pp->consumed < pp->msgs)
		engine_schedule(e, pp->rthink, pipe_read, pp);
}

/* --- a run ----------------------------------------------------------- */

static void
pipe_teardown(struct pipe *pp)
{
	struct kernel	*k = pp->k;
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	unsigned	 i, j;

	/* The reader's pages (perhaps loans or gifts), then the
	 * writer's. */
	for (i = 0; i < pp->rbuf->npages; i++) {
		struct vm_page *pg = pp->rbuf->pages[i];

		vm_remove(k->vm, pg, &pp->rmap, 0, &tlb, &ch);
		if (pg->owner == VM_OWNER_ANON && pg->loan_count == 0 &&
		    pg->wire_count == 0)
			vm_page_release(k->vm, pg, &ch);
		else if (pg->wire_count > 0)
			vm_page_unhold(k->vm, pg, &ch);
		else
			vm_unloan(k->vm, pg, &ch);
	}
	g_free(pp->rbuf->pages);
	g_free(pp->rbuf);
	/* Gifts the reader had not taken yet (a run a limit stopped). */
	for (; pp->tail < pp->head; pp->tail++)
		vm_page_unhold(k->vm, pp->slots[pp->tail % pp->nslots].page,
		    &ch);
	for (i = 0; i < pp->nbufs; i++) {
		struct vm_buf *b = pp->wbufs[i];

		for (j = 0; j < b->npages; j++) {
			if (b->pages[j]->kmappings > 0)
				vm_kremove(k->vm, b->pages[j], 0, &tlb, &ch);
			while (b->pages[j]->loan_count > 0 &&
			    pp->mode == PIPE_LOAN)
				vm_unloan(k->vm, b->pages[j], &ch);
		}
		vm_buf_free(k->vm, b, &ch);
	}
	g_free(pp->wbufs);
	g_free(pp->rseen);
	g_free(pp->map_version);
	g_free(pp->map_pages);
	g_free(pp->slots);
	g_array_free(pp->wstart, TRUE);
	dist_free(pp->wgap);
	dist_free(pp->rgap);
}

static gboolean	pipe_check(void *, gboolean, GError **);

static gboolean
pipe_run_full(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, const struct model_fault *fault, struct model_result *r,
    struct pipe_counts *counts, GError **error)
{
	struct model_checks mc;
	struct machine	 m;
	struct engine	*e;
	struct kernel	*k;
	struct pipe	 pp;
	struct charge	 setup = { { 0 } };
	gboolean	 ok = TRUE;
	unsigned	 i;

	if (!pipe_strategy_valid(strategy, error))
		return FALSE;
	machine_init(&m, p);
	e = engine_new();
	k = kernel_new(e, &m);
	memset(&pp, 0, sizeof(pp));
	pp.k = k;
	for (i = 0; i < G_N_ELEMENTS(pp.next); i++)
		pp.next[i].pp = &pp;
	pp.mode = strcmp(strategy, "loan") == 0 ? PIPE_LOAN :
	    strcmp(strategy, "exchange") == 0 ? PIPE_EXCHANGE :
	    strcmp(strategy, "gift") == 0 ? PIPE_GIFT : PIPE_COPY;
	pp.size = params_size(p, "workload.size");
	pp.user_hot = pp.size <= m.cache_size;
	pp.msgs = params_count(p, "workload.messages");
	pp.nbufs = (unsigned)params_count(p, "workload.buffers");
	pp.mindirect = params_size(p, "pipe.mindirect");
	pp.fill = params_bool(p, "workload.fill");
	pp.gift_copy = pp.mode == PIPE_GIFT &&
	    strcmp(params_string(p, "pipe.gift_read"), "copy") == 0;
	pp.lock_spin = strcmp(params_string(p, "pipe.lock"), "spin") == 0;
	pp.nslots = (unsigned)params_count(p, "pipe.slots");
	pp.slots = g_new0(struct pipe_slot, pp.nslots);
	pp.wrate = params_bandwidth(p, "pipe.writer_rate");
	pp.rrate = params_bandwidth(p, "pipe.reader_rate");
	pp.wgap = params_dist(p, "pipe.writer_gap");
	pp.rgap = params_dist(p, "pipe.reader_gap");
	rng_init(&pp.wrng, seed, rep, "pipe.writer");
	rng_init(&pp.rrng, seed, rep, "pipe.reader");
	pp.wcpu = 0;
	pp.rcpu = m.cpus > 1 ? 1 : 0;
	pp.bufsize = PIPE_SIZE;
	pp.wmap.name = "writer";
	pp.wmap.cpumask = (uint64_t)1 << pp.wcpu;
	pp.rmap.name = "reader";
	pp.rmap.cpumask = (uint64_t)1 << pp.rcpu;
	pp.wbufs = g_new0(struct vm_buf *, pp.nbufs);
	for (i = 0; i < pp.nbufs; i++)
		pp.wbufs[i] = vm_buf_new(k->vm, &pp.wmap, 0, pp.size, &setup);
	pp.rbuf = vm_buf_new(k->vm, &pp.rmap, 0, pp.size, &setup);
	pp.rseen = g_new0(uint64_t, pp.rbuf->npages);
	pp.map_version = g_new0(uint64_t, pp.rbuf->npages);
	pp.map_pages = g_new0(struct vm_page *, pp.rbuf->npages);
	pp.wstart = g_array_new(FALSE, FALSE, sizeof(sim_time));
	engine_schedule(e, 0, pipe_produce, &pp);
	engine_schedule(e, 0, pipe_read, &pp);
	model_checks_start(&mc, k, p, strategy, fault, pipe_check, &pp);
	model_checks_run(&mc);
	pp.c.loan_breaks = vm_stats(k->vm)->loan_breaks;
	ok = model_checks_end(&mc, pp.consumed == pp.msgs, error);
	if (ok && pp.consumed != pp.msgs) {
		model_limit_error(error, k, pp.consumed, pp.msgs,
		    "messages read");
		ok = FALSE;
	}
	if (ok) {
		model_result_fill(r, k);
		r->v[MODEL_VIOLATIONS] = (double)pp.c.violations;
	}
	if (counts != NULL)
		*counts = pp.c;
	pipe_teardown(&pp);
	if (!model_checks_teardown(&mc, error))
		ok = FALSE;
	kernel_free(k);
	engine_free(e);
	return ok;
}

gboolean
pipe_run_counted(const struct params *p, const char *strategy,
    uint64_t seed, uint32_t rep, struct model_result *r,
    struct pipe_counts *counts, GError **error)
{
	return pipe_run_full(p, strategy, seed, rep, NULL, r, counts, error);
}

gboolean
pipe_run(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, const struct model_fault *fault, struct model_result *r,
    GError **error)
{
	return pipe_run_full(p, strategy, seed, rep, fault, r, NULL, error);
}

/* The pipe's own invariants (models/model.h): a message's bytes
 * delivered per message read, the buffer within its size; the reader
 * never sees data the writer changed after write(), but under gift; in
 * the end every message read and nothing left in the pipe. */
static gboolean
pipe_check(void *ctx, gboolean end, GError **error)
{
	const struct pipe	*pp = ctx;
	uint64_t		 delivered = pp->k->c.bytes_delivered;

	if (delivered != pp->consumed * pp->size || pp->cnt > pp->bufsize) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " bytes delivered, but %"
		    G_GUINT64_FORMAT " messages of %" G_GUINT64_FORMAT
		    " bytes read; %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
		    " buffer bytes used", delivered, pp->consumed, pp->size,
		    pp->cnt, pp->bufsize);
		return FALSE;
	}
	if (pp->c.violations > 0 && pp->mode != PIPE_GIFT) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " of the pages the reader took had "
		    "changed since write(), under a safe strategy",
		    pp->c.violations);
		return FALSE;
	}
	if (end && (pp->written != pp->msgs || pp->cnt != 0 ||
	    pp->directw || pipe_slots_used(pp) > 0)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " writes "
		    "returned, %" G_GUINT64_FORMAT " bytes left in the pipe%s, "
		    "%" G_GUINT64_FORMAT " gifted pages not taken",
		    pp->written, pp->msgs, pp->cnt, pp->directw ?
		    ", a direct write not taken" : "", pipe_slots_used(pp));
		return FALSE;
	}
	return TRUE;
}

const struct kernel_event_name pipe_event_names[] = {
	KERNEL_EVENT(pipe_produce), KERNEL_EVENT(pipe_write),
	KERNEL_EVENT(pipe_writer_woken), KERNEL_EVENT(pipe_read),
	KERNEL_EVENT(pipe_reader_woken), KERNEL_EVENT(pipe_work),
	KERNEL_EVENT(pipe_read_done)
};
const size_t pipe_event_name_count = G_N_ELEMENTS(pipe_event_names);
