/* The one small interface through which the study layer runs any model:
 * build from parameters, run, report metrics, free (here in one call). */
#ifndef LOANSIM_MODEL_H
#define LOANSIM_MODEL_H

#include <glib.h>
#include <signal.h>
#include <stdint.h>
#include "sim/engine.h"
#include "sim/params.h"

enum model_metric {
	MODEL_CPU_NS_PER_BYTE,
	MODEL_THROUGHPUT_MBPS,
	MODEL_COPIED_BYTES_PER_BYTE,
	MODEL_COW_FAULTS_PER_MIB,
	MODEL_FAULTS_PER_MIB,
	MODEL_SHOOTDOWNS_PER_MIB,
	MODEL_PINNED_PAGES_PEAK,
	MODEL_LATENCY_P50_NS,
	MODEL_LATENCY_P99_NS,
	MODEL_VIOLATIONS,
	MODEL_COALESCED_BYTES_PER_BYTE,	/* receive: copied to coalesce */
	MODEL_FLIPS_PER_MIB,
	MODEL_SYS_NS_PER_BYTE,		/* all CPU but the process's own */
	MODEL_CPU_CAT_FIRST,	/* cpu_<category>_ns_per_byte follow */
	MODEL_CPU_CAT_END = MODEL_CPU_CAT_FIRST + 12,
	MODEL_BLOCKED_SPACE_PER_WRITE = MODEL_CPU_CAT_END,	/* sbwait */
	MODEL_BLOCKED_KVA_PER_WRITE,	/* sleeps at somaxkva */
	MODEL_LOAN_BREAKS_PER_MIB,	/* loans broken (vm_stats) */
	MODEL_METRIC_COUNT
};

struct model_result {
	double		v[MODEL_METRIC_COUNT];
	uint64_t	events;
	uint64_t	sim_time_ns;
	uint64_t	fingerprint;
};

const struct param_def *model_registry(size_t *n);
/* A parameter set over the whole registry, at its defaults. */
struct params	*model_params_new(void);
const char	*model_metric_name(unsigned);
/* -1 if unknown. */
int		 model_metric_lookup(const char *);
/* Whether more of the metric is better (throughput); else less is. */
gboolean	 model_metric_higher_is_better(unsigned);
/* Strategies the workload kind of p can compare. */
gboolean	 model_strategy_valid(const struct params *, const char *,
		    GError **);
gboolean	 model_run(const struct params *, const char *strategy,
		    uint64_t seed, uint32_t replication,
		    struct model_result *, GError **);
/* model_run that stops soon after *interrupt becomes non-zero (the
 * command line's SIGINT flag; the engine looks every 2^16 events):
 * then FALSE with LOANSIM_ERROR_INTERRUPTED and no result. */
gboolean	 model_run_interruptible(const struct params *,
		    const char *strategy, uint64_t seed, uint32_t replication,
		    const volatile sig_atomic_t *interrupt,
		    struct model_result *, GError **);

/* What a run is given beyond its parameters.  For tests of the
 * invariant checks: after event 'after' of the run, fn(k, arg) (NULL:
 * nothing) breaks an invariant on purpose (a loan given back twice, a
 * leaked mbuf, a page written behind a loan's back); a model's own
 * faults (soreceive_test_window()) find its state in k->model.  And the
 * flag that interrupts it (NULL: none), as model_run_interruptible. */
struct kernel;
struct model_fault {
	uint64_t	 after;
	void		(*fn)(struct kernel *, void *arg);
	void		*arg;
	const volatile sig_atomic_t *interrupt;
};
gboolean	 model_run_faulted(const struct params *, const char *strategy,
		    uint64_t seed, uint32_t replication,
		    const struct model_fault *, struct model_result *,
		    GError **);

/* For the models' run functions: every metric the kernel's counters
 * give (a model then sets its own), and the error of a run that a limit
 * stopped. */
void		 model_result_fill(struct model_result *, struct kernel *);
/* The counters when a warm-up ends; model_result_fill_since() then
 * reports only what came after (peaks and violations stay whole-run). */
struct model_mark {
	uint64_t	busy[MODEL_METRIC_COUNT - MODEL_CPU_CAT_FIRST];
	uint64_t	bytes_delivered;
	uint64_t	bytes_copied;
	uint64_t	cow_faults;
	uint64_t	loan_breaks;
	uint64_t	write_faults;
	uint64_t	shootdowns;
	uint64_t	time;
};
void		 model_mark_set(struct model_mark *, struct kernel *,
		    uint64_t when);
void		 model_result_fill_since(struct model_result *,
		    struct kernel *, const struct model_mark *);
void		 model_limit_error(GError **, struct kernel *, uint64_t done,
		    uint64_t total, const char *what);


/* --- invariants, for the models' run functions ----------------------
 *
 * Every run checks its invariants at its end and after its teardown;
 * with scenario.check_invariants (loansim --check-invariants) also after
 * every event.  The kernel-wide ones (pages conserved, loan counts never
 * negative and zero at the end, no page freed while loaned, held or
 * mapped, every mbuf freed; models/vm.c, models/mbuf.c) are checked
 * here; each workload kind adds its own: its bytes conserved, and no
 * copy-semantics violation under a safe strategy (all but gift).  A
 * broken one stops the run and is a LOANSIM_ERROR_INTERNAL naming the
 * page, mbuf or counts, and the event (number, handler, time). */

/* A kind's own invariants: those that hold after every event, and with
 * end set those of a finished run as well.  FALSE with a
 * LOANSIM_ERROR_INTERNAL saying what broke. */
typedef gboolean (*model_check_fn)(void *ctx, gboolean end, GError **);

struct model_checks {
	struct kernel			*k;
	const char			*strategy;
	model_check_fn			 check;
	void				*ctx;
	gboolean			 every_event;
	gboolean			 loans_end;	/* none left */
	const struct model_fault	*fault;
	GError				*error;	/* broken after an event */
};

/* Before the run: reads scenario.check_invariants and the limits. */
void		 model_checks_start(struct model_checks *, struct kernel *,
		    const struct params *, const char *strategy,
		    const struct model_fault *, model_check_fn, void *ctx);
/* The run itself, within scenario.max_events and max_sim_time. */
void		 model_checks_run(struct model_checks *);
/* After the run, before the teardown: FALSE with the first invariant
 * broken (in an event, or at the end of a finished run), or with
 * LOANSIM_ERROR_INTERRUPTED when the interrupt flag stopped it.  Call
 * model_limit_error() when it is TRUE and the run is not finished. */
gboolean	 model_checks_end(struct model_checks *, gboolean finished,
		    GError **);
/* After the model's teardown, before kernel_free(): every page but the
 * zero page and every mbuf freed.  Its error replaces a limit error
 * in *error, not another broken invariant. */
gboolean	 model_checks_teardown(struct model_checks *, GError **);
/* The name of an event handler of the models, for messages. */
const char	*model_event_name(engine_fn);

#endif
