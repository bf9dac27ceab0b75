/* What the real experiments share (see real.h). */
#define _GNU_SOURCE
#include "bench/real.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <stdlib.h>

#include "sim/units.h"

double
real_clock(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
real_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
real_quantile(double *v, unsigned n, double q)
{
	double		h = (n - 1) * q;
	unsigned	i = (unsigned)h;

	qsort(v, n, sizeof(*v), real_cmp);
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - i) * (v[i + 1] - v[i]);
}

void
real_point_set(struct real_point *pt, double *cpu, double *wall, unsigned n)
{
	pt->cpu = real_quantile(cpu, n, 0.5);
	pt->cpu_q1 = real_quantile(cpu, n, 0.25);
	pt->cpu_q3 = real_quantile(cpu, n, 0.75);
	pt->wall = real_quantile(wall, n, 0.5);
}

int
real_pin(int cpu)
{
	cpu_set_t	set;
	int		i, rank;

	if (cpu < 0) {
		if (sched_getaffinity(0, sizeof(set), &set) != 0)
			return -1;
		for (i = 0, rank = -cpu - 1; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set) && rank-- == 0)
				break;
		if (i == CPU_SETSIZE)
			return -1;
		cpu = i;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

void
real_fit(const double *size, const double *ns_per_byte, unsigned n,
    double *a, double *b)
{
	double		sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, y, w;
	unsigned	i;

	for (i = 0; i < n; i++) {
		y = ns_per_byte[i] * size[i];
		w = 1 / (y * y);
		sw += w;
		sx += w * size[i];
		sy += w * y;
		sxx += w * size[i] * size[i];
		sxy += w * size[i] * y;
	}
	*b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
	*a = (sy - *b * sx) / sw;
}

void
real_breakeven_step(struct real_breakeven *b, size_t size, gboolean wins)
{
	if (!wins)
		b->start = 0;
	else if (b->start == 0) {
		b->start = size;
		b->below = b->prev;
	}
	b->prev = size;
}

void
real_breakeven_print(const struct real_breakeven *b, const char *what)
{
	char	*bs, *es;

	if (b->start == 0) {
		printf("\nbreak-even: %s not for good up to the largest "
		    "size\n", what);
		return;
	}
	bs = units_format_size((double)b->below);
	es = units_format_size((double)b->start);
	printf("\nbreak-even: %s from %s on (%s%s)\n", what, es,
	    b->below == 0 ? "already at the smallest size" : "not at ",
	    b->below == 0 ? "" : bs);
	g_free(bs);
	g_free(es);
}

FILE *
real_open_csv(const char *prog, const char *dir, const char *name,
    char **path)
{
	FILE	*f;

	*path = g_build_filename(dir, name, NULL);
	if (g_mkdir_with_parents(dir, 0777) != 0 ||
	    (f = fopen(*path, "w")) == NULL) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, *path,
		    g_strerror(errno));
		return NULL;
	}
	return f;
}
