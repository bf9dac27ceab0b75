/* Figures through gnuplot.  Each figure is kept as data (.dat), script
 * (.gp) and the pictures it draws (.png, .svg), side by side, so a user
 * can restyle it.  Without gnuplot the data and script are still written
 * and the error says so (LOANSIM_ERROR_MISSING).
 *
 * Text in a spec (titles, labels, legends, notes) may come from a result
 * table that anyone could have written: it is only ever put into the
 * script as a single-quoted gnuplot string (no backquote, macro or
 * escape is expanded there), with quotes doubled and control characters
 * blanked, and never into the data file. */
#ifndef LOANSIM_PLOT_H
#define LOANSIM_PLOT_H

#include <glib.h>

enum plot_style {
	PLOT_LINES,	/* numbers on x: lines through points, error bars */
	PLOT_POINTS,	/* categories on x: points with error bars */
	PLOT_STACKED	/* categories on x: stacked bars */
};

struct plot_series {
	const char	*title;
	const double	*y;	/* npoints values; NAN: no point there */
	const double	*ci;	/* 95% half-widths; NULL, 0 or NAN: no bar */
	unsigned	 color;	/* index in the palette */
	unsigned	 point;	/* index in the point shapes */
	unsigned	 dash;	/* index in the dash patterns (0: solid) */
};

/* A dashed vertical line (a break-even) in a series' colour. */
struct plot_mark {
	double		 x;
	unsigned	 color;
};

/* A line of text at the top of a panel, in a series' colour.  The y
 * range leaves room above the data for every note, so notes never cover
 * a point and never leave the frame. */
struct plot_note {
	const char	*text;
	unsigned	 color;
};

/* One plot; several make small multiples sharing x, y and the legend. */
struct plot_panel {
	const char		*title;		/* NULL: none */
	size_t			 nseries;
	const struct plot_series *series;
	size_t			 nmarks;
	const struct plot_mark	*marks;
	size_t			 nnotes;
	const struct plot_note	*notes;
};

struct plot_spec {
	const char	*base;		/* path without extension */
	const char	*title;
	const char	*xlabel;
	const char	*ylabel;
	const char	*key_title;	/* heading of the legend, or NULL */
	enum plot_style	 style;
	gboolean	 logx;
	size_t		 npoints;
	const double	*x;		/* PLOT_LINES: ascending */
	/* PLOT_LINES: labels at x (NULL: plain numbers); otherwise one
	 * label per category. */
	const char	**xtics;
	size_t		 npanels;	/* 1 to PLOT_MAX_PANELS */
	const struct plot_panel *panels;
};

#define PLOT_MAX_PANELS	6

/* Writes base.dat and base.gp and runs gnuplot for base.png and
 * base.svg. */
gboolean	 plot_draw(const struct plot_spec *, GError **);
/* The gnuplot program to run (LOANSIM_GNUPLOT, else the one configure
 * found, else gnuplot on PATH), newly allocated, or NULL. */
char		*plot_gnuplot(void);
/* Append s to g as a single-quoted gnuplot string. */
void		 plot_quote(GString *g, const char *s);

#endif
