/* Simulated CPUs.  A cost is charged by occupying a CPU for its duration:
 * an actor (a user thread, the sopendfree kernel thread, the network
 * interrupt handler) collects the costs of one step in a struct charge,
 * then cpu_run() queues the step on its CPU behind whatever that CPU is
 * already doing (first come, first served, no preemption).  Contention
 * and queueing therefore come out of the run, not out of a formula.  Every
 * nanosecond carries a category so a run can say where time went. */
#ifndef LOANSIM_CPU_H
#define LOANSIM_CPU_H

#include <glib.h>
#include <stdint.h>
#include "sim/engine.h"

enum cpu_cat {
	CPU_APP,	/* the application touching its own data */
	CPU_SYSCALL,	/* system call entry and exit */
	CPU_COPY,	/* copyin/copyout/bcopy, including COW copies */
	CPU_CKSUM,	/* Internet checksum pass */
	CPU_FAULT,	/* trap and fault dispatch */
	CPU_PMAP,	/* pmap enter, remove, protect */
	CPU_TLB,	/* local invalidations and remote shootdowns */
	CPU_ALLOC,	/* page, mbuf and cluster allocation and free */
	CPU_LOAN,	/* uvm_loan / uvm_unloan bookkeeping */
	CPU_SCHED,	/* context switches and wakeups */
	CPU_INTERRUPT,	/* interrupt entry and exit */
	CPU_PROTOCOL,	/* TCP/IP processing per segment */
	CPU_CAT_COUNT
};

struct charge {
	uint64_t	ns[CPU_CAT_COUNT];
};

struct cpus;

struct cpus	*cpus_new(unsigned n);
void		 cpus_free(struct cpus *);
unsigned	 cpus_count(const struct cpus *);

/* Inline: every model step adds several charges. */
static inline void
charge_add(struct charge *ch, enum cpu_cat cat, uint64_t ns)
{
	g_assert(cat < CPU_CAT_COUNT);
	ch->ns[cat] += ns;
}
uint64_t	 charge_total(const struct charge *);
/* Run the step on cpu, starting no earlier than now; returns the time it
 * ends, accounts its categories to the CPU and clears the charge. */
sim_time	 cpus_run(struct cpus *, unsigned cpu, sim_time now,
		    struct charge *);
uint64_t	 cpus_busy(const struct cpus *, enum cpu_cat);	/* all CPUs */
uint64_t	 cpus_busy_on(const struct cpus *, unsigned cpu, enum cpu_cat);
uint64_t	 cpus_busy_total(const struct cpus *);
const char	*cpu_cat_name(enum cpu_cat);

#endif
