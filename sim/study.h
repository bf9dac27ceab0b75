/* Studies: every point of a sweep, every strategy, every replication,
 * through the model interface; rows, summaries with 95% intervals, and
 * the figure.  Replication r of every strategy and point draws from the
 * same streams (seed, r, name): common random numbers. */
#ifndef LOANSIM_STUDY_H
#define LOANSIM_STUDY_H

#include <glib.h>
#include "sim/params.h"

struct study_options {
	const char	*outdir;
	guint64		 replications;	/* 0: the scenario's */
	gboolean	 seed_set;
	guint64		 seed;
	char		**strategies;	/* NULL: compare.strategies */
	gboolean	 quiet;
	gboolean	 no_plot;
};

struct study_outputs {
	char	*rows;		/* per replication */
	char	*summary;	/* mean and ci95 per point and strategy */
	char	*figure;	/* png, or NULL */
	char	*plot_warning;	/* why there is no figure, or NULL */
	guint64	 runs;
	double	 seconds;
};

gboolean	 study_run(const struct params *, const struct study_options *,
		    struct study_outputs *, GError **);
void		 study_outputs_clear(struct study_outputs *);

/* Shared by the subcommands: strategies to compare, the replication
 * count and the seed, from the options or the scenario. */
char		**study_strategies(const struct params *,
		    const struct study_options *, GError **);
guint64		 study_replications(const struct params *,
		    const struct study_options *);
guint64		 study_seed(const struct params *, const struct study_options *);

/* An axis label naming the parameter and the unit of its base values. */
char		*study_axis_label(const struct params *, const char *name);

/* A one-line progress report on stderr when it is a terminal. */
struct progress;
struct progress	*progress_new(const char *what, guint64 total, gboolean quiet);
void		 progress_step(struct progress *);
void		 progress_free(struct progress *);

#endif
