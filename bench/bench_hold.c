/* The classic hold model (Vaucher and Duval, 1975): N pending events,
 * each handler reschedules itself at now + Exp(1 us).  Prints the median
 * events per second over repeated trials, for N = 10^3, 10^5, 10^6. */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/engine.h"
#include "sim/rng.h"

struct hold {
	struct rng	rng;
};

static void
hold_fn(struct engine *e, void *ctx)
{
	struct hold	*h = ctx;
	sim_time	 d = (sim_time)(rng_exp(&h->rng, 1000.0) + 0.5);

	engine_schedule(e, d, hold_fn, h);
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
bench_hold_trial(unsigned n, uint64_t events, unsigned trial)
{
	struct engine	*e = engine_new();
	struct hold	 h;
	gint64		 t0, t1;
	unsigned	 i;

	rng_init(&h.rng, 1, trial, "bench.hold");
	for (i = 0; i < n; i++)
		engine_schedule(e, (sim_time)(rng_exp(&h.rng, 1000.0) + 0.5),
		    hold_fn, &h);
	/* Warm up: every event has been replaced at least once or so. */
	engine_run_bounded(e, SIM_TIME_MAX, MAX(n, 100000));
	t0 = g_get_monotonic_time();
	engine_run_bounded(e, SIM_TIME_MAX, events);
	t1 = g_get_monotonic_time();
	engine_free(e);
	return (double)events / ((t1 - t0) / 1e6);
}

int
main(int argc, char **argv)
{
	static const unsigned sizes[] = { 1000, 100000, 1000000 };
	unsigned	 trials = 5, s, t;
	uint64_t	 events = 20000000;
	double		 r[16];

	if (argc > 1)
		events = strtoull(argv[1], NULL, 10);
	printf("hold model: events per second, median of %u trials of "
	    "%" G_GUINT64_FORMAT " events (min .. max)\n", trials, events);
	for (s = 0; s < G_N_ELEMENTS(sizes); s++) {
		for (t = 0; t < trials; t++)
			r[t] = bench_hold_trial(sizes[s], events, t);
		qsort(r, trials, sizeof(r[0]), bench_cmp);
		printf("  N = %-8u %6.2f M/s  (%.2f .. %.2f)\n", sizes[s],
		    r[trials / 2] / 1e6, r[0] / 1e6, r[trials - 1] / 1e6);
		fflush(stdout);
	}
	return 0;
}
