/* From measured host primitives to a machine profile: the summary of
 * repeated trials (median and spread), the knee of the copy-bandwidth
 * curve, the mapping of the measurements onto the [machine] keys the
 * models charge (each key MEASURED, DERIVED with its arithmetic, or NOT
 * MEASURED and taken from a base profile), and the profile's text.
 * Nothing here measures: sim/calibrate.c does, and fills a struct
 * hostprof_host; so every function here is deterministic and testable
 * with fixed inputs. */
#ifndef LOANSIM_HOSTPROF_H
#define LOANSIM_HOSTPROF_H

#include <glib.h>
#include <stdint.h>

#include "sim/params.h"

/* The trials of one measurement, summed up.  n == 0: not measured, and
 * why says why. */
struct hostprof_stat {
	unsigned	 n;
	double		 median;
	double		 q1, q3;	/* interquartile range */
	double		 min, max;
	gboolean	 diff;		/* each trial a difference of two
					   timings (hostprof_stat_set_diff) */
	unsigned	 negative;	/* of those, trials below 0 */
	char		*why;
};

/* What sim/calibrate.c measures, each in ns unless said otherwise. */
enum hostprof_probe {
	HP_SYSCALL,		/* one syscall(SYS_getppid) */
	HP_ZERO_HOT,		/* memset of a page in the cache */
	HP_ZERO_COLD,		/* memset of a page not in the cache */
	HP_FIRST_TOUCH,		/* first write to an anonymous page, per page */
	HP_MUNMAP_ANON,		/* munmap of touched anonymous pages, per page */
	HP_READ_FAULT,		/* first read of a private file mapping, per
				   page (fault-around amortises the trap) */
	HP_READ_FAULT1,		/* the same, one page per mapping: one page
				   per fault */
	HP_FAULT_AROUND,	/* pages mapped per read fault (a count) */
	HP_COW,			/* write to a private file page mapped
				   read-only by an earlier read, per page */
	HP_MUNMAP_FILE,		/* munmap of read file pages, per page */
	HP_MPROTECT_CALL,	/* mprotect(PROT_READ) of one page, without
				   the per-page part */
	HP_MPROTECT_PAGE,	/* each further page of that mprotect */
	HP_SHOOTDOWN,		/* the initiator's extra time per round with
				   a second thread on another CPU */
	HP_SHOOTDOWN_TARGET,	/* the time that thread loses per round */
	HP_SHOOTDOWN_IPIS,	/* flush IPIs it received per mprotect call
				   (a fraction; /proc/interrupts) */
	HP_PIPE_SELF,		/* write() and read() of one byte through a
				   pipe, one process */
	HP_PIPE_HANDOFF,	/* half a round trip of the ping-pong of two
				   processes on one CPU */
	HP_READ_COLD,		/* bytes/s of a read pass over data only in
				   memory (64 KiB chunks, random order) */
	HP_READ_SEQ,		/* the same pass over the arena in address
				   order (lmbench bw_mem rd) */
	HP_COPY_COLD_SRC,	/* bytes/s of memcpy of 4 KiB pages of the
				   arena in a random order into the pages
				   of a 64 KiB buffer in the cache */
	HP_MAP_CYCLE,		/* mmap of one page of the file, its first
				   read, munmap: one operation of
				   bench_fileread's map at its smallest */
	HP_READ_PAGE,		/* read() of a file larger than the cache,
				   in the page cache page by page, in
				   64 KiB reads: per page (a check) */
	HP_HANDOFF2,		/* the ping-pong with the processes on two
				   CPUs: wall time per handoff (a check) */
	HP_HANDOFF2_CPU,	/* the same: CPU time of one process per
				   handoff (a check) */
	HP_READ_HOT,		/* bytes/s of the read pass over one
				   256 KiB buffer in the cache */
	HP_SHOOTDOWN_PAGE,	/* the initiator's extra time per round and
				   further page with the second thread (the
				   slope from 1 to 32 pages) */
	HP_SHOOTDOWN_TARGET_PAGE, /* the time that thread loses per round
				   and further page */
	HP_COW_FIRST,		/* what the first copy-on-write of a fresh
				   private file mapping costs more than the
				   second, munmap included */
	HP_NPROBES
};

/* "null system call (getppid)", for reports. */
const char	*hostprof_probe_name(enum hostprof_probe);

#define HP_MAXSIZES	24

/* Copy bandwidth (bytes/s) over copy sizes, ascending. */
struct hostprof_curve {
	unsigned		n;
	uint64_t		size[HP_MAXSIZES];
	struct hostprof_stat	bw[HP_MAXSIZES];
};

struct hostprof_host {
	struct hostprof_stat	 p[HP_NPROBES];
	struct hostprof_curve	 hot;	/* the same buffers again and again */
	struct hostprof_curve	 cold;	/* chunks of an arena beyond the cache */
	uint64_t		 cold_arena;	/* its size */
	unsigned		 cpus;		/* online; 0 unknown */
	unsigned		 cpus_allowed;	/* to this process */
	uint64_t		 page_size;	/* 0 unknown */
	uint64_t		 cache_l2;	/* sysfs, per CPU; 0 unknown */
	uint64_t		 cache_llc;	/* sysfs, last level; 0 unknown */
	unsigned		 trials;
	double			 seconds;	/* the whole calibration */
	char			*host;		/* CPU model, kernel, date */
};

enum hostprof_how {
	HP_BASE,		/* NOT MEASURED: the base profile's value */
	HP_MEASURED,
	HP_DERIVED
};

/* One [machine] key of the profile. */
struct hostprof_key {
	char			*name;		/* "fault_trap" */
	char			*value;		/* as written: "612ns" */
	double			 num;		/* ns, bytes or bytes/s */
	enum hostprof_how	 how;
	char			*note;		/* the comment above it */
	char			*why;		/* HP_BASE: why, one line */
};

void		 hostprof_host_init(struct hostprof_host *);
void		 hostprof_host_clear(struct hostprof_host *);

/* Sorts v[0..n-1] and sums it up (n >= 1). */
void		 hostprof_stat_set(struct hostprof_stat *, double *v,
		    unsigned n);
/* The same for figures each the difference of two timings (a slope, a
 * time less another): noise can take a trial below 0, which cannot be;
 * the text shows the quartiles and the range clamped at 0 and says how
 * many trials fell below it. */
void		 hostprof_stat_set_diff(struct hostprof_stat *, double *v,
		    unsigned n);
void		 hostprof_stat_fail(struct hostprof_stat *, const char *fmt,
		    ...) G_GNUC_PRINTF(2, 3);
/* "612ns (IQR 600..640, range 590..900, 15 trials)"; scale divides the
 * values, unit follows them.  A difference: "81ns (IQR 0..89, range
 * 0..102, 31 trials, 9 of them below 0 by noise, shown as 0)". */
char		*hostprof_stat_text(const struct hostprof_stat *,
		    double scale, const char *unit);

/* Splits total ns into n integer parts in proportion to weights (equal
 * parts if the weights are all 0), by largest remainder, so that the
 * parts add up to round(total) exactly; a negative total gives zeros. */
void		 hostprof_split(double total, const double *weights, size_t n,
		    uint64_t *parts);

/* The knee of the hot-copy curve: the largest size up to which every
 * size copies at no less than sqrt(peak * cold), peak being the curve's
 * highest median and cold the cold bandwidth.  0 if there is no knee
 * (no size falls below, or the smallest already does). */
uint64_t	 hostprof_knee(const struct hostprof_curve *hot, double cold);

/* The [machine] keys of the registry, in its order, each from the
 * measurements or from base (a profile loaded into a params of the
 * registry).  Free with g_ptr_array_unref(). */
GPtrArray	*hostprof_derive(const struct hostprof_host *,
		    const struct params *base, const char *base_name);
/* The key of that name, or NULL. */
const struct hostprof_key *hostprof_find(const GPtrArray *keys,
		    const char *name);
/* The profile: a header with the curves and the cross-checks, then
 * [machine] with a comment above every key. */
char		*hostprof_text(const struct hostprof_host *,
		    const GPtrArray *keys, const char *base_name);
/* The keys not measured, with why, one line each ("  tlb_shootdown: only
 * one CPU available"), for stdout. */
char		*hostprof_missing(const GPtrArray *keys);

#endif
