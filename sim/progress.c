/* A one-line progress report on stderr, only when it is a terminal. */
#include "sim/study.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#define PROGRESS_EVERY_US 200000	/* at most five lines a second */

struct progress {
	GMutex	 lock;
	char	*what;
	guint64	 total;
	guint64	 done;
	double	 total_weight;	/* of the runs, their estimated cost */
	double	 done_weight;
	gint64	 start;
	gint64	 last;
	gboolean show;
	gboolean shown;		/* a line is on the terminal */
};

struct progress *
progress_new(const char *what, guint64 total, gboolean quiet)
{
	struct progress	*p = g_new0(struct progress, 1);

	g_mutex_init(&p->lock);
	p->what = g_strdup(what);
	p->total = total;
	p->total_weight = (double)total;
	p->start = p->last = g_get_monotonic_time();
	p->show = !quiet && isatty(fileno(stderr));
	return p;
}

void
progress_grow(struct progress *p, guint64 more, double weight)
{
	g_mutex_lock(&p->lock);
	p->total += more;
	p->total_weight += weight;
	g_mutex_unlock(&p->lock);
}

double
progress_eta(double done_weight, double total_weight, double seconds)
{
	/* Seconds per unit of weight so far, for the weight left: runs
	 * that grow along a sweep are not taken for as quick as the first
	 * ones. */
	if (!(done_weight > 0) || !(seconds > 0))
		return NAN;
	return MAX(total_weight - done_weight, 0) * seconds / done_weight;
}

static void
progress_print(struct progress *p, gint64 now)
{
	double	secs = (now - p->start) / 1e6;
	double	rate = secs > 0 ? p->done / secs : 0;
	double	left = progress_eta(p->done_weight, p->total_weight, secs);

	if (p->total == 0)	/* open-ended, as a threshold search */
		fprintf(stderr, "\r%s: %" G_GUINT64_FORMAT " runs, %.1f "
		    "runs/s   ", p->what, p->done, rate);
	else
		fprintf(stderr, "\r%s: %" G_GUINT64_FORMAT "/%"
		    G_GUINT64_FORMAT " runs, %.1f runs/s, %.0f s left   ",
		    p->what, p->done, p->total, rate, isnan(left) ||
		    p->done >= p->total ? 0.0 : left);
	p->shown = TRUE;
}

void
progress_step_weight(struct progress *p, double weight)
{
	gint64	now = g_get_monotonic_time();

	g_mutex_lock(&p->lock);
	p->done++;
	p->done_weight += weight;
	/* A total that more rounds may still grow is shown as it is now;
	 * never more done than the total. */
	if (p->done > p->total && p->total > 0)
		p->total = p->done;
	if (p->done_weight > p->total_weight)
		p->total_weight = p->done_weight;
	if (p->show && (now - p->last >= PROGRESS_EVERY_US ||
	    p->done == p->total)) {
		p->last = now;
		progress_print(p, now);
	}
	g_mutex_unlock(&p->lock);
}

void
progress_step(struct progress *p)
{
	progress_step_weight(p, 1);
}

void
progress_end(struct progress *p)
{
	if (p == NULL)
		return;
	g_mutex_lock(&p->lock);
	if (p->shown)
		fputc('\n', stderr);
	p->shown = FALSE;
	g_mutex_unlock(&p->lock);
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	g_mutex_clear(&p->lock);
	g_free(p->what);
	g_free(p);
}
