/* A one-line progress report on stderr, only when it is a terminal. */
#include "sim/study.h"

#include <stdio.h>
#include <unistd.h>

struct progress {
	char	*what;
	guint64	 total;
	guint64	 done;
	gint64	 start;
	gint64	 last;
	gboolean show;
};

struct progress *
progress_new(const char *what, guint64 total, gboolean quiet)
{
	struct progress	*p = g_new0(struct progress, 1);

	p->what = g_strdup(what);
	p->total = total;
	p->start = p->last = g_get_monotonic_time();
	p->show = !quiet && isatty(fileno(stderr));
	return p;
}

void
progress_step(struct progress *p)
{
	gint64	now = g_get_monotonic_time();
	double	secs, rate;

	p->done++;
	if (!p->show || (now - p->last < 200000 && p->done < p->total))
		return;
	p->last = now;
	secs = (now - p->start) / 1e6;
	rate = secs > 0 ? p->done / secs : 0;
	if (p->total == 0)	/* open-ended, as a threshold search */
		fprintf(stderr, "\r%s: %" G_GUINT64_FORMAT " runs, %.1f "
		    "runs/s   ", p->what, p->done, rate);
	else
		fprintf(stderr, "\r%s: %" G_GUINT64_FORMAT "/%"
		    G_GUINT64_FORMAT " runs, %.1f runs/s, %.0f s left   ",
		    p->what, p->done, p->total, rate, rate > 0 ?
		    (p->total - p->done) / rate : 0.0);
	if (p->done == p->total)
		fputc('\n', stderr);
}

void
progress_end(struct progress *p)
{
	if (p != NULL && p->show && p->done > 0 && p->done != p->total)
		fputc('\n', stderr);
}

void
progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	g_free(p->what);
	g_free(p);
}

