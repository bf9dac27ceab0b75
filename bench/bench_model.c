/* The whole model at work: runs every run of a scenario as `loansim run`
 * would, on one thread, and prints per second of CPU time the simulated
 * write() calls (or reads, operations, messages), the events and the
 * simulated bytes delivered: medians of several trials.  CPU time, not
 * wall time: on a shared machine the wall clock also counts the other
 * users' turns.  Beside them, the events per second of the engine with
 * its radix heap only (LOANSIM_ENGINE_SMALL=0: no sorted array while
 * few events are pending, as before commit 4121f91), trials of the two
 * alternating.  bench/README.md has the figures of earlier commits.  By default one
 * scenario of each workload kind: scenarios/default.ini (socket-send),
 * recv-standard.ini, file-read.ini, file-write.ini and pipe.ini.
 *
 * Then the memory a simulated page takes: its struct as the slab holds
 * it, and measured over a whole run that makes many pages (a 1 GiB file
 * in the page cache, 1 GiB of a process's buffers), as the
 * growth of the peak resident set divided by the pages, in a child
 * process of its own.
 *
 *   bench_model [-t TRIALS] [SCENARIO...] */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/real.h"
#include "models/estimate.h"
#include "models/model.h"
#include "sim/params.h"
#include "sim/slab.h"
#include "sim/sweep.h"

#define BENCH_MAX_TRIALS	64

static const char *const bench_default[] = {
	"default.ini", "recv-standard.ini", "file-read.ini", "file-write.ini",
	"pipe.ini"
};

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
	double		  t0 = real_clock(CLOCK_PROCESS_CPUTIME_ID);
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
	t->seconds = (real_clock(CLOCK_PROCESS_CPUTIME_ID) - t0) / 1e9;
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

static struct params *
bench_load(const char *path, struct sweep **sw, GError **error)
{
	struct params	*p = model_params_new();

	if (!params_load_file(p, path, error) ||
	    (*sw = sweep_new(p, error)) == NULL) {
		params_free(p);
		return NULL;
	}
	return p;
}

static gboolean
bench_scenario(const char *path, unsigned trials, GError **error)
{
	struct params		*p;
	struct sweep		*sw;
	struct bench_tally	 t;
	double			 writes[BENCH_MAX_TRIALS];
	double			 events[BENCH_MAX_TRIALS];
	double			 bytes[BENCH_MAX_TRIALS];
	double			 radix[BENCH_MAX_TRIALS];
	unsigned		 i, j;

	if ((p = bench_load(path, &sw, error)) == NULL)
		return FALSE;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < 2 * trials; i++) {
		/* The engine as it is, then with its radix heap only. */
		j = i / 2;
		if (i % 2 == 0)
			g_unsetenv("LOANSIM_ENGINE_SMALL");
		else
			g_setenv("LOANSIM_ENGINE_SMALL", "0", TRUE);
		if (!bench_model_trial(p, sw, &t, error)) {
			sweep_free(sw);
			params_free(p);
			return FALSE;
		}
		if (i % 2 == 1) {
			radix[j] = t.events / t.seconds;
			continue;
		}
		writes[j] = t.writes / t.seconds;
		events[j] = t.events / t.seconds;
		bytes[j] = t.bytes / t.seconds;
	}
	g_unsetenv("LOANSIM_ENGINE_SMALL");
	printf("model: %s (%s), %zu runs (%.0f writes, reads or messages, "
	    "%.0f events) a trial; per second of CPU time, median of %u "
	    "trials (min .. max)\n", path, params_string(p, "workload.kind"),
	    t.runs, t.writes, t.events, trials);
	bench_print("simulated operations", writes, trials, 1e3, "k/s");
	bench_print("events", events, trials, 1e6, "M/s");
	bench_print("simulated bytes delivered", bytes, trials, 1e9, "GB/s");
	bench_print("events, radix heap only", radix, trials, 1e6, "M/s");
	sweep_free(sw);
	params_free(p);
	return TRUE;
}

/* VmRSS of this process, bytes. */
static double
bench_rss(void)
{
	char	*text = NULL, *l;
	double	 kb = 0;

	if (g_file_get_contents("/proc/self/status", &text, NULL, NULL) &&
	    (l = strstr(text, "VmRSS:")) != NULL)
		kb = g_ascii_strtod(l + 6, NULL);
	g_free(text);
	return kb * 1024;
}

/* One run of scenario path with the overrides, in a child: the growth
 * of its peak resident set over the run, per page of the run's estimate
 * (*pages).  Negative if it failed. */
static double
bench_page_bytes(const char *path, const char *const *kv, double *pages)
{
	double	 x[2] = { -1, 0 };
	int	 fd[2], status;
	pid_t	 pid;

	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		struct model_estimate	 est;
		struct model_result	 r;
		struct rusage		 ru;
		struct params		*p;
		struct sweep		*sw;
		double			 rss0;
		unsigned		 i;

		close(fd[0]);
		if ((p = bench_load(path, &sw, NULL)) != NULL) {
			for (i = 0; kv[i] != NULL; i++)
				(void)params_override(p, kv[i], NULL);
			model_estimate_params(p, &est);
			rss0 = bench_rss();
			if (model_run(p, "copy", 1, 0, &r, NULL) &&
			    getrusage(RUSAGE_SELF, &ru) == 0) {
				x[0] = ((double)ru.ru_maxrss * 1024 - rss0) /
				    est.pages;
				x[1] = est.pages;
			}
		}
		_exit(write(fd[1], x, sizeof(x)) == sizeof(x) ? 0 : 1);
	}
	close(fd[1]);
	if (pid < 0 || read(fd[0], x, sizeof(x)) != sizeof(x))
		x[0] = -1;
	close(fd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	*pages = x[1];
	return x[0];
}

static void
bench_memory(const char *dir)
{
	static const char *const file[] = {
		"file.size=1GiB", "file.residency=1", "workload.messages=100",
		NULL
	};
	static const char *const bufs[] = {
		"workload.size=256KiB", "workload.buffers=4096",
		"workload.messages=100", NULL
	};
	char	*fpath = g_build_filename(dir, "file-read.ini", NULL);
	char	*spath = g_build_filename(dir, "default.ini", NULL);
	double	 fpages = 0, spages = 0;
	double	 f = bench_page_bytes(fpath, file, &fpages);
	double	 s = bench_page_bytes(spath, bufs, &spages);

	printf("memory per simulated page\n");
	printf("  %-26s %8zu B\n", "struct vm_page (slab)", model_page_bytes());
	printf("  %-26s %8.0f B  (file-read, a 1 GiB file cached: %.0f "
	    "pages; peak RSS growth / pages)\n", "page cache, whole run", f,
	    fpages);
	printf("  %-26s %8.0f B  (socket-send, 4096 buffers of 256 KiB: %.0f "
	    "pages)\n", "process buffers, whole run", s, spages);
	g_free(fpath);
	g_free(spath);
}

int
main(int argc, char **argv)
{
	unsigned	 trials = 5, i;
	GPtrArray	*paths = g_ptr_array_new_with_free_func(g_free);
	GError		*error = NULL;
	int		 a;

	slab_tune_malloc();	/* as loansim does */
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-t") == 0 && a + 1 < argc)
			trials = (unsigned)strtoul(argv[++a], NULL, 10);
		else if (argv[a][0] != '-')
			g_ptr_array_add(paths, g_strdup(argv[a]));
		else
			trials = 0;
	}
	if (trials == 0 || trials > BENCH_MAX_TRIALS) {
		fprintf(stderr, "usage: bench_model [-t TRIALS] "
		    "[SCENARIO...]\n");
		return 2;
	}
	if (paths->len == 0)
		for (i = 0; i < G_N_ELEMENTS(bench_default); i++)
			g_ptr_array_add(paths, g_build_filename(
			    BENCH_SCENARIO_DIR, bench_default[i], NULL));
	for (i = 0; i < paths->len; i++)
		if (!bench_scenario(g_ptr_array_index(paths, i), trials,
		    &error)) {
			fprintf(stderr, "bench_model: %s\n", error->message);
			return 1;
		}
	bench_memory(BENCH_SCENARIO_DIR);
	g_ptr_array_free(paths, TRUE);
	return 0;
}
