/* Tallies, time averages, histograms and confidence intervals. */
#include "sim/stats.h"

#include <glib.h>
#include <math.h>

void
tally_init(struct tally *t)
{
	t->n = 0;
	t->mean = t->m2 = 0;
	t->min = INFINITY;
	t->max = -INFINITY;
}

void
tally_add(struct tally *t, double x)
{
	double	d = x - t->mean;

	/* Welford (1962): one pass, numerically stable. */
	t->n++;
	t->mean += d / (double)t->n;
	t->m2 += d * (x - t->mean);
	if (x < t->min)
		t->min = x;
	if (x > t->max)
		t->max = x;
}

void
tally_merge(struct tally *a, const struct tally *b)
{
	double	n, d;

	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	/* Chan, Golub and LeVeque's pairwise update. */
	n = (double)(a->n + b->n);
	d = b->mean - a->mean;
	a->m2 += b->m2 + d * d * (double)a->n * (double)b->n / n;
	a->mean += d * (double)b->n / n;
	a->n += b->n;
	a->min = MIN(a->min, b->min);
	a->max = MAX(a->max, b->max);
}

double
tally_variance(const struct tally *t)
{
	return t->n < 2 ? 0 : t->m2 / (double)(t->n - 1);
}

double
tally_sd(const struct tally *t)
{
	return sqrt(tally_variance(t));
}

void
timeavg_init(struct timeavg *a, uint64_t now, double value)
{
	a->start = a->last = now;
	a->value = a->peak = value;
	a->area = 0;
}

void
timeavg_set(struct timeavg *a, uint64_t now, double value)
{
	g_assert(now >= a->last);
	a->area += a->value * (double)(now - a->last);
	a->last = now;
	a->value = value;
	if (value > a->peak)
		a->peak = value;
}

double
timeavg_mean(const struct timeavg *a, uint64_t now)
{
	double	area = a->area + a->value * (double)(now - a->last);

	return now > a->start ? area / (double)(now - a->start) : a->value;
}

/* Log-linear buckets: values in [2^k, 2^(k+1)) split into HIST_SUB equal
 * parts, so a bucket's midpoint is within 1/(2 HIST_SUB) of any value in
 * it (HdrHistogram's layout). */
#define HIST_SUB_BITS	7
#define HIST_SUB	(1 << HIST_SUB_BITS)
#define HIST_OCTAVES	64
#define HIST_BUCKETS	(HIST_OCTAVES * HIST_SUB)

struct histogram {
	uint64_t	 zero;		/* values below 1 */
	uint64_t	 count;
	uint64_t	*b;
};

struct histogram *
histogram_new(void)
{
	struct histogram	*h = g_new0(struct histogram, 1);

	h->b = g_new0(uint64_t, HIST_BUCKETS);
	return h;
}

void
histogram_free(struct histogram *h)
{
	if (h == NULL)
		return;
	g_free(h->b);
	g_free(h);
}

void
histogram_add(struct histogram *h, double x)
{
	int	e;
	double	f;
	int	sub;

	h->count++;
	if (!(x >= 1)) {
		h->zero++;
		return;
	}
	if (x >= 0x1.0p63)
		x = 0x1.fffffffffffffp62;
	f = frexp(x, &e);	/* x = f 2^e, f in [0.5, 1) */
	sub = (int)((f * 2 - 1) * HIST_SUB);
	h->b[(e - 1) * HIST_SUB + sub]++;
}

uint64_t
histogram_count(const struct histogram *h)
{
	return h->count;
}

double
histogram_quantile(const struct histogram *h, double q)
{
	uint64_t	rank, seen;
	int		i;

	if (h->count == 0)
		return NAN;
	q = CLAMP(q, 0.0, 1.0);
	/* The smallest value with at least q of the data at or below it. */
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank == 0)
		rank = 1;
	seen = h->zero;
	if (seen >= rank)
		return 0;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			int	oct = i / HIST_SUB, sub = i % HIST_SUB;
			double	lo = ldexp(1.0 + (double)sub / HIST_SUB, oct);
			double	w = ldexp(1.0 / HIST_SUB, oct);

			return lo + w / 2;
		}
	}
	return NAN;
}

double
stats_t975(unsigned df)
{
	static const double t[] = {
		NAN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
		2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
		2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
		2.052, 2.048, 2.045, 2.042
	};

	if (df == 0)
		return NAN;
	if (df < G_N_ELEMENTS(t))
		return t[df];
	/* Cornish-Fisher expansion about the normal quantile. */
	{
		double z = 1.959964, n = (double)df;

		return z + (z * z * z + z) / (4 * n) +
		    (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
	}
}

struct ci
stats_ci95(const double *v, size_t n)
{
	struct tally	t;
	struct ci	c;
	size_t		i;

	tally_init(&t);
	for (i = 0; i < n; i++)
		tally_add(&t, v[i]);
	c.n = n;
	c.mean = n > 0 ? t.mean : NAN;
	c.half_width = n < 2 ? 0 : stats_t975((unsigned)(n - 1)) *
	    tally_sd(&t) / sqrt((double)n);
	return c;
}
