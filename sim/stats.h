/* Statistics: tallies (Welford), time-weighted averages, histograms with
 * quantiles, and the mean with a 95% confidence interval across
 * replications (Student t). */
#ifndef LOANSIM_STATS_H
#define LOANSIM_STATS_H

#include <stddef.h>
#include <stdint.h>

struct tally {
	uint64_t	n;
	double		mean;
	double		m2;
	double		min;
	double		max;
};

void	tally_init(struct tally *);
void	tally_add(struct tally *, double x);
void	tally_merge(struct tally *into, const struct tally *from);
double	tally_variance(const struct tally *);	/* sample (n-1); 0 if n < 2 */
double	tally_sd(const struct tally *);

/* A piecewise-constant quantity integrated over simulated time. */
struct timeavg {
	uint64_t	start;
	uint64_t	last;
	double		value;
	double		area;
	double		peak;
};

void	timeavg_init(struct timeavg *, uint64_t now, double value);
void	timeavg_set(struct timeavg *, uint64_t now, double value);
double	timeavg_mean(const struct timeavg *, uint64_t now);

/* Histogram of non-negative values in log-linear buckets: relative error
 * of a quantile under 1% over [1, 2^63]; values below 1 count as 0. */
struct histogram;

struct histogram *histogram_new(void);
void	histogram_free(struct histogram *);
void	histogram_add(struct histogram *, double x);
uint64_t histogram_count(const struct histogram *);
double	histogram_quantile(const struct histogram *, double q); /* 0<=q<=1 */

/* Mean and 95% confidence half-width of n values (Student t, n-1 degrees
 * of freedom); half_width is 0 when n < 2. */
struct ci {
	size_t	n;
	double	mean;
	double	half_width;
};

struct ci stats_ci95(const double *values, size_t n);
double	stats_t975(unsigned df);	/* two-sided 95% t quantile */

#endif
