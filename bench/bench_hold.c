/* The classic hold model (Vaucher and Duval, 1975): N pending events,
 * each handler reschedules itself at now + Exp(1 us).  Prints the median
 * events per second of CPU time over repeated trials, for N = 10 ..
 * 10^6, of the engine (a radix heap, a 4-ary heap while few events are
 * pending) beside the 4-ary heap it replaced (bench/heap4.c), trials of
 * the two alternating so that both see the same machine load.  CPU time,
 * not wall time: on a shared machine the wall clock also counts the
 * other users' turns.
 *
 *   bench_hold [-e EVENTS] [-t TRIALS] [-n N] [-q new|old]
 *
 * -n runs one N only; -q one queue only (for callgrind, with -t 1). */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/heap4.h"
#include "bench/real.h"
#include "sim/engine.h"
#include "sim/rng.h"

#define BENCH_MAX_TRIALS	64

static sim_time
hold_delay(struct rng *r)
{
	return (sim_time)(rng_exp(r, 1000.0) + 0.5);
}

static void
hold_new(struct engine *e, void *ctx)
{
	engine_schedule(e, hold_delay(ctx), hold_new, ctx);
}

static void
hold_old(struct heap4 *h, void *ctx)
{
	heap4_schedule(h, hold_delay(ctx), hold_old, ctx);
}

/* Events per second of one trial; *storage gets the bytes held. */
static double
bench_trial(gboolean old, unsigned n, uint64_t events, unsigned trial,
    size_t *storage)
{
	struct rng	 r;
	struct engine	*e = NULL;
	struct heap4	*h = NULL;
	uint64_t	 warm = MAX(n, 100000);
	double		 t0, t1;
	unsigned	 i;

	rng_init(&r, 1, trial, "bench.hold");
	if (old)
		h = heap4_new();
	else
		e = engine_new();
	for (i = 0; i < n; i++) {
		if (old)
			heap4_schedule(h, hold_delay(&r), hold_old, &r);
		else
			engine_schedule(e, hold_delay(&r), hold_new, &r);
	}
	/* Warm up: every event has been replaced at least once or so. */
	if (old) {
		heap4_run_bounded(h, HEAP4_TIME_MAX, warm);
		t0 = real_clock(CLOCK_PROCESS_CPUTIME_ID);
		heap4_run_bounded(h, HEAP4_TIME_MAX, events);
		t1 = real_clock(CLOCK_PROCESS_CPUTIME_ID);
		heap4_free(h);
	} else {
		engine_run_bounded(e, SIM_TIME_MAX, warm);
		t0 = real_clock(CLOCK_PROCESS_CPUTIME_ID);
		engine_run_bounded(e, SIM_TIME_MAX, events);
		t1 = real_clock(CLOCK_PROCESS_CPUTIME_ID);
		*storage = engine_storage(e);
		engine_free(e);
	}
	return (double)events / (MAX(t1 - t0, 1) / 1e9);
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
bench_print(const char *what, double *r, unsigned trials)
{
	qsort(r, trials, sizeof(r[0]), bench_cmp);
	printf("  %s %6.2f M/s (%5.2f .. %5.2f)", what, r[trials / 2] / 1e6,
	    r[0] / 1e6, r[trials - 1] / 1e6);
}

static void
bench_usage(void)
{
	fprintf(stderr, "usage: bench_hold [-e EVENTS] [-t TRIALS] [-n N] "
	    "[-q new|old]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const unsigned sizes[] = {
		10, 100, 1000, 10000, 100000, 1000000
	};
	unsigned	 trials = 5, only_n = 0, s, t;
	uint64_t	 events = 20000000;
	const char	*only_q = NULL;
	double		 rn[BENCH_MAX_TRIALS], ro[BENCH_MAX_TRIALS];
	size_t		 storage = 0;
	int		 i;

	for (i = 1; i < argc; i++) {
		if (i + 1 == argc)
			bench_usage();
		if (strcmp(argv[i], "-e") == 0)
			events = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-t") == 0)
			trials = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-n") == 0)
			only_n = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-q") == 0)
			only_q = argv[++i];
		else
			bench_usage();
	}
	if (events == 0 || trials == 0 || trials > BENCH_MAX_TRIALS ||
	    (only_q != NULL && strcmp(only_q, "new") != 0 &&
	    strcmp(only_q, "old") != 0))
		bench_usage();
	printf("hold model: events per second of CPU time, median of %u "
	    "trials of %" G_GUINT64_FORMAT " events (min .. max)\n", trials,
	    events);
	for (s = 0; s < (only_n ? 1 : G_N_ELEMENTS(sizes)); s++) {
		unsigned n = only_n ? only_n : sizes[s];

		for (t = 0; t < trials; t++) {
			if (only_q == NULL || strcmp(only_q, "new") == 0)
				rn[t] = bench_trial(FALSE, n, events, t,
				    &storage);
			if (only_q == NULL || strcmp(only_q, "old") == 0)
				ro[t] = bench_trial(TRUE, n, events, t, NULL);
		}
		printf("  N = %-8u", n);
		if (only_q == NULL || strcmp(only_q, "new") == 0)
			bench_print("radix heap", rn, trials);
		if (only_q == NULL || strcmp(only_q, "old") == 0)
			bench_print("4-ary heap (old)", ro, trials);
		if (storage > 0)
			printf("  %.0f B/event", (double)storage / n);
		printf("\n");
		fflush(stdout);
	}
	return 0;
}
