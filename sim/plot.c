/* gnuplot figures: data, script, pictures. */
#include "sim/plot.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "sim/error.h"

char *
plot_gnuplot(void)
{
	const char	*env = g_getenv("LOANSIM_GNUPLOT");

	/* LOANSIM_GNUPLOT overrides (empty: none); then configure's; then
	 * PATH.  Looked up each time: no state shared between threads. */
	if (env != NULL)
		return *env ? g_strdup(env) : NULL;
	if (*GNUPLOT_PATH != '\0' &&
	    g_file_test(GNUPLOT_PATH, G_FILE_TEST_IS_EXECUTABLE))
		return g_strdup(GNUPLOT_PATH);
	return g_find_program_in_path("gnuplot");
}

void
plot_quote(GString *g, const char *s)
{
	char		*valid = g_utf8_make_valid(s, -1);
	const char	*c;

	/* In a single-quoted gnuplot string only '' is special; a control
	 * character (a newline) would end the command. */
	g_string_append_c(g, '\'');
	for (c = valid; *c != '\0'; c++) {
		if (*c == '\'')
			g_string_append(g, "''");
		else if ((unsigned char)*c < 0x20 || *c == 0x7f)
			g_string_append_c(g, ' ');
		else
			g_string_append_c(g, *c);
	}
	g_string_append_c(g, '\'');
	g_free(valid);
}

/* A comment line of the script or the data: no control characters. */
static void
plot_comment(GString *g, const char *s)
{
	char		*valid = g_utf8_make_valid(s, -1);
	const char	*c;

	for (c = valid; *c != '\0'; c++)
		g_string_append_c(g, (unsigned char)*c < 0x20 || *c == 0x7f ?
		    ' ' : *c);
	g_free(valid);
}

/* Lines and points: dark enough for text (Paul Tol's "muted", the
 * palest left out, then two of his "bright"). */
static const char *plot_line_colors[] = {
	"#332288", "#CC6677", "#117733", "#882255", "#44AA99", "#999933",
	"#AA4499", "#4477AA", "#EE7733", "#555555"
};
/* Stacked bars: twelve fills that stay apart. */
static const char *plot_fill_colors[] = {
	"#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
	"#CC6677", "#882255", "#AA4499", "#DDDDDD", "#4477AA", "#EE6677"
};
/* Filled circle, square, triangles, diamond, pentagon, then open. */
static const int plot_points[] = { 7, 5, 9, 11, 13, 15, 6, 4, 8, 10, 12, 14 };
/* Solid, dashed, dash-dot, dash-dot-dot, dotted. */
static const int plot_dashes[] = { 1, 2, 4, 5, 3 };

#define PLOT_COLOR(i)	plot_line_colors[(i) % G_N_ELEMENTS(plot_line_colors)]

/* Pixel geometry of the canvas and of each panel. */
struct plot_geom {
	int	 w, h;
	int	 cols, rows;
	int	 key_w;		/* the legend, right of the panels */
	int	 key_width;	/* the legend's "width": its heading's room */
	int	 top;		/* above the panels: the title */
	int	 panel_h;	/* height of a panel's plotting area */
	int	 panel_top;	/* above it: its own title, or 0 */
	int	 plot_w;	/* width of the narrowest one's */
	int	 bottom;	/* below a panel: x labels */
	size_t	 turned;	/* x labels turned: the longest's length */
	guint8	*tic_row;	/* numbers' labels: 0 none, 1, 2 a line lower */
	gboolean two_rows;	/* some labels are on the second line */
};

#define PLOT_NOTE_PX	20	/* a note's line */
#define PLOT_PANEL_TOP	28	/* a panel's own title (one line) */
#define PLOT_TITLE_LINE_PX 16	/* each further line of a title */
#define PLOT_PANEL_BOTTOM 66	/* tick labels and the x label */
#define PLOT_TIC_MAX	40	/* characters of an x label; longer: cut */
#define PLOT_TIC_ROW_PX	16	/* a second line of x labels */
#define PLOT_KEY_CHARS	40	/* widest legend line; longer: wrapped */
#define PLOT_CHAR_PX	8	/* a character of text, about */
#define PLOT_KEY_CHAR_PX 9.2	/* a character as gnuplot sizes a legend */

static size_t
plot_width_chars(const char *s)
{
	return s != NULL ? (size_t)g_utf8_strlen(s, -1) : 0;
}

/* s in lines of at most width characters, broken at spaces (with
 * commas, after a comma where one leaves the line a quarter full: "a =
 * 1, b = 2" breaks between the two); a longer word is cut. */
static GPtrArray *
plot_wrap(const char *s, size_t width, gboolean commas)
{
	GPtrArray	*lines = g_ptr_array_new_with_free_func(g_free);
	char		**words = g_strsplit(s != NULL ? s : "", " ", -1);
	GString		*line = g_string_new(NULL);
	size_t		 i, n = 0;

	width = MAX(width, 8);
	for (i = 0; words[i] != NULL; i++) {
		const char	*w = words[i];
		size_t		 len = plot_width_chars(w);

		if (n > 0 && n + 1 + len > width) {
			char	*comma = commas ? g_strrstr(line->str, ", ") :
			    NULL;
			size_t	 keep = comma != NULL ? plot_width_chars(
			    line->str) - plot_width_chars(comma) + 1 : 0;

			if (comma != NULL && keep >= width / 4) {
				/* What follows the comma goes on. */
				g_ptr_array_add(lines, g_strndup(line->str,
				    (gsize)(comma + 1 - line->str)));
				g_string_erase(line, 0, comma + 2 - line->str);
				n = plot_width_chars(line->str);
			}
			if (n > 0 && n + 1 + len > width) {
				g_ptr_array_add(lines, g_string_free(line,
				    FALSE));
				line = g_string_new(NULL);
				n = 0;
			}
		}
		for (; len > width; len -= width) {
			const char *cut = g_utf8_offset_to_pointer(w,
			    (glong)width);

			if (n > 0) {
				g_ptr_array_add(lines, g_string_free(line,
				    FALSE));
				line = g_string_new(NULL);
				n = 0;
			}
			g_ptr_array_add(lines, g_strndup(w, (gsize)(cut - w)));
			w = cut;
		}
		if (n > 0)
			g_string_append_c(line, ' ');
		g_string_append(line, w);
		n += (n > 0) + len;
	}
	g_ptr_array_add(lines, g_string_free(line, FALSE));
	g_strfreev(words);
	return lines;
}

static size_t
plot_nlines(const char *s, size_t width, gboolean commas)
{
	GPtrArray	*l = plot_wrap(s, width, commas);
	size_t		 n = l->len;

	g_ptr_array_free(l, TRUE);
	return n;
}

/* The longest line of a legend's text s wrapped at width. */
static size_t
plot_wrapped_chars(const char *s, size_t width)
{
	GPtrArray	*l = plot_wrap(s, width, TRUE);
	size_t		 i, most = 0;

	for (i = 0; i < l->len; i++)
		most = MAX(most, plot_width_chars(g_ptr_array_index(l, i)));
	g_ptr_array_free(l, TRUE);
	return most;
}

/* s wrapped at width, as single-quoted strings joined by gnuplot's
 * newline "\n" (the only double-quoted text of a script, never from a
 * table). */
static void
plot_quote_wrapped(GString *g, const char *s, size_t width,
    gboolean commas)
{
	GPtrArray	*l = plot_wrap(s, width, commas);
	size_t		 i;

	for (i = 0; i < l->len; i++) {
		if (i > 0)
			g_string_append(g, ".\"\\n\".");
		plot_quote(g, g_ptr_array_index(l, i));
	}
	g_ptr_array_free(l, TRUE);
}

static gboolean
plot_keyless(const struct plot_spec *s)
{
	return s->npanels == 1 && s->panels[0].nseries == 1 &&
	    s->key_title == NULL;
}

/* The longest x label, in characters, if category labels must be turned
 * to fit side by side in plot_w pixels; else 0.  (Numbers' labels are
 * laid out by plot_tic_rows instead.) */
static size_t
plot_tics_turned(const struct plot_spec *s, int plot_w)
{
	size_t	i, longest = 0;

	if (s->xtics == NULL || s->style == PLOT_LINES)
		return 0;
	for (i = 0; i < s->npoints; i++)
		longest = MAX(longest, plot_width_chars(s->xtics[i]));
	return (longest + 2) * PLOT_CHAR_PX * s->npoints > (size_t)plot_w ?
	    longest : 0;
}

/* The x range of numbers: a little air beyond the first and last. */
static void
plot_xrange(const struct plot_spec *s, double *lo, double *hi)
{
	double	x0 = s->x[0], x1 = s->x[s->npoints - 1];

	if (s->logx) {
		double f = pow(x1 / x0, 0.03);

		*lo = x0 / f;
		*hi = x1 * f;
	} else {
		double span = x1 - x0;

		if (span <= 0)
			span = fabs(x0) > 0 ? fabs(x0) : 1;
		*lo = x0 - 0.03 * span;
		*hi = x1 + 0.03 * span;
	}
}

/* Numbers' labels side by side, none touching the next: a label that
 * would touch the one before goes a line lower (with a dozen points or
 * fewer, as the values of --over), or keeps its tick without a label. */
static void
plot_tic_rows(const struct plot_spec *s, struct plot_geom *g)
{
	double	lo, hi, end[3] = { -1e9, -1e9, -1e9 };
	size_t	i;
	int	rows = s->npoints <= 12 ? 2 : 1;

	g->tic_row = g_new0(guint8, s->npoints);
	if (s->style != PLOT_LINES || s->xtics == NULL)
		return;
	plot_xrange(s, &lo, &hi);
	for (i = 0; i < s->npoints; i++) {
		double	f = s->logx ? log(s->x[i] / lo) / log(hi / lo) :
		    (s->x[i] - lo) / (hi - lo);
		double	at = f * g->plot_w;
		double	half = plot_width_chars(s->xtics[i]) * PLOT_CHAR_PX /
		    2.0 + 4;
		int	r;

		for (r = 1; r <= rows; r++)
			if (at - half >= end[r]) {
				g->tic_row[i] = (guint8)r;
				end[r] = at + half;
				g->two_rows = g->two_rows || r == 2;
				break;
			}
	}
}

/* Characters of a note's line, and of a panel's title. */
static size_t
plot_note_chars(const struct plot_geom *g)
{
	return (size_t)(g->plot_w - 40) / PLOT_CHAR_PX;
}

static size_t
plot_panel_title_chars(const struct plot_geom *g)
{
	return (size_t)((g->w - g->key_w) / g->cols - 40) / PLOT_CHAR_PX;
}

static void
plot_geometry(const struct plot_spec *s, struct plot_geom *g)
{
	size_t	 k, entry = 0, head;
	const struct plot_panel *p = &s->panels[s->npanels - 1];

	memset(g, 0, sizeof(*g));
	/* The legend: its texts wrapped beyond PLOT_KEY_CHARS.  gnuplot
	 * sizes its box by the entries alone (the longest, the sample's 2.5
	 * characters and "width" more): width makes room for the heading;
	 * the box and some air are what the legend takes. */
	for (k = 0; k < p->nseries; k++)
		entry = MAX(entry, plot_wrapped_chars(p->series[k].title,
		    PLOT_KEY_CHARS - 6));
	head = plot_wrapped_chars(s->key_title, PLOT_KEY_CHARS);
	g->key_width = MAX(2, (int)ceil((double)(head * PLOT_CHAR_PX + 16) /
	    PLOT_KEY_CHAR_PX - (double)entry - 4.5));
	/* A lone series needs no legend: the labels say what it is. */
	g->key_w = plot_keyless(s) ? 24 : (int)ceil(((double)entry + 4.5 +
	    g->key_width) * PLOT_KEY_CHAR_PX) + 24;
	g->cols = s->npanels <= 3 ? (int)s->npanels : (int)(s->npanels + 1) / 2;
	g->rows = s->npanels <= 3 ? 1 : 2;
	g->w = s->npanels == 1 ? 1000 : 90 + g->cols * 500 + g->key_w;
	/* The narrowest plotting area: plot_write_panel's margins. */
	g->plot_w = (g->w - g->key_w) / g->cols - 16 - 90;
	g->turned = plot_tics_turned(s, g->plot_w + 6);
	plot_tic_rows(s, g);
	/* Turned labels hang below the axis: make room for them. */
	g->bottom = PLOT_PANEL_BOTTOM + (int)MIN(g->turned, PLOT_TIC_MAX) *
	    PLOT_CHAR_PX / 2 + (g->two_rows ? PLOT_TIC_ROW_PX : 0);
	g->h = (g->rows == 1 ? 640 : 1000) + (g->bottom - PLOT_PANEL_BOTTOM) *
	    g->rows;
	g->top = 44;
	for (k = 0; s->npanels > 1 && k < s->npanels; k++)
		g->panel_top = MAX(g->panel_top, PLOT_PANEL_TOP +
		    PLOT_TITLE_LINE_PX * ((int)plot_nlines(s->panels[k].title,
		    plot_panel_title_chars(g), TRUE) - 1));
	g->panel_h = (g->h - g->top) / g->rows - g->bottom - g->panel_top;
}

static gboolean
plot_have(double y)
{
	return isfinite(y);
}

/* The data: x (or the category's index), then y and ci of every series
 * of every panel.  Numbers only: text lives in the script. */
static void
plot_write_data(const struct plot_spec *s, GString *d)
{
	size_t	i, p, k;

	g_string_append(d, "# x");
	for (p = 0; p < s->npanels; p++)
		for (k = 0; k < s->panels[p].nseries; k++) {
			g_string_append_c(d, '\t');
			if (s->panels[p].title != NULL) {
				plot_comment(d, s->panels[p].title);
				g_string_append(d, ": ");
			}
			plot_comment(d, s->panels[p].series[k].title);
			g_string_append(d, "\t(ci95)");
		}
	g_string_append_c(d, '\n');
	for (i = 0; i < s->npoints; i++) {
		if (s->style == PLOT_LINES)
			g_string_append_printf(d, "%.10g", s->x[i]);
		else
			g_string_append_printf(d, "%zu", i);
		for (p = 0; p < s->npanels; p++)
			for (k = 0; k < s->panels[p].nseries; k++) {
				const struct plot_series *e =
				    &s->panels[p].series[k];
				double y = e->y[i], c = e->ci ? e->ci[i] : 0;

				if (plot_have(y))
					g_string_append_printf(d, "\t%.10g", y);
				else
					g_string_append(d, "\tNaN");
				g_string_append_printf(d, "\t%.10g",
				    plot_have(c) && c > 0 ? c : 0.0);
			}
		g_string_append_c(d, '\n');
	}
}

/* x rounded up to two significant digits. */
static double
plot_nice_ceil(double x)
{
	double	e;

	if (!(x > 0))
		return 1;
	e = pow(10, floor(log10(x)) - 1);
	return ceil(x / e * (1 - 1e-12)) * e;
}

/* The y range, shared by every panel, with room for the notes above the
 * data. */
static void
plot_yrange(const struct plot_spec *s, const struct plot_geom *g,
    double *lo, double *hi)
{
	double	ymin = 0, ymax = 0, head;
	size_t	i, p, k, notes = 0;

	for (p = 0; p < s->npanels; p++) {
		const struct plot_panel *pn = &s->panels[p];
		size_t	lines = 0;

		for (k = 0; k < pn->nnotes; k++)
			lines += plot_nlines(pn->notes[k].text,
			    plot_note_chars(g), FALSE);
		notes = MAX(notes, lines);
		for (i = 0; i < s->npoints; i++) {
			double sum = 0;

			for (k = 0; k < pn->nseries; k++) {
				double y = pn->series[k].y[i];
				double c = pn->series[k].ci ?
				    pn->series[k].ci[i] : 0;

				if (!plot_have(y))
					continue;
				if (!plot_have(c) || c < 0)
					c = 0;
				sum += y;
				ymax = MAX(ymax, y + c);
				ymin = MIN(ymin, y - c);
			}
			if (s->style == PLOT_STACKED)
				ymax = MAX(ymax, sum);
		}
	}
	/* The notes' band: a line each, and a little air below. */
	head = notes ? (double)(notes * PLOT_NOTE_PX + 14) / g->panel_h : 0.04;
	head = MIN(head, 0.6);
	if (ymax <= ymin)
		ymax = ymin + 1;
	*lo = ymin < 0 ? -plot_nice_ceil(-ymin * 1.05) : 0;
	*hi = plot_nice_ceil(*lo + (ymax - *lo) / (1 - head));
}

/* An x label, cut to PLOT_TIC_MAX characters. */
static void
plot_write_tic(GString *g, const char *t)
{
	char	*c;

	if (plot_width_chars(t) <= PLOT_TIC_MAX) {
		plot_quote(g, t);
		return;
	}
	c = g_utf8_substring(t, 0, PLOT_TIC_MAX - 3);
	c = g_realloc(c, strlen(c) + 4);
	strcat(c, "...");
	plot_quote(g, c);
	g_free(c);
}

static void
plot_write_xaxis(const struct plot_spec *s, const struct plot_geom *geom,
    GString *g)
{
	size_t	i;
	double	lo, hi;

	if (s->style != PLOT_LINES)
		g_string_append_printf(g, "set xrange [-0.6:%zu.4]\n",
		    s->npoints - 1);
	else {
		plot_xrange(s, &lo, &hi);
		if (s->logx) {
			/* Base 2 for power-of-two axes (sizes), else 10. */
			gboolean	pow2 = TRUE;

			for (i = 0; i < s->npoints; i++) {
				double	l = log2(s->x[i]);

				pow2 = pow2 && fabs(l - round(l)) < 1e-9;
			}
			g_string_append_printf(g, "set logscale x %d\n",
			    pow2 ? 2 : 10);
			if (s->xtics == NULL)
				g_string_append(g, "set format x '%g'\n");
		}
		g_string_append_printf(g, "set xrange [%.10g:%.10g]\n", lo,
		    hi);
	}
	if (s->xtics == NULL)
		return;
	/* Labels (with units) at the data's x, or the categories' names;
	 * a label on the second line is a panel's label (plot_write_panel),
	 * its tick here without one. */
	g_string_append(g, "set xtics noenhanced (");
	for (i = 0; i < s->npoints; i++) {
		g_string_append(g, i ? ", " : "");
		if (s->style != PLOT_LINES || geom->tic_row[i] == 1)
			plot_write_tic(g, s->xtics[i]);
		else
			g_string_append(g, "''");
		if (s->style == PLOT_LINES)
			g_string_append_printf(g, " %.10g", s->x[i]);
		else
			g_string_append_printf(g, " %zu", i);
	}
	g_string_append(g, ")\n");
	if (geom->turned)
		g_string_append(g, "set xtics rotate by -30 left\n");
}

/* Settings shared by every panel. */
static void
plot_write_common(const struct plot_spec *s, const struct plot_geom *g,
    GString *b)
{
	double	lo, hi;

	g_string_append(b, "set grid\nset style textbox opaque noborder\n");
	plot_write_xaxis(s, g, b);
	plot_yrange(s, g, &lo, &hi);
	g_string_append_printf(b, "set yrange [%.10g:%.10g]\n", lo, hi);
	g_string_append(b, "set xlabel ");
	plot_quote(b, s->xlabel);
	g_string_append_printf(b, " noenhanced%s\n", g->two_rows ?
	    " offset 0,-1" : "");
	if (s->style == PLOT_STACKED)
		g_string_append(b, "set style data histograms\n"
		    "set style histogram rowstacked\n"
		    "set style fill solid 0.85 border -1\nset boxwidth 0.6\n");
}

/* Lines over numbers may coincide (a strategy that ignores a parameter):
 * each curve's points are drawn smaller than the one before, so that
 * those under it still show round it. */
static double
plot_point_size(const struct plot_spec *s, const struct plot_panel *p,
    size_t k)
{
	if (s->style != PLOT_LINES || p->nseries < 2)
		return 1.2;
	return 1.6 - 0.6 * (double)k / (double)(p->nseries - 1);
}

/* The plot command of panel p; col is the data column of its first
 * series. */
static void
plot_write_plot(const struct plot_spec *s, const struct plot_panel *p,
    size_t col, const char *dat, GString *b)
{
	size_t	k;
	double	width = MIN(0.12, 0.6 / (double)MAX(p->nseries, 1));

	g_string_append(b, "plot ");
	for (k = 0; k < p->nseries; k++, col += 2) {
		const struct plot_series *e = &p->series[k];
		const char	*c = PLOT_COLOR(e->color);
		int		 pt = plot_points[e->point %
		    G_N_ELEMENTS(plot_points)];
		int		 dt = plot_dashes[e->dash %
		    G_N_ELEMENTS(plot_dashes)];
		char		*x;

		if (k > 0)
			g_string_append(b, ", \\\n     ");
		if (s->style == PLOT_STACKED) {
			plot_quote(b, dat);
			g_string_append_printf(b, " using %zu title ", col);
			plot_quote_wrapped(b, e->title, PLOT_KEY_CHARS - 6,
			    TRUE);
			g_string_append_printf(b, " noenhanced lc rgb '%s'",
			    plot_fill_colors[e->color %
			    G_N_ELEMENTS(plot_fill_colors)]);
			continue;
		}
		/* Categories: the series side by side around each one. */
		x = s->style == PLOT_POINTS ? g_strdup_printf("($1%+.3f)",
		    width * ((double)k - (double)(p->nseries - 1) / 2)) :
		    g_strdup("1");
		/* Error bars first, where there is an interval, then the
		 * points (and lines) over them. */
		plot_quote(b, dat);
		g_string_append_printf(b, " using %s:($%zu > 0 ? $%zu : NaN):"
		    "%zu with yerrorbars lw 1.5 ps 0 lc rgb '%s' notitle, "
		    "\\\n     '' using %s:%zu with %s lw 2 dt %d pt %d ps %.2f "
		    "lc rgb '%s' title ", x, col + 1, col, col + 1, c, x, col,
		    s->style == PLOT_LINES ? "linespoints" : "points", dt, pt,
		    plot_point_size(s, p, k), c);
		plot_quote_wrapped(b, e->title, PLOT_KEY_CHARS - 6, TRUE);
		g_string_append(b, " noenhanced");
		g_free(x);
	}
	g_string_append_c(b, '\n');
}

static void
plot_write_panel(const struct plot_spec *s, const struct plot_geom *g,
    size_t n, size_t col, const char *dat, GString *b)
{
	const struct plot_panel *p = &s->panels[n];
	int	c = (int)n % g->cols, r = (int)n / g->cols;
	int	cell_w = (g->w - g->key_w) / g->cols;
	int	cell_h = (g->h - g->top) / g->rows;
	int	left = c * cell_w + (c == 0 ? 90 : 70);
	int	right = (c + 1) * cell_w - 16;
	int	top = g->top + r * cell_h + g->panel_top;
	size_t	k, line = 0;

	g_string_append_printf(b, "set lmargin at screen %.4f\n"
	    "set rmargin at screen %.4f\nset tmargin at screen %.4f\n"
	    "set bmargin at screen %.4f\n", (double)left / g->w,
	    (double)right / g->w, 1 - (double)top / g->h,
	    1 - (double)(top + g->panel_h) / g->h);
	if (s->npanels > 1) {
		g_string_append(b, "set title ");
		plot_quote_wrapped(b, p->title != NULL ? p->title : "",
		    plot_panel_title_chars(g), TRUE);
		g_string_append(b, " noenhanced\n");
	}
	g_string_append(b, "set ylabel ");
	plot_quote(b, c == 0 ? s->ylabel : "");
	g_string_append(b, " noenhanced\nunset arrow\nunset label\n");
	/* One legend for all panels, right of them, with the last one. */
	if (n + 1 == s->npanels && !plot_keyless(s)) {
		g_string_append_printf(b, "set key at screen %.4f, screen "
		    "%.4f top left Left reverse noenhanced box opaque "
		    "samplen 2.5 width %d", (double)(g->w - g->key_w + 8) /
		    g->w, 1 - (double)(g->top + g->panel_top) / g->h,
		    g->key_width);
		if (s->key_title != NULL) {
			g_string_append(b, " title ");
			plot_quote_wrapped(b, s->key_title, PLOT_KEY_CHARS,
			    TRUE);
			g_string_append(b, " noenhanced");
		}
		g_string_append_c(b, '\n');
	} else
		g_string_append(b, "unset key\n");
	/* Labels on the second line under the axis. */
	for (k = 0; s->xtics != NULL && k < s->npoints; k++)
		if (s->style == PLOT_LINES && g->tic_row[k] == 2) {
			g_string_append(b, "set label ");
			plot_write_tic(b, s->xtics[k]);
			g_string_append_printf(b, " at first %.10g, graph 0 "
			    "center offset 0,-2.1 noenhanced\n", s->x[k]);
		}
	for (k = 0; k < p->nmarks; k++)
		if (isfinite(p->marks[k].x))
			g_string_append_printf(b, "set arrow from %.10g, graph "
			    "0 to %.10g, graph 1 nohead dashtype 2 lw 2 lc rgb "
			    "'%s' back\n", p->marks[k].x, p->marks[k].x,
			    PLOT_COLOR(p->marks[k].color));
	for (k = 0; k < p->nnotes; k++) {
		GPtrArray	*l = plot_wrap(p->notes[k].text,
		    plot_note_chars(g), FALSE);
		guint		 i;

		/* A line each, a longer note on lines of its own. */
		for (i = 0; i < l->len; i++, line++) {
			g_string_append(b, "set label ");
			plot_quote(b, g_ptr_array_index(l, i));
			g_string_append_printf(b, " at graph %s, graph %.4f "
			    "left front boxed noenhanced textcolor rgb '%s'\n",
			    i > 0 ? "0.035" : "0.015", 1 - (double)(line *
			    PLOT_NOTE_PX + 12) / g->panel_h,
			    PLOT_COLOR(p->notes[k].color));
		}
		g_ptr_array_free(l, TRUE);
	}
	plot_write_plot(s, p, col, dat, b);
}

/* The whole script: drawn once as PNG, once as SVG. */
static void
plot_write_script(const struct plot_spec *s, const char *base_name,
    const char *dat, GString *g)
{
	struct plot_geom	geom;
	size_t			p, col = 2;

	plot_geometry(s, &geom);
	g_string_append(g, "# ");
	plot_comment(g, s->title);
	g_string_append(g, "\n# Run 'gnuplot ");
	plot_comment(g, base_name);
	g_string_append(g, ".gp' in this folder to redraw the .png and the "
	    ".svg;\n# gnuplot -e \"out='NAME'\" draws NAME.png and NAME.svg "
	    "instead.\nif (!exists('out')) out = ");
	/* loansim itself draws under a temporary name (plot_draw). */
	plot_quote(g, base_name);
	/* No enhanced text anywhere: "_" in a name is no subscript. */
	g_string_append_printf(g, "\ndo for [fmt in \"png svg\"] {\n"
	    "if (fmt eq \"png\") {\n"
	    "\tset terminal pngcairo size %d,%d font 'sans,11' noenhanced\n"
	    "} else {\n"
	    "\tset terminal svg size %d,%d dynamic font 'sans,11' "
	    "noenhanced\n}\nset output out.'.'.fmt\n", geom.w, geom.h, geom.w,
	    geom.h);
	plot_write_common(s, &geom, g);
	g_string_append(g, s->npanels > 1 ? "set multiplot title " :
	    "set title ");
	plot_quote_wrapped(g, s->title, (size_t)geom.w / PLOT_CHAR_PX - 4,
	    FALSE);
	g_string_append(g, " noenhanced\n");
	for (p = 0; p < s->npanels; p++) {
		plot_write_panel(s, &geom, p, col, dat, g);
		col += 2 * s->panels[p].nseries;
	}
	if (s->npanels > 1)
		g_string_append(g, "unset multiplot\n");
	g_string_append(g, "set output\n}\n");
	g_free(geom.tic_row);
}

/* A name in dir for gnuplot to draw under, then renamed: dir/.NAME-XXXXXX
 * is reserved (created empty), and the pictures go to .NAME-XXXXXX.png and
 * .svg beside it.  Only plain characters of NAME are kept, so that the
 * name needs no quoting.  NULL (and *error) if it cannot be made. */
static char *
plot_temp_name(const char *dir, const char *base_name, GError **error)
{
	char	*t = g_strdup_printf(".%s-XXXXXX", base_name), *c, *path;
	int	 fd;

	for (c = t + 1; *c != '\0' && strcmp(c, "-XXXXXX") != 0; c++)
		if (!g_ascii_isalnum(*c) && *c != '.' && *c != '_' && *c != '-')
			*c = '_';
	path = g_build_filename(dir, t, NULL);
	g_free(t);
	if ((fd = g_mkstemp(path)) < 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "cannot create a temporary file in %s: %s", dir,
		    g_strerror(errno));
		g_free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* Move the pictures drawn under tmp to their names (base.png, base.svg);
 * whatever is left of tmp is removed. */
static gboolean
plot_rename(const char *tmp, const char *base, gboolean drawn,
    GError **error)
{
	static const char *const ext[] = { ".png", ".svg" };
	gboolean	 ok = drawn;
	size_t		 i;

	for (i = 0; i < G_N_ELEMENTS(ext); i++) {
		char	*from = g_strconcat(tmp, ext[i], NULL);
		char	*to = g_strconcat(base, ext[i], NULL);

		if (ok && g_rename(from, to) != 0) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
			    "cannot rename %s to %s: %s", from, to,
			    g_strerror(errno));
			ok = FALSE;
		}
		(void)g_unlink(from);
		g_free(from);
		g_free(to);
	}
	(void)g_unlink(tmp);
	return ok;
}

gboolean
plot_draw(const struct plot_spec *s, GError **error)
{
	GString		*d = g_string_new(NULL), *g = g_string_new(NULL);
	GString		*set_out = g_string_new("out = ");
	char		*dat = g_strconcat(s->base, ".dat", NULL);
	char		*gp = g_strconcat(s->base, ".gp", NULL);
	char		*dat_name = g_path_get_basename(dat);
	char		*base_name = g_path_get_basename(s->base);
	char		*dir = g_path_get_dirname(s->base);
	char		*script = g_strconcat(base_name, ".gp", NULL);
	char		*argv[5] = { NULL, NULL, NULL, NULL, NULL };
	char		*err_out = NULL, *tmp = NULL, *tmp_name;
	char		*gnuplot = plot_gnuplot();
	gboolean	 ok = FALSE, drawn;
	gint		 status;
	GError		*err = NULL;

	g_assert(s->npanels >= 1 && s->npanels <= PLOT_MAX_PANELS);
	g_assert(s->npoints >= 1);
	plot_write_data(s, d);
	/* The script runs from its own folder and draws both pictures. */
	plot_write_script(s, base_name, dat_name, g);
	if (!g_file_set_contents(dat, d->str, (gssize)d->len, &err) ||
	    !g_file_set_contents(gp, g->str, (gssize)g->len, &err)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO, "%s",
		    err->message);
		g_error_free(err);
		goto out;
	}
	if (gnuplot == NULL) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_MISSING,
		    "gnuplot was not found, so %s.png was not drawn; its data "
		    "and script are in %s.dat and %s.gp (install gnuplot, then "
		    "run gnuplot on the script)", s->base, s->base, s->base);
		goto out;
	}
	/* Drawn under a temporary name, renamed once gnuplot is done: an
	 * interrupted or failed drawing leaves the old pictures (or none),
	 * never a cut-off one. */
	if ((tmp = plot_temp_name(dir, base_name, error)) == NULL)
		goto out;
	tmp_name = g_path_get_basename(tmp);
	plot_quote(set_out, tmp_name);
	g_free(tmp_name);
	argv[0] = gnuplot;
	argv[1] = "-e";
	argv[2] = set_out->str;
	argv[3] = script;
	if (!g_spawn_sync(dir, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
	    NULL, NULL, &err_out, &status, &err)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_MISSING,
		    "running %s: %s", gnuplot, err->message);
		g_error_free(err);
		(void)plot_rename(tmp, s->base, FALSE, NULL);
		goto out;
	}
	drawn = g_spawn_check_wait_status(status, NULL);
	if (!drawn)
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "gnuplot failed on %s: %s", gp, err_out ? err_out : "");
	ok = plot_rename(tmp, s->base, drawn, drawn ? error : NULL);
out:
	g_free(gnuplot);
	g_free(tmp);
	g_free(script);
	g_free(err_out);
	g_free(dir);
	g_free(base_name);
	g_free(dat_name);
	g_free(gp);
	g_free(dat);
	g_string_free(set_out, TRUE);
	g_string_free(d, TRUE);
	g_string_free(g, TRUE);
	return ok;
}
