/* The discrete-event engine: a clock in integer nanoseconds and a set of
 * pending events, each a handler (function pointer plus context).  Events
 * with equal times run in the order they were scheduled (FIFO).  The
 * engine knows nothing of pages or sockets. */
#ifndef LOANSIM_ENGINE_H
#define LOANSIM_ENGINE_H

#include <glib.h>
#include <stdint.h>

typedef uint64_t sim_time;	/* nanoseconds since the start of the run */
#define SIM_TIME_MAX UINT64_MAX

struct engine;
typedef void (*engine_fn)(struct engine *, void *ctx);
typedef uint64_t engine_event_id;	/* 0 is never a valid id */

struct engine	*engine_new(void);
void		 engine_free(struct engine *);

sim_time	 engine_now(const struct engine *);
/* Schedule at now + delay, or at an absolute time (>= now). */
engine_event_id	 engine_schedule(struct engine *, sim_time delay,
		    engine_fn, void *ctx);
engine_event_id	 engine_schedule_at(struct engine *, sim_time when,
		    engine_fn, void *ctx);
/* Cancel a pending event; FALSE when it already ran or was cancelled. */
gboolean	 engine_cancel(struct engine *, engine_event_id);

/* Run until no event is pending, until the next event would be later than
 * 'until' (the clock is then set to 'until'), or until a handler calls
 * engine_stop().  Returns the number of events executed by this call. */
uint64_t	 engine_run(struct engine *);
uint64_t	 engine_run_until(struct engine *, sim_time until);
/* As engine_run_until, but executes at most max_events events. */
uint64_t	 engine_run_bounded(struct engine *, sim_time until,
		    uint64_t max_events);
void		 engine_stop(struct engine *);
gboolean	 engine_stopped(const struct engine *);

uint64_t	 engine_events(const struct engine *);	/* executed in all */
size_t		 engine_pending(const struct engine *);

/* Fingerprint of the event sequence (time and a caller-given kind per
 * event, as OMNeT++ fingerprints): handlers that want to be counted call
 * engine_fingerprint_add(e, kind) with a small stable integer. */
void		 engine_fingerprint_add(struct engine *, uint32_t kind);
uint64_t	 engine_fingerprint(const struct engine *);

#endif
