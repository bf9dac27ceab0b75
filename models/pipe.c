/* Pipes (M8).
 *
 * The kernel buffer holds PIPE_SIZE (16 KiB) and grows to BIG_PIPE_SIZE
 * (64 KiB) at the first write larger than PIPE_SIZE (NetBSD pipe_write:
 * pipespace(BIG_PIPE_SIZE)).  The writer runs on CPU 0, the reader on
 * CPU 1 when there is one.  Each sleeps when the buffer is full or empty;
 * the reader wakes the writer when a third of the buffer is free
 * (PIPE_SIZE/3), the writer wakes the reader when there is data; a sleep
 * and its wakeup cost a context switch and a wakeup.
 *
 *   copy      the writer copies into the buffer, the reader copies out:
 *             two copies.
 *   loan      direct write (pipe_direct_write) for writes of at least
 *             pipe.mindirect (PIPE_MINDIRECT, 8192): the writer's pages are
 *             loaned read-only (uvm_loan, mapped into the kernel) once the
 *             buffer has drained, and the writer sleeps until the reader
 *             has copied them out; then they are unmapped and unloaned:
 *             one copy.
 *   exchange  the loaned pages replace the reader's buffer pages (no
 *             copy); the writer does not wait.  The reader keeps them
 *             until its next read replaces them, so a writer that writes
 *             into a page still on loan breaks the loan (fault, copy).
 *   gift      as exchange, but nothing is protected (Linux vmsplice
 *             SPLICE_F_GIFT): a writer that refills a page the reader has
 *             not finished with changes what the reader sees: violations.
 *
 * The writer produces each message in its buffers (N of them, used in
 * turn: with three, the reader has released a page before the writer
 * refills it, Laight's triple buffering), at workload.writer_rate; the
 * reader consumes each message at workload.reader_rate. */
#include "models/pipe.h"

#include <math.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "models/kernel.h"
#include "models/machine.h"
#include "models/vm.h"

#define PIPE_SIZE	16384
#define BIG_PIPE_SIZE	65536

enum pipe_mode { PIPE_COPY, PIPE_LOAN, PIPE_EXCHANGE, PIPE_GIFT };

struct pipe {
	struct kernel	*k;
	enum pipe_mode	 mode;
	uint64_t	 size;		/* per write and per read */
	uint64_t	 msgs;
	unsigned	 nbufs;
	uint64_t	 mindirect;
	double		 wrate, rrate;
	unsigned	 wcpu, rcpu;

	uint64_t	 bufsize;	/* the kernel buffer */
	uint64_t	 count;		/* bytes in it */
	struct vm_map	 wmap, rmap;
	struct vm_buf	**wbufs;
	struct vm_buf	*rbuf;

	struct vm_buf	*lent;		/* a direct write's pages, not taken */
	gboolean	 w_produced;	/* the current message is produced */
	uint64_t	 wpos;		/* bytes of the current write done */
	uint64_t	 rpos;
	uint64_t	 written, read;
	gboolean	 wsleep, rsleep;
	gboolean	 wwait_taken;	/* loan: writer waits for the copy */
	sim_time	 wstart;
	uint64_t	*rseen;		/* per reader page: version handed */
	uint64_t	*lent_version;	/* the lent pages' content at write() */
	struct vm_page	**lent_pages;	/* the pages lent (the buffer's own
					   may be copies by the time the reader
					   comes) */
	uint64_t	 violations;
	gboolean	 finished;
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

static void	pipe_writer(struct engine *, void *);
static void	pipe_reader(struct engine *, void *);

static void
pipe_resume_w(void *arg, sim_time when)
{
	struct pipe *pp = arg;

	engine_schedule_at(pp->k->engine, when, pipe_writer, pp);
}

static void
pipe_resume_r(void *arg, sim_time when)
{
	struct pipe *pp = arg;

	engine_schedule_at(pp->k->engine, when, pipe_reader, pp);
}

/* wakeup() of the other side from the current step; it runs again when
 * the step ends, after a switch on its own CPU (charged there). */
static void
pipe_wake(struct pipe *pp, gboolean writer, struct charge *ch)
{
	gboolean	*sl = writer ? &pp->wsleep : &pp->rsleep;

	if (!*sl)
		return;
	*sl = FALSE;
	charge_add(ch, CPU_SCHED, pp->k->m.wakeup);
	kernel_defer(pp->k, writer ? pipe_resume_w : pipe_resume_r, pp);
}

static void
pipe_sleep(struct pipe *pp, gboolean writer, struct charge *ch)
{
	*(writer ? &pp->wsleep : &pp->rsleep) = TRUE;
	charge_add(ch, CPU_SCHED, 2 * pp->k->m.context_switch);
	kernel_step_end(pp->k, writer ? pp->wcpu : pp->rcpu, ch);
}

/* pipe_write(): direct (loaned) when the write is at least mindirect and
 * whole pages. */
static gboolean
pipe_direct(const struct pipe *pp)
{
	return pp->mode != PIPE_COPY && pp->size >= pp->mindirect &&
	    pp->size % pp->k->m.page_size == 0;
}

static void
pipe_msg_written(void *arg, sim_time when)
{
	struct pipe	*pp = arg;

	pp->written++;
	pp->w_produced = FALSE;
	pp->wpos = 0;
	if (pp->written < pp->msgs)
		engine_schedule_at(pp->k->engine, when, pipe_writer, pp);
}

static void
pipe_writer(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	struct kernel	*k = pp->k;
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_buf	*b;
	uint64_t	 n;
	unsigned	 i;

	if (pp->written == pp->msgs || pp->wwait_taken)
		return;
	b = pp->wbufs[pp->written % pp->nbufs];
	if (!pp->w_produced) {
		/* Produce the message into the buffer.  A page still on
		 * loan faults and is copied (the loan breaks); a gifted page
		 * the reader still uses is simply overwritten. */
		vm_buf_write(k->vm, b, 0, b->len, pp->wcpu, &ch);
		charge_add(&ch, CPU_APP, machine_bytes_ns(pp->wrate,
		    pp->size));
		pp->w_produced = TRUE;
		kernel_defer(k, pipe_resume_w, pp);
		kernel_step_end(k, pp->wcpu, &ch);
		return;
	}
	if (pp->wpos == 0 && pp->wstart == 0)
		pp->wstart = engine_now(e);
	charge_add(&ch, CPU_SYSCALL, k->m.syscall);
	if (pp->size > PIPE_SIZE && pp->bufsize < BIG_PIPE_SIZE)
		pp->bufsize = BIG_PIPE_SIZE;	/* pipespace() */
	if (pipe_direct(pp)) {
		/* pipe_direct_write(): wait for the buffer to drain and for
		 * any earlier direct write to be taken. */
		if (pp->count > 0 || pp->lent != NULL) {
			pipe_sleep(pp, TRUE, &ch);
			return;
		}
		for (i = 0; i < b->npages; i++) {
			struct vm_page *pg = b->pages[i];

			if (pp->mode == PIPE_GIFT)
				vm_page_hold(k->vm, pg, &ch);
			else
				vm_loan(k->vm, pg, pp->wcpu, &tlb, &ch);
			if (pp->mode == PIPE_LOAN)
				vm_kenter(k->vm, pg, &ch);
		}
		vm_tlb_flush(k->vm, &tlb, pp->wcpu, &ch);
		for (i = 0; i < b->npages; i++) {
			pp->lent_pages[i] = b->pages[i];
			pp->lent_version[i] = b->pages[i]->version;
		}
		pp->lent = b;
		pipe_wake(pp, FALSE, &ch);
		if (pp->mode == PIPE_LOAN) {
			/* The writer sleeps until the reader has copied. */
			pp->wwait_taken = TRUE;
			pp->wsleep = TRUE;
			charge_add(&ch, CPU_SCHED, 2 * k->m.context_switch);
			kernel_step_end(k, pp->wcpu, &ch);
			return;
		}
		kernel_defer(k, pipe_msg_written, pp);
		kernel_step_end(k, pp->wcpu, &ch);
		return;
	}
	/* Buffered: copy what fits; sleep when full. */
	if (pp->count == pp->bufsize) {
		pipe_sleep(pp, TRUE, &ch);
		return;
	}
	n = MIN(pp->bufsize - pp->count, pp->size - pp->wpos);
	machine_charge_copy(&k->m, &ch, n, TRUE);
	k->c.bytes_copied += n;
	pp->count += n;
	pp->wpos += n;
	pipe_wake(pp, FALSE, &ch);
	kernel_defer(k, pp->wpos == pp->size ? pipe_msg_written :
	    pipe_resume_w, pp);
	kernel_step_end(k, pp->wcpu, &ch);
}

static void
pipe_msg_read(void *arg, sim_time when)
{
	struct pipe	*pp = arg;
	struct kernel	*k = pp->k;
	struct charge	 ch = { { 0 } };
	unsigned	 i;

	/* The reader has consumed the message: what it saw must be what
	 * was written (a gift refilled too early is not). */
	for (i = 0; pp->mode != PIPE_COPY && i < pp->rbuf->npages; i++)
		if (pp->rseen[i] != pp->rbuf->pages[i]->version)
			pp->violations++;
	pp->read++;
	pp->rpos = 0;
	k->c.bytes_delivered += pp->size;
	histogram_add(k->latency, (double)(when - pp->wstart));
	pp->wstart = 0;
	if (pp->read < pp->msgs)
		engine_schedule_at(k->engine, when, pipe_reader, pp);
	else
		pp->finished = TRUE;
	(void)ch;
}

/* After read() returns: the reader works through the message. */
static void
pipe_consume(struct pipe *pp, struct charge *ch)
{
	charge_add(ch, CPU_APP, machine_bytes_ns(pp->rrate, pp->size));
	kernel_defer(pp->k, pipe_msg_read, pp);
	kernel_step_end(pp->k, pp->rcpu, ch);
}

static void
pipe_reader(struct engine *e, void *arg)
{
	struct pipe	*pp = arg;
	struct kernel	*k = pp->k;
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 n;
	unsigned	 i;

	if (pp->read == pp->msgs)
		return;
	charge_add(&ch, CPU_SYSCALL, k->m.syscall);
	if (pipe_direct(pp)) {
		struct vm_buf *b = pp->lent;

		if (b == NULL) {
			pipe_sleep(pp, FALSE, &ch);
			return;
		}
		pp->lent = NULL;
		if (pp->mode == PIPE_LOAN) {
			/* Copy out of the loaned pages, then the writer's
			 * side unmaps and unloans them and wakes up. */
			machine_charge_copy(&k->m, &ch, pp->size, TRUE);
			k->c.bytes_copied += pp->size;
			for (i = 0; i < b->npages; i++)
				vm_kremove(k->vm, pp->lent_pages[i], pp->rcpu,
				    &tlb, &ch);
			vm_tlb_flush(k->vm, &tlb, pp->rcpu, &ch);
			for (i = 0; i < b->npages; i++)
				vm_unloan(k->vm, pp->lent_pages[i], &ch);
			/* wakeup() of the writer, whose write() returns. */
			pp->wwait_taken = FALSE;
			pp->wsleep = FALSE;
			charge_add(&ch, CPU_SCHED, k->m.wakeup);
			kernel_defer(k, pipe_msg_written, pp);
			pipe_consume(pp, &ch);
			return;
		}
		/* Exchange or gift: the reader's pages give way to the
		 * writer's, mapped read-only. */
		for (i = 0; i < pp->rbuf->npages; i++) {
			struct vm_page *old = pp->rbuf->pages[i];
			struct vm_page *np = pp->lent_pages[i];

			vm_remove(k->vm, old, &pp->rmap, pp->rcpu, &tlb, &ch);
			if (old->owner == VM_OWNER_ANON && old->loan_count == 0 &&
			    old->wire_count == 0)
				vm_page_release(k->vm, old, &ch);
			else if (pp->mode == PIPE_GIFT)
				vm_page_unhold(k->vm, old, &ch);
			else
				vm_unloan(k->vm, old, &ch);
			vm_enter(k->vm, np, &pp->rmap, FALSE, &ch);
			pp->rbuf->pages[i] = np;
			/* What write() sent, whatever the page holds now. */
			pp->rseen[i] = pp->lent_version[i];
		}
		vm_tlb_flush(k->vm, &tlb, pp->rcpu, &ch);
		pipe_wake(pp, TRUE, &ch);
		pipe_consume(pp, &ch);
		return;
	}
	if (pp->count == 0) {
		pipe_sleep(pp, FALSE, &ch);
		return;
	}
	n = MIN(pp->count, pp->size - pp->rpos);
	machine_charge_copy(&k->m, &ch, n, TRUE);
	k->c.bytes_copied += n;
	pp->count -= n;
	pp->rpos += n;
	/* The writer is woken when a third of the buffer is free. */
	if (pp->bufsize - pp->count >= pp->bufsize / 3)
		pipe_wake(pp, TRUE, &ch);
	if (pp->rpos == pp->size) {
		pipe_consume(pp, &ch);
		return;
	}
	kernel_defer(k, pipe_resume_r, pp);
	kernel_step_end(k, pp->rcpu, &ch);
}

gboolean
pipe_run(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, struct model_result *r, GError **error)
{
	struct machine	 m;
	struct engine	*e;
	struct kernel	*k;
	struct pipe	 pp;
	struct charge	 setup = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	gboolean	 ok = TRUE;
	unsigned	 i, j;

	if (!pipe_strategy_valid(strategy, error))
		return FALSE;
	machine_init(&m, p);
	e = engine_new();
	k = kernel_new(e, &m);
	memset(&pp, 0, sizeof(pp));
	pp.k = k;
	pp.mode = strcmp(strategy, "loan") == 0 ? PIPE_LOAN :
	    strcmp(strategy, "exchange") == 0 ? PIPE_EXCHANGE :
	    strcmp(strategy, "gift") == 0 ? PIPE_GIFT : PIPE_COPY;
	pp.size = params_size(p, "workload.size");
	pp.msgs = params_count(p, "workload.messages");
	pp.nbufs = (unsigned)params_count(p, "workload.buffers");
	pp.mindirect = params_size(p, "pipe.mindirect");
	pp.wrate = params_bandwidth(p, "pipe.writer_rate");
	pp.rrate = params_bandwidth(p, "pipe.reader_rate");
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
	pp.lent_version = g_new0(uint64_t, pp.rbuf->npages);
	pp.lent_pages = g_new0(struct vm_page *, pp.rbuf->npages);
	(void)seed;
	(void)rep;
	engine_schedule(e, 0, pipe_writer, &pp);
	engine_schedule(e, 0, pipe_reader, &pp);
	engine_run_bounded(e, params_time(p, "scenario.max_sim_time"),
	    params_count(p, "scenario.max_events"));
	if (pp.read != pp.msgs) {
		model_limit_error(error, k, pp.read, pp.msgs, "messages read");
		ok = FALSE;
	} else if (pp.violations > 0 && pp.mode != PIPE_GIFT) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "invariant broken (strategy %s): the reader saw data the "
		    "writer changed after write()", strategy);
		ok = FALSE;
	}
	if (ok) {
		model_result_fill(r, k);
		r->v[MODEL_VIOLATIONS] = (double)pp.violations;
	}
	/* Tear down: the reader's pages (perhaps loans), the writer's. */
	for (i = 0; i < pp.rbuf->npages; i++) {
		struct vm_page *pg = pp.rbuf->pages[i];

		vm_remove(k->vm, pg, &pp.rmap, 0, &tlb, &setup);
		if (pg->owner == VM_OWNER_ANON && pg->loan_count == 0 &&
		    pg->wire_count == 0)
			vm_page_release(k->vm, pg, &setup);
		else if (pg->wire_count > 0)
			vm_page_unhold(k->vm, pg, &setup);
		else
			vm_unloan(k->vm, pg, &setup);
	}
	g_free(pp.rbuf->pages);
	g_free(pp.rbuf);
	for (i = 0; i < pp.nbufs; i++) {
		struct vm_buf *b = pp.wbufs[i];

		for (j = 0; j < b->npages; j++) {
			if (b->pages[j]->kmappings > 0)
				vm_kremove(k->vm, b->pages[j], 0, &tlb, &setup);
			while (b->pages[j]->loan_count > 0 && pp.mode ==
			    PIPE_LOAN)
				vm_unloan(k->vm, b->pages[j], &setup);
		}
		vm_buf_free(k->vm, b, &setup);
	}
	g_free(pp.wbufs);
	g_free(pp.rseen);
	g_free(pp.lent_version);
	g_free(pp.lent_pages);
	kernel_free(k);
	engine_free(e);
	return ok;
}
