/* The machine: a cost profile holding every primitive the models charge.
 * Each field is a parameter [machine] key with a unit (see registry.c);
 * the profiles in scenarios/machines/ cite where their numbers come from. */
#ifndef LOANSIM_MACHINE_H
#define LOANSIM_MACHINE_H

#include <glib.h>
#include <stdint.h>
#include "sim/params.h"
#include "models/cpu.h"

struct machine {
	unsigned	cpus;
	uint64_t	page_size;
	uint64_t	cache_size;	/* a copy of at most this is cache-hot */
	double		copy_bw_hot;	/* bytes/s */
	double		copy_bw_cold;
	double		read_bw_cold;	/* a read pass over memory */
	double		read_bw_seq;	/* the same in address order */
	double		read_bw_hot;	/* a read pass over the cache */
	double		copy_bw_page;	/* pages from memory into the cache */
	uint64_t	copy_fixed;	/* ns per copy call */
	uint64_t	syscall;
	uint64_t	fault_trap;
	uint64_t	page_alloc;
	uint64_t	page_free;
	uint64_t	page_zero;
	uint64_t	pmap_enter;
	uint64_t	pmap_remove;
	uint64_t	pmap_protect;
	uint64_t	tlb_local;
	uint64_t	tlb_flush_ceiling;	/* pages; then a full flush */
	uint64_t	tlb_shootdown;	/* initiator, per target CPU per round */
	uint64_t	tlb_shootdown_target;	/* each target CPU per round */
	uint64_t	map_entry;	/* a mapping's life: mmap + munmap */
	uint64_t	map_anon;	/* its first private page: amap, anon_vma */
	uint64_t	fault_around;	/* pages a read fault maps */
	uint64_t	context_switch;
	uint64_t	wakeup;
	uint64_t	interrupt;
	uint64_t	mbuf_alloc;
	uint64_t	mbuf_free;
	uint64_t	cluster_alloc;
	uint64_t	cluster_free;
	uint64_t	loan_page;
	uint64_t	unloan_page;
	double		checksum_bw;	/* data in the cache */
	double		checksum_bw_cold;	/* data in memory only */
	gboolean	checksum_offload;
	gboolean	checksum_in_copy;
	double		link_bw;
	uint64_t	rtt;
	uint64_t	protocol_tx;	/* per segment sent */
	uint64_t	protocol_rx;	/* per segment or ACK received */
};

void		 machine_init(struct machine *, const struct params *);
/* ns to move len bytes at bandwidth bw (bytes/s), rounded to nearest. */
uint64_t	 machine_bytes_ns(double bw, uint64_t len);
/* One copy call of len bytes: fixed cost plus bytes at the hot or cold
 * bandwidth; charged to CPU_COPY. */
void		 machine_charge_copy(const struct machine *, struct charge *,
		    uint64_t len, gboolean hot);
/* A move of len bytes by the CPU, by where they are (the one cache
 * rule): copy_bw_hot when source and destination are in the cache;
 * copy_bw_cold when neither is (lmbench bcopy of buffers larger than the
 * cache); copy_bw_page when only the source is not: the kernel's copy
 * out of pages only in memory into the cache, a page at a time (read()
 * of a large file into a small buffer, lmbench "File reread"); and at the
 * rate of writing memory when only the destination is not: page_zero a
 * page, for writing a page that is not in the cache costs the same
 * whether the bytes are zeros or copied (lmbench "mem write"). */
uint64_t	 machine_move_ns(const struct machine *, uint64_t len,
		    gboolean src_hot, gboolean dst_hot);
/* A process's read pass over len bytes it got (its loop reading each
 * word, writing nothing): read_bw_hot where they are in the cache,
 * read_bw_cold where they are only in memory. */
uint64_t	 machine_read_ns(const struct machine *, uint64_t len,
		    gboolean hot);
/* One copy call of len bytes by that rule: copy_fixed + machine_move_ns();
 * charged to CPU_COPY. */
void		 machine_charge_move(const struct machine *, struct charge *,
		    uint64_t len, gboolean src_hot, gboolean dst_hot);
/* A software checksum pass over len bytes (nothing if offloaded), at the
 * cache rate when hot, else at the rate memory can feed it. */
void		 machine_charge_cksum(const struct machine *, struct charge *,
		    uint64_t len, gboolean hot);

#endif
