/* Runs one replication of one strategy and reports its metrics; checks
 * the run's invariants (models/model.h): at the end (every byte
 * delivered, no violation for a safe strategy, pages conserved, no loan
 * left, every mbuf freed), after teardown (every page and mbuf freed),
 * and with scenario.check_invariants after every event. */
#include "models/model.h"

#include <string.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "models/app.h"
#include "models/estimate.h"
#include "models/kernel.h"
#include "models/machine.h"
#include "models/socket.h"
#include "models/soreceive.h"
#include "models/file.h"
#include "models/pipe.h"

G_STATIC_ASSERT(MODEL_CPU_CAT_END - MODEL_CPU_CAT_FIRST == CPU_CAT_COUNT);

static const char *model_metric_names[MODEL_CPU_CAT_FIRST] = {
	"cpu_ns_per_byte", "throughput_MBps", "copied_bytes_per_byte",
	"cow_faults_per_MiB", "faults_per_MiB", "shootdowns_per_MiB",
	"pinned_pages_peak", "latency_p50_ns", "latency_p99_ns", "violations",
	"coalesced_bytes_per_byte", "flips_per_MiB", "sys_ns_per_byte"
};
/* The metrics where more is better; for every other one (costs, counts,
 * latencies, and the CPU time per category) less is. */
static const enum model_metric model_metric_higher[] = {
	MODEL_THROUGHPUT_MBPS
};

/* After the categories. */
static const char *model_metric_tail[MODEL_METRIC_COUNT -
    MODEL_CPU_CAT_END] = {
	"blocked_space_per_write", "blocked_kva_per_write",
	"loan_breaks_per_MiB"
};

const char *
model_metric_name(unsigned i)
{
	static char	cat[MODEL_CPU_CAT_END - MODEL_CPU_CAT_FIRST][32];
	static gsize	once;
	unsigned	k;

	g_assert(i < MODEL_METRIC_COUNT);
	if (i < MODEL_CPU_CAT_FIRST)
		return model_metric_names[i];
	if (i >= MODEL_CPU_CAT_END)
		return model_metric_tail[i - MODEL_CPU_CAT_END];
	/* Built once, before any thread can read it. */
	if (g_once_init_enter(&once)) {
		for (k = 0; k < CPU_CAT_COUNT; k++)
			g_snprintf(cat[k], sizeof(cat[k]),
			    "cpu_%s_ns_per_byte", cpu_cat_name(k));
		g_once_init_leave(&once, 1);
	}
	return cat[i - MODEL_CPU_CAT_FIRST];
}

gboolean
model_metric_higher_is_better(unsigned i)
{
	unsigned	k;

	g_assert(i < MODEL_METRIC_COUNT);
	for (k = 0; k < G_N_ELEMENTS(model_metric_higher); k++)
		if (model_metric_higher[k] == i)
			return TRUE;
	return FALSE;
}

int
model_metric_lookup(const char *name)
{
	unsigned	i;

	for (i = 0; i < MODEL_METRIC_COUNT; i++)
		if (strcmp(model_metric_name(i), name) == 0)
			return (int)i;
	return -1;
}

gboolean
model_strategy_valid(const struct params *p, const char *s, GError **error)
{
	enum so_strategy	st;

	if (g_str_has_prefix(params_string(p, "workload.kind"), "file-"))
		return file_strategy_valid(params_string(p, "workload.kind"),
		    s, error);
	if (strcmp(params_string(p, "workload.kind"), "pipe") == 0)
		return pipe_strategy_valid(s, error);
	if (strcmp(params_string(p, "workload.kind"), "socket-recv") == 0) {
		if (strcmp(s, "copy") == 0 || strcmp(s, "flip") == 0)
			return TRUE;
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "unknown strategy \"%s\" for workload kind socket-recv "
		    "(expected copy or flip)", s);
		return FALSE;
	}
	if (!so_strategy_parse(s, &st)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "unknown strategy \"%s\" for workload kind %s (expected "
		    "copy, loan, gift or zbuf)", s,
		    params_string(p, "workload.kind"));
		return FALSE;
	}
	return TRUE;
}

/* --- invariants ------------------------------------------------------ */

static const struct kernel_event_name *const model_event_tables[] = {
	so_event_names, app_event_names, rx_event_names, file_event_names,
	pipe_event_names
};
static const size_t *const model_event_counts[] = {
	&so_event_name_count, &app_event_name_count, &rx_event_name_count,
	&file_event_name_count, &pipe_event_name_count
};

const char *
model_event_name(engine_fn fn)
{
	size_t	t, i;

	for (t = 0; t < G_N_ELEMENTS(model_event_tables); t++)
		for (i = 0; i < *model_event_counts[t]; i++)
			if (model_event_tables[t][i].fn == fn)
				return model_event_tables[t][i].name;
	return fn == NULL ? "none" : "an event";
}

/* Where an invariant broke. */
enum model_when {
	MODEL_AT_EVENT,		/* the last event run */
	MODEL_AT_END,		/* the end of the run */
	MODEL_AT_TEARDOWN
};

/* err, a broken invariant, with where it broke: "at event N (handler,
 * T ns)", "at the end of the run (N events, T ns)" or "at teardown". */
static void
model_checks_fail(struct model_checks *mc, GError **error, GError *err,
    enum model_when when)
{
	struct engine	*e = mc->k->engine;
	char		*where;

	if (when == MODEL_AT_EVENT)
		where = g_strdup_printf("at event %" G_GUINT64_FORMAT " (%s, "
		    "%" G_GUINT64_FORMAT " ns)", engine_events(e),
		    model_event_name(engine_current(e)), engine_now(e));
	else if (when == MODEL_AT_END)
		where = g_strdup_printf("at the end of the run (%"
		    G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " ns)",
		    engine_events(e), engine_now(e));
	else
		where = g_strdup("at teardown");
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
	    "invariant broken %s, strategy %s: %s", where, mc->strategy,
	    err->message);
	g_free(where);
	g_error_free(err);
}

/* The engine's hook: the fault of a test, then, in the debug mode, the
 * invariants that hold after every event; a broken one stops the run. */
static void
model_checks_after_event(struct engine *e, void *arg)
{
	struct model_checks	*mc = arg;
	GError			*err = NULL;

	if (mc->fault != NULL && mc->fault->fn != NULL &&
	    engine_events(e) == mc->fault->after)
		mc->fault->fn(mc->k, mc->fault->arg);
	if (!mc->every_event || mc->error != NULL)
		return;
	if (!vm_check_event(mc->k->vm, &err) ||
	    !mc->check(mc->ctx, FALSE, &err)) {
		model_checks_fail(mc, &mc->error, err, MODEL_AT_EVENT);
		engine_stop(e);
	}
}

void
model_checks_start(struct model_checks *mc, struct kernel *k,
    const struct params *p, const char *strategy,
    const struct model_fault *fault, model_check_fn check, void *ctx)
{
	memset(mc, 0, sizeof(*mc));
	mc->k = k;
	mc->strategy = strategy;
	mc->check = check;
	mc->ctx = ctx;
	mc->fault = fault;
	k->model = ctx;
	mc->every_event = params_bool(p, "scenario.check_invariants");
	/* A reader keeps the pages it took by exchange (or a pipe's gift)
	 * in its buffer until its next read: for those strategies "no loan
	 * left" waits for the teardown. */
	mc->loans_end = strcmp(strategy, "exchange") != 0 &&
	    (strcmp(strategy, "gift") != 0 ||
	    strcmp(params_string(p, "workload.kind"), "pipe") != 0);
	k->max_events = params_count(p, "scenario.max_events");
	k->max_sim_time = params_time(p, "scenario.max_sim_time");
	if (mc->every_event || (fault != NULL && fault->fn != NULL))
		engine_set_after_event(k->engine, model_checks_after_event, mc);
	if (fault != NULL)
		engine_set_interrupt(k->engine, fault->interrupt);
}

void
model_checks_run(struct model_checks *mc)
{
	engine_run_bounded(mc->k->engine, mc->k->max_sim_time,
	    mc->k->max_events);
}

gboolean
model_checks_end(struct model_checks *mc, gboolean finished, GError **error)
{
	struct kernel	*k = mc->k;
	GError		*err = NULL;

	if (mc->error != NULL) {
		g_propagate_error(error, mc->error);
		mc->error = NULL;
		return FALSE;
	}
	/* A misuse of the vm stopped the run in the event that made it. */
	if (!vm_check_misuse(k->vm, &err)) {
		model_checks_fail(mc, error, err, MODEL_AT_EVENT);
		return FALSE;
	}
	/* Interrupted: no result, nor a limit error. */
	if (engine_interrupted(k->engine)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERRUPTED,
		    "interrupted after %" G_GUINT64_FORMAT " events",
		    engine_events(k->engine));
		return FALSE;
	}
	if (!finished)
		return TRUE;
	if (!(mc->loans_end ? vm_check(k->vm, FALSE, &err) :
	    vm_check_counts(k->vm, &err)) ||
	    !mbuf_pool_check(k->mbufs, &err) ||
	    !mc->check(mc->ctx, TRUE, &err)) {
		model_checks_fail(mc, error, err, MODEL_AT_END);
		return FALSE;
	}
	return TRUE;
}

gboolean
model_checks_teardown(struct model_checks *mc, GError **error)
{
	GError	*err = NULL, *broken = NULL;

	if (vm_check(mc->k->vm, TRUE, &err) &&
	    mbuf_pool_check(mc->k->mbufs, &err))
		return TRUE;
	if (error != NULL && *error != NULL &&
	    g_error_matches(*error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL)) {
		g_error_free(err);
		return FALSE;
	}
	model_checks_fail(mc, &broken, err, MODEL_AT_TEARDOWN);
	g_clear_error(error);
	g_propagate_error(error, broken);
	return FALSE;
}

/* Only the sending process draws its write sizes; every other workload
 * reads or writes workload.size each time. */
static gboolean
model_size_dist_valid(const struct params *p, GError **error)
{
	struct dist	*d;
	gboolean	 none;

	if (strcmp(params_string(p, "workload.kind"), "socket-send") == 0)
		return TRUE;
	d = params_dist(p, "workload.size_dist");
	none = dist_is_constant(d) && dist_mean(d) == 0;
	dist_free(d);
	if (!none)
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[workload] size_dist = \"%s\": write sizes are drawn "
		    "for workload kind socket-send only; %s uses "
		    "workload.size every time",
		    params_text(p, "workload.size_dist"),
		    params_string(p, "workload.kind"));
	return none;
}

/* The socket-send workload's own invariants: bytes delivered never more
 * than written, and all of them in the end, every write acknowledged;
 * no copy-semantics violation but for a gift. */
struct model_socket {
	struct kernel	*k;
	struct app	*app;
	enum so_strategy st;
};

static gboolean
model_socket_check(void *ctx, gboolean end, GError **error)
{
	const struct model_socket	*ms = ctx;
	const struct kernel_counters	*c = &ms->k->c;

	if (c->bytes_delivered > c->bytes_written || (end &&
	    c->bytes_delivered != c->bytes_written)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " bytes delivered, but %"
		    G_GUINT64_FORMAT " written", c->bytes_delivered,
		    c->bytes_written);
		return FALSE;
	}
	if (c->violations > 0 && ms->st != SO_GIFT) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " of the pages sent had changed "
		    "since write(), under a safe strategy", c->violations);
		return FALSE;
	}
	if (end && !app_done(ms->app)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "the run ended before every write was acknowledged");
		return FALSE;
	}
	return TRUE;
}

/* Whether the clusters (and small mbufs) sosend copies into are in the
 * cache, whatever the size of the write.  They are recycled: clusters
 * come from a pool cache (sys/kern/uipc_mbuf.c mbinit(): pool_cache_init
 * of mclpool_cache; sys/sys/mbuf.h MCLGET: pool_cache_get(&mclpool_cache)),
 * whose groups hand out the object put back last (sys/kern/subr_pool.c
 * pcg_get(): idx = --pcg->pcg_avail), and a cluster goes back as soon as
 * sbdrop() frees it after its ACK (sys/sys/mbuf.h MEXTREMOVE:
 * pool_cache_put(&mclpool_cache, ...)).  So no more than a send
 * buffer of clusters is ever live, and the copy's next cluster is one
 * freed an RTT or so earlier, written by the copy, read by the checksum
 * and by the NIC's DMA meanwhile.  Between two uses of one cluster the
 * CPU touches the other live clusters (at most sndbuf) and the source
 * bytes copied into them (at most sndbuf, no more than the write when
 * the write is smaller): an LRU cache keeps the clusters when that
 * fits, for every socket whose writer shares the CPU (thread i runs on
 * CPU i mod N).  A write larger than the cache is then copied from
 * memory into the cache (copy_bw_page), not from memory into memory
 * (copy_bw_cold), and its clusters are checksummed in the cache.  Not
 * modelled: a fill or rewrite of a buffer larger than the cache between
 * two writes evicts the clusters of the first rounds after it. */
static gboolean
model_clusters_hot(const struct machine *m, const struct so_config *so,
    const struct app_config *app)
{
	uint64_t	per_cpu = (app->threads + m->cpus - 1) / m->cpus;

	return per_cpu * (so->sndbuf + MIN(app->size, so->sndbuf)) <=
	    m->cache_size;
}

gboolean
model_run(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, struct model_result *r, GError **error)
{
	return model_run_faulted(p, strategy, seed, rep, NULL, r, error);
}

gboolean
model_run_interruptible(const struct params *p, const char *strategy,
    uint64_t seed, uint32_t rep, const volatile sig_atomic_t *interrupt,
    struct model_result *r, GError **error)
{
	struct model_fault	f = { 0, NULL, NULL, interrupt };

	return model_run_faulted(p, strategy, seed, rep, &f, r, error);
}

gboolean
model_run_faulted(const struct params *p, const char *strategy,
    uint64_t seed, uint32_t rep, const struct model_fault *fault,
    struct model_result *r, GError **error)
{
	struct machine		 m;
	struct so_config	 so_cfg;
	struct app_config	 app_cfg;
	struct model_checks	 mc;
	struct model_socket	 ms;
	struct model_estimate	 est;
	struct engine		*e;
	struct kernel		*k;
	struct app		*app;
	enum so_strategy	 st;
	gboolean		 ok, finished;

	if (!model_strategy_valid(p, strategy, error))
		return FALSE;
	if (!model_size_dist_valid(p, error))
		return FALSE;
	/* Refused before anything is built, rather than killed for want of
	 * memory once it is. */
	model_estimate_params(p, &est);
	if (!model_estimate_check(&est, params_size(p, "scenario.max_memory"),
	    error))
		return FALSE;
	if (strcmp(params_string(p, "workload.kind"), "socket-recv") == 0)
		return soreceive_run(p, strategy, seed, rep, fault, r, error);
	if (g_str_has_prefix(params_string(p, "workload.kind"), "file-"))
		return file_run(p, strategy, seed, rep, fault, r, error);
	if (strcmp(params_string(p, "workload.kind"), "pipe") == 0)
		return pipe_run(p, strategy, seed, rep, fault, r, error);
	so_strategy_parse(strategy, &st);
	machine_init(&m, p);
	if (!so_config_init(&so_cfg, p, st, &m, error))
		return FALSE;
	if (!app_config_init(&app_cfg, p, error))
		return FALSE;
	so_cfg.hot_source = app_cfg.reuse == APP_SENDFILE ?
	    app_cfg.file_size <= m.cache_size : app_cfg.size <= m.cache_size;
	so_cfg.hot_copy = model_clusters_hot(&m, &so_cfg, &app_cfg);

	e = engine_new();
	k = kernel_new(e, &m);
	app = app_new(k, &app_cfg, &so_cfg, seed, rep);
	ms.k = k;
	ms.app = app;
	ms.st = st;
	model_checks_start(&mc, k, p, strategy, fault, model_socket_check,
	    &ms);
	app_start(app);
	model_checks_run(&mc);
	finished = engine_pending(e) == 0;
	ok = model_checks_end(&mc, finished, error);
	if (ok && !finished) {
		model_limit_error(error, k, k->c.writes, app_cfg.messages *
		    app_cfg.threads, "writes");
		ok = FALSE;
	}
	if (ok)
		model_result_fill(r, k);
	app_free(app);
	if (!model_checks_teardown(&mc, error))
		ok = FALSE;
	kernel_free(k);
	engine_free(e);
	app_config_clear(&app_cfg);
	return ok;
}

void
model_result_fill(struct model_result *r, struct kernel *k)
{
	static const struct model_mark	start;

	model_result_fill_since(r, k, &start);
}

void
model_mark_set(struct model_mark *mk, struct kernel *k, uint64_t when)
{
	const struct vm_stats	*vs = vm_stats(k->vm);
	unsigned		 i;

	for (i = 0; i < CPU_CAT_COUNT; i++)
		mk->busy[i] = cpus_busy(k->cpus, (enum cpu_cat)i);
	mk->bytes_delivered = k->c.bytes_delivered;
	mk->bytes_copied = k->c.bytes_copied;
	mk->cow_faults = vs->cow_faults;
	mk->loan_breaks = vs->loan_breaks;
	mk->write_faults = vs->write_faults;
	mk->shootdowns = vs->shootdowns;
	mk->time = when;
}

void
model_result_fill_since(struct model_result *r, struct kernel *k,
    const struct model_mark *mk)
{
	const struct vm_stats	*vs = vm_stats(k->vm);
	double			 bytes = (double)(k->c.bytes_delivered -
				    mk->bytes_delivered);
	double			 mib = bytes / 1048576.0;
	double			 cows = (double)(vs->cow_faults -
				    mk->cow_faults);
	sim_time		 now = engine_now(k->engine);
	uint64_t		 busy = 0;
	unsigned		 i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < CPU_CAT_COUNT; i++) {
		uint64_t b = cpus_busy(k->cpus, (enum cpu_cat)i) - mk->busy[i];

		r->v[MODEL_CPU_CAT_FIRST + i] = b / bytes;
		busy += b;
	}
	r->v[MODEL_CPU_NS_PER_BYTE] = busy / bytes;
	r->v[MODEL_THROUGHPUT_MBPS] = bytes * 1e3 /
	    (double)MAX(now - MIN(mk->time, now), 1);
	/* Bytes copied by the kernel plus the pages copied by
	 * copy-on-write faults. */
	r->v[MODEL_COPIED_BYTES_PER_BYTE] = ((double)(k->c.bytes_copied -
	    mk->bytes_copied) + cows * (double)k->m.page_size) / bytes;
	r->v[MODEL_COW_FAULTS_PER_MIB] = cows / mib;
	/* Loans broken, whoever broke them: a process writing a page on
	 * loan (sosend, a pipe's exchange, an exchanged file page), or
	 * another writer of a file page lent to the process. */
	r->v[MODEL_LOAN_BREAKS_PER_MIB] = (double)(vs->loan_breaks -
	    mk->loan_breaks) / mib;
	r->v[MODEL_FAULTS_PER_MIB] = (vs->write_faults - mk->write_faults) /
	    mib;
	r->v[MODEL_SHOOTDOWNS_PER_MIB] = (vs->shootdowns - mk->shootdowns) /
	    mib;
	r->v[MODEL_PINNED_PAGES_PEAK] = (double)vs->pinned_peak;
	r->v[MODEL_LATENCY_P50_NS] = histogram_quantile(k->latency, 0.5);
	r->v[MODEL_LATENCY_P99_NS] = histogram_quantile(k->latency, 0.99);
	r->v[MODEL_VIOLATIONS] = (double)k->c.violations;
	r->v[MODEL_SYS_NS_PER_BYTE] = r->v[MODEL_CPU_NS_PER_BYTE] -
	    r->v[MODEL_CPU_CAT_FIRST + CPU_APP];
	/* How often sosend slept, for send buffer space or loan address
	 * space (somaxkva), per write. */
	r->v[MODEL_BLOCKED_SPACE_PER_WRITE] = (double)k->c.blocked_space /
	    (double)MAX(k->c.writes, 1);
	r->v[MODEL_BLOCKED_KVA_PER_WRITE] = (double)k->c.blocked_kva /
	    (double)MAX(k->c.writes, 1);
	r->events = engine_events(k->engine);
	r->sim_time_ns = now;
	r->fingerprint = engine_fingerprint(k->engine);
}

void
model_limit_error(GError **error, struct kernel *k, uint64_t done,
    uint64_t total, const char *what)
{
	struct engine	*e = k->engine;

	/* Nothing left to do, neither limit reached: the model stalled, a
	 * bug. */
	if (engine_pending(e) == 0 && !engine_stopped(e)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "invariant broken at the end of the run (%" G_GUINT64_FORMAT
		    " events, %" G_GUINT64_FORMAT " ns): nothing was left to "
		    "do after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
		    " %s", engine_events(e), engine_now(e), done, total, what);
		return;
	}
	if (engine_events(e) >= k->max_events)
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "run stopped at scenario.max_events = %" G_GUINT64_FORMAT
		    " (--max-events), %.6f s of simulated time, after %"
		    G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " %s",
		    k->max_events, engine_now(e) / 1e9, done, total, what);
	else
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "run stopped at scenario.max_sim_time = %.6f s "
		    "(--max-sim-time), %" G_GUINT64_FORMAT " events, after %"
		    G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " %s",
		    k->max_sim_time / 1e9, engine_events(e), done, total,
		    what);
}
