/* File I/O through the page cache: mechanisms M6 (page exchange on read)
 * and M7 (page donation on write), and stdio on top.
 *
 * The file has file.size bytes; a page is in the page cache with
 * probability file.residency, else read() waits for the disk
 * (disk_latency + bytes at disk_bw: time, not CPU, but for the
 * completion interrupt).  file.mappers other processes map the file
 * (writable or not), active on the other CPUs; file.writers other
 * processes write random pages of it every exp(writer_interval).
 *
 * read(), copy: uiomove from the page-cache pages.  exchange: every user
 * page wholly covered whose file offset is page-aligned with it becomes a
 * copy-on-write loan of the page-cache page (uvm_loanuobj, object to
 * anon: the loan write-protects the page's other mappings), and the old
 * buffer page is freed; heads, tails and unaligned pages are copied.  A
 * later write by the process to a loaned page breaks the loan (fault,
 * allocate, copy: uvm_loanbreak_anon); a write by another process to a
 * loaned page breaks it on the file's side (the object gets a copy, the
 * process keeps the page it read: uvm_loanbreak of an object page).
 *
 * write(), copy: uiomove into the page-cache pages.  donate ("don't
 * care" flag): every aligned whole page of the buffer moves into the
 * page cache as it is, and the process gets a replacement page: zeroed at
 * once ("zero"), the shared zero page mapped copy-on-write so that the
 * zeroing comes at its next write fault ("zero-cow"), or a stale page
 * holding this process's own earlier data ("stale": pages it donated that
 * were later replaced in the cache; a zeroed page when there is none).
 * A replacement page must never hold another process's data: the model
 * checks it and counts violations.
 *
 * stdio: records of workload.record bytes are memcpy'd into (fwrite) or
 * out of (fread) a page-aligned buffer of workload.size bytes, which is
 * written or read whole (the flush, the refill). */
#include "models/file.h"

#include <math.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"
#include "models/kernel.h"
#include "models/machine.h"
#include "models/vm.h"

#define FILE_PID	1	/* the process we follow */
#define FILE_OTHER_PID	2	/* the other writers */

enum file_repl { REPL_ZERO, REPL_ZERO_COW, REPL_STALE };

struct fio {
	struct kernel	*k;
	gboolean	 reading;	/* file-read, else file-write */
	gboolean	 special;	/* exchange or donate */
	enum file_repl	 repl;
	gboolean	 stdio;
	uint64_t	 record;
	uint64_t	 size;
	uint64_t	 offset;
	uint64_t	 ops;
	uint64_t	 npages;	/* of the file */
	double		 residency;
	sim_time	 disk_latency;
	double		 disk_bw;
	double		 write_fraction;
	struct dist	*write_delay;
	struct dist	*gap;
	unsigned	 writers;
	double		 writer_interval;
	gboolean	 mapped_writable;
	unsigned	 mappers;
	gboolean	 hot;		/* the file fits in the cache */

	struct vm_map	 map;		/* the process */
	struct vm_map	 others;	/* the mappers' address spaces */
	struct vm_page	**cache;	/* page-cache page per file page */
	struct vm_buf	*buf;
	uint64_t	*expect;	/* version each buffer page should hold */
	GQueue		 stale;		/* our pages out of the cache */
	struct rng	 rng;
	struct rng	 wrng;
	uint64_t	 pos;		/* file offset of the next op */
	uint64_t	 done;
	sim_time	 op_start;
	gboolean	 finished;

	uint64_t	 exchanged;
	uint64_t	 donated;
	uint64_t	 breaks_other;
	uint64_t	 stdio_copied;
	uint64_t	 violations;
	uint64_t	 disk_reads;
};

gboolean
file_strategy_valid(const char *kind, const char *s, GError **error)
{
	gboolean reading = strcmp(kind, "file-read") == 0;

	if (strcmp(s, "copy") == 0 ||
	    strcmp(s, reading ? "exchange" : "donate") == 0)
		return TRUE;
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
	    "unknown strategy \"%s\" for workload kind %s (expected copy or "
	    "%s)", s, kind, reading ? "exchange" : "donate");
	return FALSE;
}

/* The page-cache page of file page i, reading it from disk if it is not
 * resident; *wait grows by the disk time. */
static struct vm_page *
file_cache_page(struct fio *f, uint64_t i, gboolean need_data,
    sim_time *wait, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_page	*pg = f->cache[i];

	if (pg != NULL)
		return pg;
	pg = vm_page_alloc(k->vm, VM_OWNER_OBJECT, ch);
	if (need_data) {
		/* Biodone: the disk interrupt; the process waits. */
		*wait += f->disk_latency + machine_bytes_ns(f->disk_bw,
		    k->m.page_size);
		charge_add(ch, CPU_INTERRUPT, k->m.interrupt);
		f->disk_reads++;
	}
	if (f->mappers > 0)
		vm_enter(k->vm, pg, &f->others, f->mapped_writable, ch);
	f->cache[i] = pg;
	return pg;
}

/* A page leaves the cache: ours goes to our stale pool (its content is
 * our own data), anyone else's is freed. */
static void
file_cache_drop(struct fio *f, struct vm_page *pg, unsigned cpu,
    struct vm_tlb *tlb, struct charge *ch)
{
	struct kernel	*k = f->k;

	if (vm_page_mapped_in(pg, &f->others))
		vm_remove(k->vm, pg, &f->others, cpu, tlb, ch);
	if (pg->loan_count == 0 && pg->data_owner == FILE_PID &&
	    f->repl == REPL_STALE) {
		pg->owner = VM_OWNER_ANON;
		g_queue_push_tail(&f->stale, pg);
		return;
	}
	vm_page_release(k->vm, pg, ch);
}

static void	file_op(struct engine *, void *);

static void
file_next(void *arg, sim_time when)
{
	struct fio	*f = arg;
	double		 g = dist_sample(f->gap, &f->rng);

	histogram_add(f->k->latency, (double)(when - f->op_start));
	f->k->c.bytes_delivered += f->size;
	f->done++;
	/* Sequential through the file, from the start again at its end. */
	f->pos += f->size;
	if (f->pos + f->size > f->npages * f->k->m.page_size)
		f->pos = 0;
	if (f->done < f->ops)
		engine_schedule_at(f->k->engine, when + (g > 0 ?
		    (sim_time)llround(g) : 0), file_op, f);
	else
		f->finished = TRUE;
}

/* The process writes the pages it chose after a read. */
static void
file_touch_after_read(struct engine *e, void *arg)
{
	struct fio	*f = arg;
	struct kernel	*k = f->k;
	struct charge	 ch = { { 0 } };
	uint64_t	 ps = k->m.page_size, pg, a, b;

	for (pg = 0; pg < f->buf->npages; pg++) {
		if (rng_uniform(&f->rng) >= f->write_fraction)
			continue;
		a = pg == 0 ? 0 : pg * ps - f->offset;
		b = MIN(f->size, (pg + 1) * ps - f->offset);
		/* A loaned page faults and is copied (uvm_loanbreak). */
		vm_buf_write(k->vm, f->buf, a, b - a, 0, &ch);
		f->expect[pg] = f->buf->pages[pg]->version;
		charge_add(&ch, CPU_APP, machine_bytes_ns(k->m.copy_bw_hot,
		    b - a));
	}
	kernel_defer(k, file_next, f);
	kernel_step_end(k, 0, &ch);
}

static void
file_after_read(void *arg, sim_time when)
{
	struct fio	*f = arg;
	double		 d = dist_sample(f->write_delay, &f->rng);

	if (f->write_fraction > 0)
		engine_schedule_at(f->k->engine, when + (d > 0 ?
		    (sim_time)llround(d) : 0), file_touch_after_read, f);
	else
		file_next(f, when);
}

static void
file_read_done(struct engine *e, void *arg)
{
	struct fio	*f = arg;
	struct charge	 ch = { { 0 } };

	/* Back from the disk: switched in again. */
	charge_add(&ch, CPU_SCHED, f->k->m.context_switch);
	kernel_defer(f->k, file_after_read, f);
	kernel_step_end(f->k, 0, &ch);
}

static void
file_read(struct fio *f, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 ps = k->m.page_size, pg, copied = 0;
	sim_time	 wait = 0;
	double		 bw = f->hot ? k->m.copy_bw_hot : k->m.copy_bw_cold;
	gboolean	 aligned = (f->pos % ps) == f->offset % ps;

	for (pg = 0; pg < f->buf->npages; pg++) {
		uint64_t a = pg == 0 ? 0 : pg * ps - f->offset;
		uint64_t b = MIN(f->size, (pg + 1) * ps - f->offset);
		uint64_t fpos = f->pos + a, fi = fpos / ps;
		gboolean whole = b - a == ps;
		struct vm_page *cp = file_cache_page(f, fi, TRUE, &wait, ch);
		struct vm_page *old = f->buf->pages[pg];

		if (f->special && aligned && whole) {
			/* Page exchange: the cache page, loaned, replaces
			 * the buffer page. */
			vm_remove(k->vm, old, &f->map, 0, &tlb, ch);
			if (old->owner == VM_OWNER_ANON && old->loan_count == 0)
				vm_page_release(k->vm, old, ch);
			else
				vm_unloan(k->vm, old, ch);
			vm_loan(k->vm, cp, 0, &tlb, ch);
			vm_enter(k->vm, cp, &f->map, FALSE, ch);
			f->buf->pages[pg] = cp;
			f->exchanged++;
		} else {
			/* uiomove into the buffer page (which may still be
			 * an earlier loan: the write breaks it). */
			if (!vm_page_writable_in(old, &f->map))
				f->buf->pages[pg] = vm_write_fault(k->vm, old,
				    &f->map, 0, &tlb, ch);
			f->buf->pages[pg]->version = cp->version;
			f->buf->pages[pg]->data_owner = cp->data_owner;
			copied += b - a;
		}
		f->expect[pg] = cp->version;
	}
	vm_tlb_flush(k->vm, &tlb, 0, ch);
	if (copied > 0)
		charge_add(ch, CPU_COPY, machine_bytes_ns(bw, copied) +
		    k->m.copy_fixed * ((copied + ps - 1) / ps));
	k->c.bytes_copied += copied;
	/* The process uses what it read: copied bytes are in the cache,
	 * exchanged pages are as cold as the page cache left them. */
	charge_add(ch, CPU_APP, machine_bytes_ns(k->m.copy_bw_hot, copied) +
	    machine_bytes_ns(bw, f->size - copied));
	for (pg = 0; pg < f->buf->npages; pg++)
		if (f->buf->pages[pg]->version != f->expect[pg])
			f->violations++;
	if (f->stdio) {
		/* fread()s copying the records out of the buffer. */
		charge_add(ch, CPU_APP, machine_bytes_ns(k->m.copy_bw_hot,
		    f->size) + k->m.copy_fixed * (f->size / f->record));
		f->stdio_copied += f->size;
	}
	if (wait > 0) {
		charge_add(ch, CPU_SCHED, k->m.context_switch);
		kernel_step_end(k, 0, ch);
		engine_schedule(k->engine, wait, file_read_done, f);
		return;
	}
	kernel_defer(k, file_after_read, f);
	kernel_step_end(k, 0, ch);
}

/* The replacement page of a donation. */
static struct vm_page *
file_replacement(struct fio *f, struct vm_tlb *tlb, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_page	*np;

	if (f->repl == REPL_ZERO_COW) {
		/* The shared zero page, read-only: zeroing waits for the
		 * next write fault. */
		charge_add(ch, CPU_PMAP, k->m.pmap_enter);
		return vm_zero_page(k->vm);
	}
	if (f->repl == REPL_STALE &&
	    (np = g_queue_pop_head(&f->stale)) != NULL) {
		if (np->data_owner != FILE_PID && np->data_owner != 0)
			f->violations++;
	} else {
		np = vm_page_alloc(k->vm, VM_OWNER_ANON, ch);
		charge_add(ch, CPU_ALLOC, k->m.page_zero);
		np->data_owner = 0;
	}
	vm_enter(k->vm, np, &f->map, TRUE, ch);
	(void)tlb;
	return np;
}

static void
file_write(struct fio *f, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 ps = k->m.page_size, pg, copied = 0;
	sim_time	 wait = 0;
	double		 bw = k->m.copy_bw_hot;	/* just filled */
	gboolean	 aligned = (f->pos % ps) == f->offset % ps;

	for (pg = 0; pg < f->buf->npages; pg++) {
		uint64_t a = pg == 0 ? 0 : pg * ps - f->offset;
		uint64_t b = MIN(f->size, (pg + 1) * ps - f->offset);
		uint64_t fi = (f->pos + a) / ps;
		struct vm_page *bp = f->buf->pages[pg], *cp;

		if (f->special && aligned && b - a == ps &&
		    bp->owner == VM_OWNER_ANON && bp->loan_count == 0) {
			/* Donation: the buffer page becomes the file's. */
			if (f->cache[fi] != NULL)
				file_cache_drop(f, f->cache[fi], 0, &tlb, ch);
			vm_remove(k->vm, bp, &f->map, 0, &tlb, ch);
			bp->owner = VM_OWNER_OBJECT;
			if (f->mappers > 0)
				vm_enter(k->vm, bp, &f->others,
				    f->mapped_writable, ch);
			f->cache[fi] = bp;
			f->buf->pages[pg] = file_replacement(f, &tlb, ch);
			f->donated++;
			continue;
		}
		/* A partly written page must be read first. */
		cp = file_cache_page(f, fi, b - a < ps, &wait, ch);
		if (cp->loan_count > 0) {
			/* Loaned to a reader: the file gets a copy. */
			struct vm_page *np = vm_page_alloc(k->vm,
			    VM_OWNER_OBJECT, ch);

			machine_charge_copy(&k->m, ch, ps, TRUE);
			k->c.bytes_copied += ps;
			if (vm_page_mapped_in(cp, &f->others))
				vm_remove(k->vm, cp, &f->others, 0, &tlb, ch);
			vm_page_release(k->vm, cp, ch);
			f->cache[fi] = cp = np;
		}
		cp->version++;
		cp->data_owner = FILE_PID;
		copied += b - a;
	}
	vm_tlb_flush(k->vm, &tlb, 0, ch);
	if (copied > 0)
		charge_add(ch, CPU_COPY, machine_bytes_ns(bw, copied) +
		    k->m.copy_fixed * ((copied + ps - 1) / ps));
	k->c.bytes_copied += copied;
	if (wait > 0) {
		charge_add(ch, CPU_SCHED, k->m.context_switch);
		kernel_step_end(k, 0, ch);
		engine_schedule(k->engine, wait, file_read_done, f);
		return;
	}
	kernel_defer(k, file_next, f);
	kernel_step_end(k, 0, ch);
}

static void
file_op(struct engine *e, void *arg)
{
	struct fio	*f = arg;
	struct kernel	*k = f->k;
	struct charge	 ch = { { 0 } };
	uint64_t	 pg;

	f->op_start = engine_now(e);
	engine_fingerprint_add(e, f->reading ? 7 : 8);
	if (!f->reading) {
		/* The process produces the data: in its own buffer, or with
		 * fwrite()s into the stdio buffer.  Pages handed back as the
		 * zero page fault here. */
		vm_buf_write(k->vm, f->buf, 0, f->size, 0, &ch);
		for (pg = 0; pg < f->buf->npages; pg++)
			f->buf->pages[pg]->data_owner = FILE_PID;
		charge_add(&ch, CPU_APP, machine_bytes_ns(k->m.copy_bw_hot,
		    f->size));
		if (f->stdio) {
			charge_add(&ch, CPU_APP, k->m.copy_fixed *
			    (f->size / f->record));
			f->stdio_copied += f->size;
		}
	}
	charge_add(&ch, CPU_SYSCALL, k->m.syscall);
	if (f->reading)
		file_read(f, &ch);
	else
		file_write(f, &ch);
}

/* Another process writes a random page of the file. */
static void
file_other_write(struct engine *e, void *arg)
{
	struct fio	*f = arg;
	struct kernel	*k = f->k;
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 i = rng_below(&f->wrng, f->npages);
	struct vm_page	*cp = f->cache[i];
	unsigned	 cpu = cpus_count(k->cpus) - 1;

	if (f->finished)
		return;
	charge_add(&ch, CPU_SYSCALL, k->m.syscall);
	if (cp != NULL && cp->loan_count > 0) {
		/* uvm_loanbreak() of an object page: the file gets a copy;
		 * the loaned page stays with the reader, ownerless. */
		struct vm_page *np = vm_page_alloc(k->vm, VM_OWNER_OBJECT, &ch);

		machine_charge_copy(&k->m, &ch, k->m.page_size, TRUE);
		if (vm_page_mapped_in(cp, &f->others))
			vm_remove(k->vm, cp, &f->others, cpu, &tlb, &ch);
		vm_page_release(k->vm, cp, &ch);
		if (f->mappers > 0)
			vm_enter(k->vm, np, &f->others, f->mapped_writable,
			    &ch);
		f->cache[i] = cp = np;
		f->breaks_other++;
	}
	if (cp != NULL) {
		cp->version++;
		cp->data_owner = FILE_OTHER_PID;
		machine_charge_copy(&k->m, &ch, 512, TRUE);
	}
	vm_tlb_flush(k->vm, &tlb, cpu, &ch);
	kernel_step_end(k, cpu, &ch);
	engine_schedule(e, (sim_time)llround(rng_exp(&f->wrng,
	    f->writer_interval)) + 1, file_other_write, f);
}

static gboolean
file_init(struct fio *f, struct kernel *k, const struct params *p,
    const char *strategy, GError **error)
{
	const char	*repl = params_string(p, "workload.replacement");
	uint64_t	 fsize = params_size(p, "file.size"), ps = k->m.page_size;
	unsigned	 i, ncpus = cpus_count(k->cpus);

	memset(f, 0, sizeof(*f));
	f->k = k;
	f->reading = strcmp(params_string(p, "workload.kind"),
	    "file-read") == 0;
	f->special = strcmp(strategy, "copy") != 0;
	f->repl = strcmp(repl, "zero-cow") == 0 ? REPL_ZERO_COW :
	    strcmp(repl, "stale") == 0 ? REPL_STALE : REPL_ZERO;
	f->stdio = params_bool(p, "workload.stdio");
	f->record = params_size(p, "workload.record");
	f->size = params_size(p, "workload.size");
	f->offset = params_size(p, "workload.offset");
	f->ops = params_count(p, "workload.messages");
	f->residency = params_probability(p, "file.residency");
	f->disk_latency = params_time(p, "file.disk_latency");
	f->disk_bw = params_bandwidth(p, "file.disk_bw");
	f->write_fraction = params_probability(p, "workload.write_fraction");
	f->writers = (unsigned)params_count(p, "file.writers");
	f->writer_interval = (double)params_time(p, "file.writer_interval");
	f->mappers = (unsigned)params_count(p, "file.mappers");
	f->mapped_writable = params_bool(p, "file.mapped_writable");
	f->npages = (fsize + ps - 1) / ps;
	f->hot = fsize <= k->m.cache_size;
	if (f->offset >= ps || f->size > fsize) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[workload] offset must be below the page size and size "
		    "at most [file] size");
		return FALSE;
	}
	if (f->stdio && (f->record == 0 || f->record > f->size)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[workload] record must be from 1 B to size for stdio");
		return FALSE;
	}
	if (f->writers > 0 && f->writer_interval < 1) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[file] writer_interval must be above 0 with writers");
		return FALSE;
	}
	f->map.name = "process";
	f->map.cpumask = 1;
	f->others.name = "mappers";
	for (i = 1; i <= f->mappers; i++)
		f->others.cpumask |= (uint64_t)1 << (i % ncpus);
	f->cache = g_new0(struct vm_page *, f->npages);
	g_queue_init(&f->stale);
	return TRUE;
}

gboolean
file_run(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, struct model_result *r, GError **error)
{
	struct machine		 m;
	struct engine		*e;
	struct kernel		*k;
	struct fio		 f;
	struct charge		 setup = { { 0 } };
	struct vm_page		*pg;
	struct vm_tlb		 tlb = { 0, 0, 0 };
	sim_time		 none = 0;
	gboolean		 ok = TRUE;
	uint64_t		 i;

	if (!file_strategy_valid(params_string(p, "workload.kind"), strategy,
	    error))
		return FALSE;
	machine_init(&m, p);
	e = engine_new();
	k = kernel_new(e, &m);
	if (!file_init(&f, k, p, strategy, error)) {
		g_free(f.cache);
		kernel_free(k);
		engine_free(e);
		return FALSE;
	}
	f.write_delay = params_dist(p, "workload.write_delay");
	f.gap = params_dist(p, "workload.gap");
	rng_init(&f.rng, seed, rep, "app.file");
	rng_init(&f.wrng, seed, rep, "file.writers");
	/* The page cache before the run: each page resident with the
	 * residency probability. */
	for (i = 0; i < f.npages; i++)
		if (rng_uniform(&f.wrng) < f.residency)
			(void)file_cache_page(&f, i, FALSE, &none, &setup);
	f.buf = vm_buf_new(k->vm, &f.map, f.offset, f.size, &setup);
	f.expect = g_new0(uint64_t, f.buf->npages);
	engine_schedule(e, 0, file_op, &f);
	for (i = 0; i < f.writers; i++)
		engine_schedule(e, (sim_time)llround(rng_exp(&f.wrng,
		    f.writer_interval)) + 1, file_other_write, &f);
	engine_run_bounded(e, params_time(p, "scenario.max_sim_time"),
	    params_count(p, "scenario.max_events"));
	if (f.done != f.ops) {
		model_limit_error(error, k, f.done, f.ops, "operations");
		ok = FALSE;
	} else if (f.violations > 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "invariant broken (strategy %s): the process saw data "
		    "that was not its own or not the file's at read()",
		    strategy);
		ok = FALSE;
	}
	if (ok) {
		double bytes = (double)k->c.bytes_delivered;

		model_result_fill(r, k);
		/* The stdio memcpys are copies too. */
		r->v[MODEL_COPIED_BYTES_PER_BYTE] += f.stdio_copied / bytes;
		r->v[MODEL_FLIPS_PER_MIB] = (f.exchanged + f.donated) /
		    (bytes / 1048576.0);
		r->v[MODEL_VIOLATIONS] = (double)f.violations;
	}
	/* Tear down: the buffer, the cache, the stale pool. */
	for (i = 0; i < f.buf->npages; i++) {
		pg = f.buf->pages[i];
		if (pg->owner == VM_OWNER_ZERO)
			continue;
		vm_remove(k->vm, pg, &f.map, 0, &tlb, &setup);
		if (pg->owner == VM_OWNER_ANON && pg->loan_count == 0)
			vm_page_release(k->vm, pg, &setup);
		else
			vm_unloan(k->vm, pg, &setup);
	}
	g_free(f.buf->pages);
	g_free(f.buf);
	for (i = 0; i < f.npages; i++)
		if ((pg = f.cache[i]) != NULL) {
			if (vm_page_mapped_in(pg, &f.others))
				vm_remove(k->vm, pg, &f.others, 0, &tlb, &setup);
			vm_page_release(k->vm, pg, &setup);
		}
	while ((pg = g_queue_pop_head(&f.stale)) != NULL)
		vm_page_release(k->vm, pg, &setup);
	g_free(f.cache);
	g_free(f.expect);
	dist_free(f.write_delay);
	dist_free(f.gap);
	kernel_free(k);
	engine_free(e);
	return ok;
}
