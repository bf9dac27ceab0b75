/* loansim calibrate: the probes.  Each static calibrate_* below measures
 * one primitive of this machine, as the figures of repeated trials, in
 * the spirit of lmbench (McVoy and Staelin, USENIX 1996): a null system
 * call, a page zeroed, a first-touch fault, a copy-on-write fault, munmap
 * and mprotect per page, a one-page mapping's life (mmap, a read,
 * munmap), a TLB shootdown (mprotect of 1 and 32 pages with a second
 * thread of the process running on another CPU), a context switch (lat_ctx's
 * pipe ping-pong), and memcpy's bandwidth over sizes in and out of the
 * cache.  A probe that cannot run (mmap refused, one CPU) says why and
 * the key falls back to the base profile; sim/hostprof.c maps the
 * figures onto the [machine] keys. */
#define _GNU_SOURCE
#include "sim/calibrate.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/error.h"
#include "sim/params.h"
#include "sim/study.h"
#include "models/model.h"

/* Keep the compiler from dropping or merging the work on p. */
#define CALIBRATE_USE(p)	__asm__ __volatile__("" : : "r"(p) : "memory")

/* A clock gap longer than this is an interruption of a spinning thread;
 * one longer than the maximum is a preemption, not a shootdown. */
#define CALIBRATE_GAP_MIN	200.0
#define CALIBRATE_GAP_MAX	200000.0
#define CALIBRATE_STEPS		22
#define CALIBRATE_MIB		((size_t)1 << 20)

struct calibrate {
	const struct calibrate_options	*o;
	struct hostprof_host		*h;
	char				**fail;
	unsigned			 trials;
	double				*v, *v2, *v3;	/* per trial */
	size_t				 ps;
	int				 fd;	/* page-cache file; -1 none */
	char				*fd_why;
	size_t				 file_pages;
	int				 cpu_a, cpu_b;	/* -1: none */
	cpu_set_t			 saved;
	unsigned char			*src, *dst;	/* copy buffers */
	size_t				 bufsize;
	char				*buf_why;
	size_t				 hot_max, per_point, arena;
	unsigned			 step;
};

/* The thread spinning on the second CPU during the shootdown probe. */
struct calibrate_spin {
	int		 cpu;
	gint		 ready;
	gint		 phase;		/* 0 wait, 1 flushes, 2 quiet, 3 stop */
	double		 gap[3];	/* time lost in gaps, per phase */
};

/* This process's CPU time, ns. */
static double
calibrate_cpu_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double
calibrate_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static size_t
calibrate_size(const struct calibrate *c, size_t full, size_t quick)
{
	return c->o->quick ? quick : full;
}

static void
calibrate_progress(struct calibrate *c, const char *what)
{
	c->step++;
	if (c->o->progress) {
		fprintf(stderr, "\rcalibrate: %2u/%u %-44s", c->step,
		    CALIBRATE_STEPS, what);
		fflush(stderr);
	}
}

/* Tests make a probe fail on purpose (LOANSIM_CALIBRATE_FAIL). */
static gboolean
calibrate_simulated(const struct calibrate *c, const char *probe,
    struct hostprof_stat *s)
{
	if (c->fail == NULL ||
	    !g_strv_contains((const char *const *)c->fail, probe))
		return FALSE;
	hostprof_stat_fail(s, "simulated failure (LOANSIM_CALIBRATE_FAIL=%s)",
	    c->o->fail);
	return TRUE;
}

/* A probe of the page-cache file: FALSE (and why in s) if it cannot
 * run. */
static gboolean
calibrate_can_file(const struct calibrate *c, const char *probe,
    struct hostprof_stat *s)
{
	if (calibrate_simulated(c, probe, s))
		return FALSE;
	if (c->fd < 0) {
		hostprof_stat_fail(s, "%s", c->fd_why);
		return FALSE;
	}
	return TRUE;
}

static unsigned char *
calibrate_map_anon(size_t len)
{
	void	*p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_NOHUGEPAGE
	/* Page by page, as the models charge it, not 2 MiB at a time. */
	(void)madvise(p, len, MADV_NOHUGEPAGE);
#endif
	return p;
}

static unsigned char *
calibrate_map_file(const struct calibrate *c, size_t npages)
{
	void	*p = mmap(NULL, npages * c->ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE, c->fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void
calibrate_touch(unsigned char *p, size_t npages, size_t ps)
{
	volatile unsigned char	*q = p;
	size_t			 i;

	for (i = 0; i < npages; i++)
		q[i * ps] = 1;
}

static unsigned
calibrate_read(const unsigned char *p, size_t npages, size_t ps)
{
	const volatile unsigned char	*q = p;
	unsigned			 sum = 0;
	size_t				 i;

	for (i = 0; i < npages; i++)
		sum += q[i * ps];
	return sum;
}

/* A deterministic random order of n items (Fisher-Yates). */
static size_t *
calibrate_shuffle(size_t n)
{
	GRand	*r = g_rand_new_with_seed(1);
	size_t	*perm = g_new(size_t, n), i, j, t;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = (size_t)g_rand_int_range(r, 0, (gint32)(i + 1));
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	g_rand_free(r);
	return perm;
}

static gboolean
calibrate_pin(int cpu)
{
	cpu_set_t	set;

	if (cpu < 0)
		return FALSE;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static void
calibrate_unpin(const struct calibrate *c)
{
	(void)sched_setaffinity(0, sizeof(c->saved), &c->saved);
}

static uint64_t
calibrate_sum(const uint64_t *w, size_t n)
{
	uint64_t	sum = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		sum += w[i];
	return sum;
}

/* Bytes per second of count copies of size bytes: at offset 0 each time
 * (perm NULL), or at the chunks perm[*at], perm[*at + 1], ... of n. */
static double
calibrate_copy_trial(struct calibrate *c, size_t size, size_t count,
    const size_t *perm, size_t n, size_t *at)
{
	double	t0 = calibrate_now();
	size_t	j, off;

	for (j = 0; j < count; j++) {
		off = perm != NULL ? perm[*at] * size : 0;
		if (perm != NULL)
			*at = (*at + 1) % n;
		memcpy(c->dst + off, c->src + off, size);
		CALIBRATE_USE(c->dst);
	}
	return (double)(size * count) / ((calibrate_now() - t0) / 1e9);
}

/* memcpy bandwidth over sizes.  Hot: the same buffers again and again,
 * in the cache while both fit (sizes 4 KiB to hot_max, doubling).  Cold:
 * chunks of an arena larger than the last-level cache in a random order
 * (no prefetcher streams from one chunk to the next), each from memory
 * to memory, a trial copying the next per_point bytes' worth (4 KiB to 1
 * MiB, times 4). */
static void
calibrate_copy(struct calibrate *c, gboolean cold)
{
	struct hostprof_curve	*cv = cold ? &c->h->cold : &c->h->hot;
	size_t			 size, n = 0, at = 0, count, *perm = NULL;
	size_t			 max = cold ? CALIBRATE_MIB : c->hot_max;
	unsigned		 i, t;

	cv->n = 0;
	c->h->cold_arena = c->arena;
	for (size = 4096; size <= max && cv->n < HP_MAXSIZES;
	    size *= cold ? 4 : 2) {
		i = cv->n++;
		cv->size[i] = size;
		if (calibrate_simulated(c, cold ? "copy-cold" : "copy-hot",
		    &cv->bw[i]))
			continue;
		if (c->src == NULL) {
			hostprof_stat_fail(&cv->bw[i], "%s", c->buf_why);
			continue;
		}
		if (cold) {
			n = c->arena / size;
			count = MAX(1, MIN(n, c->per_point / size));
			perm = calibrate_shuffle(n);
			at = 0;
		} else {
			count = MAX(2, c->per_point / size);
			memcpy(c->dst, c->src, size);
		}
		for (t = 0; t < c->trials; t++)
			c->v[t] = calibrate_copy_trial(c, size, count, perm, n,
			    &at);
		g_free(perm);
		perm = NULL;
		hostprof_stat_set(&cv->bw[i], c->v, c->trials);
	}
}

/* Over 64 KiB chunks of the arena in a random order, data only in
 * memory: a read pass (64-bit sums, as a checksum reads: the memory read
 * stream of one CPU); with inorder, the read pass over the chunks in
 * address order (lmbench bw_mem rd: the prefetcher streams ahead).
 * With copy, a memcpy of 4 KiB pages of the arena in a random order into
 * the pages of one 64 KiB buffer that stays in the cache, as read()
 * copies cold page-cache pages into a buffer the process reuses: a page
 * at a time (Linux mm/filemap.c filemap_read: copy_folio_to_iter per
 * folio; NetBSD ubc_uiomove through a window of pages), each page
 * wherever the page allocator put it, so no stream runs from one page
 * into the next (a hardware prefetcher stops at a 4 KiB boundary). */
static void
calibrate_from_memory(struct calibrate *c, gboolean copy, gboolean inorder)
{
	struct hostprof_stat	*s = &c->h->p[copy ? HP_COPY_COLD_SRC :
				    inorder ? HP_READ_SEQ : HP_READ_COLD];
	size_t			 size = copy ? 4096 : 65536, n, count, at = 0;
	size_t			 j, *perm;
	const uint64_t		*w;
	uint64_t		 sum = 0;
	unsigned		 t;
	double			 t0;

	if (calibrate_simulated(c, copy ? "copy-page" : inorder ? "read-seq" :
	    "read-cold", s))
		return;
	if (c->src == NULL) {
		hostprof_stat_fail(s, "%s", c->buf_why);
		return;
	}
	n = c->arena / size;
	count = MAX(1, MIN(n, c->per_point / size));
	perm = calibrate_shuffle(n);
	for (t = 0; t < c->trials; t++) {
		t0 = calibrate_now();
		for (j = 0; j < count; j++, at = (at + 1) % n) {
			w = (const uint64_t *)(c->src + (inorder ? at :
			    perm[at]) * size);
			if (copy) {
				memcpy(c->dst + j % 16 * size, w, size);
				CALIBRATE_USE(c->dst);
			} else
				sum += calibrate_sum(w, size / sizeof(*w));
		}
		c->v[t] = (double)(count * size) /
		    ((calibrate_now() - t0) / 1e9);
	}
	CALIBRATE_USE(sum);
	g_free(perm);
	hostprof_stat_set(s, c->v, c->trials);
}

/* A read pass (64-bit sums, as above) over one 256 KiB buffer again and
 * again: in the cache, as a process reads what read() just put in its
 * buffer. */
static void
calibrate_read_hot(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_READ_HOT];
	size_t			 size = 256 * 1024, count, j;
	uint64_t		 sum = 0;
	unsigned		 t;
	double			 t0;

	if (calibrate_simulated(c, "read-hot", s))
		return;
	if (c->dst == NULL) {
		hostprof_stat_fail(s, "%s", c->buf_why);
		return;
	}
	count = MAX(2, c->per_point / size);
	sum += calibrate_sum((const uint64_t *)c->dst, size / sizeof(sum));
	for (t = 0; t < c->trials; t++) {
		t0 = calibrate_now();
		for (j = 0; j < count; j++)
			sum += calibrate_sum((const uint64_t *)c->dst,
			    size / sizeof(sum));
		c->v[t] = (double)(count * size) /
		    ((calibrate_now() - t0) / 1e9);
	}
	CALIBRATE_USE(sum);
	hostprof_stat_set(s, c->v, c->trials);
}

static void
calibrate_syscall(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_SYSCALL];
	size_t			 k = calibrate_size(c, 2000, 1000), i;
	unsigned		 t;
	double			 t0;

	if (calibrate_simulated(c, "syscall", s))
		return;
	for (t = 0; t < c->trials; t++) {
		t0 = calibrate_now();
		for (i = 0; i < k; i++)
			(void)syscall(SYS_getppid);
		c->v[t] = (calibrate_now() - t0) / (double)k;
	}
	hostprof_stat_set(s, c->v, c->trials);
}

/* memset of one page: the same page (in the cache), and the pages of the
 * arena in a random order (not in the cache). */
static void
calibrate_page_zero(struct calibrate *c)
{
	struct hostprof_stat	*hot = &c->h->p[HP_ZERO_HOT];
	struct hostprof_stat	*cold = &c->h->p[HP_ZERO_COLD];
	size_t			 k = calibrate_size(c, 2000, 1000), i, n, at;
	size_t			*perm;
	unsigned		 t;
	double			 t0;

	if (calibrate_simulated(c, "zero", hot)) {
		(void)calibrate_simulated(c, "zero", cold);
		return;
	}
	if (c->dst == NULL) {
		hostprof_stat_fail(hot, "%s", c->buf_why);
		hostprof_stat_fail(cold, "%s", c->buf_why);
		return;
	}
	for (t = 0; t < c->trials; t++) {
		t0 = calibrate_now();
		for (i = 0; i < k; i++) {
			memset(c->dst, 0, c->ps);
			CALIBRATE_USE(c->dst);
		}
		c->v[t] = (calibrate_now() - t0) / (double)k;
	}
	hostprof_stat_set(hot, c->v, c->trials);
	n = c->arena / c->ps;
	perm = calibrate_shuffle(n);
	for (t = 0, at = 0; t < c->trials; t++) {
		t0 = calibrate_now();
		for (i = 0; i < k; i++, at = (at + 1) % n) {
			memset(c->dst + perm[at] * c->ps, 0, c->ps);
			CALIBRATE_USE(c->dst);
		}
		c->v[t] = (calibrate_now() - t0) / (double)k;
	}
	g_free(perm);
	hostprof_stat_set(cold, c->v, c->trials);
}

/* The first write to each page of a fresh anonymous mapping: a
 * zero-fill fault per page (mm/memory.c do_anonymous_page). */
static void
calibrate_first_touch(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_FIRST_TOUCH];
	size_t			 n = calibrate_size(c, 256, 64);
	unsigned char		*p;
	unsigned		 t;
	double			 t0;

	if (calibrate_simulated(c, "first-touch", s))
		return;
	for (t = 0; t < c->trials; t++) {
		if ((p = calibrate_map_anon(n * c->ps)) == NULL) {
			hostprof_stat_fail(s, "mmap refused: %s",
			    g_strerror(errno));
			return;
		}
		t0 = calibrate_now();
		calibrate_touch(p, n, c->ps);
		c->v[t] = (calibrate_now() - t0) / (double)n;
		munmap(p, n * c->ps);
	}
	hostprof_stat_set(s, c->v, c->trials);
}

/* Mean time of munmap of npages pages just touched (written, or read if
 * from the file); < 0 if a mapping was refused. */
static double
calibrate_munmap_once(struct calibrate *c, size_t npages, gboolean file,
    size_t reps)
{
	unsigned char	*p;
	double		 sum = 0, t0;
	size_t		 r;

	for (r = 0; r < reps; r++) {
		p = file ? calibrate_map_file(c, npages) :
		    calibrate_map_anon(npages * c->ps);
		if (p == NULL)
			return -1;
		if (file)
			(void)calibrate_read(p, npages, c->ps);
		else
			calibrate_touch(p, npages, c->ps);
		t0 = calibrate_now();
		munmap(p, npages * c->ps);
		sum += calibrate_now() - t0;
	}
	return sum / (double)reps;
}

/* munmap per page: the slope between 4 and 32 pages (Linux flushes up
 * to 33 pages one by one, tlb_single_page_flush_ceiling, so both sizes
 * pay an invlpg per page). */
static void
calibrate_munmap(struct calibrate *c, gboolean file)
{
	struct hostprof_stat	*s = &c->h->p[file ? HP_MUNMAP_FILE :
				    HP_MUNMAP_ANON];
	size_t			 reps = calibrate_size(c, 32, 8);
	unsigned		 t;
	double			 t4, t32;

	if (file ? !calibrate_can_file(c, "munmap-file", s) :
	    calibrate_simulated(c, "munmap", s))
		return;
	for (t = 0; t < c->trials; t++) {
		t4 = calibrate_munmap_once(c, 4, file, reps);
		t32 = calibrate_munmap_once(c, 32, file, reps);
		if (t4 < 0 || t32 < 0) {
			hostprof_stat_fail(s, "mmap refused: %s",
			    g_strerror(errno));
			return;
		}
		c->v[t] = (t32 - t4) / 28;
	}
	hostprof_stat_set_diff(s, c->v, c->trials);
}

/* The first read of each page of a private mapping of a file in the
 * page cache (mm/memory.c do_read_fault, which maps up to
 * fault_around_bytes around the page at once); and how many pages a
 * fault maps, from the minor faults counted (getrusage). */
static void
calibrate_read_fault(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_READ_FAULT];
	struct hostprof_stat	*m = &c->h->p[HP_FAULT_AROUND];
	struct rusage		 r0, r1;
	unsigned char		*p;
	unsigned		 t;
	double			 t0;
	long			 faults;

	if (!calibrate_can_file(c, "read-fault", s)) {
		hostprof_stat_fail(m, "%s", s->why);
		return;
	}
	for (t = 0; t < c->trials; t++) {
		if ((p = calibrate_map_file(c, c->file_pages)) == NULL) {
			hostprof_stat_fail(s, "mmap of the file refused: %s",
			    g_strerror(errno));
			hostprof_stat_fail(m, "mmap refused");
			return;
		}
		getrusage(RUSAGE_SELF, &r0);
		t0 = calibrate_now();
		(void)calibrate_read(p, c->file_pages, c->ps);
		c->v[t] = (calibrate_now() - t0) / (double)c->file_pages;
		getrusage(RUSAGE_SELF, &r1);
		faults = r1.ru_minflt - r0.ru_minflt;
		c->v2[t] = (double)c->file_pages / (double)MAX(faults, 1);
		munmap(p, c->file_pages * c->ps);
	}
	hostprof_stat_set(s, c->v, c->trials);
	hostprof_stat_set(m, c->v2, c->trials);
}

/* The same, each page in a mapping of its own (a PROT_NONE page between
 * them, so that they do not merge): one page per fault. */
static void
calibrate_read_fault1(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_READ_FAULT1];
	size_t			 n = c->file_pages, i;
	unsigned char		*p, *q;
	unsigned		 t;
	double			 t0;

	if (!calibrate_can_file(c, "read-fault", s))
		return;
	for (t = 0; t < c->trials; t++) {
		p = mmap(NULL, 2 * n * c->ps, PROT_NONE, MAP_PRIVATE |
		    MAP_ANONYMOUS, -1, 0);
		for (i = 0; p != MAP_FAILED && i < n; i++) {
			q = mmap(p + 2 * i * c->ps, c->ps, PROT_READ |
			    PROT_WRITE, MAP_PRIVATE | MAP_FIXED, c->fd,
			    (off_t)(i * c->ps));
			if (q == MAP_FAILED)
				break;
		}
		if (p == MAP_FAILED || i < n) {
			hostprof_stat_fail(s, "mmap refused: %s",
			    g_strerror(errno));
			if (p != MAP_FAILED)
				munmap(p, 2 * n * c->ps);
			return;
		}
		t0 = calibrate_now();
		(void)calibrate_read(p, n, 2 * c->ps);
		c->v[t] = (calibrate_now() - t0) / (double)n;
		munmap(p, 2 * n * c->ps);
	}
	hostprof_stat_set(s, c->v, c->trials);
}

/* A mapping's whole life at its smallest: mmap(MAP_PRIVATE) of one page
 * of the file, a read of it (a fault in an empty stretch of address
 * space, with its page-table page), munmap.  What is left when the
 * models' keys for the two system calls, the fault and the page's
 * mapping and unmapping are taken off is machine.map_entry
 * (sim/hostprof.c). */
static void
calibrate_map_cycle(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_MAP_CYCLE];
	size_t			 k = calibrate_size(c, 200, 50), i;
	unsigned char		*p;
	unsigned		 t, sum = 0;
	double			 t0;

	if (!calibrate_can_file(c, "map-cycle", s))
		return;
	for (t = 0; t < c->trials; t++) {
		t0 = calibrate_now();
		for (i = 0; i < k; i++) {
			if ((p = calibrate_map_file(c, 1)) == NULL) {
				hostprof_stat_fail(s, "mmap of the file "
				    "refused: %s", g_strerror(errno));
				return;
			}
			sum += calibrate_read(p, 1, c->ps);
			munmap(p, c->ps);
		}
		c->v[t] = (calibrate_now() - t0) / (double)k;
	}
	CALIBRATE_USE(sum);
	hostprof_stat_set(s, c->v, c->trials);
}

/* A write to each page of a private file mapping already mapped
 * read-only by a read: copy-on-write (mm/memory.c wp_page_copy). */
static void
calibrate_cow(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_COW];
	unsigned char		*p;
	unsigned		 t;
	double			 t0;

	if (!calibrate_can_file(c, "cow", s))
		return;
	for (t = 0; t < c->trials; t++) {
		if ((p = calibrate_map_file(c, c->file_pages)) == NULL) {
			hostprof_stat_fail(s, "mmap of the file refused: %s",
			    g_strerror(errno));
			return;
		}
		(void)calibrate_read(p, c->file_pages, c->ps);
		t0 = calibrate_now();
		calibrate_touch(p, c->file_pages, c->ps);
		c->v[t] = (calibrate_now() - t0) / (double)c->file_pages;
		munmap(p, c->file_pages * c->ps);
	}
	hostprof_stat_set(s, c->v, c->trials);
}

/* One operation of bench_fileread's map at 16 pages (one fault-around
 * block), at page at of the file: mmap(MAP_PRIVATE), a read of each
 * page, a write to the first nw pages, munmap; its time, < 0 if the
 * mapping was refused. */
static double
calibrate_map_write(struct calibrate *c, size_t at, size_t nw)
{
	unsigned char	*p;
	double		 t0 = calibrate_now();
	unsigned	 sum;

	p = mmap(NULL, 16 * c->ps, PROT_READ | PROT_WRITE, MAP_PRIVATE, c->fd,
	    (off_t)(at * c->ps));
	if (p == MAP_FAILED)
		return -1;
	sum = calibrate_read(p, 16, c->ps);
	CALIBRATE_USE(sum);
	calibrate_touch(p, nw, c->ps);
	munmap(p, 16 * c->ps);
	return calibrate_now() - t0;
}

/* The first write into a fresh private mapping costs more than the
 * next: it gives the mapping its anonymous memory (mm/memory.c
 * wp_page_copy -> vmf_anon_prepare -> __anon_vma_prepare; torn down at
 * munmap, unlink_anon_vmas).  With a, b, c the times of an operation
 * writing 0, 1 and 2 pages, one after the other, (b - a) - (c - b): the
 * copy-on-write of a page, the copy's freeing at munmap and the rest
 * cancel.  A trial is the median of k such triples (an interruption
 * spoils one triple, not the trial). */
static void
calibrate_cow_first(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_COW_FIRST];
	size_t			 k = calibrate_size(c, 101, 31), i, at = 0;
	double			 t[3], *d = g_new(double, k);
	unsigned		 tr, j;

	if (!calibrate_can_file(c, "cow", s)) {
		g_free(d);
		return;
	}
	for (tr = 0; tr < c->trials; tr++) {
		for (i = 0; i < k; i++) {
			for (j = 0; j < 3; j++) {
				at = (at + 16) % (c->file_pages - 15);
				if ((t[j] = calibrate_map_write(c, at, j)) < 0) {
					hostprof_stat_fail(s, "mmap of the file "
					    "refused: %s", g_strerror(errno));
					g_free(d);
					return;
				}
			}
			d[i] = 2 * t[1] - t[0] - t[2];
		}
		/* hostprof_stat_set sorts: the median of the triples. */
		hostprof_stat_set(s, d, (unsigned)k);
		c->v[tr] = s->median;
	}
	g_free(d);
	hostprof_stat_set_diff(s, c->v, c->trials);
}

/* Mean time of mprotect(PROT_READ) of npages written pages, and of the
 * mprotect(PROT_READ|PROT_WRITE) after it too if both (each may flush
 * the TLB: x86 pte_needs_flush); the pages are written again between
 * calls (untimed).  < 0 on error. */
static double
calibrate_protect_loop(unsigned char *p, size_t npages, size_t ps, size_t k,
    gboolean both)
{
	double	sum = 0, t0;
	size_t	i;

	for (i = 0; i < k; i++) {
		t0 = calibrate_now();
		if (mprotect(p, npages * ps, PROT_READ) != 0)
			return -1;
		if (!both) {
			sum += calibrate_now() - t0;
			t0 = calibrate_now();
		}
		if (mprotect(p, npages * ps, PROT_READ | PROT_WRITE) != 0)
			return -1;
		if (both)
			sum += calibrate_now() - t0;
		calibrate_touch(p, npages, ps);
	}
	return sum / (double)k;
}

/* mprotect with one thread: per call (one page) and per further page
 * (the slope to 32 pages). */
static void
calibrate_mprotect(struct calibrate *c)
{
	struct hostprof_stat	*call = &c->h->p[HP_MPROTECT_CALL];
	struct hostprof_stat	*page = &c->h->p[HP_MPROTECT_PAGE];
	size_t			 k = calibrate_size(c, 200, 100);
	unsigned char		*p;
	unsigned		 t;
	double			 t1, t32;

	if (calibrate_simulated(c, "mprotect", call)) {
		(void)calibrate_simulated(c, "mprotect", page);
		return;
	}
	if ((p = calibrate_map_anon(32 * c->ps)) == NULL) {
		hostprof_stat_fail(call, "mmap refused: %s", g_strerror(errno));
		hostprof_stat_fail(page, "mmap refused");
		return;
	}
	calibrate_touch(p, 32, c->ps);
	for (t = 0; t < c->trials; t++) {
		t1 = calibrate_protect_loop(p, 1, c->ps, k, FALSE);
		t32 = calibrate_protect_loop(p, 32, c->ps, k, FALSE);
		if (t1 < 0 || t32 < 0) {
			hostprof_stat_fail(call, "mprotect refused: %s",
			    g_strerror(errno));
			hostprof_stat_fail(page, "mprotect refused");
			break;
		}
		c->v2[t] = (t32 - t1) / 31;
		c->v[t] = t1 - c->v2[t];
	}
	munmap(p, 32 * c->ps);
	if (t == c->trials) {
		hostprof_stat_set_diff(call, c->v, c->trials);
		hostprof_stat_set_diff(page, c->v2, c->trials);
	}
}

/* TLB shootdown IPIs received so far by one CPU (/proc/interrupts, the
 * "TLB:" line); -1 if unknown. */
static long long
calibrate_tlb_ipis(int cpu)
{
	char		*text, **lines, **head;
	char		 want[32];
	long long	 n = -1;
	int		 col = -1, i;

	if (!g_file_get_contents("/proc/interrupts", &text, NULL, NULL))
		return -1;
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	head = g_strsplit_set(lines[0], " \t", -1);
	g_snprintf(want, sizeof(want), "CPU%d", cpu);
	for (i = 0, col = 0; head[i] != NULL; i++) {
		if (*head[i] == '\0')
			continue;
		if (strcmp(head[i], want) == 0)
			break;
		col++;
	}
	if (head[i] == NULL)
		col = -1;
	g_strfreev(head);
	for (i = 1; col >= 0 && lines[i] != NULL; i++) {
		char	**f = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
		int	  j, k = -1;

		if (strcmp(f[0], "TLB:") == 0)
			for (j = 1; f[j] != NULL; j++) {
				if (*f[j] == '\0')
					continue;
				if (++k == col) {
					n = g_ascii_strtoll(f[j], NULL, 10);
					break;
				}
			}
		g_strfreev(f);
		if (n >= 0)
			break;
	}
	g_strfreev(lines);
	return n;
}

/* The second thread: pinned to its CPU, it reads the clock as fast as
 * it can; a long gap between two readings is time taken from it (here:
 * the flush IPIs the other thread's mprotect sends). */
static void *
calibrate_spin_main(void *arg)
{
	struct calibrate_spin	*sp = arg;
	cpu_set_t		 set;
	double			 last, now, d;
	int			 ph;

	CPU_ZERO(&set);
	CPU_SET(sp->cpu, &set);
	(void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	g_atomic_int_set(&sp->ready, 1);
	last = calibrate_now();
	while ((ph = g_atomic_int_get(&sp->phase)) != 3) {
		now = calibrate_now();
		d = now - last;
		last = now;
		if (d > CALIBRATE_GAP_MIN && d < CALIBRATE_GAP_MAX)
			sp->gap[ph] += d;
	}
	return NULL;
}

/* One trial with the second thread, npages at a time: the mprotect
 * figure, the flush IPIs its CPU received, and the time it lost (less
 * that of as long a time without flushes).  FALSE if the thread could
 * not start. */
static gboolean
calibrate_shootdown_trial(struct calibrate *c, unsigned char *p,
    size_t npages, size_t k, double *mt, long long *ipis, double *lost)
{
	struct calibrate_spin	 sp;
	pthread_t		 th;
	long long		 i0, i1;
	double			 w0, w1;

	memset(&sp, 0, sizeof(sp));
	sp.cpu = c->cpu_b;
	if (pthread_create(&th, NULL, calibrate_spin_main, &sp) != 0)
		return FALSE;
	while (!g_atomic_int_get(&sp.ready))
		sched_yield();
	i0 = calibrate_tlb_ipis(c->cpu_b);
	g_atomic_int_set(&sp.phase, 1);
	w0 = calibrate_now();
	*mt = calibrate_protect_loop(p, npages, c->ps, k, TRUE);
	w1 = calibrate_now();
	i1 = calibrate_tlb_ipis(c->cpu_b);
	g_atomic_int_set(&sp.phase, 2);
	while (calibrate_now() < w1 + (w1 - w0))
		;
	g_atomic_int_set(&sp.phase, 3);
	pthread_join(th, NULL);
	*ipis = i0 >= 0 && i1 >= i0 ? i1 - i0 : -1;
	*lost = sp.gap[1] - sp.gap[2];
	return TRUE;
}

/* What one size of the shootdown probe gives, per flush round. */
struct calibrate_round {
	double		 ini;		/* the initiator's extra time */
	double		 tgt;		/* the time the target lost */
	double		 share;		/* rounds per mprotect call */
	gboolean	 counted;	/* IPIs counted, not assumed */
};

/* mprotect of npages without and with the second thread: the figures
 * per round; -1 on an error, 0 if too few IPIs came (the thread was
 * mostly off its CPU: a loaded machine), 1 done. */
static int
calibrate_shootdown_size(struct calibrate *c, unsigned char *p,
    size_t npages, size_t k, struct calibrate_round *r)
{
	double		 st, mt, lost, rounds;
	long long	 ipis;

	st = calibrate_protect_loop(p, npages, c->ps, k, TRUE);
	if (st < 0 || !calibrate_shootdown_trial(c, p, npages, k, &mt, &ipis,
	    &lost) || mt < 0)
		return -1;
	r->counted = ipis >= 0;
	/* Two calls per step (protect, unprotect), each a round. */
	rounds = ipis >= 0 ? MIN((double)ipis, 2.0 * (double)k) :
	    2.0 * (double)k;
	if (rounds < (double)k / 2)
		return 0;
	r->ini = (mt - st) * (double)k / rounds;
	r->tgt = lost / rounds;
	r->share = rounds / (2.0 * (double)k);
	return 1;
}

static void
calibrate_shootdown_fail(struct calibrate *c, const char *why,
    const char *other)
{
	static const enum hostprof_probe all[] = { HP_SHOOTDOWN,
	    HP_SHOOTDOWN_TARGET, HP_SHOOTDOWN_IPIS, HP_SHOOTDOWN_PAGE,
	    HP_SHOOTDOWN_TARGET_PAGE };
	size_t	i;

	for (i = 0; i < G_N_ELEMENTS(all); i++)
		hostprof_stat_fail(&c->h->p[all[i]], "%s", i == 0 ? why :
		    other);
}

/* mprotect(PROT_READ), then PROT_READ|PROT_WRITE, of one page and of
 * 32 with and without a second thread of the process spinning on
 * another CPU: with it, every call must flush that CPU's TLB too
 * (arch/x86/mm/tlb.c flush_tlb_mm_range: an IPI, and the initiator
 * waits for it; up to tlb_single_page_flush_ceiling = 33 pages the
 * target invalidates them one by one, flush_tlb_func).  The difference
 * is the initiator's cost per round; the second thread's lost time is
 * the target's.  The slopes from 1 to 32 pages are their costs per page
 * of a round. */
static void
calibrate_shootdown(struct calibrate *c)
{
	struct calibrate_round	 r1, r32;
	size_t			 k = calibrate_size(c, 200, 100);
	unsigned char		*p;
	unsigned		 t, n = 0;
	gboolean		 counted = TRUE;
	int			 ok1, ok32;
	double			*v[5];

	if (calibrate_simulated(c, "shootdown", &c->h->p[HP_SHOOTDOWN])) {
		char *why = g_strdup(c->h->p[HP_SHOOTDOWN].why);

		calibrate_shootdown_fail(c, why, why);
		g_free(why);
		return;
	}
	if (c->cpu_b < 0) {
		calibrate_shootdown_fail(c, "only one CPU available to this "
		    "process (sched_getaffinity): no shootdown figure",
		    "only one CPU available");
		return;
	}
	if ((p = calibrate_map_anon(32 * c->ps)) == NULL) {
		calibrate_shootdown_fail(c, "mmap refused", "mmap refused");
		return;
	}
	calibrate_touch(p, 32, c->ps);
	for (t = 0; t < G_N_ELEMENTS(v); t++)
		v[t] = g_new(double, c->trials);
	/* A trial without enough IPIs is tried again, up to three times
	 * as many trials in all. */
	for (t = 0; t < 3 * c->trials && n < c->trials; t++) {
		ok1 = calibrate_shootdown_size(c, p, 1, k, &r1);
		ok32 = ok1 < 0 ? -1 : calibrate_shootdown_size(c, p, 32, k,
		    &r32);
		if (ok1 < 0 || ok32 < 0) {
			calibrate_shootdown_fail(c, "mprotect or "
			    "pthread_create failed", "no second thread");
			break;
		}
		if (ok1 == 0 || ok32 == 0)
			continue;
		counted = counted && r1.counted && r32.counted;
		v[0][n] = r1.ini;
		v[1][n] = r1.tgt;
		v[2][n] = r1.share;
		v[3][n] = (r32.ini - r1.ini) / 31;
		v[4][n] = (r32.tgt - r1.tgt) / 31;
		n++;
	}
	munmap(p, 32 * c->ps);
	if (n == 0 && t == 3 * c->trials) {
		char *why = g_strdup_printf("in all %u trials, fewer than a "
		    "quarter of the mprotect calls sent the second CPU a flush "
		    "IPI (its thread was off the CPU: a loaded machine?)", t);

		calibrate_shootdown_fail(c, why, "no trial with enough IPIs");
		g_free(why);
	} else if (n > 0 && c->h->p[HP_SHOOTDOWN].why == NULL) {
		hostprof_stat_set_diff(&c->h->p[HP_SHOOTDOWN], v[0], n);
		hostprof_stat_set_diff(&c->h->p[HP_SHOOTDOWN_TARGET], v[1], n);
		hostprof_stat_set_diff(&c->h->p[HP_SHOOTDOWN_PAGE], v[3], n);
		hostprof_stat_set_diff(&c->h->p[HP_SHOOTDOWN_TARGET_PAGE],
		    v[4], n);
		if (counted)
			hostprof_stat_set(&c->h->p[HP_SHOOTDOWN_IPIS], v[2], n);
		else
			hostprof_stat_fail(&c->h->p[HP_SHOOTDOWN_IPIS],
			    "/proc/interrupts has no TLB line: one round per "
			    "mprotect call assumed");
	}
	for (t = 0; t < G_N_ELEMENTS(v); t++)
		g_free(v[t]);
}

/* write() and read() of one byte through a pipe, in one process: the
 * overhead the ping-pong below subtracts (lmbench lat_ctx). */
static void
calibrate_pipe_self(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_PIPE_SELF];
	size_t			 k = calibrate_size(c, 1000, 500), i;
	unsigned		 t;
	int			 fds[2];
	char			 b = 'x';
	double			 t0;

	if (calibrate_simulated(c, "pipe", s))
		return;
	if (pipe(fds) != 0) {
		hostprof_stat_fail(s, "pipe() failed: %s", g_strerror(errno));
		return;
	}
	for (t = 0; t < c->trials; t++) {
		t0 = calibrate_now();
		for (i = 0; i < k; i++)
			if (write(fds[1], &b, 1) != 1 || read(fds[0], &b, 1) != 1)
				break;
		c->v[t] = (calibrate_now() - t0) / (double)k;
		if (i < k) {
			hostprof_stat_fail(s, "pipe I/O failed: %s",
			    g_strerror(errno));
			break;
		}
	}
	close(fds[0]);
	close(fds[1]);
	if (t == c->trials)
		hostprof_stat_set(s, c->v, c->trials);
}

/* The child of the ping-pong: echoes each byte until the pipe closes. */
static void G_GNUC_NORETURN
calibrate_echo(int in, int out)
{
	char	b;

	while (read(in, &b, 1) == 1)
		if (write(out, &b, 1) != 1)
			break;
	_exit(0);
}

/* Two processes on one CPU pass a byte back and forth through two
 * pipes: each handoff is a write(), a wakeup, a read() that sleeps and
 * a switch to the other process (lmbench lat_ctx, size 0).  With two,
 * the echoing child runs on the second CPU: each handoff then wakes a
 * process on another CPU, whose wall time (and the parent's CPU time)
 * the profile reports beside the model's figure, as a check. */
static void
calibrate_context_switch(struct calibrate *c, gboolean two)
{
	struct hostprof_stat	*s = &c->h->p[two ? HP_HANDOFF2 :
				    HP_PIPE_HANDOFF];
	struct hostprof_stat	*sc = &c->h->p[HP_HANDOFF2_CPU];
	size_t			 k = calibrate_size(c, 500, 200), i;
	unsigned		 t;
	int			 ab[2], ba[2], status;
	char			 b = 'x';
	pid_t			 pid;
	double			 t0, c0;

	if (calibrate_simulated(c, "context-switch", s)) {
		if (two)
			(void)calibrate_simulated(c, "context-switch", sc);
		return;
	}
	if (two && c->cpu_b < 0) {
		hostprof_stat_fail(s, "only one CPU available");
		hostprof_stat_fail(sc, "only one CPU available");
		return;
	}
	if (pipe(ab) != 0 || pipe(ba) != 0) {
		hostprof_stat_fail(s, "pipe() failed: %s", g_strerror(errno));
		return;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		hostprof_stat_fail(s, "fork() failed: %s", g_strerror(errno));
			close(ab[0]);
		close(ab[1]);
		close(ba[0]);
		close(ba[1]);
		return;
	}
	if (pid == 0) {
		close(ab[1]);
		close(ba[0]);
		if (two)
			(void)calibrate_pin(c->cpu_b);
		calibrate_echo(ab[0], ba[1]);
	}
	close(ab[0]);
	close(ba[1]);
	for (t = 0; t <= c->trials; t++) {
		t0 = calibrate_now();
		c0 = calibrate_cpu_now();
		for (i = 0; i < k; i++)
			if (write(ab[1], &b, 1) != 1 || read(ba[0], &b, 1) != 1)
				break;
		if (i < k) {
			hostprof_stat_fail(s, "ping-pong failed: %s",
			    g_strerror(errno));
			break;
		}
		/* Trial 0 warms up. */
		if (t > 0) {
			c->v[t - 1] = (calibrate_now() - t0) / (2.0 * (double)k);
			c->v2[t - 1] = (calibrate_cpu_now() - c0) /
			    (2.0 * (double)k);
		}
	}
	close(ab[1]);
	close(ba[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (t > c->trials) {
		hostprof_stat_set(s, c->v, c->trials);
		if (two)
			hostprof_stat_set(sc, c->v2, c->trials);
	}
}

/* read() in 64 KiB pieces, in order, through a file larger than the
 * last-level cache that is in the page cache a page at a time (written
 * page by page, as calibrate's own file and bench_fileread's): per page.
 * A check of what the models charge for read()'s copy. */
static void
calibrate_read_pages(struct calibrate *c)
{
	struct hostprof_stat	*s = &c->h->p[HP_READ_PAGE];
	size_t			 piece = 65536, n = c->arena / c->ps, i;
	size_t			 reads = MAX(1, c->per_point / piece), j;
	unsigned char		*page = NULL, *buf = NULL;
	char			*name = NULL;
	GError			*e = NULL;
	off_t			 at = 0;
	unsigned		 t;
	double			 t0;
	int			 fd;

	if (calibrate_simulated(c, "read-page", s))
		return;
	if ((fd = g_file_open_tmp("loansim-calibrate-XXXXXX", &name,
	    &e)) < 0) {
		hostprof_stat_fail(s, "no scratch file: %s", e->message);
		g_error_free(e);
		return;
	}
	g_unlink(name);
	g_free(name);
	page = g_malloc(c->ps);
	buf = g_malloc(piece);
	for (i = 0; i < n; i++) {
		memset(page, (int)(i & 0xff), c->ps);
		if (write(fd, page, c->ps) != (ssize_t)c->ps) {
			hostprof_stat_fail(s, "cannot write the scratch file: "
			    "%s", g_strerror(errno));
			goto out;
		}
	}
	(void)fdatasync(fd);
	for (t = 0; t < c->trials; t++) {
		t0 = calibrate_now();
		for (j = 0; j < reads; j++) {
			if ((size_t)at + piece > n * c->ps)
				at = 0;
			if (pread(fd, buf, piece, at) != (ssize_t)piece) {
				hostprof_stat_fail(s, "read failed: %s",
				    g_strerror(errno));
				goto out;
			}
			at += (off_t)piece;
		}
		c->v[t] = (calibrate_now() - t0) / (double)(reads * piece /
		    c->ps);
	}
	hostprof_stat_set(s, c->v, c->trials);
out:
	close(fd);
	g_free(page);
	g_free(buf);
}

/* Cache sizes from sysfs: the level-2 cache and the last level. */
static void
calibrate_sysfs_cache(struct hostprof_host *h)
{
	const char	*dir = "/sys/devices/system/cpu/cpu0/cache";
	unsigned	 i, best = 0;

	for (i = 0; i < 8; i++) {
		char	*lp = g_strdup_printf("%s/index%u/level", dir, i);
		char	*sp = g_strdup_printf("%s/index%u/size", dir, i);
		char	*tp = g_strdup_printf("%s/index%u/type", dir, i);
		char	*lv = NULL, *sz = NULL, *ty = NULL, *end;
		guint64	 bytes;
		unsigned level;

		if (g_file_get_contents(lp, &lv, NULL, NULL) &&
		    g_file_get_contents(sp, &sz, NULL, NULL) &&
		    g_file_get_contents(tp, &ty, NULL, NULL) &&
		    strncmp(ty, "Instruction", 11) != 0) {
			level = (unsigned)g_ascii_strtoull(lv, NULL, 10);
			bytes = g_ascii_strtoull(sz, &end, 10);
			if (*end == 'K')
				bytes *= 1024;
			else if (*end == 'M')
				bytes *= 1024 * 1024;
			if (level == 2)
				h->cache_l2 = bytes;
			if (level >= best) {
				best = level;
				h->cache_llc = bytes;
			}
		}
		g_free(lp);
		g_free(sp);
		g_free(tp);
		g_free(lv);
		g_free(sz);
		g_free(ty);
	}
}

/* "AMD EPYC (virtual machine), Linux 6.1, 2 CPUs, 2025-01-31". */
static char *
calibrate_host_text(const struct hostprof_host *h)
{
	char		*info = NULL, *model = NULL, *date;
	struct utsname	 u;
	gboolean	 vm = FALSE;
	GDateTime	*now = g_date_time_new_now_local();
	char		*out;

	if (g_file_get_contents("/proc/cpuinfo", &info, NULL, NULL)) {
		char	**lines = g_strsplit(info, "\n", -1), *colon;
		guint	  i;

		for (i = 0; lines[i] != NULL; i++) {
			colon = strchr(lines[i], ':');
			if (model == NULL && colon != NULL &&
			    g_str_has_prefix(lines[i], "model name"))
				model = g_strstrip(g_strdup(colon + 1));
			if (g_str_has_prefix(lines[i], "flags") &&
			    strstr(lines[i], " hypervisor") != NULL)
				vm = TRUE;
		}
		g_strfreev(lines);
		g_free(info);
	}
	if (uname(&u) != 0)
		strcpy(u.release, "unknown");
	date = g_date_time_format(now, "%Y-%m-%d");
	out = g_strdup_printf("%s%s, Linux %s, %u CPUs, %s", model ? model :
	    "unknown CPU", vm ? " (virtual machine)" : "", u.release, h->cpus,
	    date);
	g_date_time_unref(now);
	g_free(date);
	g_free(model);
	return out;
}

/* A file of file_pages pages in the page cache, unlinked at once. */
static void
calibrate_file_open(struct calibrate *c)
{
	GError		*e = NULL;
	char		*name = NULL;
	unsigned char	*page = g_malloc(c->ps);
	size_t		 i;

	c->fd = g_file_open_tmp("loansim-calibrate-XXXXXX", &name, &e);
	if (c->fd < 0) {
		c->fd_why = g_strdup_printf("no scratch file: %s", e->message);
		g_error_free(e);
		g_free(page);
		return;
	}
	g_unlink(name);
	g_free(name);
	for (i = 0; i < c->file_pages; i++) {
		memset(page, (int)(i & 0xff) | 1, c->ps);
		if (write(c->fd, page, c->ps) != (ssize_t)c->ps) {
			c->fd_why = g_strdup_printf("cannot write the scratch "
			    "file: %s", g_strerror(errno));
			close(c->fd);
			c->fd = -1;
			break;
		}
	}
	/* Clean pages: no writeback runs during the probes. */
	if (c->fd >= 0)
		(void)fdatasync(c->fd);
	g_free(page);
}

static void
calibrate_buffers(struct calibrate *c)
{
	size_t	 want = MAX(c->hot_max, c->arena);

	c->bufsize = want;
	c->src = calibrate_map_anon(want);
	c->dst = calibrate_map_anon(want);
	if (c->src == NULL || c->dst == NULL) {
		c->buf_why = g_strdup_printf("mmap of two %zu MiB buffers "
		    "refused: %s", want / CALIBRATE_MIB, g_strerror(errno));
		if (c->src != NULL)
			munmap(c->src, want);
		if (c->dst != NULL)
			munmap(c->dst, want);
		c->src = c->dst = NULL;
		return;
	}
	memset(c->src, 0x5a, want);
	memset(c->dst, 0, want);
}

static void
calibrate_cpus(struct calibrate *c)
{
	cpu_set_t	set;
	int		i;

	c->cpu_a = c->cpu_b = -1;
	c->h->cpus = (unsigned)MAX(0, sysconf(_SC_NPROCESSORS_ONLN));
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	c->saved = set;
	c->h->cpus_allowed = (unsigned)CPU_COUNT(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set)) {
			if (c->cpu_a < 0)
				c->cpu_a = i;
			else if (c->cpu_b < 0)
				c->cpu_b = i;
		}
}

static void
calibrate_setup(struct calibrate *c, const struct calibrate_options *o,
    struct hostprof_host *h)
{
	long	ps = sysconf(_SC_PAGESIZE);

	memset(c, 0, sizeof(*c));
	c->o = o;
	c->h = h;
	c->trials = o->trials;
	c->fail = o->fail && *o->fail ? g_strsplit(o->fail, ",", -1) : NULL;
	c->v = g_new0(double, o->trials);
	c->v2 = g_new0(double, o->trials);
	c->v3 = g_new0(double, o->trials);
	c->ps = ps > 0 ? (size_t)ps : 4096;
	h->page_size = ps > 0 ? (uint64_t)ps : 0;
	h->trials = o->trials;
	calibrate_cpus(c);
	calibrate_sysfs_cache(h);
	c->hot_max = calibrate_size(c, 64 * CALIBRATE_MIB, 4 * CALIBRATE_MIB);
	c->per_point = calibrate_size(c, 8 * CALIBRATE_MIB,
	    4 * CALIBRATE_MIB);
	/* Twice the last-level cache (at least 64 MiB, at most 256 MiB)
	 * per buffer: a chunk is long gone from the cache when it comes
	 * round again. */
	c->arena = calibrate_size(c, MIN(256 * CALIBRATE_MIB,
	    MAX(64 * CALIBRATE_MIB, 2 * h->cache_llc)), 8 * CALIBRATE_MIB);
	c->file_pages = calibrate_size(c, 256, 64);
	calibrate_buffers(c);
	calibrate_file_open(c);
	h->host = calibrate_host_text(h);
}

static void
calibrate_teardown(struct calibrate *c)
{
	if (c->src != NULL)
		munmap(c->src, c->bufsize);
	if (c->dst != NULL)
		munmap(c->dst, c->bufsize);
	if (c->fd >= 0)
		close(c->fd);
	calibrate_unpin(c);
	g_free(c->fd_why);
	g_free(c->buf_why);
	g_free(c->v);
	g_free(c->v2);
	g_free(c->v3);
	g_strfreev(c->fail);
}

gboolean
calibrate_measure(const struct calibrate_options *o, struct hostprof_host *h,
    GError **error)
{
	struct calibrate	 c;
	double			 t0 = calibrate_now();
	gboolean		 ok = FALSE;

	g_assert(o->trials >= 1);
	calibrate_setup(&c, o, h);
	/* One CPU throughout (the shootdown probe's second thread apart):
	 * a CPU the process left may still be sent its TLB flushes. */
	(void)calibrate_pin(c.cpu_a);
#define STEP(what, call)	do {					\
	if (study_interrupted)						\
		goto out;						\
	calibrate_progress(&c, what);					\
	call;								\
} while (0)
	STEP("memcpy, cache-hot, over sizes", calibrate_copy(&c, FALSE));
	STEP("memcpy, cache-cold, over sizes", calibrate_copy(&c, TRUE));
	STEP("read pass over data in memory", calibrate_from_memory(&c,
	    FALSE, FALSE));
	STEP("read pass over data in memory, in order",
	    calibrate_from_memory(&c, FALSE, TRUE));
	STEP("memcpy of pages from memory into the cache",
	    calibrate_from_memory(&c, TRUE, FALSE));
	STEP("read pass over data in the cache", calibrate_read_hot(&c));
	STEP("null system call", calibrate_syscall(&c));
	STEP("page zeroing", calibrate_page_zero(&c));
	STEP("anonymous first-touch fault", calibrate_first_touch(&c));
	STEP("munmap of anonymous pages", calibrate_munmap(&c, FALSE));
	STEP("read fault of a file mapping", calibrate_read_fault(&c));
	STEP("read fault, one page per mapping", calibrate_read_fault1(&c));
	STEP("copy-on-write fault", calibrate_cow(&c));
	STEP("first copy-on-write of a fresh mapping",
	    calibrate_cow_first(&c));
	STEP("munmap of file pages", calibrate_munmap(&c, TRUE));
	STEP("mmap, read and munmap of one file page",
	    calibrate_map_cycle(&c));
	STEP("mprotect, one thread", calibrate_mprotect(&c));
	STEP("mprotect, two threads (TLB shootdown)",
	    calibrate_shootdown(&c));
	STEP("pipe write and read", calibrate_pipe_self(&c));
	STEP("context switch (pipe ping-pong)",
	    calibrate_context_switch(&c, FALSE));
	STEP("pipe ping-pong on two CPUs", calibrate_context_switch(&c, TRUE));
	STEP("read() of a large file, page by page",
	    calibrate_read_pages(&c));
#undef STEP
	ok = TRUE;
out:
	if (o->progress)
		fputc('\n', stderr);
	h->seconds = (calibrate_now() - t0) / 1e9;
	calibrate_teardown(&c);
	if (!ok)
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERRUPTED,
		    "calibrate: interrupted; nothing written");
	return ok;
}

/* The base profile: the one given, or x86-64-current.ini from the source
 * tree or the installed data; failing those, the registry's defaults
 * (which are that profile's values). */
static struct params *
calibrate_base(const char *path, char **name, GError **error)
{
	static const char *const where[] = {
		"scenarios/machines/x86-64-current.ini",
		LOANSIM_DATADIR "/scenarios/machines/x86-64-current.ini",
	};
	struct params	*p = model_params_new();
	guint		 i;

	for (i = 0; path == NULL && i < G_N_ELEMENTS(where); i++)
		if (g_file_test(where[i], G_FILE_TEST_IS_REGULAR))
			path = where[i];
	if (path == NULL) {
		*name = g_strdup("loansim's built-in defaults (no "
		    "x86-64-current.ini found)");
		return p;
	}
	if (!params_load_file(p, path, error)) {
		g_prefix_error(error, "--base: ");
		params_free(p);
		return NULL;
	}
	*name = g_path_get_basename(path);
	return p;
}

static void
calibrate_report(const char *out, const struct hostprof_host *h,
    const GPtrArray *keys)
{
	char	*missing = hostprof_missing(keys), *t;
	guint	 i, nb = 0;

	for (i = 0; i < keys->len; i++)
		nb += ((const struct hostprof_key *)g_ptr_array_index(keys,
		    i))->how == HP_BASE;
	printf("profile: %s (%u keys measured or derived, %u from the base "
	    "profile; %.1f s)\n", out, keys->len - nb, nb, h->seconds);
	for (i = 0; i < HP_NPROBES; i++)
		if (h->p[i].n == 0) {
			t = hostprof_stat_text(&h->p[i], 1, "");
			printf("no figure for %s: %s\n",
			    hostprof_probe_name(i), t);
			g_free(t);
		}
	printf("not measured (from the base profile):\n%s", missing);
	g_free(missing);
}

static int
calibrate_usage_error(const char *msg)
{
	fprintf(stderr, "loansim calibrate: %s (see 'loansim calibrate "
	    "--help')\n", msg);
	return LOANSIM_EXIT_USAGE;
}

static int
calibrate_write(const char *out, const struct hostprof_host *h,
    const struct params *base, const char *base_name)
{
	GPtrArray	*keys = hostprof_derive(h, base, base_name);
	char		*text = hostprof_text(h, keys, base_name);
	GError		*e = NULL;
	int		 status = 0;

	/* g_file_set_contents writes a temporary file and renames it. */
	if (!g_file_set_contents(out, text, -1, &e)) {
		fprintf(stderr, "loansim calibrate: cannot write %s: %s\n",
		    out, e->message);
		g_error_free(e);
		status = LOANSIM_EXIT_FAILURE;
	} else
		calibrate_report(out, h, keys);
	g_free(text);
	g_ptr_array_unref(keys);
	return status;
}

int
calibrate_main(int argc, char **argv)
{
	char			*out = NULL, *base_path = NULL, *dir, *msg;
	char			*base_name = NULL;
	gboolean		 quick = FALSE;
	gint			 trials = -1;
	GOptionEntry		 entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "Profile to write (default: machine-host.ini)", "FILE.ini" },
		{ "quick", 0, 0, G_OPTION_ARG_NONE, &quick,
		  "Small sizes and 3 trials: a few seconds (for tests)", NULL },
		{ "trials", 't', 0, G_OPTION_ARG_INT, &trials,
		  "Trials per figure (default: 31)", "N" },
		{ "base", 'b', 0, G_OPTION_ARG_FILENAME, &base_path,
		  "Where the keys not measured come from (default: "
		  "x86-64-current.ini)", "PROFILE.ini" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext		*ctx = g_option_context_new("- measure this "
	    "machine and write a machine profile");
	struct calibrate_options o;
	struct hostprof_host	 h;
	struct params		*base = NULL;
	GError			*e = NULL;
	int			 status = 0;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx,
	    "Measures this machine's primitives (memcpy bandwidth in and out "
	    "of the cache over\nsizes, page zeroing, first-touch and "
	    "copy-on-write faults, munmap and mprotect per\npage, TLB "
	    "shootdowns with a second thread on another CPU, per round and "
	    "per\npage, the null system call, the context switch), each the "
	    "median of repeated\n"
	    "trials, and writes a machine profile that a scenario's "
	    "[machine]\ninclude = takes as it is.  Each key's comment says "
	    "whether it was\nMEASURED, DERIVED (with the arithmetic) or NOT "
	    "MEASURED (copied from --base).\nTakes under a minute; --quick "
	    "a few seconds.\nLOANSIM_CALIBRATE_FAIL=PROBE,... makes probes "
	    "fail on purpose (tests).");
	argv[1] = "loansim calibrate";
	g_set_prgname(argv[1]);
	if (!g_option_context_parse(ctx, &argc, &argv, &e)) {
		status = calibrate_usage_error(e->message);
		g_error_free(e);
		goto done;
	}
	if (argc > 2) {
		msg = g_strdup_printf("unexpected argument \"%s\"", argv[2]);
		status = calibrate_usage_error(msg);
		g_free(msg);
		goto done;
	}
	if (trials == -1)
		trials = quick ? 3 : 31;
	if (trials < 1 || trials > 1000) {
		status = calibrate_usage_error("--trials: expected 1 to 1000");
		goto done;
	}
	if (out == NULL)
		out = g_strdup("machine-host.ini");
	dir = g_path_get_dirname(out);
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		msg = g_strdup_printf("-o %s: no folder %s", out, dir);
		status = calibrate_usage_error(msg);
		g_free(msg);
		g_free(dir);
		goto done;
	}
	g_free(dir);
	if ((base = calibrate_base(base_path, &base_name, &e)) == NULL) {
		fprintf(stderr, "loansim calibrate: %s\n", e->message);
		g_error_free(e);
		status = LOANSIM_EXIT_USAGE;
		goto done;
	}
	memset(&o, 0, sizeof(o));
	o.trials = (unsigned)trials;
	o.quick = quick;
	o.progress = isatty(fileno(stderr));
	o.fail = g_getenv("LOANSIM_CALIBRATE_FAIL");
	hostprof_host_init(&h);
	if (!calibrate_measure(&o, &h, &e)) {
		fprintf(stderr, "loansim %s\n", e->message);
		g_error_free(e);
		status = LOANSIM_EXIT_INTERRUPTED;
	} else
		status = calibrate_write(out, &h, base, base_name);
	hostprof_host_clear(&h);
done:
	if (base != NULL)
		params_free(base);
	g_free(base_name);
	g_free(out);
	g_free(base_path);
	g_option_context_free(ctx);
	return status;
}
