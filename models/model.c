/* Runs one replication of one strategy and reports its metrics; checks
 * the run's invariants at the end (every byte delivered, no violation
 * for a safe strategy, pages conserved, no loan left, every mbuf freed)
 * and, after teardown, that every page and mbuf was freed. */
#include "models/model.h"

#include <string.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "models/app.h"
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
	"blocked_space_per_write", "blocked_kva_per_write"
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

static gboolean
model_check(struct kernel *k, struct app *app, enum so_strategy st,
    GError **error)
{
	const char		*what = NULL;

	if (!app_done(app))
		what = "the run ended before every write was acknowledged";
	else if (k->c.bytes_delivered != k->c.bytes_written)
		what = "bytes delivered differ from bytes written";
	else if (k->c.violations != 0 && (st == SO_COPY || st == SO_LOAN))
		what = "a safe strategy delivered changed data";
	if (what != NULL) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "invariant broken (strategy %s): %s", so_strategy_name(st),
		    what);
		return FALSE;
	}
	/* Pages conserved, no loan left, every mbuf freed. */
	if (!vm_check(k->vm, FALSE, error) ||
	    !mbuf_pool_check(k->mbufs, error)) {
		g_prefix_error(error, "strategy %s: ", so_strategy_name(st));
		return FALSE;
	}
	return TRUE;
}

/* Once the process and its sockets are gone, so is every page but the
 * zero page and every mbuf, whether the run finished or a limit stopped
 * it; if not, that (a bug) is the error. */
static gboolean
model_check_teardown(struct kernel *k, enum so_strategy st, GError **error)
{
	GError	*e = NULL;

	if (vm_check(k->vm, TRUE, &e) && mbuf_pool_check(k->mbufs, &e))
		return TRUE;
	g_prefix_error(&e, "strategy %s, at teardown: ", so_strategy_name(st));
	g_clear_error(error);
	g_propagate_error(error, e);
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

gboolean
model_run(const struct params *p, const char *strategy, uint64_t seed,
    uint32_t rep, struct model_result *r, GError **error)
{
	struct machine		 m;
	struct so_config	 so_cfg;
	struct app_config	 app_cfg;
	struct engine		*e;
	struct kernel		*k;
	struct app		*app;
	enum so_strategy	 st;
	uint64_t		 max_events, max_time;
	gboolean		 ok;

	if (!model_strategy_valid(p, strategy, error))
		return FALSE;
	if (!model_size_dist_valid(p, error))
		return FALSE;
	if (strcmp(params_string(p, "workload.kind"), "socket-recv") == 0)
		return soreceive_run(p, strategy, seed, rep, r, error);
	if (g_str_has_prefix(params_string(p, "workload.kind"), "file-"))
		return file_run(p, strategy, seed, rep, r, error);
	if (strcmp(params_string(p, "workload.kind"), "pipe") == 0)
		return pipe_run(p, strategy, seed, rep, r, error);
	so_strategy_parse(strategy, &st);
	machine_init(&m, p);
	if (!so_config_init(&so_cfg, p, st, &m, error))
		return FALSE;
	if (!app_config_init(&app_cfg, p, error))
		return FALSE;
	so_cfg.hot_source = app_cfg.reuse == APP_SENDFILE ?
	    app_cfg.file_size <= m.cache_size : app_cfg.size <= m.cache_size;
	so_cfg.hot_copy = app_cfg.size <= m.cache_size;
	max_events = params_count(p, "scenario.max_events");
	max_time = params_time(p, "scenario.max_sim_time");

	e = engine_new();
	k = kernel_new(e, &m);
	app = app_new(k, &app_cfg, &so_cfg, seed, rep);
	app_start(app);
	engine_run_bounded(e, max_time, max_events);
	ok = TRUE;
	if (engine_pending(e) > 0) {
		model_limit_error(error, k, k->c.writes, app_cfg.messages *
		    app_cfg.threads, "writes");
		ok = FALSE;
	}
	if (ok)
		ok = model_check(k, app, st, error);
	if (ok)
		model_result_fill(r, k);
	app_free(app);
	if (!model_check_teardown(k, st, error))
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
	double			 breaks = (double)(vs->loan_breaks -
				    mk->loan_breaks);
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
	/* Bytes copied by the kernel plus the pages copied by loan
	 * breaks. */
	r->v[MODEL_COPIED_BYTES_PER_BYTE] = ((double)(k->c.bytes_copied -
	    mk->bytes_copied) + breaks * (double)k->m.page_size) / bytes;
	r->v[MODEL_COW_FAULTS_PER_MIB] = breaks / mib;
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
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
	    "run stopped at %" G_GUINT64_FORMAT " events and %.3f s of "
	    "simulated time (scenario.max_events, scenario.max_sim_time) "
	    "after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " %s",
	    engine_events(k->engine), engine_now(k->engine) / 1e9, done,
	    total, what);
}
