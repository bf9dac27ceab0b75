/* File I/O through the page cache: mechanisms M6 (page exchange on read)
 * and M7 (page donation on write), and stdio on top.
 *
 * The file has file.size bytes; a page is in the page cache at the start
 * with probability file.residency, else read() waits for the disk: one
 * read per run of missing pages, disk_latency plus the run at disk_bw
 * (time, not CPU, but for the completion interrupt and the switches).
 * file.mappers other processes map the file (writable or not), active
 * on the other CPUs; file.writers other processes write random pages of
 * it every exp(writer_interval).  The process goes through the file in
 * order (file.access = sequential) or at random page-aligned offsets.
 *
 * read(), copy: uiomove from the page-cache pages.  exchange: every user
 * page wholly covered whose file offset is page-aligned with it becomes a
 * copy-on-write loan of the page-cache page (uvm_loanuobj, object to
 * anon: the loan write-protects the page's other mappings), and the old
 * buffer page is freed; heads, tails and unaligned pages are copied.  A
 * later write by the process to a loaned page breaks the loan (fault,
 * allocate, copy: uvm_loanbreak_anon); a write by another process to a
 * loaned page breaks it on the file's side (the object gets a copy) and
 * the process's anon takes the old page over (uvm_anon_lockloanpg), so
 * that its own later write only faults.
 *
 * mmap, no read() at all: each operation maps its pages of the file
 * (mmap MAP_PRIVATE), the process's first touch faults them in a
 * fault-around block at a time, it reads and writes them there (a write
 * copies the page, as a loan break does), and munmap()s them.  The
 * Linux analogue of exchange (bench/bench_fileread.c measures it), with
 * the costs exchange does without: the two system calls, the mapping's
 * own work and the faults.
 *
 * write(), copy: uiomove into the page-cache pages.  donate ("don't
 * care" flag): every aligned whole page of the buffer moves into the
 * page cache as it is, and the process gets a replacement page: zeroed at
 * once ("zero"), the shared zero page mapped copy-on-write so that the
 * zeroing comes at its next write fault ("zero-cow"), or a stale page
 * holding this process's own earlier data ("stale": pages it donated or
 * wrote whole that were later replaced in the cache; a zeroed page when
 * there is none).
 *
 * Copy semantics are checked against a record of the file kept apart
 * from the page objects: the content version of every file page and
 * whether it holds bytes the process did not write.  What the process
 * sees after read() must be the file at that moment, and must stay so
 * until the process writes it itself; a page holding another process's
 * bytes must never reach the stale pool; at the end every page-cache
 * page must hold what was last written to it.  Each failure counts a
 * violation (and fails the run).
 *
 * stdio: records of workload.record bytes are memcpy'd into (fwrite) or
 * out of (fread) a page-aligned buffer of workload.size bytes, which is
 * written or read whole (the flush, the refill).
 *
 * What is in the CPU cache (docs/model.md): the process's buffer when it
 * is at most cache_size, page-cache pages when the file is, a page just
 * zeroed or written; a page from the free list is not, nor is a stale
 * page of a file larger than the cache. */
#include "models/file.h"

#include <math.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "models/kernel.h"
#include "models/machine.h"
#include "models/vm.h"

#define FILE_PID	1	/* the process we follow */
#define FILE_OTHER_PID	2	/* the other writers, and the file's
				   content before the run */

enum file_repl { REPL_ZERO, REPL_ZERO_COW, REPL_STALE };

struct fio {
	struct kernel	*k;
	gboolean	 reading;	/* file-read, else file-write */
	gboolean	 special;	/* exchange or donate */
	gboolean	 mapping;	/* mmap */
	enum file_repl	 repl;
	gboolean	 random;	/* file.access = random */
	gboolean	 stdio;
	uint64_t	 record;
	uint64_t	 size;
	uint64_t	 offset;
	uint64_t	 ops;
	uint64_t	 warmup_ops;	/* before the measurement starts */
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
	gboolean	 hot;		/* the file fits in the CPU cache */
	gboolean	 buf_hot;	/* the buffer does */

	struct vm_map	 map;		/* the process */
	struct vm_map	 others;	/* the mappers' address spaces */
	struct vm_page	**cache;	/* page-cache page per file page */
	struct vm_buf	*buf;
	gboolean	*buf_cold;	/* buffer page not in the CPU cache */
	uint64_t	*expect;	/* what each buffer page must hold */
	uint64_t	*fver;		/* the file: version of each page */
	gboolean	*foreign;	/* page holds bytes not the process's */
	uint64_t	 vlast;		/* last content version given out */
	uint64_t	 ios;		/* disk reads the process waits for */
	GQueue		 stale;		/* our pages out of the cache */
	struct rng	 rng;
	struct rng	 wrng;
	uint64_t	 pos;		/* file offset of the current op */
	uint64_t	 warm;		/* warm-up operations done */
	uint64_t	 done;		/* measured operations done */
	sim_time	 op_start;
	sim_time	 end;		/* the last operation's end */
	gboolean	 measuring;
	gboolean	 finished;
	struct model_mark mark;

	uint64_t	 exchanged;
	uint64_t	 donated;
	uint64_t	 stdio_copied;
	uint64_t	 violations;
};

gboolean
file_strategy_valid(const char *kind, const char *s, GError **error)
{
	gboolean reading = strcmp(kind, "file-read") == 0;

	if (strcmp(s, "copy") == 0 ||
	    strcmp(s, reading ? "exchange" : "donate") == 0 ||
	    (reading && strcmp(s, "mmap") == 0))
		return TRUE;
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
	    "unknown strategy \"%s\" for workload kind %s (expected %s)", s,
	    kind, reading ? "copy, exchange or mmap" : "copy or donate");
	return FALSE;
}

/* CPU time to move len bytes, by where they are (machine_move_ns()). */
static uint64_t
file_move_ns(const struct fio *f, uint64_t len, gboolean src_hot,
    gboolean dst_hot)
{
	return machine_move_ns(&f->k->m, len, src_hot, dst_hot);
}

/* The process's pass over len bytes of file pages where the page cache
 * keeps them (exchanged or mapped): at read_bw_hot when the file is in
 * the CPU cache; from memory, at read_bw_seq when it reads the file in
 * order, for its loop walks the pages in address order and the memory
 * stream keeps ahead of it (lmbench bw_mmap_rd, "Mmap reread", runs at
 * bw_mem rd's rate); at read_bw_cold when its reads land at random.
 * read()'s copy out of the same pages is at copy_bw_page
 * (file_move_ns): the kernel copies page by page (Linux
 * mm/filemap.c filemap_read, copy_folio_to_iter; uiomove), each page
 * a stream of its own, and stores what it reads. */
static uint64_t
file_pass_ns(const struct fio *f, uint64_t len)
{
	const struct machine	*m = &f->k->m;

	if (f->hot)
		return machine_read_ns(m, len, TRUE);
	return machine_bytes_ns(f->random ? m->read_bw_cold : m->read_bw_seq,
	    len);
}

/* ncalls copy calls (uiomove, uvm_pagecopy) moving len bytes. */
static void
file_charge_copy(const struct fio *f, struct charge *ch, uint64_t len,
    uint64_t ncalls, gboolean src_hot, gboolean dst_hot)
{
	charge_add(ch, CPU_COPY, f->k->m.copy_fixed * ncalls +
	    file_move_ns(f, len, src_hot, dst_hot));
	f->k->c.bytes_copied += len;
}

/* read() and write() find each page-cache page they copy from or into
 * and hold it for the copy (NetBSD ffs_read/ffs_write: ubc_alloc, whose
 * ubc_fault gets the pages from uvn_get -> uvn_findpages, busy, then
 * unbusied; Linux filemap_get_read_batch and folio_put): the lookup and
 * reference exchange pays as its loan, loan_page + unloan_page a page.
 * (UBC also maps the pages into its kernel window and unmaps them when
 * the window is reused; the model leaves that out.) */
static void
file_charge_lookup(const struct fio *f, struct charge *ch, uint64_t npages)
{
	charge_add(ch, CPU_LOAN, npages * (f->k->m.loan_page +
	    f->k->m.unloan_page));
}

/* Bytes [*a, *b) of the operation that buffer page pg holds. */
static void
file_piece(const struct fio *f, uint64_t pg, uint64_t *a, uint64_t *b)
{
	uint64_t	ps = f->k->m.page_size;

	*a = pg == 0 ? 0 : pg * ps - f->offset;
	*b = MIN(f->size, (pg + 1) * ps - f->offset);
}

/* The file's page i gets new bytes from pid: a new content version; it
 * holds another's bytes unless the process wrote all of it. */
static uint64_t
file_record_write(struct fio *f, uint64_t i, uint32_t pid, gboolean whole)
{
	f->fver[i] = ++f->vlast;
	if (pid != FILE_PID)
		f->foreign[i] = TRUE;
	else if (whole)
		f->foreign[i] = FALSE;
	return f->fver[i];
}

/* A page-cache page for file page i, with the file's content. */
static struct vm_page *
file_cache_new(struct fio *f, uint64_t i, struct charge *ch)
{
	struct vm_page	*pg = vm_page_alloc(f->k->vm, VM_OWNER_OBJECT, ch);

	pg->version = f->fver[i];
	/* The kernel knows a page is the process's only when the process
	 * wrote all of it (a donation, a whole-page uiomove). */
	pg->data_owner = FILE_OTHER_PID;
	if (f->mappers > 0)
		vm_enter(f->k->vm, pg, &f->others, f->mapped_writable, ch);
	f->cache[i] = pg;
	return pg;
}

/* Brings file pages first..last into the page cache and returns how long
 * the process waits for the disk.  genfs_getpages() reads a run of
 * contiguous missing blocks with one VOP_STRATEGY (VOP_BMAP's run):
 * here one disk read per run of missing pages, the full disk_latency
 * each and the run at disk_bw, one after the other.  No rounding to the
 * file-system block and no read-ahead (genfs_getpages reads 128 KiB
 * ahead from a 64 KiB boundary): an upper bound for sequential reads.
 * Each read's completion interrupt (biodone) is charged when the process
 * wakes. */
static sim_time
file_fetch(struct fio *f, uint64_t first, uint64_t last, struct charge *ch)
{
	struct kernel	*k = f->k;
	sim_time	 wait = 0;
	uint64_t	 i = first, run;

	while (i <= last) {
		if (f->cache[i] != NULL) {
			i++;
			continue;
		}
		for (run = 0; i <= last && f->cache[i] == NULL; run++)
			(void)file_cache_new(f, i++, ch);
		wait += f->disk_latency + machine_bytes_ns(f->disk_bw,
		    run * k->m.page_size);
		f->ios++;
	}
	return wait;
}

/* A page leaves the cache: a page all of whose bytes are the process's
 * goes to its stale pool, anything else is freed. */
static void
file_cache_drop(struct fio *f, uint64_t i, struct vm_tlb *tlb,
    struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_page	*pg = f->cache[i];

	f->cache[i] = NULL;
	if (vm_page_mapped_in(pg, &f->others))
		vm_remove(k->vm, pg, &f->others, 0, tlb, ch);
	if (pg->loan_count == 0 && pg->data_owner == FILE_PID &&
	    f->repl == REPL_STALE) {
		/* The file's record, not the page, says whose bytes it
		 * holds: another's would reach the process. */
		if (f->foreign[i])
			f->violations++;
		pg->owner = VM_OWNER_ANON;
		g_queue_push_tail(&f->stale, pg);
		return;
	}
	vm_page_release(k->vm, pg, ch);
}

/* The process looks at its buffer: every page must still show what it
 * read, or what it wrote there itself. */
static void
file_check_view(struct fio *f)
{
	uint64_t	pg;

	/* An unmapped page (mmap, between operations) shows nothing. */
	for (pg = 0; pg < f->buf->npages; pg++)
		if (f->buf->pages[pg] != NULL &&
		    f->buf->pages[pg]->version != f->expect[pg])
			f->violations++;
}

/* Every page-cache page must hold what was last written to its page. */
static void
file_check_cache(struct fio *f)
{
	uint64_t	i;

	for (i = 0; i < f->npages; i++)
		if (f->cache[i] != NULL && f->cache[i]->version != f->fver[i])
			f->violations++;
}

/* What buffer page pg holds after a read at f->pos: the version of the
 * file page its bytes come from, or of both pages mixed when they
 * straddle two; from the page-cache pages (what the kernel copies) or
 * from the file's record (what the process must see). */
static uint64_t
file_content(const struct fio *f, uint64_t pg, gboolean cached)
{
	uint64_t	ps = f->k->m.page_size, a, b, fa, fb, va, vb;

	file_piece(f, pg, &a, &b);
	fa = (f->pos + a) / ps;
	fb = (f->pos + b - 1) / ps;
	va = cached ? f->cache[fa]->version : f->fver[fa];
	if (fa == fb)
		return va;
	vb = cached ? f->cache[fb]->version : f->fver[fb];
	return va * UINT64_C(0x9e3779b97f4a7c15) ^ vb;
}

static void	file_op(struct engine *, void *);

static void
file_next(void *arg, sim_time when)
{
	struct fio	*f = arg;
	struct kernel	*k = f->k;
	double		 g = dist_sample(f->gap, &f->rng);

	k->c.bytes_delivered += f->size;
	if (f->measuring) {
		histogram_add(k->latency, (double)(when - f->op_start));
		f->done++;
	} else if (++f->warm >= f->warmup_ops) {
		/* The warm-up is over: measure from here. */
		model_mark_set(&f->mark, k, when);
		f->exchanged = f->donated = f->stdio_copied = 0;
		f->measuring = TRUE;
	}
	/* Sequential through the file, from the start again at its end. */
	f->pos += f->size;
	if (f->pos + f->size > f->npages * k->m.page_size)
		f->pos = 0;
	if (f->done < f->ops) {
		engine_schedule_at(k->engine, when + (g > 0 ?
		    units_round(g) : 0), file_op, f);
		return;
	}
	f->finished = TRUE;
	f->end = when;
}

/* Buffer page pg leaves the process's address space: unmapped, and
 * freed if it is the process's own (an anon page not on loan), or its
 * loan (the page-cache page's reference) given back. */
static void
file_page_unmap(struct fio *f, uint64_t pg, struct vm_tlb *tlb,
    struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_page	*old = f->buf->pages[pg];

	vm_remove(k->vm, old, &f->map, 0, tlb, ch);
	if (old->owner == VM_OWNER_ANON && old->loan_count == 0)
		vm_page_release(k->vm, old, ch);
	else
		vm_unloan(k->vm, old, ch);
	f->buf->pages[pg] = NULL;
}

/* munmap() of the operation's mapping: the system call, and each page's
 * mapping removed in one range removal (pmap_remove: the TLB
 * invalidated page by page up to tlb_flush_ceiling pages, flushed whole
 * beyond, at the ceiling's cost; NetBSD i386 PMAP_RR_MAX, Linux x86
 * tlb_single_page_flush_ceiling), the page-cache pages given back
 * (uvm_unloan here: the reference taken at the fault) and the process's
 * copies of the pages it wrote freed.  The mapping's own removal is in
 * machine.map_entry, charged at mmap. */
static void
file_unmap(struct fio *f, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 pg;

	charge_add(ch, CPU_SYSCALL, k->m.syscall);
	for (pg = 0; pg < f->buf->npages; pg++)
		file_page_unmap(f, pg, &tlb, ch);
	tlb.local_pages = MIN(tlb.local_pages, k->m.tlb_flush_ceiling);
	vm_tlb_flush(k->vm, &tlb, 0, ch);
}

/* write_delay after read() returned, the process writes the pages it
 * chose, having looked at what it read; with mmap it then unmaps
 * them.  The first write into a fresh private mapping also gives the
 * mapping its anonymous memory, machine.map_anon, once (NetBSD
 * uvm_fault: amap_copy of a needs-copy entry, amap_alloc, freed by
 * amap_unref at munmap; Linux mm/memory.c wp_page_copy ->
 * vmf_anon_prepare -> __anon_vma_prepare, unlink_anon_vmas at munmap);
 * the buffer read() fills lives in a mapping that has it already. */
static void
file_touch_after_read(struct engine *e, void *arg)
{
	struct fio	*f = arg;
	struct kernel	*k = f->k;
	struct charge	 ch = { { 0 } };
	uint64_t	 pg, a, b;
	gboolean	 anon = !f->mapping;

	file_check_view(f);
	for (pg = 0; pg < f->buf->npages; pg++) {
		if (rng_uniform(&f->rng) >= f->write_fraction)
			continue;
		if (!anon) {
			charge_add(&ch, CPU_ALLOC, k->m.map_anon);
			anon = TRUE;
		}
		file_piece(f, pg, &a, &b);
		/* A loaned page faults and is copied (uvm_loanbreak); one
		 * the process took over from the file only faults. */
		vm_buf_write(k->vm, f->buf, a, b - a, 0, &ch);
		f->buf->pages[pg]->version = f->expect[pg] = ++f->vlast;
		charge_add(&ch, CPU_APP, file_move_ns(f, b - a, TRUE,
		    f->buf_hot));
	}
	if (f->mapping)
		file_unmap(f, &ch);
	kernel_defer(k, file_next, f);
	kernel_step_end(k, 0, &ch);
}

static void
file_after_read(void *arg, sim_time when)
{
	struct fio	*f = arg;
	double		 d = dist_sample(f->write_delay, &f->rng);

	engine_schedule_at(f->k->engine, when + (d > 0 ?
	    units_round(d) : 0), file_touch_after_read, f);
}

static void	file_read_pages(struct fio *, struct charge *);
static void	file_map_pages(struct fio *, struct charge *);
static void	file_write_pages(struct fio *, struct charge *);

/* Back from the disk: the completion interrupts, biodone() wakes the
 * process, it is switched in again, and on with the system call. */
static void
file_wake(struct engine *e, void *arg)
{
	struct fio	*f = arg;
	struct charge	 ch = { { 0 } };

	charge_add(&ch, CPU_INTERRUPT, f->ios * f->k->m.interrupt);
	charge_add(&ch, CPU_SCHED, f->k->m.wakeup + f->k->m.context_switch);
	f->ios = 0;
	if (f->mapping)
		file_map_pages(f, &ch);
	else if (f->reading)
		file_read_pages(f, &ch);
	else
		file_write_pages(f, &ch);
}

/* The process sleeps in biowait() until the disk has answered. */
static void
file_sleep(struct fio *f, sim_time wait, struct charge *ch)
{
	struct kernel	*k = f->k;
	sim_time	 end;

	charge_add(ch, CPU_SCHED, k->m.context_switch);
	end = kernel_step_end(k, 0, ch);
	engine_schedule_at(k->engine, end + wait, file_wake, f);
}

/* read() once the file's pages are in the page cache.  The buffer's
 * old pages are let go first (unmapped, or their loans broken by the
 * uiomove), then the new ones entered, so that a page never stands at
 * two addresses of the buffer. */
static void
file_read_pages(struct fio *f, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 ps = k->m.page_size, pg, a, b, copied = 0, pieces = 0;
	gboolean	 aligned = f->pos % ps == f->offset;

	for (pg = 0; pg < f->buf->npages; pg++) {
		struct vm_page *old = f->buf->pages[pg];

		file_piece(f, pg, &a, &b);
		if (f->special && aligned && b - a == ps)
			file_page_unmap(f, pg, &tlb, ch);
		else if (!vm_page_writable_in(old, &f->map))
			/* uiomove into a page still on loan breaks it. */
			f->buf->pages[pg] = vm_write_fault(k->vm, old, &f->map,
			    0, &tlb, ch);
	}
	for (pg = 0; pg < f->buf->npages; pg++) {
		if (f->buf->pages[pg] == NULL) {
			/* Page exchange: the cache page, loaned, replaces
			 * the buffer page. */
			struct vm_page *cp = f->cache[(f->pos + pg * ps -
			    f->offset) / ps];

			vm_loan(k->vm, cp, 0, &tlb, ch);
			vm_enter(k->vm, cp, &f->map, FALSE, ch);
			f->buf->pages[pg] = cp;
			f->exchanged++;
		} else {
			file_piece(f, pg, &a, &b);
			f->buf->pages[pg]->version = file_content(f, pg, TRUE);
			copied += b - a;
			pieces++;
		}
		f->expect[pg] = file_content(f, pg, FALSE);
	}
	/* The old pages go in one range removal (pmap_remove), as at
	 * munmap: page by page up to the flush ceiling, a whole flush at
	 * its cost beyond. */
	tlb.local_pages = MIN(tlb.local_pages, k->m.tlb_flush_ceiling);
	vm_tlb_flush(k->vm, &tlb, 0, ch);
	/* Aligned, buffer page pg holds file page pg of the operation;
	 * otherwise nothing was exchanged and every file page was copied
	 * from. */
	file_charge_lookup(f, ch, aligned ? pieces : (f->pos + f->size - 1) /
	    ps - f->pos / ps + 1);
	file_charge_copy(f, ch, copied, pieces, f->hot, f->buf_hot);
	file_check_view(f);
	/* The process uses what it read: copied bytes are where the copy
	 * left them, exchanged pages where the page cache keeps them. */
	charge_add(ch, CPU_APP, machine_read_ns(&k->m, copied, f->buf_hot) +
	    file_pass_ns(f, f->size - copied));
	if (f->stdio) {
		/* fread()s copying the records out of the buffer. */
		charge_add(ch, CPU_APP, file_move_ns(f, f->size, f->buf_hot,
		    TRUE) + k->m.copy_fixed * (f->size / f->record));
		f->stdio_copied += f->size;
	}
	kernel_defer(k, file_after_read, f);
	kernel_step_end(k, 0, ch);
}

/* mmap(MAP_PRIVATE) of the operation's pages (their misses read
 * first, as the faults would), then the process's pass over them: its
 * first touch of each block of machine.fault_around pages faults
 * (Linux mm/memory.c do_fault_around, fault_around_bytes = 64 KiB;
 * UVM's fault-ahead, uvm_fault.c uvmadvice[]), and the fault maps every
 * page of the block read-only: a reference to the page-cache page and a
 * PTE each (loan_page + pmap_enter, as calibrate derives them).  UVM
 * maps the object's page itself into a private mapping, without a
 * loan; the model takes the loan so that a write copies the page and a
 * writer of the file leaves the process its snapshot, exactly as under
 * exchange.  machine.map_entry is the mapping's own work at mmap and at
 * munmap (uvm_map, uvm_unmap; Linux's VMA and page-table page). */
static void
file_map_pages(struct fio *f, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 ps = k->m.page_size, pg;

	charge_add(ch, CPU_SYSCALL, k->m.map_entry);
	for (pg = 0; pg < f->buf->npages; pg++) {
		struct vm_page *cp = f->cache[f->pos / ps + pg];

		g_assert(f->buf->pages[pg] == NULL);
		if (pg % k->m.fault_around == 0)
			charge_add(ch, CPU_FAULT, k->m.fault_trap);
		vm_loan(k->vm, cp, 0, &tlb, ch);
		vm_enter(k->vm, cp, &f->map, FALSE, ch);
		f->buf->pages[pg] = cp;
		f->expect[pg] = file_content(f, pg, FALSE);
		f->exchanged++;
	}
	vm_tlb_flush(k->vm, &tlb, 0, ch);
	file_check_view(f);
	/* The process reads every byte where the page cache keeps it. */
	charge_add(ch, CPU_APP, file_pass_ns(f, f->size));
	kernel_defer(k, file_after_read, f);
	kernel_step_end(k, 0, ch);
}

static void
file_read(struct fio *f, struct charge *ch)
{
	uint64_t	ps = f->k->m.page_size;
	sim_time	wait;

	/* The process's last look at its buffer before read() replaces
	 * it. */
	file_check_view(f);
	wait = file_fetch(f, f->pos / ps, (f->pos + f->size - 1) / ps, ch);
	if (wait > 0)
		file_sleep(f, wait, ch);
	else if (f->mapping)
		file_map_pages(f, ch);
	else
		file_read_pages(f, ch);
}

/* The replacement page of a donation. */
static struct vm_page *
file_replacement(struct fio *f, uint64_t pg, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_page	*np;

	f->buf_cold[pg] = FALSE;
	if (f->repl == REPL_ZERO_COW) {
		/* The shared zero page, read-only: zeroing waits for the
		 * next write fault. */
		charge_add(ch, CPU_PMAP, k->m.pmap_enter);
		return vm_zero_page(k->vm);
	}
	if (f->repl == REPL_STALE &&
	    (np = g_queue_pop_head(&f->stale)) != NULL) {
		/* It left the page cache: as cold as the file's pages. */
		f->buf_cold[pg] = !f->hot;
	} else {
		/* A page from the free list, zeroed (uvm_pagezero): not in
		 * the CPU cache before, in it after. */
		np = vm_page_alloc(k->vm, VM_OWNER_ANON, ch);
		charge_add(ch, CPU_ALLOC, k->m.page_zero);
		np->version = 0;
		np->data_owner = 0;
	}
	vm_enter(k->vm, np, &f->map, TRUE, ch);
	return np;
}

/* Donation: buffer page pg becomes the file's page i. */
static void
file_donate(struct fio *f, uint64_t pg, uint64_t i, struct vm_tlb *tlb,
    struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_page	*bp = f->buf->pages[pg];

	if (f->cache[i] != NULL)
		file_cache_drop(f, i, tlb, ch);
	vm_remove(k->vm, bp, &f->map, 0, tlb, ch);
	bp->owner = VM_OWNER_OBJECT;
	if (f->mappers > 0)
		vm_enter(k->vm, bp, &f->others, f->mapped_writable, ch);
	f->cache[i] = bp;
	/* The file now holds what the process wrote into that page. */
	f->fver[i] = f->expect[pg];
	f->foreign[i] = FALSE;
	f->buf->pages[pg] = file_replacement(f, pg, ch);
	f->donated++;
}

/* write() once the partly written pages are in the page cache. */
static void
file_write_pages(struct fio *f, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 ps = k->m.page_size, copied = 0, pieces = 0, i;
	uint64_t	 first = f->pos / ps, last = (f->pos + f->size - 1) / ps;
	gboolean	 aligned = f->pos % ps == f->offset;

	/* Buffer page pg holds file page first + pg when aligned. */
	for (i = first; i <= last; i++) {
		uint64_t lo = MAX(f->pos, i * ps);
		uint64_t hi = MIN(f->pos + f->size, (i + 1) * ps);
		gboolean whole = hi - lo == ps;
		struct vm_page *cp;

		if (f->special && aligned && whole &&
		    f->buf->pages[i - first]->owner == VM_OWNER_ANON &&
		    f->buf->pages[i - first]->loan_count == 0) {
			file_donate(f, i - first, i, &tlb, ch);
			continue;
		}
		/* A whole page is overwritten without reading it
		 * (UBC_FAULTBUSY). */
		if (f->cache[i] == NULL)
			(void)file_cache_new(f, i, ch);
		cp = f->cache[i];
		/* Only the process's exchanged reads loan cache pages. */
		g_assert(cp->loan_count == 0);
		cp->version = file_record_write(f, i, FILE_PID, whole);
		/* A partial write leaves the rest of the page as it was:
		 * another's bytes stay another's. */
		if (whole)
			cp->data_owner = FILE_PID;
		copied += hi - lo;
		pieces++;
	}
	vm_tlb_flush(k->vm, &tlb, 0, ch);
	file_charge_lookup(f, ch, pieces);
	file_charge_copy(f, ch, copied, pieces, f->buf_hot, f->hot);
	kernel_defer(k, file_next, f);
	kernel_step_end(k, 0, ch);
}

static void
file_write(struct fio *f, struct charge *ch)
{
	uint64_t	ps = f->k->m.page_size, end = f->pos + f->size;
	uint64_t	first = f->pos / ps, last = (end - 1) / ps;
	gboolean	head = f->pos % ps != 0, tail = end % ps != 0;
	sim_time	wait = 0;

	/* A page written in part must be read first: the first and the
	 * last (one disk read when they are neighbours). */
	if (head && tail && last <= first + 1)
		wait = file_fetch(f, first, last, ch);
	else {
		if (head)
			wait += file_fetch(f, first, first, ch);
		if (tail)
			wait += file_fetch(f, last, last, ch);
	}
	if (wait > 0)
		file_sleep(f, wait, ch);
	else
		file_write_pages(f, ch);
}

/* The process produces the data of a write: in its own buffer, or with
 * fwrite()s into the stdio buffer.  Pages handed back as the zero page
 * fault here; a stale page of a file larger than the cache is written
 * at the memory rate. */
static void
file_fill(struct fio *f, struct charge *ch)
{
	struct kernel	*k = f->k;
	uint64_t	 pg, a, b;

	vm_buf_write(k->vm, f->buf, 0, f->size, 0, ch);
	for (pg = 0; pg < f->buf->npages; pg++) {
		struct vm_page *bp = f->buf->pages[pg];

		file_piece(f, pg, &a, &b);
		bp->version = f->expect[pg] = ++f->vlast;
		bp->data_owner = FILE_PID;
		charge_add(ch, CPU_APP, file_move_ns(f, b - a, TRUE,
		    f->buf_hot && !f->buf_cold[pg]));
		f->buf_cold[pg] = FALSE;
	}
	if (f->stdio) {
		charge_add(ch, CPU_APP, k->m.copy_fixed *
		    (f->size / f->record));
		f->stdio_copied += f->size;
	}
}

static void
file_op(struct engine *e, void *arg)
{
	struct fio	*f = arg;
	struct kernel	*k = f->k;
	struct charge	 ch = { { 0 } };
	uint64_t	 ps = k->m.page_size;

	f->op_start = engine_now(e);
	engine_fingerprint_add(e, f->reading ? 7 : 8);
	if (f->random)
		f->pos = rng_below(&f->rng, (f->npages * ps - f->size) / ps +
		    1) * ps;
	if (!f->reading)
		file_fill(f, &ch);
	charge_add(&ch, CPU_SYSCALL, k->m.syscall);
	if (f->reading)
		file_read(f, &ch);
	else
		file_write(f, &ch);
}

/* Another process writes 512 bytes of a random page of the file. */
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
		/* uvm_loanbreak() of an object page: the file gets a copy
		 * (a page from the free list) and lets the loaned one go.
		 * The reader's anon then takes the ownerless page over
		 * (uvm_anon_lockloanpg: "if page is un-owned ... we can
		 * take over as owner!"): no copy when it writes it. */
		struct vm_page *np = vm_page_alloc(k->vm, VM_OWNER_OBJECT, &ch);

		file_charge_copy(f, &ch, k->m.page_size, 1, f->hot, FALSE);
		np->version = cp->version;
		np->data_owner = cp->data_owner;
		if (vm_page_mapped_in(cp, &f->others))
			vm_remove(k->vm, cp, &f->others, cpu, &tlb, &ch);
		vm_page_release(k->vm, cp, &ch);
		if (cp->loan_count == 1) {
			cp->owner = VM_OWNER_ANON;
			vm_unloan(k->vm, cp, &ch);
		}
		if (f->mappers > 0)
			vm_enter(k->vm, np, &f->others, f->mapped_writable,
			    &ch);
		f->cache[i] = cp = np;
	}
	/* A page not in the cache is written where it lies: whoever reads
	 * it next reads the new content. */
	(void)file_record_write(f, i, FILE_OTHER_PID, FALSE);
	if (cp != NULL) {
		cp->version = f->fver[i];
		cp->data_owner = FILE_OTHER_PID;
		charge_add(&ch, CPU_COPY, k->m.copy_fixed +
		    file_move_ns(f, 512, TRUE, f->hot));
	}
	vm_tlb_flush(k->vm, &tlb, cpu, &ch);
	kernel_step_end(k, cpu, &ch);
	engine_schedule(e, units_round(rng_exp(&f->wrng,
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
	f->mapping = strcmp(strategy, "mmap") == 0;
	f->special = strcmp(strategy, "copy") != 0 && !f->mapping;
	f->repl = strcmp(repl, "zero-cow") == 0 ? REPL_ZERO_COW :
	    strcmp(repl, "stale") == 0 ? REPL_STALE : REPL_ZERO;
	f->random = strcmp(params_string(p, "file.access"), "random") == 0;
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
	f->buf_hot = f->size <= k->m.cache_size;
	if (f->offset >= ps || f->size > fsize) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[workload] offset must be below the page size and size "
		    "at most [file] size");
		return FALSE;
	}
	if (f->mapping && (f->offset != 0 || f->size % ps != 0 ||
	    f->stdio)) {
		/* mmap() maps whole pages at page-aligned file offsets. */
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[workload] strategy mmap needs offset 0, a size that is a "
		    "whole number of pages and no stdio");
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
	/* A pass over the file is as many operations as fit in it. */
	f->warmup_ops = params_count(p, "file.warmup") * (fsize / f->size);
	f->measuring = f->warmup_ops == 0;
	f->map.name = "process";
	f->map.cpumask = 1;
	f->others.name = "mappers";
	for (i = 1; i <= f->mappers; i++)
		f->others.cpumask |= (uint64_t)1 << (i % ncpus);
	f->cache = g_new0(struct vm_page *, f->npages);
	f->fver = g_new0(uint64_t, f->npages);
	f->foreign = g_new0(gboolean, f->npages);
	g_queue_init(&f->stale);
	return TRUE;
}

/* Frees the buffer, the cache and the stale pool. */
static void
file_teardown(struct fio *f, struct charge *ch)
{
	struct kernel	*k = f->k;
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_page	*pg;
	uint64_t	 i;

	for (i = 0; f->buf != NULL && i < f->buf->npages; i++) {
		pg = f->buf->pages[i];
		if (pg == NULL || pg->owner == VM_OWNER_ZERO)
			continue;
		vm_remove(k->vm, pg, &f->map, 0, &tlb, ch);
		if (pg->owner == VM_OWNER_ANON && pg->loan_count == 0)
			vm_page_release(k->vm, pg, ch);
		else
			vm_unloan(k->vm, pg, ch);
	}
	if (f->buf != NULL) {
		g_free(f->buf->pages);
		g_free(f->buf);
	}
	for (i = 0; f->cache != NULL && i < f->npages; i++)
		if ((pg = f->cache[i]) != NULL) {
			if (vm_page_mapped_in(pg, &f->others))
				vm_remove(k->vm, pg, &f->others, 0, &tlb, ch);
			vm_page_release(k->vm, pg, ch);
		}
	while ((pg = g_queue_pop_head(&f->stale)) != NULL)
		vm_page_release(k->vm, pg, ch);
	g_free(f->cache);
	g_free(f->fver);
	g_free(f->foreign);
	g_free(f->expect);
	g_free(f->buf_cold);
	dist_free(f->write_delay);
	dist_free(f->gap);
}

static gboolean	file_check(void *, gboolean, GError **);

gboolean
file_run(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, const struct model_fault *fault, struct model_result *r,
    GError **error)
{
	struct model_checks	 mc;
	struct machine		 m;
	struct engine		*e;
	struct kernel		*k;
	struct fio		 f;
	struct charge		 setup = { { 0 } };
	gboolean		 ok = TRUE;
	uint64_t		 i;

	if (!file_strategy_valid(params_string(p, "workload.kind"), strategy,
	    error))
		return FALSE;
	machine_init(&m, p);
	e = engine_new();
	k = kernel_new(e, &m);
	if (!file_init(&f, k, p, strategy, error)) {
		file_teardown(&f, &setup);
		kernel_free(k);
		engine_free(e);
		return FALSE;
	}
	f.write_delay = params_dist(p, "workload.write_delay");
	f.gap = params_dist(p, "workload.gap");
	rng_init(&f.rng, seed, rep, "app.file");
	rng_init(&f.wrng, seed, rep, "file.writers");
	/* The file before the run, written by others; the page cache: each
	 * page resident with the residency probability. */
	for (i = 0; i < f.npages; i++) {
		(void)file_record_write(&f, i, FILE_OTHER_PID, TRUE);
		if (rng_uniform(&f.wrng) < f.residency)
			(void)file_cache_new(&f, i, &setup);
	}
	/* mmap: no buffer, only the address space the mappings take. */
	f.buf = f.mapping ? vm_buf_new_empty(k->vm, &f.map, f.size) :
	    vm_buf_new(k->vm, &f.map, f.offset, f.size, &setup);
	f.expect = g_new0(uint64_t, f.buf->npages);
	f.buf_cold = g_new0(gboolean, f.buf->npages);
	engine_schedule(e, 0, file_op, &f);
	for (i = 0; i < f.writers; i++)
		engine_schedule(e, units_round(rng_exp(&f.wrng,
		    f.writer_interval)) + 1, file_other_write, &f);
	model_checks_start(&mc, k, p, strategy, fault, file_check, &f);
	model_checks_run(&mc);
	if (f.reading)
		file_check_view(&f);
	file_check_cache(&f);
	ok = model_checks_end(&mc, f.done == f.ops, error);
	if (ok && f.done != f.ops) {
		model_limit_error(error, k, f.done, f.ops, "operations");
		ok = FALSE;
	}
	if (ok) {
		double bytes;

		if (f.warmup_ops > 0)
			model_result_fill_since(r, k, &f.mark);
		else
			model_result_fill(r, k);
		bytes = (double)(k->c.bytes_delivered -
		    f.mark.bytes_delivered);
		/* The stdio memcpys are copies too. */
		r->v[MODEL_COPIED_BYTES_PER_BYTE] += f.stdio_copied / bytes;
		r->v[MODEL_FLIPS_PER_MIB] = (f.exchanged + f.donated) /
		    (bytes / 1048576.0);
		/* From the measurement's start to the last operation's end
		 * (the clock may have run on with the other writers). */
		r->v[MODEL_THROUGHPUT_MBPS] = bytes * 1e3 /
		    (double)MAX(f.end - f.mark.time, 1);
		r->v[MODEL_VIOLATIONS] = (double)f.violations;
	}
	file_teardown(&f, &setup);
	if (!model_checks_teardown(&mc, error))
		ok = FALSE;
	kernel_free(k);
	engine_free(e);
	return ok;
}

/* The file workload's own invariants (models/model.h): a size's worth
 * of bytes delivered per operation done, warm-up included; no violation
 * of copy semantics, under either strategy (file_check_view, _cache). */
static gboolean
file_check(void *ctx, gboolean end, GError **error)
{
	const struct fio	*f = ctx;
	uint64_t		 delivered = f->k->c.bytes_delivered;

	if (delivered != (f->warm + f->done) * f->size) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " bytes delivered, but %"
		    G_GUINT64_FORMAT " operations of %" G_GUINT64_FORMAT
		    " bytes done", delivered, f->warm + f->done, f->size);
		return FALSE;
	}
	if (f->violations > 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " violations: the process saw data "
		    "that was not the file's at read() nor its own, got "
		    "another's data back, or the file lost a write",
		    f->violations);
		return FALSE;
	}
	return TRUE;
}

const struct kernel_event_name file_event_names[] = {
	KERNEL_EVENT(file_touch_after_read), KERNEL_EVENT(file_wake),
	KERNEL_EVENT(file_op), KERNEL_EVENT(file_other_write)
};
const size_t file_event_name_count = G_N_ELEMENTS(file_event_names);
