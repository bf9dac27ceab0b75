/* Studies: every point of a sweep, every strategy, every replication,
 * through the model interface; rows, summaries with 95% intervals, and
 * the figure.  Replication r of every strategy and point draws from the
 * same streams (seed, r, name): common random numbers.
 *
 * Runs are numbered: run = (point * strategies + strategy) * reps + rep,
 * reps being the replications (with --ci-target, --max-replications);
 * this is the run_id column of the rows.  Results do not depend on the
 * order runs are done in, so any number of threads (-j), any shard of
 * the runs (--shard K/N, the runs with run % N == K - 1) and a resumed
 * run give the same rows; rows are journaled as they finish, so a killed
 * study keeps them and a rerun does only what is missing, and a rerun of
 * a finished study does nothing. */
#ifndef LOANSIM_STUDY_H
#define LOANSIM_STUDY_H

#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include "sim/params.h"

extern volatile sig_atomic_t study_interrupted;

struct study_options {
	const char	*outdir;
	guint64		 replications;	/* 0: the scenario's */
	gboolean	 seed_set;
	guint64		 seed;
	char		**strategies;	/* NULL: compare.strategies */
	gboolean	 quiet;
	gboolean	 no_plot;
	guint		 jobs;		/* threads; 0 or 1: one */
	guint		 shard;		/* K of --shard K/N; 0: none */
	guint		 nshards;
	double		 ci_target;	/* replicate until ci95 <= this x mean */
	guint		 ci_metric;	/* of this metric (model_metric_name) */
	guint64		 max_replications;	/* cap with ci_target */
};

struct study_outputs {
	char	*rows;		/* per replication */
	char	*summary;	/* mean and ci95 per point and strategy */
	char	*figure;	/* png, or NULL */
	char	*plot_warning;	/* why there is no figure, or NULL */
	guint64	 runs;		/* done by this call */
	guint64	 resumed;	/* taken from a journal (merge: shards) */
	gboolean up_to_date;	/* the outputs were current: nothing done */
	double	 seconds;
	/* With ci_target: the cells (point, strategy) of the study, and
	 * those that reached max_replications with their interval still
	 * wider than the target. */
	guint64	 cells;
	guint64	 capped;
};

gboolean	 study_run(const struct params *, const struct study_options *,
		    struct study_outputs *, GError **);
/* Join shard outputs (files written by --shard runs of the same
 * scenario) into what one unsharded run would have written. */
gboolean	 study_merge(const struct params *, const struct study_options *,
		    char **files, struct study_outputs *, GError **);
/* List the runs study_run would do (those of its shard): number, point,
 * strategy, replication, seed and the swept values. */
gboolean	 study_dry_run(const struct params *,
		    const struct study_options *, FILE *, GError **);
void		 study_outputs_clear(struct study_outputs *);

/* Shared by the subcommands: strategies to compare, the replication
 * count and the seed, from the options or the scenario. */
char		**study_strategies(const struct params *,
		    const struct study_options *, GError **);
guint64		 study_replications(const struct params *,
		    const struct study_options *);
guint64		 study_seed(const struct params *, const struct study_options *);
/* Whether a scenario name can name output files: letters, digits, '.',
 * '_' and '-', not starting with '.'. */
gboolean	 study_name_check(const char *name, GError **);
/* An axis label naming the parameter and the unit of its base values. */
char		*study_axis_label(const struct params *, const char *name);

/* Call fn(i, data) for every i below n, on up to jobs threads of their
 * own; study_workers_join waits for them and frees. */
struct study_workers;
struct study_workers *study_workers_start(guint jobs, guint n,
		    void (*fn)(guint, gpointer), gpointer data);
void		 study_workers_join(struct study_workers *);

/* A one-line progress report on stderr when it is a terminal; total 0:
 * open-ended.  Each run has a weight, its estimated cost (1 unless
 * said): the time left is the time so far per unit of weight done, for
 * the weight still to do.  progress_grow adds runs and their weight to
 * the total (--ci-target rounds).  progress_step (weight 1) and
 * progress_step_weight may be called from any thread. */
struct progress;
struct progress	*progress_new(const char *what, guint64 total, gboolean quiet);
void		 progress_grow(struct progress *, guint64 more, double weight);
void		 progress_step(struct progress *);
void		 progress_step_weight(struct progress *, double weight);
/* Seconds left when done_weight of total_weight took seconds; NAN
 * before anything is done. */
double		 progress_eta(double done_weight, double total_weight,
		    double seconds);
void		 progress_end(struct progress *);
void		 progress_free(struct progress *);

#endif
