/* The whole model at work: runs every run of a scenario (by default
 * scenarios/default.ini, socket writes copied or loaned across sizes) as
 * `loansim run` would, on one thread, and prints per second of wall time
 * the simulated write() calls, the events and the simulated bytes
 * delivered: medians of several trials.
 *
 *   bench_model [-t TRIALS] [SCENARIO] */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "sim/params.h"
#include "sim/sweep.h"

#define BENCH_MAX_TRIALS	64

struct bench_tally {
	double	writes;
	double	events;
	double	bytes;
	double	seconds;
	size_t	runs;
};

/* One pass over every run of the scenario. */
static gboolean
bench_model_trial(const struct params *p, const struct sweep *sw,
    struct bench_tally *t, GError **error)
{
	char		**strat = params_list(p, "compare.strategies");
	uint64_t	  reps = params_count(p, "scenario.replications");
	uint64_t	  seed = params_count(p, "scenario.seed");
	size_t		  point, s;
	uint64_t	  rep;
	gint64		  t0 = g_get_monotonic_time();
	gboolean	  ok = TRUE;

	memset(t, 0, sizeof(*t));
	for (point = 0; ok && point < sweep_points(sw); point++)
		for (s = 0; ok && strat[s] != NULL; s++)
			for (rep = 0; ok && rep < reps; rep++) {
				struct params		*pp = params_copy(p);
				struct model_result	 r;

				ok = sweep_apply(sw, point, pp, error) &&
				    model_run(pp, strat[s], seed,
				    (uint32_t)rep, &r, error);
				if (ok) {
					t->writes += (double)params_count(pp,
					    "workload.messages") *
					    (double)params_count(pp,
					    "workload.threads");
					t->events += (double)r.events;
					/* MB/s times ns, in bytes. */
					t->bytes += r.v[MODEL_THROUGHPUT_MBPS] *
					    (double)r.sim_time_ns / 1e3;
					t->runs++;
				}
				params_free(pp);
			}
	t->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
	g_strfreev(strat);
	return ok;
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
bench_print(const char *what, double *r, unsigned n, double scale,
    const char *unit)
{
	qsort(r, n, sizeof(r[0]), bench_cmp);
	printf("  %-26s %8.2f %s  (%.2f .. %.2f)\n", what, r[n / 2] / scale,
	    unit, r[0] / scale, r[n - 1] / scale);
}

int
main(int argc, char **argv)
{
	const char		*path = BENCH_SCENARIO;
	unsigned		 trials = 5, i;
	struct params		*p;
	struct sweep		*sw;
	struct bench_tally	 t;
	double			 writes[BENCH_MAX_TRIALS];
	double			 events[BENCH_MAX_TRIALS];
	double			 bytes[BENCH_MAX_TRIALS];
	GError			*error = NULL;
	int			 a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-t") == 0 && a + 1 < argc)
			trials = (unsigned)strtoul(argv[++a], NULL, 10);
		else if (argv[a][0] != '-')
			path = argv[a];
		else
			trials = 0;
	}
	if (trials == 0 || trials > BENCH_MAX_TRIALS) {
		fprintf(stderr, "usage: bench_model [-t TRIALS] [SCENARIO]\n");
		return 2;
	}
	p = model_params_new();
	if (!params_load_file(p, path, &error) ||
	    (sw = sweep_new(p, &error)) == NULL) {
		fprintf(stderr, "bench_model: %s\n", error->message);
		return 2;
	}
	for (i = 0; i < trials; i++) {
		if (!bench_model_trial(p, sw, &t, &error)) {
			fprintf(stderr, "bench_model: %s\n", error->message);
			return 1;
		}
		writes[i] = t.writes / t.seconds;
		events[i] = t.events / t.seconds;
		bytes[i] = t.bytes / t.seconds;
	}
	printf("model: %s, %zu runs (%.0f writes, %.0f events) a trial; "
	    "per second of wall time, median of %u trials (min .. max)\n",
	    path, t.runs, t.writes, t.events, trials);
	bench_print("simulated writes", writes, trials, 1e3, "k/s");
	bench_print("events", events, trials, 1e6, "M/s");
	bench_print("simulated bytes delivered", bytes, trials, 1e9, "GB/s");
	sweep_free(sw);
	params_free(p);
	return 0;
}
