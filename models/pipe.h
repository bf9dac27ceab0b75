/* A pipe between a writer and a reader process (mechanism M8), after
 * NetBSD and FreeBSD sys/kern/sys_pipe.c: copy through the kernel
 * buffer, direct write by loaning the writer's pages, page exchange, and
 * gifts (Linux's vmsplice into the pipe's slots); the writer rotating
 * among N buffers. */
#ifndef LOANSIM_PIPE_H
#define LOANSIM_PIPE_H

#include <glib.h>
#include "sim/params.h"
#include "models/kernel.h"
#include "models/model.h"

/* What one run did, for tests and for anyone reading a run closely. */
struct pipe_counts {
	uint64_t	writes;		/* write() calls */
	uint64_t	reads;		/* read() calls, short ones included */
	uint64_t	sleeps;		/* tsleep()s */
	uint64_t	switches;	/* context switches */
	uint64_t	wakeups;	/* wakeup()s that woke the other side */
	uint64_t	lock_waits;	/* sleeps for pipelock() among them */
	uint64_t	lock_spins;	/* pipe.lock = spin: waits spun */
	uint64_t	lock_spun;	/* their time, ns */
	uint64_t	copies;		/* uiomove() calls */
	uint64_t	copied;		/* bytes they moved */
	uint64_t	direct_writes;	/* pipe_direct_write() chunks; gift:
					   vmsplice() calls that put pages
					   in */
	uint64_t	gift_pages;	/* slots filled (add_to_pipe) */
	uint64_t	gift_recalls;	/* vmsplice() called again after a
					   short return */
	uint64_t	gift_put_back;	/* pages referenced with no slot free,
					   put back */
	uint64_t	grown;		/* pipespace(BIG_PIPE_SIZE) */
	uint64_t	loan_breaks;	/* the writer wrote a page on loan */
	uint64_t	violations;	/* gift pages changed under the reader */
	uint64_t	latency;	/* sum over messages of the time from
					   write() to the read() that completes
					   it, ns */
};

gboolean	 pipe_run(const struct params *, const char *strategy,
		    uint64_t seed, uint32_t replication,
		    const struct model_fault *, struct model_result *,
		    GError **);
/* pipe_run() that also fills *counts (which may be NULL). */
gboolean	 pipe_run_counted(const struct params *, const char *strategy,
		    uint64_t seed, uint32_t replication,
		    struct model_result *, struct pipe_counts *, GError **);
gboolean	 pipe_strategy_valid(const char *strategy, GError **);

/* The handlers of its events, by name (model_event_name). */
extern const struct kernel_event_name pipe_event_names[];
extern const size_t pipe_event_name_count;

#endif
