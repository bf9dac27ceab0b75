/* A real experiment beside the file-read model (models/file.c, M6): the
 * Linux analogue of its two strategies, over read sizes.
 *
 *   copy: read(fd, buf, S) (pread) into a reused page-aligned buffer;
 *   map:  mmap(MAP_PRIVATE) of the same S bytes of the file, the page-
 *         cache pages mapped copy-on-write (what "exchange" gives the
 *         process), then munmap;
 *
 * in both the process then reads every byte and writes a fraction f of
 * the pages (under map, each such write is a copy-on-write fault).  The
 * file is in the page cache and larger than the last-level cache; reads
 * go through it in order, as in the model.  The figure is CPU time per
 * byte read (CLOCK_PROCESS_CPUTIME_ID; wall time beside it), the median
 * of repeated trials, those of the two strategies taking turns; map
 * wins where the median of the paired differences is below 0.  It finds
 * (a) the smallest S from which map beats copy with f = 0, (b) for
 * each S, f*: the largest f at which map still wins, by bisection on f
 * over measured points, and (c) for each S, what a written page costs
 * map more than copy, from the points at f = 1/16 and f = 1 against
 * f = 0 (at 1/16 a mapping has few written pages, and its first
 * copy-on-write, which sets up its anonymous memory, weighs on each;
 * this needs no break-even, so it is measured where map never wins).
 * A table on stdout; the measured points and the summary in CSV
 * files.
 *
 * The file is written a page at a time (--write-size), as loansim
 * calibrate writes its own: the page cache then holds it in single
 * pages, as the model has it (and as NetBSD's UVM did), and the
 * calibration's per-page figures are those of the pages read here.
 * Written in large pieces, a current Linux keeps it in large folios,
 * which it maps, unmaps and copies from a folio at a time: per page far
 * cheaper than the calibration's figures (--write-size 1MiB shows it;
 * docs/validation.md).
 *
 * A benchmark, not a test: its figures depend on the machine and its
 * load.  The process runs on one CPU (as the model's process does): a
 * CPU it left could still be sent the TLB flushes of its munmaps. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench/real.h"
#include "sim/units.h"

enum fr_strategy { FR_COPY, FR_MAP };

struct fr {
	int		 fd;
	uint64_t	 file_size;
	size_t		 ps;
	unsigned char	*buf;		/* the copy strategy's buffer */
	uint64_t	 pos;		/* file offset of the next read */
	unsigned	 trials;
	uint64_t	 trial_bytes;	/* read per trial */
	unsigned	 steps;		/* bisection steps on f */
	FILE		*points;	/* CSV of every measured point */
	volatile uint64_t sink;
};

/* The process uses what it read: every byte. */
static uint64_t
fr_read_all(const unsigned char *p, size_t len)
{
	const uint64_t	*w = (const uint64_t *)p;
	uint64_t	 sum = 0;
	size_t		 i;

	for (i = 0; i < len / sizeof(*w); i++)
		sum += w[i];
	return sum;
}

/* Writes the pages chosen by an error-diffusion sequence of fraction f
 * (exactly f of them over many reads, the same ones for both
 * strategies). */
static void
fr_write_some(unsigned char *p, size_t len, size_t ps, double f,
    double *acc)
{
	size_t	pg;

	for (pg = 0; pg < len / ps; pg++) {
		*acc += f;
		if (*acc >= 1.0 - 1e-9) {
			*acc -= 1.0;
			memset(p + pg * ps, 0x5a, ps);
		}
	}
}

/* One read of size bytes at the current position; FALSE on error. */
static gboolean
fr_op(struct fr *r, enum fr_strategy s, size_t size, double f, double *acc)
{
	unsigned char	*p;

	if (r->pos + size > r->file_size)
		r->pos = 0;
	if (s == FR_COPY) {
		if (pread(r->fd, r->buf, size, (off_t)r->pos) != (ssize_t)size)
			return FALSE;
		r->sink += fr_read_all(r->buf, size);
		fr_write_some(r->buf, size, r->ps, f, acc);
	} else {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		    r->fd, (off_t)r->pos);
		if (p == MAP_FAILED)
			return FALSE;
		r->sink += fr_read_all(p, size);
		fr_write_some(p, size, r->ps, f, acc);
		munmap(p, size);
	}
	r->pos += size;
	return TRUE;
}

/* One trial: CPU and wall ns per byte of reading trial_bytes in reads
 * of size. */
static gboolean
fr_trial(struct fr *r, enum fr_strategy s, size_t size, double f,
    double *cpu, double *wall)
{
	uint64_t	ops = MAX(4, r->trial_bytes / size), i;
	double		c0, w0, acc = 0;

	c0 = real_clock(CLOCK_PROCESS_CPUTIME_ID);
	w0 = real_clock(CLOCK_MONOTONIC);
	for (i = 0; i < ops; i++)
		if (!fr_op(r, s, size, f, &acc))
			return FALSE;
	*wall = (real_clock(CLOCK_MONOTONIC) - w0) / (double)(ops * size);
	*cpu = (real_clock(CLOCK_PROCESS_CPUTIME_ID) - c0) /
	    (double)(ops * size);
	return TRUE;
}

static void
fr_point_write(struct fr *r, enum fr_strategy s, size_t size, double f,
    const struct real_point *pt)
{
	fprintf(r->points, "%zu,%.6g,%s,%.6g,%.6g,%.6g,%.6g,%u\n", size, f,
	    s == FR_COPY ? "copy" : "map", pt->cpu, pt->cpu_q1, pt->cpu_q3,
	    pt->wall, r->trials);
}

/* Both strategies at one point, their trials taking turns (so that both
 * see the same load): the medians of each, and whether map costs less
 * CPU than copy (the median of the paired differences below 0). */
static gboolean
fr_map_wins(struct fr *r, size_t size, double f, struct real_point *copy,
    struct real_point *map, gboolean *wins)
{
	double		*v = g_new(double, 5 * r->trials);
	double		*cc = v, *cw = v + r->trials, *mc = v + 2 * r->trials;
	double		*mw = v + 3 * r->trials, *d = v + 4 * r->trials;
	unsigned	 t;
	gboolean	 ok = TRUE;

	for (t = 0; t < r->trials && ok; t++) {
		ok = fr_trial(r, FR_COPY, size, f, &cc[t], &cw[t]) &&
		    fr_trial(r, FR_MAP, size, f, &mc[t], &mw[t]);
		d[t] = mc[t] - cc[t];
	}
	if (ok) {
		*wins = real_quantile(d, r->trials, 0.5) < 0;
		real_point_set(copy, cc, cw, r->trials);
		real_point_set(map, mc, mw, r->trials);
		fr_point_write(r, FR_COPY, size, f, copy);
		fr_point_write(r, FR_MAP, size, f, map);
	}
	g_free(v);
	return ok;
}

/* f*: the largest f at which map still wins (lo), and the smallest
 * measured at which it does not (hi); -1 if map loses at f = 0. */
static gboolean
fr_fstar(struct fr *r, size_t size, gboolean wins0, double *lo, double *hi)
{
	struct real_point	c, m;
	gboolean	w;
	double		mid;
	unsigned	i;

	*lo = *hi = -1;
	if (!wins0)
		return TRUE;
	if (!fr_map_wins(r, size, 1.0, &c, &m, &w))
		return FALSE;
	if (w) {
		*lo = *hi = 1;
		return TRUE;
	}
	*lo = 0;
	*hi = 1;
	for (i = 0; i < r->steps; i++) {
		mid = (*lo + *hi) / 2;
		if (!fr_map_wins(r, size, mid, &c, &m, &w))
			return FALSE;
		if (w)
			*lo = mid;
		else
			*hi = mid;
	}
	return TRUE;
}

/* A file of file_size bytes in the page cache, written len bytes at a
 * time, unlinked at once. */
static int
fr_file(uint64_t size, size_t len, GError **error)
{
	char		*name = NULL;
	unsigned char	*chunk;
	uint64_t	 done;
	size_t		 i;
	int		 fd = g_file_open_tmp("bench-fileread-XXXXXX", &name,
			    error);

	if (fd < 0)
		return -1;
	g_unlink(name);
	g_free(name);
	chunk = g_malloc(len);
	for (i = 0; i < len; i++)
		chunk[i] = (unsigned char)(i * 7 + 1);
	for (done = 0; done < size; done += len)
		if (write(fd, chunk, MIN(len, size - done)) < 0) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO,
			    "write: %s", g_strerror(errno));
			close(fd);
			fd = -1;
			break;
		}
	g_free(chunk);
	/* Clean pages: no writeback during the measurements. */
	if (fd >= 0)
		(void)fdatasync(fd);
	return fd;
}

/* What a written page costs map more than copy at fraction f, from the
 * points at f and at 0 (ns per byte): ns. */
static double
fr_written(const struct fr *r, double f, const struct real_point *c,
    const struct real_point *m, const struct real_point *c0,
    const struct real_point *m0)
{
	return ((m->cpu - m0->cpu) - (c->cpu - c0->cpu)) * (double)r->ps / f;
}

static char *
fr_fraction_text(double lo, double hi)
{
	if (lo < 0)
		return g_strdup("never wins");
	if (lo >= 1)
		return g_strdup("1 (always)");
	return g_strdup_printf("%.3f (loses at %.3f)", lo, hi);
}

int
main(int argc, char **argv)
{
	gboolean	 quick = FALSE;
	gint		 trials = 0, cpu = -1, steps = 0;
	char		*outdir = NULL, *fsize = NULL, *wsize = NULL, *path;
	char		*sz, *ft;
	uint64_t	 wlen;
	GOptionEntry	 entries[] = {
		{ "quick", 0, 0, G_OPTION_ARG_NONE, &quick,
		  "Few trials, a small file, coarse f*", NULL },
		{ "trials", 't', 0, G_OPTION_ARG_INT, &trials,
		  "Trials per point (default: 15)", "N" },
		{ "steps", 0, 0, G_OPTION_ARG_INT, &steps,
		  "Bisection steps on f (default: 6)", "N" },
		{ "file-size", 0, 0, G_OPTION_ARG_STRING, &fsize,
		  "File in the page cache (default: 64MiB)", "SIZE" },
		{ "write-size", 0, 0, G_OPTION_ARG_STRING, &wsize,
		  "Write the file in pieces of SIZE (default: a page)",
		  "SIZE" },
		{ "cpu", 0, 0, G_OPTION_ARG_INT, &cpu,
		  "CPU to run on (default: the first allowed)", "N" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir,
		  "Folder for the CSV files (default: out/bench-fileread)",
		  "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext	*ctx = g_option_context_new("- read() against "
	    "mmap(MAP_PRIVATE) of a cached file, over read sizes");
	GError		*e = NULL;
	struct fr	 r;
	struct real_point	 c, m, c16, m16, c1, m1;
	GString		*summary = g_string_new("size,copy_cpu_ns_per_byte,"
			    "map_cpu_ns_per_byte,map_over_copy,"
			    "copy_wall_ns_per_byte,map_wall_ns_per_byte,"
			    "fstar,fstar_loses,written_page_ns_f16,"
			    "written_page_ns_f1\n");
	struct real_breakeven be = { 0, 0, 0 };
	size_t		 size;
	double		 xs[32], yc[32], ym[32], a, b;
	unsigned	 np = 0;
	gboolean	 wins, w;
	double		 lo, hi, w16, w1, t0 = real_clock(CLOCK_MONOTONIC);
	int		 status = 0;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &e) || argc != 1) {
		fprintf(stderr, "bench_fileread: %s\n", e ? e->message :
		    "unexpected argument");
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.ps = (size_t)sysconf(_SC_PAGESIZE);
	r.trials = trials > 0 ? (unsigned)trials : quick ? 3 : 15;
	r.steps = steps > 0 ? (unsigned)steps : quick ? 3 : 6;
	r.trial_bytes = quick ? (2 << 20) : (32 << 20);
	r.file_size = quick ? (16 << 20) : (64 << 20);
	if (fsize != NULL && (!units_parse_size(fsize, &r.file_size, &e) ||
	    r.file_size < (2 << 20))) {
		fprintf(stderr, "bench_fileread: --file-size %s: %s\n", fsize,
		    e ? e->message : "at least 2MiB");
		return 2;
	}
	wlen = r.ps;
	if (wsize != NULL && (!units_parse_size(wsize, &wlen, &e) ||
	    wlen < r.ps || wlen > (64 << 20) || wlen % r.ps != 0)) {
		fprintf(stderr, "bench_fileread: --write-size %s: %s\n", wsize,
		    e ? e->message : "a whole number of pages up to 64MiB");
		return 2;
	}
	if (outdir == NULL)
		outdir = g_strdup("out/bench-fileread");
	if ((r.points = real_open_csv("bench_fileread", outdir,
	    "fileread.csv", &path)) == NULL)
		return 1;
	if ((r.fd = fr_file(r.file_size, (size_t)wlen, &e)) < 0) {
		fprintf(stderr, "bench_fileread: no file: %s\n", e->message);
		return 1;
	}
	r.buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (r.buf == MAP_FAILED) {
		fprintf(stderr, "bench_fileread: mmap: %s\n", g_strerror(errno));
		return 1;
	}
	memset(r.buf, 1, 1 << 20);
	fprintf(r.points, "size,write_fraction,strategy,cpu_ns_per_byte,"
	    "cpu_q1,cpu_q3,wall_ns_per_byte,trials\n");
	if (real_pin(cpu) < 0)
		fprintf(stderr, "bench_fileread: cannot pin to a CPU: %s\n",
		    g_strerror(errno));
	sz = units_format_size((double)r.file_size);
	ft = units_format_size((double)wlen);
	printf("read() into a buffer (copy) against mmap(MAP_PRIVATE) (map) "
	    "of a %s file in the page cache\n(written %s at a time); the "
	    "process reads every byte and writes a fraction f of the pages.\n"
	    "CPU ns per byte, median of %u trials of %u MiB [interquartile "
	    "range]; f*: the largest f at which map wins.\n\n", sz, ft,
	    r.trials, (unsigned)(r.trial_bytes >> 20));
	g_free(sz);
	g_free(ft);
	printf("%-8s %-22s %-22s %-9s %-25s %s\n", "size", "copy (f=0)",
	    "map (f=0)", "map/copy", "f*", "written page, map - copy "
	    "(ns): f=1/16, 1");
	for (size = r.ps; size <= (1 << 20); size *= 2) {
		char *cs, *ms;

		if (!fr_map_wins(&r, size, 0, &c, &m, &wins) ||
		    !fr_fstar(&r, size, wins, &lo, &hi) ||
		    !fr_map_wins(&r, size, 1.0 / 16, &c16, &m16, &w) ||
		    !fr_map_wins(&r, size, 1, &c1, &m1, &w)) {
			fprintf(stderr, "bench_fileread: I/O failed at %zu: "
			    "%s\n", size, g_strerror(errno));
			status = 1;
			break;
		}
		real_breakeven_step(&be, size, wins);
		sz = units_format_size((double)size);
		cs = g_strdup_printf("%.4f [%.4f..%.4f]", c.cpu, c.cpu_q1,
		    c.cpu_q3);
		ms = g_strdup_printf("%.4f [%.4f..%.4f]", m.cpu, m.cpu_q1,
		    m.cpu_q3);
		ft = fr_fraction_text(lo, hi);
		xs[np] = (double)size;
		yc[np] = c.cpu;
		ym[np++] = m.cpu;
		w16 = fr_written(&r, 1.0 / 16, &c16, &m16, &c, &m);
		w1 = fr_written(&r, 1, &c1, &m1, &c, &m);
		printf("%-8s %-22s %-22s %-9.3f %-25s %.0f, %.0f\n", sz, cs, ms,
		    m.cpu / c.cpu, ft, w16, w1);
		fflush(stdout);
		g_string_append_printf(summary, "%zu,%.6g,%.6g,%.4f,%.6g,%.6g,"
		    "%s,%s,%.0f,%.0f\n", size, c.cpu, m.cpu, m.cpu / c.cpu,
		    c.wall, m.wall, lo < 0 ? "" : g_ascii_dtostr((char[32]){ 0 },
		    32, lo), hi < 0 ? "" : g_ascii_dtostr((char[32]){ 0 }, 32, hi),
		    w16, w1);
		g_free(sz);
		g_free(cs);
		g_free(ms);
		g_free(ft);
	}
	fclose(r.points);
	if (status == 0) {
		real_breakeven_print(&be, "map beats copy at f = 0");
		real_fit(xs, yc, np, &a, &b);
		printf("fit of the CPU time per read, a + b S (f = 0): copy %.0f "
		    "ns + %.4f ns/B", a, b);
		real_fit(xs, ym, np, &a, &b);
		printf(", map %.0f ns + %.4f ns/B\n", a, b);
		g_free(path);
		path = g_build_filename(outdir, "fileread-summary.csv", NULL);
		if (!g_file_set_contents(path, summary->str, -1, &e)) {
			fprintf(stderr, "bench_fileread: %s\n", e->message);
			status = 1;
		} else
			printf("points:  %s/fileread.csv\nsummary: %s\n"
			    "%.1f s\n", outdir, path,
			    (real_clock(CLOCK_MONOTONIC) - t0) / 1e9);
	}
	g_string_free(summary, TRUE);
	g_free(path);
	g_free(outdir);
	g_free(fsize);
	g_free(wsize);
	g_option_context_free(ctx);
	munmap(r.buf, 1 << 20);
	close(r.fd);
	return status;
}
