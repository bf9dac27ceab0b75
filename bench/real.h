/* What the real experiments (bench/bench_fileread.c, bench_pipegift.c)
 * share: clocks, the median and quartiles of trials, pinning to a CPU,
 * and a weighted fit of the time per operation over sizes. */
#ifndef LOANSIM_BENCH_REAL_H
#define LOANSIM_BENCH_REAL_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <glib.h>

/* The medians of one measured point. */
struct real_point {
	double	cpu;		/* ns per byte */
	double	cpu_q1, cpu_q3;
	double	wall;
};

double	real_clock(clockid_t);
/* Sorts v and interpolates its q-quantile (type 7). */
double	real_quantile(double *v, unsigned n, double q);
/* The point of n trials of CPU and wall ns per byte (sorts both). */
void	real_point_set(struct real_point *, double *cpu, double *wall,
	    unsigned n);
/* Runs the calling thread on cpu, or on the allowed CPU of rank -cpu - 1
 * if cpu < 0 (-1: the first); the CPU, or -1 if it could not. */
int	real_pin(int cpu);
/* Least squares of the time per operation, a + b S, each point weighted
 * by 1/time^2: the fixed cost a (ns) and the cost per byte b. */
void	real_fit(const double *size, const double *ns_per_byte, unsigned n,
	    double *a, double *b);

/* The smallest size from which the second strategy wins for good: the
 * start of the last run of sizes, ascending, at which it wins. */
struct real_breakeven {
	size_t	prev;		/* the size before */
	size_t	below;		/* the size before start; 0: none */
	size_t	start;		/* 0: it does not win at the last size */
};

void	real_breakeven_step(struct real_breakeven *, size_t size,
	    gboolean wins);
/* "break-even: gift costs less CPU than copy from 4KiB on (not at
 * 2KiB)". */
void	real_breakeven_print(const struct real_breakeven *,
	    const char *what);
/* Makes dir and opens dir/name for writing; NULL (and a message on
 * stderr naming prog) if it cannot.  *path: g_free() it. */
FILE	*real_open_csv(const char *prog, const char *dir, const char *name,
	    char **path);

#endif
