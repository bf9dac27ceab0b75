/* Pages, mappings and loans, after NetBSD UVM.
 *
 * Sources: sys/uvm/uvm_loan.c (uvm_loan, uvm_loananon, uvm_unloan,
 * uvm_loanbreak, uvm_loanbreak_anon), sys/uvm/uvm_fault.c (write fault on
 * a read-only anon mapping), sys/uvm/uvm_page.c (uvm_pagefree of a loaned
 * page), sys/arch/x86/x86/pmap.c (pmap_page_protect, pmap_update and its
 * batched TLB shootdowns). */
#include "models/vm.h"

#include "sim/error.h"
#include "sim/slab.h"

struct vm {
	const struct machine	*m;
	unsigned		 ncpus;
	struct vm_stats		 st;
	uint64_t		 next_id;
	struct vm_page		*live;
	struct vm_map		 kernel_map;
	struct vm_page		*zero_page;
	vm_ipi_fn		 ipi;
	void			*ipi_arg;
	struct slab		 pages;		/* struct vm_page */
	uint64_t		 nlive;		/* pages on the live list */
	char			*broken;	/* the first broken invariant */
	void			(*on_broken)(void *);
	void			*on_broken_arg;
};

static void	vm_page_destroy(struct vm *, struct vm_page *,
		    struct charge *);

struct vm *
vm_new(const struct machine *m, unsigned ncpus)
{
	struct vm	*vm;
	struct charge	 ch = { { 0 } };

	g_assert(ncpus >= 1 && ncpus <= 64);
	vm = g_new0(struct vm, 1);
	vm->m = m;
	vm->ncpus = ncpus;
	slab_init(&vm->pages, sizeof(struct vm_page));
	vm->kernel_map.name = "kernel";
	vm->kernel_map.cpumask = ncpus == 64 ? UINT64_MAX :
	    ((uint64_t)1 << ncpus) - 1;
	vm->zero_page = vm_page_alloc(vm, VM_OWNER_ZERO, &ch);
	return vm;
}

void
vm_set_ipi(struct vm *vm, vm_ipi_fn fn, void *arg)
{
	vm->ipi = fn;
	vm->ipi_arg = arg;
}

void
vm_set_on_broken(struct vm *vm, void (*fn)(void *), void *arg)
{
	vm->on_broken = fn;
	vm->on_broken_arg = arg;
}

static char *
vm_page_describe(const struct vm_page *pg, const char *what)
{
	return g_strdup_printf("page %" G_GUINT64_FORMAT " (%s, loan count "
	    "%u, wire count %u) %s", pg->id, vm_owner_name(pg->owner),
	    pg->loan_count, pg->wire_count, what);
}

/* An operation would break an invariant at pg (a bug in a model): it is
 * not done; the first such is kept, with the page as it was, and the
 * run is stopped (vm_set_on_broken) to report it. */
static void
vm_broken(struct vm *vm, const struct vm_page *pg, const char *what)
{
	if (vm->broken == NULL)
		vm->broken = vm_page_describe(pg, what);
	if (vm->on_broken != NULL)
		vm->on_broken(vm->on_broken_arg);
}

static void
vm_unlink(struct vm *vm, struct vm_page *pg)
{
	vm->nlive--;
	if (pg->prev_live != NULL)
		pg->prev_live->next_live = pg->next_live;
	else
		vm->live = pg->next_live;
	if (pg->next_live != NULL)
		pg->next_live->prev_live = pg->prev_live;
}

void
vm_free(struct vm *vm)
{
	struct vm_page	*pg, *next;

	if (vm == NULL)
		return;
	for (pg = vm->live; pg != NULL; pg = next) {
		next = pg->next_live;
		slab_free(&vm->pages, pg);
	}
	slab_clear(&vm->pages);
	g_free(vm->broken);
	g_free(vm);
}

const struct vm_stats *
vm_stats(const struct vm *vm)
{
	return &vm->st;
}

uint64_t
vm_live(const struct vm *vm)
{
	return vm->st.allocated - vm->st.freed;
}

const char *
vm_owner_name(enum vm_owner o)
{
	static const char *names[] = { "anon", "object", "kernel", "zero",
	    "none" };

	g_assert((unsigned)o < G_N_ELEMENTS(names));
	return names[o];
}

/* How much vm_check_walk() asks of every page. */
enum vm_check_level {
	VM_CHECK_COUNTS,	/* only the counts add up */
	VM_CHECK_END,		/* and no loan, hold or kernel mapping left */
	VM_CHECK_TORN_DOWN	/* and no page but the zero page */
};

/* What is wrong with pg at the end of a run, or NULL. */
static const char *
vm_check_page(const struct vm *vm, const struct vm_page *pg,
    enum vm_check_level level)
{
	if (level == VM_CHECK_COUNTS)
		return NULL;
	if (pg->loan_count > 0)
		return "is still loaned";
	if (pg->wire_count > 0)
		return "is still held";
	if (pg->kmappings > 0)
		return "is still mapped in the kernel";
	if (level == VM_CHECK_TORN_DOWN && pg != vm->zero_page)
		return "was never freed";
	return NULL;
}

static gboolean
vm_check_conserved(const struct vm *vm, uint64_t n, GError **error)
{
	if (n == vm->st.allocated - vm->st.freed)
		return TRUE;
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
	    "%" G_GUINT64_FORMAT " pages live, but %" G_GUINT64_FORMAT
	    " allocated and %" G_GUINT64_FORMAT " freed", n,
	    vm->st.allocated, vm->st.freed);
	return FALSE;
}

static gboolean
vm_check_walk(const struct vm *vm, enum vm_check_level level,
    GError **error)
{
	const struct vm_page	*pg;
	const char		*what;
	char			*msg;
	uint64_t		 n = 0, loans = 0;

	if (!vm_check_misuse(vm, error))
		return FALSE;
	for (pg = vm->live; pg != NULL; pg = pg->next_live) {
		n++;
		loans += pg->loan_count;
		if ((what = vm_check_page(vm, pg, level)) == NULL)
			continue;
		msg = vm_page_describe(pg, what);
		g_set_error_literal(error, LOANSIM_ERROR,
		    LOANSIM_ERROR_INTERNAL, msg);
		g_free(msg);
		return FALSE;
	}
	if (!vm_check_conserved(vm, n, error))
		return FALSE;
	if (loans != vm->st.loans - vm->st.unloans) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "the pages' loan counts add up to %" G_GUINT64_FORMAT
		    ", but %" G_GUINT64_FORMAT " loans and %" G_GUINT64_FORMAT
		    " unloans were made", loans, vm->st.loans,
		    vm->st.unloans);
		return FALSE;
	}
	return TRUE;
}

gboolean
vm_check(const struct vm *vm, gboolean torn_down, GError **error)
{
	return vm_check_walk(vm, torn_down ? VM_CHECK_TORN_DOWN :
	    VM_CHECK_END, error);
}

gboolean
vm_check_counts(const struct vm *vm, GError **error)
{
	return vm_check_walk(vm, VM_CHECK_COUNTS, error);
}

gboolean
vm_check_misuse(const struct vm *vm, GError **error)
{
	if (vm->broken == NULL)
		return TRUE;
	g_set_error_literal(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
	    vm->broken);
	return FALSE;
}

gboolean
vm_check_event(const struct vm *vm, GError **error)
{
	return vm_check_misuse(vm, error) &&
	    vm_check_conserved(vm, vm->nlive, error);
}

struct vm_page *
vm_test_page(struct vm *vm, gboolean (*pred)(const struct vm_page *))
{
	struct vm_page	*pg;

	for (pg = vm->live; pg != NULL; pg = pg->next_live)
		if (pred(pg))
			return pg;
	return NULL;
}

void
vm_test_drop(struct vm *vm, struct vm_page *pg)
{
	vm_unlink(vm, pg);
	slab_free(&vm->pages, pg);
}

void
vm_test_destroy(struct vm *vm, struct vm_page *pg)
{
	struct charge	ch = { { 0 } };

	vm_page_destroy(vm, pg, &ch);
}

struct vm_map *
vm_kernel_map(struct vm *vm)
{
	return &vm->kernel_map;
}

struct vm_page *
vm_zero_page(struct vm *vm)
{
	return vm->zero_page;
}

uint64_t
vm_page_size(const struct vm *vm)
{
	return vm->m->page_size;
}

struct vm_page *
vm_page_alloc(struct vm *vm, enum vm_owner owner, struct charge *ch)
{
	struct vm_page	*pg;

	pg = slab_alloc0(&vm->pages);
	pg->id = ++vm->next_id;
	pg->owner = owner;
	vm->nlive++;
	pg->next_live = vm->live;
	if (vm->live != NULL)
		vm->live->prev_live = pg;
	vm->live = pg;
	vm->st.allocated++;
	charge_add(ch, CPU_ALLOC, vm->m->page_alloc);
	return pg;
}

static void
vm_page_destroy(struct vm *vm, struct vm_page *pg, struct charge *ch)
{
	const char	*what = pg->loan_count > 0 ? "freed while loaned" :
			    pg->wire_count > 0 ? "freed while held" :
			    pg->kmappings > 0 ? "freed while mapped in the kernel" :
			    pg->nmappings > 0 ? "freed while mapped" : NULL;

	if (what != NULL) {
		vm_broken(vm, pg, what);
		return;
	}
	vm_unlink(vm, pg);
	vm->st.freed++;
	charge_add(ch, CPU_ALLOC, vm->m->page_free);
	slab_free(&vm->pages, pg);
}

void
vm_page_release(struct vm *vm, struct vm_page *pg, struct charge *ch)
{
	if (pg->owner == VM_OWNER_NONE || pg->owner == VM_OWNER_ZERO) {
		vm_broken(vm, pg, pg->owner == VM_OWNER_ZERO ?
		    "freed: the shared zero page" : "freed twice by its owner");
		return;
	}
	/* Only a borrower may still map a page its owner lets go. */
	if (pg->nmappings > 0 && pg->loan_count == 0) {
		vm_broken(vm, pg, "freed while mapped");
		return;
	}
	if (pg->loan_count > 0 || pg->wire_count > 0) {
		/* uvm_pagefree(): a loaned page loses its owner and is
		 * freed by the last uvm_unloan().  An object's page stays
		 * the borrowers' and the object is no longer theirs: the
		 * loan is broken from the object's side (a write() of the
		 * page by another process: uvm_loanbreak()); an anon's
		 * page let go in a write fault is counted there. */
		if (pg->owner == VM_OWNER_OBJECT && pg->loan_count > 0)
			vm->st.loan_breaks++;
		pg->owner = VM_OWNER_NONE;
		vm->st.orphans++;
		return;
	}
	vm_page_destroy(vm, pg, ch);
}

static int
vm_mapping_index(const struct vm_page *pg, const struct vm_map *map)
{
	unsigned	i;

	for (i = 0; i < pg->nmappings; i++)
		if (pg->mappings[i].map == map)
			return (int)i;
	return -1;
}

gboolean
vm_page_mapped_in(const struct vm_page *pg, const struct vm_map *map)
{
	return vm_mapping_index(pg, map) >= 0;
}

gboolean
vm_page_writable_in(const struct vm_page *pg, const struct vm_map *map)
{
	int	i = vm_mapping_index(pg, map);

	return i >= 0 && pg->mappings[i].writable;
}

void
vm_enter(struct vm *vm, struct vm_page *pg, struct vm_map *map,
    gboolean writable, struct charge *ch)
{
	int	i = vm_mapping_index(pg, map);

	if (i < 0) {
		g_assert(pg->nmappings < VM_MAXMAPPINGS);
		i = (int)pg->nmappings++;
		pg->mappings[i].map = map;
	}
	/* A loaned page is never mapped writable (uvm_loan.c). */
	g_assert(!writable || pg->loan_count == 0);
	pg->mappings[i].writable = writable;
	charge_add(ch, CPU_PMAP, vm->m->pmap_enter);
}

/* A changed translation must be invalidated wherever map is active. */
static void
vm_tlb_note(struct vm_tlb *tlb, const struct vm_map *map, unsigned cpu)
{
	uint64_t	here = (uint64_t)1 << cpu;

	if (map->cpumask & here)
		tlb->local_pages++;
	if (map->cpumask & ~here) {
		tlb->remote_mask |= map->cpumask & ~here;
		tlb->remote_pages++;
	}
}

void
vm_remove(struct vm *vm, struct vm_page *pg, struct vm_map *map,
    unsigned cpu, struct vm_tlb *tlb, struct charge *ch)
{
	int	i = vm_mapping_index(pg, map);

	g_assert(i >= 0);
	pg->mappings[i] = pg->mappings[pg->nmappings - 1];
	pg->nmappings--;
	vm_tlb_note(tlb, map, cpu);
	charge_add(ch, CPU_PMAP, vm->m->pmap_remove);
}

void
vm_page_protect_ro(struct vm *vm, struct vm_page *pg, unsigned cpu,
    struct vm_tlb *tlb, struct charge *ch)
{
	unsigned	i;

	for (i = 0; i < pg->nmappings; i++) {
		if (!pg->mappings[i].writable)
			continue;
		pg->mappings[i].writable = FALSE;
		vm_tlb_note(tlb, pg->mappings[i].map, cpu);
		charge_add(ch, CPU_PMAP, vm->m->pmap_protect);
	}
}

void
vm_page_protect_none(struct vm *vm, struct vm_page *pg, unsigned cpu,
    struct vm_tlb *tlb, struct charge *ch)
{
	while (pg->nmappings > 0)
		vm_remove(vm, pg, pg->mappings[0].map, cpu, tlb, ch);
}

void
vm_tlb_flush(struct vm *vm, struct vm_tlb *tlb, unsigned cpu,
    struct charge *ch)
{
	uint64_t	targets, mask, local, remote;
	unsigned	t;

	/* A batch invalidates page by page up to a ceiling and flushes the
	 * whole TLB beyond it, the cheaper by the kernel's own reckoning, on
	 * this CPU and on every target alike (NetBSD i386 pmap_remove:
	 * PMAP_RR_MAX = 16, x86 pmap_tlb_shootdown: PMAP_TLB_MAXJOBS = 16;
	 * Linux x86 flush_tlb_mm_range: tlb_single_page_flush_ceiling = 33):
	 * a batch costs at most the ceiling's worth of invalidations. */
	local = MIN(tlb->local_pages, vm->m->tlb_flush_ceiling);
	remote = MIN(tlb->remote_pages, vm->m->tlb_flush_ceiling);

	charge_add(ch, CPU_TLB, local * vm->m->tlb_local);
	/* One IPI round per pmap_update() (x86 pmap_tlb_shootnow): the
	 * initiator sends the IPIs and spins until every target has acked;
	 * each target takes the interrupt and invalidates every page of the
	 * batch (pmap_tlb_intr), on its own CPU. */
	mask = tlb->remote_mask & ~((uint64_t)1 << cpu);
	targets = (uint64_t)__builtin_popcountll(mask);
	if (targets > 0) {
		charge_add(ch, CPU_TLB, targets * vm->m->tlb_shootdown);
		for (t = 0; t < vm->ncpus; t++) {
			struct charge	tch = { { 0 } };

			if ((mask & ((uint64_t)1 << t)) == 0)
				continue;
			charge_add(&tch, CPU_TLB, vm->m->tlb_shootdown_target +
			    remote * vm->m->tlb_local);
			if (vm->ipi != NULL)
				vm->ipi(vm->ipi_arg, t, &tch);
		}
		vm->st.shootdowns += targets;
		vm->st.shootdown_rounds++;
	}
	tlb->local_pages = tlb->remote_mask = tlb->remote_pages = 0;
}

void
vm_kenter(struct vm *vm, struct vm_page *pg, struct charge *ch)
{
	pg->kmappings++;
	charge_add(ch, CPU_PMAP, vm->m->pmap_enter);
}

void
vm_kremove(struct vm *vm, struct vm_page *pg, unsigned cpu,
    struct vm_tlb *tlb, struct charge *ch)
{
	g_assert(pg->kmappings > 0);
	pg->kmappings--;
	vm_tlb_note(tlb, &vm->kernel_map, cpu);
	charge_add(ch, CPU_PMAP, vm->m->pmap_remove);
}

static void
vm_pin(struct vm *vm, struct vm_page *pg)
{
	if (pg->loan_count == 0 && pg->wire_count == 0) {
		vm->st.pinned_now++;
		if (vm->st.pinned_now > vm->st.pinned_peak)
			vm->st.pinned_peak = vm->st.pinned_now;
	}
}

static void
vm_unpin(struct vm *vm, struct vm_page *pg)
{
	if (pg->loan_count == 0 && pg->wire_count == 0)
		vm->st.pinned_now--;
}

static void
vm_loan_count_up(struct vm *vm, struct vm_page *pg)
{
	vm_pin(vm, pg);
	if (pg->loan_count++ == 0) {
		vm->st.loaned_now++;
		if (vm->st.loaned_now > vm->st.loaned_peak)
			vm->st.loaned_peak = vm->st.loaned_now;
	}
}

void
vm_loan(struct vm *vm, struct vm_page *pg, unsigned cpu, struct vm_tlb *tlb,
    struct charge *ch)
{
	/* uvm_loananon()/uvm_loanuobj(): "if the page is not already
	 * loaned, write-protect all its mappings" (pmap_page_protect
	 * VM_PROT_READ) so that the owner's next write faults. */
	if (pg->loan_count == 0)
		vm_page_protect_ro(vm, pg, cpu, tlb, ch);
	vm_loan_count_up(vm, pg);
	vm->st.loans++;
	charge_add(ch, CPU_LOAN, vm->m->loan_page);
}

void
vm_page_hold(struct vm *vm, struct vm_page *pg, struct charge *ch)
{
	/* A gift takes a reference and nothing else: no protection. */
	vm_pin(vm, pg);
	pg->wire_count++;
	charge_add(ch, CPU_LOAN, vm->m->loan_page);
}

void
vm_page_unhold(struct vm *vm, struct vm_page *pg, struct charge *ch)
{
	if (pg->wire_count == 0) {
		vm_broken(vm, pg, "let go with no reference held: its wire "
		    "count would go negative");
		return;
	}
	pg->wire_count--;
	vm_unpin(vm, pg);
	charge_add(ch, CPU_LOAN, vm->m->unloan_page);
	if (pg->wire_count == 0 && pg->loan_count == 0 &&
	    pg->owner == VM_OWNER_NONE)
		vm_page_destroy(vm, pg, ch);
}

void
vm_unloan(struct vm *vm, struct vm_page *pg, struct charge *ch)
{
	if (pg->loan_count == 0) {
		vm_broken(vm, pg, "unloaned with no loan on it: its loan "
		    "count would go negative");
		return;
	}
	pg->loan_count--;
	vm_unpin(vm, pg);
	vm->st.unloans++;
	charge_add(ch, CPU_LOAN, vm->m->unloan_page);
	if (pg->loan_count > 0)
		return;
	vm->st.loaned_now--;
	/* uvm_unloanpage(): an ownerless page is freed with its last loan. */
	if (pg->owner == VM_OWNER_NONE && pg->wire_count == 0)
		vm_page_destroy(vm, pg, ch);
}

struct vm_page *
vm_write_fault(struct vm *vm, struct vm_page *pg, struct vm_map *map,
    unsigned cpu, struct vm_tlb *tlb, struct charge *ch)
{
	struct vm_page	*npg;

	g_assert(!vm_page_writable_in(pg, map));
	vm->st.write_faults++;
	charge_add(ch, CPU_FAULT, vm->m->fault_trap);
	if (pg->owner == VM_OWNER_ZERO) {
		/* uvm_fault(): a write to the shared zero page gets a fresh
		 * zeroed page (the zero page's mappings are not tracked). */
		npg = vm_page_alloc(vm, VM_OWNER_ANON, ch);
		charge_add(ch, CPU_ALLOC, vm->m->page_zero);
		vm_tlb_note(tlb, map, cpu);
		vm_enter(vm, npg, map, TRUE, ch);
		return npg;
	}
	if (pg->loan_count == 0 && pg->owner == VM_OWNER_ANON) {
		/* uvm_fault(): an anon with one reference and no loan is
		 * simply re-entered writable. */
		vm_enter(vm, pg, map, TRUE, ch);
		return pg;
	}
	/* A loan breaks: the faulting anon gets a copy of its own, and
	 * only its own mapping of the old page goes (a borrower's stays).
	 * If the page was loaned to this anon (uvm_loanuobj, object to
	 * anon), the loan is given back and the page stays with the file;
	 * if this anon loaned its page out (uvm_loanbreak_anon), the old
	 * page is left to the borrowers and freed at the last unloan. */
	vm->st.cow_faults++;
	if (pg->loan_count > 0)
		vm->st.loan_breaks++;
	npg = vm_page_alloc(vm, VM_OWNER_ANON, ch);
	/* uvm_pagecopy() from the page the process is writing (in the
	 * cache) into a fresh page, which is not: UVM's free list was
	 * first-in first-out (uvm_pagefree() queues at the tail,
	 * uvm_pagealloc_strat() takes the head; uvm_page.c 1.44), so a
	 * fresh page was freed long ago (docs/model.md, the cache rule). */
	charge_add(ch, CPU_COPY, vm->m->copy_fixed +
	    machine_move_ns(vm->m, vm->m->page_size, TRUE, FALSE));
	npg->version = pg->version;
	npg->data_owner = pg->data_owner;
	vm_remove(vm, pg, map, cpu, tlb, ch);
	if (pg->owner == VM_OWNER_OBJECT || pg->owner == VM_OWNER_NONE)
		vm_unloan(vm, pg, ch);
	else
		vm_page_release(vm, pg, ch);
	vm_enter(vm, npg, map, TRUE, ch);
	return npg;
}

static struct vm_buf *
vm_buf_alloc(struct vm *vm, struct vm_map *map, uint64_t offset,
    uint64_t len)
{
	struct vm_buf	*buf;
	uint64_t	 ps = vm->m->page_size;

	g_assert(offset < ps && len > 0);
	buf = g_new0(struct vm_buf, 1);
	buf->map = map;
	buf->offset = offset;
	buf->len = len;
	buf->npages = (unsigned)((offset + len + ps - 1) / ps);
	buf->pages = g_new0(struct vm_page *, buf->npages);
	return buf;
}

struct vm_buf *
vm_buf_new_empty(struct vm *vm, struct vm_map *map, uint64_t len)
{
	return vm_buf_alloc(vm, map, 0, len);
}

struct vm_buf *
vm_buf_new(struct vm *vm, struct vm_map *map, uint64_t offset, uint64_t len,
    struct charge *ch)
{
	struct vm_buf	*buf = vm_buf_alloc(vm, map, offset, len);
	unsigned	 i;

	for (i = 0; i < buf->npages; i++) {
		/* First touch: zero-fill fault (uvm_fault, uvm_pagezero). */
		charge_add(ch, CPU_FAULT, vm->m->fault_trap);
		buf->pages[i] = vm_page_alloc(vm, VM_OWNER_ANON, ch);
		charge_add(ch, CPU_ALLOC, vm->m->page_zero);
		vm_enter(vm, buf->pages[i], map, TRUE, ch);
		vm->st.zero_fills++;
	}
	return buf;
}

struct vm_buf *
vm_buf_new_object(struct vm *vm, struct vm_map *map, uint64_t len,
    struct charge *ch)
{
	struct vm_buf	*buf = vm_buf_alloc(vm, map, 0, len);
	unsigned	 i;

	for (i = 0; i < buf->npages; i++) {
		buf->pages[i] = vm_page_alloc(vm, VM_OWNER_OBJECT, ch);
		vm_enter(vm, buf->pages[i], map, FALSE, ch);
	}
	return buf;
}

void
vm_buf_free(struct vm *vm, struct vm_buf *buf, struct charge *ch)
{
	struct vm_tlb	 tlb = { 0, 0, 0 };
	unsigned	 i;

	if (buf == NULL)
		return;
	for (i = 0; i < buf->npages; i++) {
		vm_remove(vm, buf->pages[i], buf->map, 0, &tlb, ch);
		vm_page_release(vm, buf->pages[i], ch);
	}
	vm_tlb_flush(vm, &tlb, 0, ch);
	g_free(buf->pages);
	g_free(buf);
}

void
vm_buf_write(struct vm *vm, struct vm_buf *buf, uint64_t off, uint64_t len,
    unsigned cpu, struct charge *ch)
{
	struct vm_tlb	 tlb = { 0, 0, 0 };
	uint64_t	 ps = vm->m->page_size;
	unsigned	 first, last, i;

	if (len == 0)
		return;
	g_assert(off + len <= buf->len);
	first = (unsigned)((buf->offset + off) / ps);
	last = (unsigned)((buf->offset + off + len - 1) / ps);
	for (i = first; i <= last; i++) {
		struct vm_page	*pg = buf->pages[i];

		if (!vm_page_writable_in(pg, buf->map))
			buf->pages[i] = pg = vm_write_fault(vm, pg, buf->map,
			    cpu, &tlb, ch);
		pg->version++;
	}
	vm_tlb_flush(vm, &tlb, cpu, ch);
}
