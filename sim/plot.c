/* gnuplot figures: data, script, pictures. */
#include "sim/plot.h"

#include <math.h>
#include <string.h>

#include "config.h"
#include "sim/error.h"

const char *
plot_gnuplot(void)
{
	static char	*found;
	static gboolean	 looked;

	/* LOANSIM_GNUPLOT overrides; then configure's; then PATH. */
	if (!looked) {
		const char	*env = g_getenv("LOANSIM_GNUPLOT");

		looked = TRUE;
		if (env != NULL)
			found = *env ? g_strdup(env) : NULL;
		else if (*GNUPLOT_PATH != '\0' &&
		    g_file_test(GNUPLOT_PATH, G_FILE_TEST_IS_EXECUTABLE))
			found = g_strdup(GNUPLOT_PATH);
		else
			found = g_find_program_in_path("gnuplot");
	}
	return found;
}

static void
plot_write_data(const struct plot_spec *s, GString *d)
{
	size_t	i, k;

	g_string_append(d, "# x");
	for (k = 0; k < s->nseries; k++)
		g_string_append_printf(d, "\t\"%s\"\t\"%s ci95\"",
		    s->series[k].title, s->series[k].title);
	g_string_append_c(d, '\n');
	for (i = 0; i < s->npoints; i++) {
		if (s->bars)
			g_string_append_printf(d, "\"%s\"", s->xtics[i]);
		else
			g_string_append_printf(d, "%.10g", s->x[i]);
		for (k = 0; k < s->nseries; k++)
			g_string_append_printf(d, "\t%.10g\t%.10g",
			    s->series[k].y[i],
			    s->series[k].ci ? s->series[k].ci[i] : 0.0);
		g_string_append_c(d, '\n');
	}
}

/* Twelve colours that stay apart (Paul Tol's "muted" and "bright"). */
static const char *plot_colors[] = {
	"#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
	"#CC6677", "#882255", "#AA4499", "#DDDDDD", "#4477AA", "#EE6677"
};

static void
plot_write_body(const struct plot_spec *s, GString *g, const char *dat)
{
	size_t	k;

	g_string_append_printf(g, "set title \"%s\" noenhanced\n", s->title);
	g_string_append_printf(g, "set xlabel \"%s\" noenhanced\n", s->xlabel);
	g_string_append_printf(g, "set ylabel \"%s\" noenhanced\n", s->ylabel);
	g_string_append_printf(g, "set grid\nset key %s opaque box "
	    "noenhanced\n", s->bars ? "outside right top" :
	    "inside right bottom");
	g_string_append(g, ""
	    "set yrange [0:*]\n");
	if (s->bars) {
		g_string_append(g, "set style data histograms\n"
		    "set style histogram rowstacked\n"
		    "set style fill solid 0.8 border -1\nset boxwidth 0.6\n"
		    "set xtics rotate by -30\n");
		g_string_append(g, "plot ");
		for (k = 0; k < s->nseries; k++)
			g_string_append_printf(g, "%s'%s' using %zu%s title "
			    "\"%s\" lc rgb '%s'", k ? ", \\\n     " : "", dat,
			    2 * k + 2, k == 0 ? ":xtic(1)" : "",
			    s->series[k].title,
			    plot_colors[k % G_N_ELEMENTS(plot_colors)]);
		g_string_append_c(g, '\n');
		return;
	}
	if (s->logx) {
		/* Base 2 for power-of-two axes (sizes), else base 10. */
		gboolean	pow2 = TRUE;
		size_t		i;

		for (i = 0; i < s->npoints; i++) {
			double	l = log2(s->x[i]);

			pow2 = pow2 && fabs(l - round(l)) < 1e-9;
		}
		g_string_append_printf(g, "set logscale x %d\n", pow2 ? 2 : 10);
		if (!pow2)
			g_string_append(g, "set format x \"%g\"\n");
	}
	if (!isnan(s->mark_x))
		g_string_append_printf(g, "set arrow from %.10g, graph 0 to "
		    "%.10g, graph 1 nohead dashtype 2 lw 2 lc rgb 'black'\n"
		    "set label \"%s\" at %.10g, graph 0.95 left offset 1,0 "
		    "noenhanced\n", s->mark_x, s->mark_x, s->mark_label,
		    s->mark_x);
	else if (s->mark_label != NULL)
		g_string_append_printf(g, "set label \"%s\" at graph 0.02, "
		    "graph 0.95 left noenhanced\n", s->mark_label);
	g_string_append(g, "plot ");
	for (k = 0; k < s->nseries; k++)
		g_string_append_printf(g, "%s'%s' using 1:%zu:%zu with "
		    "yerrorlines lw 2 pt 7 title \"%s\"",
		    k ? ", \\\n     " : "", dat, 2 * k + 2, 2 * k + 3,
		    s->series[k].title);
	g_string_append_c(g, '\n');
}

gboolean
plot_draw(const struct plot_spec *s, GError **error)
{
	GString		*d = g_string_new(NULL), *g = g_string_new(NULL);
	char		*dat = g_strconcat(s->base, ".dat", NULL);
	char		*gp = g_strconcat(s->base, ".gp", NULL);
	char		*dat_name = g_path_get_basename(dat);
	char		*base_name = g_path_get_basename(s->base);
	char		*dir = g_path_get_dirname(s->base);
	char		*script = g_strconcat(base_name, ".gp", NULL);
	char		*argv[3] = { NULL, NULL, NULL };
	char		*err_out = NULL;
	const char	*gnuplot = plot_gnuplot();
	gboolean	 ok = FALSE;
	gint		 status;
	GError		*err = NULL;

	plot_write_data(s, d);
	/* The script runs from its own folder and draws both pictures. */
	g_string_append_printf(g, "# %s: run 'gnuplot %s.gp' in this folder "
	    "to redraw.\n", s->title, base_name);
	g_string_append_printf(g, "set terminal pngcairo size 1000,640 "
	    "font 'sans,11'\nset output '%s.png'\n", base_name);
	plot_write_body(s, g, dat_name);
	g_string_append_printf(g, "set terminal svg size 1000,640 dynamic "
	    "font 'sans,11'\nset output '%s.svg'\nreplot\n", base_name);
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
	argv[0] = (char *)gnuplot;
	argv[1] = script;
	if (!g_spawn_sync(dir, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
	    NULL, NULL, &err_out, &status, &err)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_MISSING,
		    "running %s: %s", gnuplot, err->message);
		g_error_free(err);
		goto out;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "gnuplot failed on %s: %s", gp, err_out ? err_out : "");
		goto out;
	}
	ok = TRUE;
out:
	g_free(script);
	g_free(err_out);
	g_free(dir);
	g_free(base_name);
	g_free(dat_name);
	g_free(gp);
	g_free(dat);
	g_string_free(d, TRUE);
	g_string_free(g, TRUE);
	return ok;
}
