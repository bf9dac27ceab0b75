/* The sending process and its threads. */
#include "models/app.h"

#include <math.h>
#include <string.h>

#include "sim/error.h"
#include "sim/rng.h"
#include "sim/units.h"

struct app_thread {
	struct app	*app;
	unsigned	 id;
	unsigned	 cpu;
	struct socket	*so;
	struct vm_buf	**bufs;
	unsigned	 cur;
	struct vm_buf	*last;		/* the buffer of the last write */
	uint64_t	 last_len;	/* and its length */
	struct vm_buf	*waiting;	/* sleeping until this is released */
	engine_fn	 resume;	/* what to do then */
	uint64_t	 sent;
	struct rng	 rng;
	struct rng	 size_rng;	/* write sizes, a stream of their own */
};

struct app {
	struct kernel		*k;
	struct app_config	 cfg;
	struct so_config	 so_cfg;
	struct vm_map		 map;
	unsigned		 nthreads;
	struct app_thread	*threads;
};

gboolean
app_config_init(struct app_config *c, const struct params *p, GError **error)
{
	const char	*reuse = params_string(p, "workload.reuse");

	memset(c, 0, sizeof(*c));
	if (strcmp(reuse, "async") == 0)
		c->reuse = APP_ASYNC;
	else if (strcmp(reuse, "sendfile") == 0)
		c->reuse = APP_SENDFILE;
	else
		c->reuse = APP_OVERWRITE;
	c->size = params_size(p, "workload.size");
	c->offset = params_size(p, "workload.offset");
	c->messages = params_count(p, "workload.messages");
	c->buffers = (unsigned)params_count(p, "workload.buffers");
	c->threads = (unsigned)params_count(p, "workload.threads");
	c->fill = params_bool(p, "workload.fill");
	c->rewrite_probability = params_probability(p,
	    "workload.rewrite_probability");
	c->rewrite_fraction = params_probability(p, "workload.rewrite_fraction");
	c->file_size = params_size(p, "workload.file_size");
	if (c->offset >= params_size(p, "machine.page_size")) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[workload] offset = %" G_GUINT64_FORMAT " B must be "
		    "smaller than the page size", c->offset);
		return FALSE;
	}
	if (c->reuse == APP_SENDFILE && c->file_size < c->size) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "[workload] file_size must be at least size for sendfile");
		return FALSE;
	}
	c->rewrite_delay = params_dist(p, "workload.rewrite_delay");
	c->gap = params_dist(p, "workload.gap");
	c->size_dist = params_dist(p, "workload.size_dist");
	if (dist_is_constant(c->size_dist) && dist_mean(c->size_dist) == 0) {
		dist_free(c->size_dist);
		c->size_dist = NULL;
	}
	return TRUE;
}

void
app_config_clear(struct app_config *c)
{
	dist_free(c->rewrite_delay);
	dist_free(c->gap);
	dist_free(c->size_dist);
	c->rewrite_delay = c->gap = NULL;
	c->size_dist = NULL;
}

static void	app_thread_next(struct engine *, void *);

/* Asynchronous I/O and zbufs: the buffer is the kernel's until the
 * completion (the free callback) says otherwise; the thread sleeps, and
 * is switched away from its CPU (the step with the charge so far). */
static gboolean
app_thread_must_wait(struct app_thread *th, struct vm_buf *buf,
    engine_fn resume, struct charge *ch)
{
	const struct app	*app = th->app;

	if (buf->busy == 0 || (app->cfg.reuse != APP_ASYNC &&
	    app->so_cfg.strategy != SO_ZBUF))
		return FALSE;
	th->waiting = buf;
	th->resume = resume;
	charge_add(ch, CPU_SCHED, app->k->m.context_switch);
	kernel_step_end(app->k, th->cpu, ch);
	return TRUE;
}

static sim_time
app_draw_time(struct app_thread *th, const struct dist *d)
{
	double	x = dist_sample(d, &th->rng);

	return x <= 0 ? 0 : units_round(x);
}

/* The program writes n bytes of its buffer: faults where the kernel made
 * pages read-only, plus the stores themselves at cache speed. */
static void
app_touch(struct app_thread *th, struct vm_buf *buf, uint64_t n,
    struct charge *ch)
{
	struct kernel	*k = th->app->k;

	vm_buf_write(k->vm, buf, 0, n, th->cpu, ch);
	charge_add(ch, CPU_APP, machine_bytes_ns(k->m.copy_bw_hot, n));
}

static void
app_thread_after_gap(void *arg, sim_time when)
{
	struct app_thread	*th = arg;

	engine_schedule_at(th->app->k->engine,
	    when + app_draw_time(th, th->app->cfg.gap), app_thread_next, th);
}

static void
app_thread_rewrite(struct engine *e, void *arg)
{
	struct app_thread	*th = arg;
	struct charge		 ch = { { 0 } };
	uint64_t		 n;

	if (app_thread_must_wait(th, th->last, app_thread_rewrite, &ch))
		return;
	n = (uint64_t)ceil(th->app->cfg.rewrite_fraction *
	    (double)th->last_len);
	app_touch(th, th->last, MIN(n, th->last_len), &ch);
	kernel_defer(th->app->k, app_thread_after_gap, th);
	kernel_step_end(th->app->k, th->cpu, &ch);
}

static void
app_thread_write_done(void *arg, sim_time when)
{
	struct app_thread	*th = arg;
	const struct app_config	*c = &th->app->cfg;

	th->sent++;
	th->cur = (th->cur + 1) % c->buffers;
	if (c->reuse == APP_OVERWRITE && c->rewrite_probability > 0 &&
	    rng_uniform(&th->rng) < c->rewrite_probability) {
		engine_schedule_at(th->app->k->engine,
		    when + app_draw_time(th, c->rewrite_delay),
		    app_thread_rewrite, th);
		return;
	}
	app_thread_after_gap(th, when);
}

static void
app_thread_resume(struct engine *e, void *arg)
{
	struct app_thread	*th = arg;
	struct charge		 ch = { { 0 } };

	/* Woken by the release: switched back in on its CPU. */
	charge_add(&ch, CPU_SCHED, th->app->k->m.context_switch);
	kernel_step_end(th->app->k, th->cpu, &ch);
	th->resume(e, th);
}

static void
app_resume_deferred(void *arg, sim_time when)
{
	struct app_thread	*th = arg;

	engine_schedule_at(th->app->k->engine, when, app_thread_resume, th);
}

/* The kernel released buf: wakeup() of a thread sleeping for it, charged
 * to the releasing step; the thread runs when that step is over. */
static void
app_release(void *arg, struct vm_buf *buf, struct charge *ch)
{
	struct app_thread	*th = arg;

	if (th->waiting != buf)
		return;
	th->waiting = NULL;
	charge_add(ch, CPU_SCHED, th->app->k->m.wakeup);
	kernel_defer(th->app->k, app_resume_deferred, th);
}

/* The length of the next write: the whole buffer, or a draw of
 * workload.size_dist in whole bytes, from 1 B to the buffer's size. */
static uint64_t
app_write_size(struct app_thread *th, const struct vm_buf *buf)
{
	double	x;

	if (th->app->cfg.size_dist == NULL)
		return buf->len;
	x = floor(dist_sample(th->app->cfg.size_dist, &th->size_rng) + 0.5);
	return x < 1 ? 1 : x >= (double)buf->len ? buf->len : (uint64_t)x;
}

static void
app_thread_next(struct engine *e, void *arg)
{
	struct app_thread	*th = arg;
	struct app		*app = th->app;
	struct vm_buf		*buf;
	struct charge		 ch = { { 0 } };
	uint64_t		 n;

	if (th->sent == app->cfg.messages) {
		/* Done: close(); the FIN follows the data. */
		soclose(th->so, &ch);
		kernel_step_end(app->k, th->cpu, &ch);
		return;
	}
	buf = th->bufs[th->cur];
	if (app_thread_must_wait(th, buf, app_thread_next, &ch))
		return;
	n = app_write_size(th, buf);
	if (app->cfg.reuse != APP_SENDFILE && app->cfg.fill)
		app_touch(th, buf, n, &ch);
	th->last = buf;
	th->last_len = n;
	sosend(th->so, buf, n, th->cpu, &ch, app_thread_write_done, th);
}

struct app *
app_new(struct kernel *k, const struct app_config *cfg,
    const struct so_config *so_cfg, uint64_t seed, uint32_t replication)
{
	struct app	*app = g_new0(struct app, 1);
	struct charge	 setup = { { 0 } };
	unsigned	 i, b, ncpus = cpus_count(k->cpus);
	char		 name[32];

	app->k = k;
	app->cfg = *cfg;
	app->so_cfg = *so_cfg;
	app->map.name = "process";
	app->nthreads = cfg->threads;
	app->threads = g_new0(struct app_thread, cfg->threads);
	for (i = 0; i < cfg->threads; i++)
		app->map.cpumask |= (uint64_t)1 << (i % ncpus);
	for (i = 0; i < cfg->threads; i++) {
		struct app_thread *th = &app->threads[i];
		unsigned	 nb = cfg->buffers;

		th->app = app;
		th->id = i;
		th->cpu = i % ncpus;
		g_snprintf(name, sizeof(name), "app.thread%u", i);
		rng_init(&th->rng, seed, replication, name);
		g_snprintf(name, sizeof(name), "app.thread%u.size", i);
		rng_init(&th->size_rng, seed, replication, name);
		th->so = socket_new(k, so_cfg, app_release, th);
		if (cfg->reuse == APP_SENDFILE) {
			/* The file, in size-long pieces sent in turn. */
			nb = (unsigned)MAX(1, cfg->file_size / cfg->size);
			app->cfg.buffers = nb;
		}
		th->bufs = g_new0(struct vm_buf *, nb);
		for (b = 0; b < nb; b++)
			th->bufs[b] = cfg->reuse == APP_SENDFILE ?
			    vm_buf_new_object(k->vm, &app->map, cfg->size,
			    &setup) :
			    vm_buf_new(k->vm, &app->map, cfg->offset,
			    cfg->size, &setup);
	}
	/* Setting up the buffers is not part of the measured run. */
	return app;
}

void
app_start(struct app *app)
{
	unsigned	i;

	for (i = 0; i < app->nthreads; i++)
		engine_schedule(app->k->engine, 0, app_thread_next,
		    &app->threads[i]);
}

gboolean
app_done(const struct app *app)
{
	unsigned	i;

	for (i = 0; i < app->nthreads; i++)
		if (app->threads[i].sent != app->cfg.messages ||
		    !socket_idle(app->threads[i].so))
			return FALSE;
	return TRUE;
}

void
app_free(struct app *app)
{
	struct charge	ch = { { 0 } };
	unsigned	i, b;

	if (app == NULL)
		return;
	/* The sockets first: they return every loan of the buffers. */
	for (i = 0; i < app->nthreads; i++)
		socket_free(app->threads[i].so);
	for (i = 0; i < app->nthreads; i++) {
		struct app_thread *th = &app->threads[i];

		for (b = 0; b < app->cfg.buffers; b++)
			vm_buf_free(app->k->vm, th->bufs[b], &ch);
		g_free(th->bufs);
	}
	g_free(app->threads);
	g_free(app);
}

const struct kernel_event_name app_event_names[] = {
	KERNEL_EVENT(app_thread_next), KERNEL_EVENT(app_thread_rewrite),
	KERNEL_EVENT(app_thread_resume)
};
const size_t app_event_name_count = G_N_ELEMENTS(app_event_names);
