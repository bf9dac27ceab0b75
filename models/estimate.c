/* Estimates of what a run needs (see estimate.h).  The memory is an
 * upper bound of what grows with the parameters: simulated pages (the
 * buffers, the page cache of a whole file), the tables beside them, and
 * the mbufs a full send buffer holds; the events, from the counts of
 * scenarios/ (results/): a socket write takes about 4 events and 3 per
 * segment, a receive 3 and 1.2 per frame, a file operation about 4 and
 * a pipe message 8 and 2 per 16 KiB. */
#include "models/estimate.h"

#include <sys/resource.h>

#include <math.h>
#include <string.h>

#include "sim/error.h"
#include "sim/units.h"
#include "models/mbuf.h"
#include "models/nic.h"
#include "models/vm.h"

/* What a run takes whatever its parameters: the engine, the CPUs, the
 * histogram, the machine. */
#define EST_BASE	(256.0 * 1024)

size_t
model_page_bytes(void)
{
	/* The slab's objects are multiples of 16 bytes. */
	return (sizeof(struct vm_page) + 15) & ~(size_t)15;
}

static double
est_pages(double bytes, double page)
{
	return ceil(MAX(bytes, 1) / page);
}

static void
est_socket_send(const struct model_values *v, struct model_estimate *est)
{
	double	ps = v->number(v->ctx, "machine.page_size");
	double	size = v->number(v->ctx, "workload.size");
	double	threads = v->number(v->ctx, "workload.threads");
	double	mss = v->number(v->ctx, "socket.mss");
	double	sndbuf = v->number(v->ctx, "socket.sndbuf");
	double	piece = MIN(MIN(size, mss), v->number(v->ctx,
		    "socket.cluster_size"));
	double	bufs, per, mbufs, held;

	if (strcmp(v->text(v->ctx, "workload.reuse"), "sendfile") == 0) {
		/* The mapped file in size-long pieces. */
		bufs = MAX(1, floor(v->number(v->ctx, "workload.file_size") /
		    size));
		per = est_pages(size, ps);
	} else {
		bufs = v->number(v->ctx, "workload.buffers");
		per = est_pages(v->number(v->ctx, "workload.offset") + size,
		    ps);
	}
	/* Each buffer: its struct and page list, as malloc holds them. */
	est->pages = threads * bufs * per;
	/* A full send buffer of mbufs (full as far as the writes fill
	 * it), as many again as copies on the link, each with its storage,
	 * and the page lists of loans. */
	held = MIN(sndbuf, v->number(v->ctx, "workload.messages") * size);
	mbufs = 2 * ceil(held / MAX(piece, 1));
	est->bytes = est->pages * (model_page_bytes() + sizeof(void *)) +
	    threads * (bufs * 96 + mbufs * (sizeof(struct mbuf) +
	    sizeof(struct mbuf_ext)) + held / ps * 16);
	est->driver = est->pages * model_page_bytes() >= est->bytes / 2 ?
	    (bufs == v->number(v->ctx, "workload.buffers") ?
	    "workload.size, workload.buffers and workload.threads" :
	    "workload.file_size and workload.threads") :
	    "socket.sndbuf and workload.size";
	est->events = v->number(v->ctx, "workload.messages") * threads *
	    (4 + 3 * ceil(size / mss));
}

static void
est_socket_recv(const struct model_values *v, struct model_estimate *est)
{
	double	ps = v->number(v->ctx, "machine.page_size");
	double	size = v->number(v->ctx, "workload.size");
	double	mtu = v->number(v->ctx, "nic.mtu");
	double	payload = MAX(1, mtu - v->number(v->ctx, "nic.header_bytes"));
	double	rcvbuf = v->number(v->ctx, "socket.rcvbuf");
	double	buf = strcmp(v->text(v->ctx, "nic.layout"), "cluster") == 0 ?
		    v->number(v->ctx, "socket.cluster_size") : ps;
	double	frames = rcvbuf / payload + 2;
	double	per_frame = ceil(mtu / buf) + 1;

	est->pages = 2 * est_pages(v->number(v->ctx, "workload.offset") +
	    size, ps);
	/* The receive buffers held (twice: arrays grow by doubling) and a
	 * read's moves. */
	est->bytes = est->pages * model_page_bytes() + 2 * frames *
	    per_frame * (sizeof(struct nic_buf) + sizeof(gboolean)) +
	    4 * (size / MIN(payload, buf) + est->pages) *
	    sizeof(struct nic_move);
	est->driver = rcvbuf >= size ? "socket.rcvbuf" : "workload.size";
	est->events = v->number(v->ctx, "workload.messages") *
	    (3 + 1.2 * ceil(size / payload));
}

static void
est_file(const struct model_values *v, struct model_estimate *est)
{
	double	ps = v->number(v->ctx, "machine.page_size");
	double	fsize = v->number(v->ctx, "file.size");
	double	size = v->number(v->ctx, "workload.size");
	double	npages = est_pages(fsize, ps);
	double	ops = v->number(v->ctx, "workload.messages") +
		    v->number(v->ctx, "file.warmup") * floor(fsize / size);
	double	cached = v->number(v->ctx, "file.residency") * npages +
		    ops * (est_pages(size, ps) + 1);

	/* The pages in the cache at the start and those the operations
	 * bring in, at most the file; beside every page of the file, its
	 * content version, whose it is, and the cache's pointer. */
	est->pages = MIN(npages, cached) + 2 * est_pages(v->number(v->ctx,
	    "workload.offset") + size, ps);
	est->bytes = est->pages * model_page_bytes() + npages *
	    (sizeof(uint64_t) + sizeof(gboolean) + sizeof(void *));
	est->driver = npages >= est->pages / 2 ? "file.size" : "workload.size";
	est->events = ops * (4 + 2 * v->number(v->ctx, "file.writers"));
}

static void
est_pipe(const struct model_values *v, struct model_estimate *est)
{
	double	ps = v->number(v->ctx, "machine.page_size");
	double	size = v->number(v->ctx, "workload.size");
	double	per = est_pages(size, ps);

	/* The writer's buffers and the reader's, and the mapping's tables. */
	est->pages = (v->number(v->ctx, "workload.buffers") + 1) * per;
	est->bytes = est->pages * (model_page_bytes() + sizeof(void *)) +
	    per * 3 * sizeof(uint64_t);
	est->driver = "workload.size and workload.buffers";
	est->events = v->number(v->ctx, "workload.messages") *
	    (8 + 2 * ceil(size / 16384));
}

void
model_estimate(const struct model_values *v, struct model_estimate *est)
{
	const char	*kind = v->text(v->ctx, "workload.kind");

	memset(est, 0, sizeof(*est));
	if (strcmp(kind, "socket-send") == 0)
		est_socket_send(v, est);
	else if (strcmp(kind, "socket-recv") == 0)
		est_socket_recv(v, est);
	else if (g_str_has_prefix(kind, "file-"))
		est_file(v, est);
	else
		est_pipe(v, est);
	est->bytes += EST_BASE;
	est->max_events = v->number(v->ctx, "scenario.max_events");
}

double
model_values_number(void *ctx, const char *name)
{
	const struct params	*p = ctx;
	const struct param_def	*d = params_lookup(p, name);

	g_assert(d != NULL);
	switch (d->type) {
	case PARAM_TIME:
		return (double)params_time(p, name);
	case PARAM_SIZE:
	case PARAM_ENUM:	/* machine.page_size */
		return (double)params_size(p, name);
	case PARAM_BANDWIDTH:
		return params_bandwidth(p, name);
	case PARAM_PROBABILITY:
		return params_probability(p, name);
	case PARAM_COUNT:
		return (double)params_count(p, name);
	case PARAM_REAL:
		return params_real(p, name);
	case PARAM_BOOL:
		return params_bool(p, name) ? 1 : 0;
	default:
		g_assert_not_reached();
	}
	return 0;
}

const char *
model_values_text(void *ctx, const char *name)
{
	return params_string(ctx, name);
}

void
model_estimate_params(const struct params *p, struct model_estimate *est)
{
	struct model_values	v = { model_values_number, model_values_text,
				    (void *)p };

	model_estimate(&v, est);
}

/* A run that would take ten times scenario.max_events (an estimate is
 * good to a factor of two or so) could only stop at the limit. */
#define EST_EVENTS_MARGIN	10

/* Of the address space the process may take (ulimit -v, RLIMIT_AS), a
 * run may fill half: the rest holds the program, the threads' stacks and
 * malloc's arenas, one per thread.  UINT64_MAX when there is no limit
 * (as under AddressSanitizer, which reserves terabytes). */
static uint64_t
model_estimate_address_space(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return (uint64_t)rl.rlim_cur / 2;
}

gboolean
model_estimate_check(const struct model_estimate *est, uint64_t max_memory,
    GError **error)
{
	uint64_t	 as = model_estimate_address_space();
	char		*need, *max;

	if (est->events > EST_EVENTS_MARGIN * est->max_events) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "a run would take about %.2g events, more than %d times "
		    "scenario.max_events = %.0f (--max-events), so that it "
		    "could only stop there: lower workload.messages, or raise "
		    "scenario.max_events", est->events, EST_EVENTS_MARGIN,
		    est->max_events);
		return FALSE;
	}
	if (est->bytes <= (double)MIN(max_memory, as))
		return TRUE;
	/* The scenario's own bound first, as it is the same on every
	 * machine. */
	need = units_format_size(est->bytes);
	if (est->bytes <= (double)max_memory) {
		max = units_format_size((double)as * 2);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "a run would need about %s of memory (%.0f simulated "
		    "pages), more than half of the %s of address space this "
		    "process may take (ulimit -v): lower %s, or raise the "
		    "limit", need, est->pages, max, est->driver);
	} else {
		max = units_format_size((double)max_memory);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "a run would need about %s of memory (%.0f simulated "
		    "pages), more than scenario.max_memory = %s: lower %s, or "
		    "raise scenario.max_memory", need, est->pages, max,
		    est->driver);
	}
	g_free(need);
	g_free(max);
	return FALSE;
}
