/* Figures through gnuplot.  Each figure is kept as data (.dat), script
 * (.gp) and the pictures it draws (.png, .svg), side by side, so a user
 * can restyle it.  Without gnuplot the data and script are still written
 * and the error says so (LOANSIM_ERROR_MISSING). */
#ifndef LOANSIM_PLOT_H
#define LOANSIM_PLOT_H

#include <glib.h>

struct plot_series {
	const char	*title;
	const double	*y;
	const double	*ci;	/* 95% half-widths, or NULL */
};

struct plot_spec {
	const char	*base;		/* path without extension */
	const char	*title;
	const char	*xlabel;
	const char	*ylabel;
	gboolean	 logx;
	gboolean	 bars;		/* categories on x instead of numbers */
	size_t		 npoints;
	const double	*x;
	const char	**xtics;	/* bars: a label per point */
	size_t		 nseries;
	const struct plot_series *series;
	double		 mark_x;	/* a vertical line, or NAN */
	const char	*mark_label;
};

/* Writes base.dat and base.gp and runs gnuplot for base.png and
 * base.svg. */
gboolean	 plot_draw(const struct plot_spec *, GError **);
/* The gnuplot program to run, or NULL. */
const char	*plot_gnuplot(void);

#endif
