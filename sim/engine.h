/* The discrete-event engine: a clock in integer nanoseconds and a set of
 * pending events, each a handler (function pointer plus context).  Events
 * with equal times run in the order they were scheduled (FIFO).  The
 * engine knows nothing of pages or sockets. */
#ifndef LOANSIM_ENGINE_H
#define LOANSIM_ENGINE_H

#include <glib.h>
#include <signal.h>
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
/* Cancel a pending event, O(1); FALSE when it already ran or was
 * cancelled (a stale id is recognised).  Storage stays proportional to
 * the events pending, however many are cancelled. */
gboolean	 engine_cancel(struct engine *, engine_event_id);

/* Run until no event is pending, until the next event would be later than
 * 'until' (the clock is then set to 'until'), or until a handler calls
 * engine_stop().  Returns the number of events executed by this call.
 * engine_run_until is a horizon: unless stopped, the clock ends at
 * 'until' even when no event is pending (then or ever). */
uint64_t	 engine_run(struct engine *);
uint64_t	 engine_run_until(struct engine *, sim_time until);
/* A run within limits (scenario.max_sim_time, scenario.max_events): at
 * most max_events events, none later than 'until'.  Unlike
 * engine_run_until, a run that ends because nothing is pending leaves
 * the clock at its last event, so that the clock measures the work. */
uint64_t	 engine_run_bounded(struct engine *, sim_time until,
		    uint64_t max_events);
void		 engine_stop(struct engine *);
gboolean	 engine_stopped(const struct engine *);

/* A hook called after every event, once its handler has returned (NULL:
 * none), as debug checks of a model's invariants need; it may call
 * engine_stop().  It takes effect at the next engine_run*() call, and
 * a run without one pays nothing for it (the loop is specialised). */
void		 engine_set_after_event(struct engine *, engine_fn, void *ctx);
/* A flag that interrupts a run (NULL: none), as a SIGINT handler sets
 * one: an engine_run*() call looks at it after every 2^16 events (a
 * few milliseconds of a model) while it has more to run and, once it
 * is non-zero, stops as engine_stop() does; engine_interrupted() then
 * says so, until the next engine_run*() call. */
void		 engine_set_interrupt(struct engine *,
		    const volatile sig_atomic_t *);
gboolean	 engine_interrupted(const struct engine *);
/* The handler of the event running, or of the last one run (NULL before
 * any): with engine_now() and engine_events(), the event an error
 * names. */
engine_fn	 engine_current(const struct engine *);

uint64_t	 engine_events(const struct engine *);	/* executed in all */
size_t		 engine_pending(const struct engine *);
/* Bytes the engine holds (for tests and benchmarks). */
size_t		 engine_storage(const struct engine *);

/* Fingerprint of the event sequence, as OMNeT++ fingerprints: the engine
 * folds the time and the kind of every event it runs, as the event
 * starts, with multiply-xorshift steps.  An event's kind is its
 * handler's rank in the order the handlers first ran in this engine
 * (0 for the first handler run, 1 for the next new one...): the same
 * for a model in any build, at any address, on any thread.  Handlers
 * may fold a small stable integer 'kind' of their own as well
 * (engine_fingerprint_add), for what one handler does in different
 * ways.  Equal fingerprints mean, for all practical purposes, the same
 * event history; `loansim regress` demands them exactly. */
void		 engine_fingerprint_add(struct engine *, uint32_t kind);
uint64_t	 engine_fingerprint(const struct engine *);

#endif
