/* The machine's cost profile, read from the [machine] parameters. */
#include "models/machine.h"

#include "sim/units.h"

void
machine_init(struct machine *m, const struct params *p)
{
	m->cpus = (unsigned)params_count(p, "machine.cpus");
	m->page_size = params_size(p, "machine.page_size");
	m->cache_size = params_size(p, "machine.cache_size");
	m->copy_bw_hot = params_bandwidth(p, "machine.copy_bw_hot");
	m->copy_bw_cold = params_bandwidth(p, "machine.copy_bw_cold");
	m->read_bw_cold = params_bandwidth(p, "machine.read_bw_cold");
	m->read_bw_seq = params_bandwidth(p, "machine.read_bw_seq");
	m->read_bw_hot = params_bandwidth(p, "machine.read_bw_hot");
	m->copy_bw_page = params_bandwidth(p, "machine.copy_bw_page");
	m->copy_fixed = params_time(p, "machine.copy_fixed");
	m->syscall = params_time(p, "machine.syscall");
	m->fault_trap = params_time(p, "machine.fault_trap");
	m->page_alloc = params_time(p, "machine.page_alloc");
	m->page_free = params_time(p, "machine.page_free");
	m->page_zero = params_time(p, "machine.page_zero");
	m->pmap_enter = params_time(p, "machine.pmap_enter");
	m->pmap_remove = params_time(p, "machine.pmap_remove");
	m->pmap_protect = params_time(p, "machine.pmap_protect");
	m->tlb_local = params_time(p, "machine.tlb_local");
	m->tlb_flush_ceiling = params_count(p, "machine.tlb_flush_ceiling");
	m->tlb_shootdown = params_time(p, "machine.tlb_shootdown");
	m->tlb_shootdown_target = params_time(p,
	    "machine.tlb_shootdown_target");
	m->map_entry = params_time(p, "machine.map_entry");
	m->map_anon = params_time(p, "machine.map_anon");
	m->fault_around = params_count(p, "machine.fault_around");
	m->context_switch = params_time(p, "machine.context_switch");
	m->wakeup = params_time(p, "machine.wakeup");
	m->interrupt = params_time(p, "machine.interrupt");
	m->mbuf_alloc = params_time(p, "machine.mbuf_alloc");
	m->mbuf_free = params_time(p, "machine.mbuf_free");
	m->cluster_alloc = params_time(p, "machine.cluster_alloc");
	m->cluster_free = params_time(p, "machine.cluster_free");
	m->loan_page = params_time(p, "machine.loan_page");
	m->unloan_page = params_time(p, "machine.unloan_page");
	m->checksum_bw = params_bandwidth(p, "machine.checksum_bw");
	m->checksum_bw_cold = params_bandwidth(p, "machine.checksum_bw_cold");
	m->checksum_offload = params_bool(p, "machine.checksum_offload");
	m->checksum_in_copy = params_bool(p, "machine.checksum_in_copy");
	m->link_bw = params_bandwidth(p, "machine.link_bw");
	m->rtt = params_time(p, "machine.rtt");
	m->protocol_tx = params_time(p, "machine.protocol_tx");
	m->protocol_rx = params_time(p, "machine.protocol_rx");
}

uint64_t
machine_bytes_ns(double bw, uint64_t len)
{
	g_assert(bw > 0);
	return units_round((double)len * 1e9 / bw);
}

void
machine_charge_copy(const struct machine *m, struct charge *ch, uint64_t len,
    gboolean hot)
{
	double	bw = hot ? m->copy_bw_hot : m->copy_bw_cold;

	charge_add(ch, CPU_COPY, m->copy_fixed + machine_bytes_ns(bw, len));
}

uint64_t
machine_move_ns(const struct machine *m, uint64_t len, gboolean src_hot,
    gboolean dst_hot)
{
	if (!src_hot)
		return machine_bytes_ns(dst_hot ? m->copy_bw_page :
		    m->copy_bw_cold, len);
	if (!dst_hot)
		return units_round((double)len * (double)m->page_zero /
		    (double)m->page_size);
	return machine_bytes_ns(m->copy_bw_hot, len);
}

/* A pass that only reads is not a copy: no stores, and in the cache a
 * loop of loads and adds runs at its own rate, below memcpy's (on the
 * calibrated host about half of it); the kernel's copy out of cold
 * pages (copy_bw_page) is slower than a read pass over memory, for it
 * restarts its stream at each page (Linux mm/filemap.c filemap_read:
 * copy_folio_to_iter a folio at a time, the folios wherever the page
 * allocator put them; NetBSD ubc_uiomove a UBC window of scattered
 * pages at a time) and it stores what it reads. */
uint64_t
machine_read_ns(const struct machine *m, uint64_t len, gboolean hot)
{
	return machine_bytes_ns(hot ? m->read_bw_hot : m->read_bw_cold, len);
}

void
machine_charge_cksum(const struct machine *m, struct charge *ch, uint64_t len,
    gboolean hot)
{
	double	bw = hot ? m->checksum_bw : m->checksum_bw_cold;

	if (m->checksum_offload)
		return;
	charge_add(ch, CPU_CKSUM, machine_bytes_ns(bw, len));
}

void
machine_charge_move(const struct machine *m, struct charge *ch, uint64_t len,
    gboolean src_hot, gboolean dst_hot)
{
	charge_add(ch, CPU_COPY, m->copy_fixed +
	    machine_move_ns(m, len, src_hot, dst_hot));
}
