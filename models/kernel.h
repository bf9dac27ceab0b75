/* The simulated kernel: what every model of a mechanism shares — the
 * clock, the CPUs, the cost profile, the VM system, the mbuf pool, the
 * transmit link, and run-wide counters.
 *
 * An actor's step collects its costs in a struct charge, changes state,
 * and defers what must happen when the step is over (wakeups, follow-up
 * events) with kernel_defer(); kernel_step_end() then occupies the CPU and
 * runs the deferred calls with the time the step ends. */
#ifndef LOANSIM_KERNEL_H
#define LOANSIM_KERNEL_H

#include <glib.h>
#include "sim/engine.h"
#include "sim/stats.h"
#include "models/cpu.h"
#include "models/machine.h"
#include "models/mbuf.h"
#include "models/vm.h"

typedef void (*kernel_deferred_fn)(void *arg, sim_time when);

/* A model's event handlers by name, for the messages of broken
 * invariants (model_event_name). */
struct kernel_event_name {
	engine_fn	 fn;
	const char	*name;
};
#define KERNEL_EVENT(f)	{ f, #f }

struct kernel_deferred {
	kernel_deferred_fn	 fn;
	void			*arg;
};

struct kernel_counters {
	uint64_t	bytes_written;	/* accepted by write() */
	uint64_t	bytes_delivered;	/* arrived at the receiver */
	uint64_t	bytes_copied;	/* by copyin, COW and coalescing */
	uint64_t	violations;	/* pages sent whose content changed */
	uint64_t	segments;
	uint64_t	acks;
	uint64_t	writes;
	uint64_t	blocked_space;	/* sosend slept for buffer space */
	uint64_t	blocked_kva;	/* sosend slept for loan kva */
};

struct kernel {
	struct engine		*engine;
	struct machine		 m;
	struct cpus		*cpus;
	struct vm		*vm;
	struct mbuf_pool	*mbufs;
	unsigned		 net_cpu;	/* interrupts, protocol */
	unsigned		 kthread_cpu;	/* sopendfree */
	sim_time		 link_free_at;
	struct kernel_counters	 c;
	uint64_t		 max_events;	/* the run's limits */
	sim_time		 max_sim_time;
	struct histogram	*latency;
	struct kernel_deferred	*deferred;	/* calls for the step's end */
	guint			 ndeferred;
	guint			 deferred_cap;
	struct sopendfree	*pendfree;
	void			*model;		/* the run's own state (the ctx
						   of its checks), for the
						   faults of tests */
};

struct kernel	*kernel_new(struct engine *, const struct machine *);
void		 kernel_free(struct kernel *);
void		 kernel_defer(struct kernel *, kernel_deferred_fn, void *arg);
/* Occupy cpu with the step's charge from now; run the deferred calls at
 * the end time, which is returned. */
sim_time	 kernel_step_end(struct kernel *, unsigned cpu, struct charge *);

#endif
