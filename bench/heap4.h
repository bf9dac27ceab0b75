/* The reference for bench_hold: the 4-ary heap engine loansim had before
 * its radix heap (see heap4.c).  Not part of the library. */
#ifndef LOANSIM_BENCH_HEAP4_H
#define LOANSIM_BENCH_HEAP4_H

#include <glib.h>
#include <stdint.h>

typedef uint64_t heap4_time;
#define HEAP4_TIME_MAX UINT64_MAX

struct heap4;
typedef void (*heap4_fn)(struct heap4 *, void *ctx);
typedef uint64_t heap4_event_id;

struct heap4	*heap4_new(void);
void		 heap4_free(struct heap4 *);
heap4_time	 heap4_now(const struct heap4 *);
heap4_event_id	 heap4_schedule(struct heap4 *, heap4_time delay,
		    heap4_fn, void *ctx);
heap4_event_id	 heap4_schedule_at(struct heap4 *, heap4_time when,
		    heap4_fn, void *ctx);
gboolean	 heap4_cancel(struct heap4 *, heap4_event_id);
uint64_t	 heap4_run_bounded(struct heap4 *, heap4_time until,
		    uint64_t max_events);

#endif
