/* Physical pages, mappings and loans, after NetBSD's UVM (sys/uvm/
 * uvm_loan.c, uvm_fault.c, uvm_page.c).  Every operation charges its costs
 * to a struct charge and counts what it did in struct vm_stats; TLB work is
 * collected in a struct vm_tlb and paid by vm_tlb_flush(), as pmap_update()
 * batches shootdowns on x86. */
#ifndef LOANSIM_VM_H
#define LOANSIM_VM_H

#include <glib.h>
#include <stdint.h>
#include "models/cpu.h"
#include "models/machine.h"

enum vm_owner {
	VM_OWNER_ANON,		/* anonymous memory of a process */
	VM_OWNER_OBJECT,	/* a file's page in the page cache */
	VM_OWNER_KERNEL,	/* kernel memory (clusters) */
	VM_OWNER_ZERO,		/* the shared zero page */
	VM_OWNER_NONE		/* orphan: owner let go while it was loaned */
};

#define VM_MAXMAPPINGS 4

/* An address space: the CPUs on which it is active may cache its
 * translations, so changing one of its mappings must reach them. */
struct vm_map {
	const char	*name;
	uint64_t	 cpumask;
};

struct vm_mapping {
	struct vm_map	*map;
	gboolean	 writable;
};

struct vm_page {
	uint64_t		id;
	uint64_t		version;	/* bumped by every write */
	uint32_t		data_owner;	/* process whose data it holds;
						   0: zeros or the kernel's */
	uint32_t		loan_count;	/* pg->loan_count */
	uint32_t		wire_count;
	enum vm_owner		owner;
	uint32_t		kmappings;	/* pmap_kenter_pa()s */
	unsigned		nmappings;
	struct vm_mapping	mappings[VM_MAXMAPPINGS];
	struct vm_page		*next_live;	/* vm's list of live pages */
	struct vm_page		*prev_live;
};

struct vm_stats {
	uint64_t	allocated;
	uint64_t	freed;
	uint64_t	zero_fills;	/* first-touch faults */
	uint64_t	write_faults;	/* write to a read-only mapping */
	uint64_t	cow_faults;	/* write faults that copied the page */
	uint64_t	loan_breaks;	/* loans broken: a write to a page on
					   loan copied it (a cow_fault), or
					   its object let a loaned page go */
	uint64_t	loans;		/* pages loaned */
	uint64_t	unloans;
	uint64_t	shootdowns;	/* remote CPUs interrupted */
	uint64_t	shootdown_rounds;
	uint64_t	loaned_now;	/* pages with loan_count > 0 */
	uint64_t	loaned_peak;
	uint64_t	pinned_now;	/* pages loaned or held by the kernel */
	uint64_t	pinned_peak;
	uint64_t	orphans;
};

/* Pending TLB invalidations of one pmap_update(). */
struct vm_tlb {
	uint64_t	local_pages;	/* pages to invalidate here */
	uint64_t	remote_mask;	/* CPUs to interrupt */
	uint64_t	remote_pages;
};

struct vm;

/* Runs a shootdown's handler on a target CPU: the kernel occupies that
 * CPU with the charge (category tlb).  Without one (a vm on its own, in
 * tests) the targets' charges are dropped. */
typedef void (*vm_ipi_fn)(void *arg, unsigned cpu, struct charge *);

struct vm	*vm_new(const struct machine *, unsigned ncpus);
void		 vm_set_ipi(struct vm *, vm_ipi_fn, void *arg);
/* Frees the vm; pages still live are freed too (see vm_live). */
void		 vm_free(struct vm *);
const struct vm_stats *vm_stats(const struct vm *);
uint64_t	 vm_live(const struct vm *);	/* allocated - freed */
/* A model's misuse of the vm that would break an invariant (unloan a
 * page with no loan, free a page still loaned, held or mapped, free the
 * zero page or a page twice) is not carried out: the vm keeps the first
 * one, with the page as it was, and calls fn(arg), which stops the run
 * (the kernel's engine_stop()); vm_check*() then report it. */
void		 vm_set_on_broken(struct vm *, void (*fn)(void *), void *arg);
/* The page invariants at the end of a run: no misuse as above, the live
 * pages are the ones allocated and not freed, their loan counts add up
 * to the loans not yet returned, none is loaned, held or mapped by the
 * kernel, and, once the run is torn down, none is left but the zero
 * page.  A broken one is a LOANSIM_ERROR_INTERNAL naming the page.
 * vm_check_event() is the part that holds after every event, in O(1):
 * no misuse, and as many pages listed as allocated and not freed. */
gboolean	 vm_check(const struct vm *, gboolean torn_down, GError **);
gboolean	 vm_check_event(const struct vm *, GError **);
/* Only the misuse kept (NULL error: none). */
gboolean	 vm_check_misuse(const struct vm *, GError **);
/* vm_check() but for the loans, holds and kernel mappings left: the end
 * of a run whose reader keeps pages lent to it (an exchange). */
gboolean	 vm_check_counts(const struct vm *, GError **);
const char	*vm_owner_name(enum vm_owner);
/* Kernel pmap: active on every CPU. */
struct vm_map	*vm_kernel_map(struct vm *);
struct vm_page	*vm_zero_page(struct vm *);

struct vm_page	*vm_page_alloc(struct vm *, enum vm_owner, struct charge *);
/* uvm_pagefree(): the owner lets go.  A loaned page becomes an orphan,
 * freed at its last unloan (uvm_loan.c: "owner freeing a loaned page");
 * an object that lets a loaned page go breaks the loan on its side (as
 * uvm_loanbreak() of an object page does for a writer, which takes a
 * copy): counted in loan_breaks. */
void		 vm_page_release(struct vm *, struct vm_page *,
		    struct charge *);
/* pmap_enter() of pg into map. */
void		 vm_enter(struct vm *, struct vm_page *, struct vm_map *,
		    gboolean writable, struct charge *);
/* pmap_remove() of pg's mapping in map, done on cpu. */
void		 vm_remove(struct vm *, struct vm_page *, struct vm_map *,
		    unsigned cpu, struct vm_tlb *, struct charge *);
/* pmap_page_protect(pg, VM_PROT_READ): every writable mapping made
 * read-only, each invalidated where its address space is active. */
void		 vm_page_protect_ro(struct vm *, struct vm_page *,
		    unsigned cpu, struct vm_tlb *, struct charge *);
/* pmap_page_protect(pg, VM_PROT_NONE): every mapping removed. */
void		 vm_page_protect_none(struct vm *, struct vm_page *,
		    unsigned cpu, struct vm_tlb *, struct charge *);
/* pmap_kenter_pa() of pg read-only into kernel address space, and
 * pmap_kremove(): the kernel pmap is active on every CPU, so removing a
 * kernel mapping on a multiprocessor interrupts every other CPU. */
void		 vm_kenter(struct vm *, struct vm_page *, struct charge *);
void		 vm_kremove(struct vm *, struct vm_page *, unsigned cpu,
		    struct vm_tlb *, struct charge *);
/* pmap_update(): pay the collected invalidations: the local ones and,
 * for a remote round, the initiator's wait for the acks (to ch) and each
 * target's interrupt and invalidations (through the ipi hook). */
void		 vm_tlb_flush(struct vm *, struct vm_tlb *, unsigned cpu,
		    struct charge *);

/* uvm_loan() of one page to the kernel (UVM_LOAN_TOPAGE). */
void		 vm_loan(struct vm *, struct vm_page *, unsigned cpu,
		    struct vm_tlb *, struct charge *);
/* Take a reference without write-protecting (a gift: vmsplice). */
void		 vm_page_hold(struct vm *, struct vm_page *, struct charge *);
void		 vm_page_unhold(struct vm *, struct vm_page *, struct charge *);
/* uvm_unloan() of one page. */
void		 vm_unloan(struct vm *, struct vm_page *, struct charge *);

/* A process's write to pg through map, where the mapping is read-only:
 * uvm_fault().  A loaned anon page is replaced by a copy (uvm_loanbreak);
 * otherwise the mapping is simply made writable.  Returns the page now
 * mapped writable (pg itself or the copy). */
struct vm_page	*vm_write_fault(struct vm *, struct vm_page *,
		    struct vm_map *, unsigned cpu, struct vm_tlb *,
		    struct charge *);
gboolean	 vm_page_writable_in(const struct vm_page *, const struct vm_map *);
gboolean	 vm_page_mapped_in(const struct vm_page *, const struct vm_map *);

/* A user buffer: len bytes at offset 'offset' into its first page. */
struct vm_buf {
	struct vm_map	 *map;
	uint64_t	  offset;
	uint64_t	  len;
	unsigned	  npages;
	struct vm_page	**pages;
	uint64_t	  busy;		/* ext storages still holding it */
};

/* Anonymous buffer, pages faulted in (zero-fill) and mapped writable. */
struct vm_buf	*vm_buf_new(struct vm *, struct vm_map *, uint64_t offset,
		    uint64_t len, struct charge *);
/* Address space for len bytes with nothing mapped yet (an mmap before
 * its first fault): every page NULL. */
struct vm_buf	*vm_buf_new_empty(struct vm *, struct vm_map *, uint64_t len);
/* Pages of an object (file) mapped read-only; npages from first. */
struct vm_buf	*vm_buf_new_object(struct vm *, struct vm_map *,
		    uint64_t len, struct charge *);
void		 vm_buf_free(struct vm *, struct vm_buf *, struct charge *);
/* The process writes bytes [off, off+len) of the buffer: write faults
 * where pages are read-only, then every touched page's version moves. */
void		 vm_buf_write(struct vm *, struct vm_buf *, uint64_t off,
		    uint64_t len, unsigned cpu, struct charge *);
uint64_t	 vm_page_size(const struct vm *);

/* For tests of the invariant checks only: the newest live page pred
 * holds for (NULL if none); a page freed behind the vm's back (not
 * counted, so that pages are no longer conserved); a page freed whatever
 * still holds it. */
struct vm_page	*vm_test_page(struct vm *,
		    gboolean (*pred)(const struct vm_page *));
void		 vm_test_drop(struct vm *, struct vm_page *);
void		 vm_test_destroy(struct vm *, struct vm_page *);

#endif
