/* A real experiment beside the pipe model (models/pipe.c, M8): a writer
 * process and a reader process on a Linux pipe, over write sizes.
 *
 *   copy: the writer write()s its buffer: copied into the pipe, and
 *         copied out by the reader's read() (two copies);
 *   gift: the writer hands its pages to the pipe with
 *         vmsplice(SPLICE_F_GIFT): nothing copied in, nothing protected;
 *         the reader's read() copies them out (one copy).  The writer
 *         rotates among enough buffers (the pipe's size and 2 MiB more)
 *         never to refill a page the reader has not yet copied out.
 *
 * Linux's read() copies out of the gifted pages: the model's gift does
 * the same with pipe.gift_read = copy, as scenarios/host/pipe-host.ini
 * has it (the default, map, hands the pages to the reader as exchange
 * does); Linux's pipe mutex spins while its owner runs, pipe.lock =
 * spin there.  In both, the writer writes every byte of its buffer
 * before each write and the reader reads every byte it got.  The figure
 * is the CPU time of both processes per byte (each process's
 * CLOCK_PROCESS_CPUTIME_ID), the median of repeated trials, those of the
 * two strategies taking turns; the program finds the smallest write size
 * from which gift costs less CPU than copy (the median of the paired
 * differences below 0).  A table on stdout, the points in a CSV file.
 *
 * The pipe holds 64 KiB (--pipe-size; Linux's default, and BSD's
 * BIG_PIPE_SIZE as the model has it).  The writer runs on one CPU and
 * the reader on another when there are two (--one-cpu: both on the
 * first).  A benchmark, not a test. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/real.h"
#include "sim/units.h"

#define PG_MAXSIZE	((size_t)1 << 20)

enum pg_strategy { PG_COPY, PG_GIFT };

/* What the writer asks of the reader: read count x size bytes. */
struct pg_order {
	uint64_t	size;
	uint64_t	count;
};

struct pg {
	int		 data[2];	/* the pipe measured */
	int		 order[2];	/* writer -> reader: struct pg_order */
	int		 done[2];	/* reader -> writer: its CPU ns */
	pid_t		 reader;
	size_t		 pipe_size;
	unsigned char	*ring;		/* the writer's buffers */
	size_t		 ring_size;
	unsigned	 trials;
	uint64_t	 trial_bytes;
	FILE		*points;
};

/* Voluntary context switches of this process so far (getrusage): each
 * a sleep, in read() on an empty pipe, in write() on a full one, or on
 * the pipe's mutex when its owner sleeps. */
static double
pg_sleeps(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_nvcsw;
}

/* The reader: reads what it is told, every byte used, and says how much
 * CPU it took and how often it slept; exits at the end of the orders. */
static void G_GNUC_NORETURN
pg_reader(struct pg *p, int cpu)
{
	unsigned char		*buf = g_malloc(PG_MAXSIZE);
	struct pg_order		 o;
	uint64_t		 left, sum = 0, i;
	double			 t0, s0, ns[2];
	ssize_t			 n;

	(void)real_pin(cpu);
	while (read(p->order[0], &o, sizeof(o)) == (ssize_t)sizeof(o)) {
		s0 = pg_sleeps();
		t0 = real_clock(CLOCK_PROCESS_CPUTIME_ID);
		for (left = o.size * o.count; left > 0; left -= (uint64_t)n) {
			n = read(p->data[0], buf, MIN(o.size, left));
			if (n <= 0)
				_exit(1);
			for (i = 0; i + 8 <= (uint64_t)n; i += 8)
				sum += *(const uint64_t *)(buf + i);
		}
		ns[0] = real_clock(CLOCK_PROCESS_CPUTIME_ID) - t0;
		ns[1] = pg_sleeps() - s0;
		if (write(p->done[1], ns, sizeof(ns)) != (ssize_t)sizeof(ns))
			_exit(1);
	}
	_exit(sum == 1);	/* sum used: 0 in all but a freak case */
}

/* All of buf into the pipe, by write() or vmsplice(). */
static gboolean
pg_put(struct pg *p, enum pg_strategy s, unsigned char *buf, size_t len)
{
	struct iovec	iov;
	ssize_t		n;

	while (len > 0) {
		if (s == PG_COPY)
			n = write(p->data[1], buf, len);
		else {
			iov.iov_base = buf;
			iov.iov_len = len;
			n = vmsplice(p->data[1], &iov, 1, SPLICE_F_GIFT);
		}
		if (n <= 0)
			return FALSE;
		buf += n;
		len -= (size_t)n;
	}
	return TRUE;
}

/* One trial: the writer's and the reader's CPU ns, the wall time, and
 * the sleeps of both per message. */
static gboolean
pg_trial(struct pg *p, enum pg_strategy s, size_t size, double *wcpu,
    double *rcpu, double *wall, double *sleeps)
{
	struct pg_order	o;
	size_t		nbuf = p->ring_size / size, i;
	unsigned char	*b;
	double		c0, w0, s0, r[2];

	o.size = size;
	o.count = MAX(8, p->trial_bytes / size);
	if (write(p->order[1], &o, sizeof(o)) != (ssize_t)sizeof(o))
		return FALSE;
	s0 = pg_sleeps();
	c0 = real_clock(CLOCK_PROCESS_CPUTIME_ID);
	w0 = real_clock(CLOCK_MONOTONIC);
	for (i = 0; i < o.count; i++) {
		/* The writer produces the data in the next buffer. */
		b = p->ring + (i % nbuf) * size;
		memset(b, (int)(i & 0xff), size);
		if (!pg_put(p, s, b, size))
			return FALSE;
	}
	*wcpu = real_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
	*sleeps = pg_sleeps() - s0;
	if (read(p->done[0], r, sizeof(r)) != (ssize_t)sizeof(r))
		return FALSE;
	*wall = real_clock(CLOCK_MONOTONIC) - w0;
	*wcpu /= (double)(o.count * size);
	*rcpu = r[0] / (double)(o.count * size);
	*sleeps = (*sleeps + r[1]) / (double)o.count;
	*wall /= (double)(o.count * size);
	return TRUE;
}

/* The medians over trials of one strategy: total CPU, writer's and
 * reader's, wall, sleeps per message; its point written. */
static void
pg_point(struct pg *p, enum pg_strategy s, size_t size, double *wc,
    double *rc, double *wall, double *sl, struct real_point *pt,
    double share[3])
{
	double		*cpu = g_new(double, p->trials);
	unsigned	 t;

	for (t = 0; t < p->trials; t++)
		cpu[t] = wc[t] + rc[t];
	real_point_set(pt, cpu, wall, p->trials);
	share[0] = real_quantile(wc, p->trials, 0.5);
	share[1] = real_quantile(rc, p->trials, 0.5);
	share[2] = real_quantile(sl, p->trials, 0.5);
	fprintf(p->points, "%zu,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%u\n",
	    size, s == PG_COPY ? "copy" : "gift", pt->cpu, pt->cpu_q1,
	    pt->cpu_q3, share[0], share[1], pt->wall, share[2], p->trials);
	g_free(cpu);
}

/* Both strategies at one size, their trials taking turns (so that both
 * see the same load); gift wins where the median of the paired
 * differences of total CPU is below 0. */
static gboolean
pg_measure(struct pg *p, size_t size, struct real_point *c, double cs[3],
    struct real_point *g, double gs[3], gboolean *wins)
{
	unsigned	 n = p->trials, t;
	double		*v = g_new(double, 9 * n);
	gboolean	 ok = TRUE;

	/* Per strategy: writer, reader, wall, sleeps; then the paired
	 * differences. */
	for (t = 0; t < n && ok; t++) {
		ok = pg_trial(p, PG_COPY, size, &v[t], &v[n + t],
		    &v[2 * n + t], &v[3 * n + t]) && pg_trial(p, PG_GIFT, size,
		    &v[4 * n + t], &v[5 * n + t], &v[6 * n + t], &v[7 * n + t]);
		v[8 * n + t] = v[4 * n + t] + v[5 * n + t] - v[t] - v[n + t];
	}
	if (ok) {
		*wins = real_quantile(v + 8 * n, n, 0.5) < 0;
		pg_point(p, PG_COPY, size, v, v + n, v + 2 * n, v + 3 * n, c,
		    cs);
		pg_point(p, PG_GIFT, size, v + 4 * n, v + 5 * n, v + 6 * n,
		    v + 7 * n, g, gs);
	}
	g_free(v);
	return ok;
}

/* The pipes, the pipe's size, the writer's buffers and the reader. */
static gboolean
pg_setup(struct pg *p, gboolean one_cpu, uint64_t want)
{
	int	 rcpu;
	pid_t	 pid;

	if (pipe(p->data) != 0 || pipe(p->order) != 0 || pipe(p->done) != 0)
		return FALSE;
	if (fcntl(p->data[1], F_SETPIPE_SZ, (int)want) < 0)
		fprintf(stderr, "bench_pipegift: F_SETPIPE_SZ %" G_GUINT64_FORMAT
		    ": %s\n", want, g_strerror(errno));
	p->pipe_size = (size_t)MAX(0, fcntl(p->data[1], F_GETPIPE_SZ));
	/* Enough buffers that the one refilled has left the pipe. */
	p->ring_size = p->pipe_size + 2 * PG_MAXSIZE;
	p->ring = mmap(NULL, p->ring_size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->ring == MAP_FAILED)
		return FALSE;
	memset(p->ring, 1, p->ring_size);
	rcpu = one_cpu ? -1 : -2;
	fflush(NULL);
	if ((pid = fork()) < 0)
		return FALSE;
	if (pid == 0) {
		close(p->data[1]);
		close(p->order[1]);
		close(p->done[0]);
		pg_reader(p, rcpu);
	}
	p->reader = pid;
	close(p->data[0]);
	close(p->order[0]);
	close(p->done[1]);
	return TRUE;
}

int
main(int argc, char **argv)
{
	gboolean	 quick = FALSE, one_cpu = FALSE;
	gint		 trials = 0;
	char		*outdir = NULL, *path, *sz, *ct, *gt, *psz = NULL;
	uint64_t	 pipe_size = 65536;
	GOptionEntry	 entries[] = {
		{ "quick", 0, 0, G_OPTION_ARG_NONE, &quick,
		  "Few trials, little data", NULL },
		{ "trials", 't', 0, G_OPTION_ARG_INT, &trials,
		  "Trials per point (default: 15)", "N" },
		{ "one-cpu", 0, 0, G_OPTION_ARG_NONE, &one_cpu,
		  "Writer and reader on the same CPU", NULL },
		{ "pipe-size", 0, 0, G_OPTION_ARG_STRING, &psz,
		  "The pipe's buffer, F_SETPIPE_SZ (default: 64KiB, Linux's "
		  "default and BSD's BIG_PIPE_SIZE)", "SIZE" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
		  "Folder for the CSV file (default: out/bench-pipegift)",
		  "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext	*ctx = g_option_context_new("- pipe write() against "
	    "vmsplice(SPLICE_F_GIFT), over write sizes");
	GError		*e = NULL;
	struct pg	 p;
	struct real_point c, g;
	double		 cs[3], gs[3], t0 = real_clock(CLOCK_MONOTONIC);
	gboolean	 wins;
	struct real_breakeven be = { 0, 0, 0 };
	size_t		 size;
	int		 status = 0, wstatus;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &e) || argc != 1) {
		fprintf(stderr, "bench_pipegift: %s\n", e ? e->message :
		    "unexpected argument");
		return 2;
	}
	if (psz != NULL && (!units_parse_size(psz, &pipe_size, &e) ||
	    pipe_size < 4096 || pipe_size > PG_MAXSIZE)) {
		fprintf(stderr, "bench_pipegift: --pipe-size %s: %s\n", psz,
		    e ? e->message : "expected 4KiB to 1MiB");
		return 2;
	}
	memset(&p, 0, sizeof(p));
	p.trials = trials > 0 ? (unsigned)trials : quick ? 3 : 15;
	p.trial_bytes = quick ? (4 << 20) : (32 << 20);
	if ((p.points = real_open_csv("bench_pipegift", outdir ? outdir :
	    "out/bench-pipegift", "pipegift.csv", &path)) == NULL)
		return 1;
	(void)real_pin(-1);
	if (!pg_setup(&p, one_cpu, pipe_size)) {
		fprintf(stderr, "bench_pipegift: setup: %s\n",
		    g_strerror(errno));
		return 1;
	}
	fprintf(p.points, "size,strategy,cpu_ns_per_byte,cpu_q1,cpu_q3,"
	    "writer_ns_per_byte,reader_ns_per_byte,wall_ns_per_byte,"
	    "sleeps_per_message,trials\n");
	sz = units_format_size((double)p.pipe_size);
	printf("A writer process produces each message in its buffer and "
	    "writes it to a pipe (%s)\nwith write() (copy) or "
	    "vmsplice(SPLICE_F_GIFT) (gift); a reader process read()s it\n"
	    "and reads every byte%s.  CPU ns per byte of both processes, "
	    "median of %u trials\nof %u MiB [interquartile range]; writer's "
	    "and reader's shares beside it,\nand the sleeps of both per "
	    "message (voluntary context switches, getrusage).\n\n", sz, one_cpu ? " (both on "
	    "one CPU)" : " (on another CPU)", p.trials,
	    (unsigned)(p.trial_bytes >> 20));
	g_free(sz);
	printf("%-8s %-24s %-24s %-9s %-32s %s\n", "size", "copy", "gift",
	    "gift/copy", "writer, reader: copy | gift", "sleeps: copy | gift");
	for (size = 512; size <= PG_MAXSIZE; size *= 2) {
		if (!pg_measure(&p, size, &c, cs, &g, gs, &wins)) {
			fprintf(stderr, "bench_pipegift: pipe I/O failed at "
			    "%zu: %s\n", size, g_strerror(errno));
			status = 1;
			break;
		}
		real_breakeven_step(&be, size, wins);
		sz = units_format_size((double)size);
		ct = g_strdup_printf("%.4f [%.4f..%.4f]", c.cpu, c.cpu_q1,
		    c.cpu_q3);
		gt = g_strdup_printf("%.4f [%.4f..%.4f]", g.cpu, g.cpu_q1,
		    g.cpu_q3);
		printf("%-8s %-24s %-24s %-9.3f %.4f, %.4f | %.4f, %.4f   "
		    "%.3f | %.3f\n", sz, ct, gt, g.cpu / c.cpu, cs[0], cs[1],
		    gs[0], gs[1], cs[2], gs[2]);
		fflush(stdout);
		g_free(sz);
		g_free(ct);
		g_free(gt);
	}
	fclose(p.points);
	close(p.order[1]);
	close(p.data[1]);
	waitpid(p.reader, &wstatus, 0);
	if (status == 0) {
		real_breakeven_print(&be, "gift costs less CPU than copy");
		printf("points: %s\n%.1f s\n", path,
		    (real_clock(CLOCK_MONOTONIC) - t0) / 1e9);
	}
	g_free(path);
	g_free(outdir);
	g_free(psz);
	g_option_context_free(ctx);
	munmap(p.ring, p.ring_size);
	return status;
}
