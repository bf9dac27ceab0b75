/* Distributions parsed from text. */
#include "sim/dist.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/error.h"
#include "sim/units.h"

#define DIST_MAX_ROWS	1000000
#define DIST_FORMS	"a value, const(x), uniform(a, b), exp(mean), " \
	"normal(mean, sd), lognormal(mean, sd), pareto(scale, shape) or " \
	"empirical(file)"

enum dist_kind {
	DIST_CONST, DIST_UNIFORM, DIST_EXP, DIST_NORMAL, DIST_LOGNORMAL,
	DIST_PARETO, DIST_EMPIRICAL
};

struct dist {
	enum dist_kind	 kind;
	enum dist_unit	 unit;
	double		 a, b;		/* parameters as written */
	double		 mu, sigma;	/* lognormal of the logarithm */
	double		*values;	/* empirical */
	double		*cum;		/* cumulative weights */
	size_t		 nvalues;
	char		*file;
};

static gboolean
dist_fail(GError **error, const char *text, const char *why)
{
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
	    "\"%s\": %s", text, why);
	return FALSE;
}

static gboolean
dist_value(const char *s, enum dist_unit u, double *x, GError **error)
{
	switch (u) {
	case DIST_UNIT_TIME:
		return units_parse_time_real(s, x, error);
	case DIST_UNIT_SIZE:
		return units_parse_size_real(s, x, error);
	default:
		return units_parse_real(s, x, error);
	}
}

/* The lines of text, as g_strsplit(text, "\n", -1) would give them, but
 * in time linear in the text under AddressSanitizer too (whose strstr
 * measures the whole rest of the text at each line). */
static char **
dist_lines(const char *text, gsize len)
{
	GPtrArray	*v = g_ptr_array_new();
	const char	*p = text, *end = text + len, *nl;

	for (;;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		g_ptr_array_add(v, g_strndup(p, (gsize)((nl ? nl : end) - p)));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

static gboolean
dist_read_table(struct dist *d, const char *path, const char *text,
    GError **error)
{
	char		*contents = NULL, **lines;
	gsize		 len;
	GError		*err = NULL;
	GArray		*vals, *cum;
	double		 total = 0;
	gboolean	 ok = TRUE;
	guint		 i;

	if (!g_file_get_contents(path, &contents, &len, &err)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "\"%s\": cannot read the table: %s", text, err->message);
		g_error_free(err);
		return FALSE;
	}
	if (memchr(contents, '\0', len) != NULL) {
		g_free(contents);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: not a text file", path);
		return FALSE;
	}
	lines = dist_lines(contents, len);
	g_free(contents);
	vals = g_array_new(FALSE, FALSE, sizeof(double));
	cum = g_array_new(FALSE, FALSE, sizeof(double));
	for (i = 0; ok && lines[i] != NULL; i++) {
		char	*l = g_strstrip(lines[i]), **f;
		double	 v, w;
		GError	*e2 = NULL;

		if (*l == '\0' || *l == '#')
			continue;
		f = g_strsplit_set(l, " \t", -1);
		/* "value weight": the value may itself hold a space. */
		{
			guint	n = g_strv_length(f), k;
			char	*wt = NULL, *val;
			GString	*vs = g_string_new(NULL);

			for (k = n; k > 0 && *f[k - 1] == '\0'; k--)
				;
			if (k >= 2) {
				wt = f[k - 1];
				for (guint j = 0; j + 1 < k; j++)
					g_string_append(vs, f[j]);
			}
			val = g_string_free(vs, FALSE);
			if (wt == NULL || !dist_value(val, d->unit, &v, &e2) ||
			    !units_parse_real(wt, &w, &e2) || w < 0) {
				g_set_error(error, LOANSIM_ERROR,
				    LOANSIM_ERROR_INPUT, "%s:%u: expected "
				    "\"value weight\" with a weight >= 0%s%s",
				    path, i + 1, e2 ? ": " : "",
				    e2 ? e2->message : "");
				ok = FALSE;
			}
			g_clear_error(&e2);
			g_free(val);
		}
		g_strfreev(f);
		if (!ok)
			break;
		if (vals->len >= DIST_MAX_ROWS) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
			    "%s: more than %d rows", path, DIST_MAX_ROWS);
			ok = FALSE;
			break;
		}
		if (!isfinite(total + w)) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s:%u: the weights add up to more than %.2g; "
			    "scale them down", path, i + 1, DBL_MAX);
			ok = FALSE;
			break;
		}
		total += w;
		g_array_append_val(vals, v);
		g_array_append_val(cum, total);
	}
	g_strfreev(lines);
	if (ok && !(total > 0)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: the table has no row of positive weight", path);
		ok = FALSE;
	}
	d->nvalues = vals->len;
	d->values = (double *)g_array_free(vals, FALSE);
	d->cum = (double *)g_array_free(cum, FALSE);
	return ok;
}

static gboolean
dist_check(struct dist *d, const char *text, GError **error)
{
	switch (d->kind) {
	case DIST_UNIFORM:
		if (d->a > d->b)
			return dist_fail(error, text,
			    "uniform(a, b) needs a <= b");
		break;
	case DIST_EXP:
		if (!(d->a > 0))
			return dist_fail(error, text,
			    "exp(mean) needs a mean above 0");
		break;
	case DIST_NORMAL:
	case DIST_LOGNORMAL:
		if (d->b < 0 || (d->kind == DIST_LOGNORMAL && !(d->a > 0)))
			return dist_fail(error, text, "expected a mean above "
			    "0 (lognormal) and sd >= 0");
		if (d->kind == DIST_LOGNORMAL) {
			d->sigma = sqrt(log1p(d->b * d->b / (d->a * d->a)));
			d->mu = log(d->a) - d->sigma * d->sigma / 2;
		}
		break;
	case DIST_PARETO:
		if (!(d->a > 0) || !(d->b > 0))
			return dist_fail(error, text,
			    "pareto(scale, shape) needs both above 0");
		break;
	default:
		break;
	}
	return TRUE;
}

struct dist *
dist_parse(const char *text, enum dist_unit unit, const char *base_dir,
    GError **error)
{
	static const struct { const char *name; enum dist_kind kind;
	    int nargs; } forms[] = {
		{ "const", DIST_CONST, 1 }, { "uniform", DIST_UNIFORM, 2 },
		{ "exp", DIST_EXP, 1 }, { "normal", DIST_NORMAL, 2 },
		{ "lognormal", DIST_LOGNORMAL, 2 },
		{ "pareto", DIST_PARETO, 2 }, { "empirical", DIST_EMPIRICAL, 1 }
	};
	struct dist	*d = g_new0(struct dist, 1);
	char		*s = g_strstrip(g_strdup(text));
	char		*open = strchr(s, '('), *close, **args = NULL;
	GError		*err = NULL;
	guint		 i, n;
	gboolean	 ok = FALSE;

	d->unit = unit;
	if (open == NULL) {
		d->kind = DIST_CONST;
		if (!dist_value(s, unit, &d->a, &err)) {
			dist_fail(error, text, "expected " DIST_FORMS);
			g_clear_error(&err);
			goto out;
		}
		ok = TRUE;
		goto out;
	}
	close = strrchr(s, ')');
	if (close == NULL || close < open || close[1] != '\0') {
		dist_fail(error, text, "expected NAME(ARGS) with a closing "
		    "parenthesis at the end: " DIST_FORMS);
		goto out;
	}
	*open = *close = '\0';
	g_strstrip(s);
	for (i = 0; i < G_N_ELEMENTS(forms); i++)
		if (strcmp(s, forms[i].name) == 0)
			break;
	if (i == G_N_ELEMENTS(forms)) {
		dist_fail(error, text, "unknown distribution; expected "
		    DIST_FORMS);
		goto out;
	}
	d->kind = forms[i].kind;
	args = g_strsplit(open + 1, ",", -1);
	n = g_strv_length(args);
	if (n != (guint)forms[i].nargs) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "\"%s\": %s takes %d argument%s", text, forms[i].name,
		    forms[i].nargs, forms[i].nargs == 1 ? "" : "s");
		goto out;
	}
	if (d->kind == DIST_EMPIRICAL) {
		char *f = g_strstrip(args[0]);

		d->file = g_path_is_absolute(f) || base_dir == NULL ?
		    g_strdup(f) : g_build_filename(base_dir, f, NULL);
		ok = dist_read_table(d, d->file, text, error);
		goto out;
	}
	for (i = 0; i < n; i++) {
		double	*x = i == 0 ? &d->a : &d->b;
		char	*a = g_strstrip(args[i]);

		/* pareto's shape has no unit. */
		if (!(d->kind == DIST_PARETO && i == 1 ?
		    units_parse_real(a, x, &err) : dist_value(a, unit, x, &err))) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "\"%s\": argument %u: %s", text, i + 1,
			    err->message);
			g_clear_error(&err);
			goto out;
		}
	}
	ok = dist_check(d, text, error);
out:
	g_strfreev(args);
	g_free(s);
	if (!ok) {
		dist_free(d);
		return NULL;
	}
	return d;
}

void
dist_free(struct dist *d)
{
	if (d == NULL)
		return;
	g_free(d->values);
	g_free(d->cum);
	g_free(d->file);
	g_free(d);
}

double
dist_sample(const struct dist *d, struct rng *r)
{
	double	x, u, total;
	size_t	lo, hi;

	switch (d->kind) {
	case DIST_CONST:
		return d->a;
	case DIST_UNIFORM:
		return d->a + (d->b - d->a) * rng_uniform(r);
	case DIST_EXP:
		return rng_exp(r, d->a);
	case DIST_NORMAL:
		/* Truncated at zero by resampling (bounded: a draw below
		 * zero is rarer than 1 in 2 when mean >= 0). */
		do
			x = d->a + d->b * rng_normal(r);
		while (x < 0 && d->a > 0);
		return x < 0 ? 0 : x;
	case DIST_LOGNORMAL:
		return exp(d->mu + d->sigma * rng_normal(r));
	case DIST_PARETO:
		return d->a / pow(rng_uniform(r), 1.0 / d->b);
	case DIST_EMPIRICAL:
		total = d->cum[d->nvalues - 1];
		u = rng_uniform(r) * total;
		lo = 0;
		hi = d->nvalues - 1;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (d->cum[mid] > u)
				hi = mid;
			else
				lo = mid + 1;
		}
		return d->values[lo];
	}
	return 0;
}

double
dist_mean(const struct dist *d)
{
	double	s = 0;
	size_t	i;

	switch (d->kind) {
	case DIST_CONST:
		return d->a;
	case DIST_UNIFORM:
		return (d->a + d->b) / 2;
	case DIST_EXP:
	case DIST_NORMAL:
	case DIST_LOGNORMAL:
		return d->a;	/* normal: before truncation */
	case DIST_PARETO:
		return d->b <= 1 ? INFINITY : d->b * d->a / (d->b - 1);
	case DIST_EMPIRICAL:
		for (i = 0; i < d->nvalues; i++)
			s += d->values[i] * (d->cum[i] - (i ? d->cum[i - 1] :
			    0));
		return s / d->cum[d->nvalues - 1];
	}
	return NAN;
}

double
dist_variance(const struct dist *d)
{
	double	m, s = 0;
	size_t	i;

	switch (d->kind) {
	case DIST_CONST:
		return 0;
	case DIST_UNIFORM:
		return (d->b - d->a) * (d->b - d->a) / 12;
	case DIST_EXP:
		return d->a * d->a;
	case DIST_NORMAL:
	case DIST_LOGNORMAL:
		return d->b * d->b;
	case DIST_PARETO:
		return d->b <= 2 ? INFINITY : d->a * d->a * d->b /
		    ((d->b - 1) * (d->b - 1) * (d->b - 2));
	case DIST_EMPIRICAL:
		m = dist_mean(d);
		for (i = 0; i < d->nvalues; i++)
			s += (d->values[i] - m) * (d->values[i] - m) *
			    (d->cum[i] - (i ? d->cum[i - 1] : 0));
		return s / d->cum[d->nvalues - 1];
	}
	return NAN;
}

gboolean
dist_is_constant(const struct dist *d)
{
	return d->kind == DIST_CONST;
}

static char *
dist_fmt(const struct dist *d, double x)
{
	switch (d->unit) {
	case DIST_UNIT_TIME:
		return g_strdup_printf("%.17gns", x);
	case DIST_UNIT_SIZE:
		return g_strdup_printf("%.17gB", x);
	default:
		return g_strdup_printf("%.17g", x);
	}
}

char *
dist_to_string(const struct dist *d)
{
	static const char *names[] = { "const", "uniform", "exp", "normal",
	    "lognormal", "pareto", "empirical" };
	char	*a, *b, *s;

	if (d->kind == DIST_EMPIRICAL)
		return g_strdup_printf("empirical(%s)", d->file);
	a = dist_fmt(d, d->a);
	if (d->kind == DIST_CONST || d->kind == DIST_EXP)
		s = g_strdup_printf("%s(%s)", names[d->kind], a);
	else {
		b = d->kind == DIST_PARETO ? g_strdup_printf("%.17g", d->b) :
		    dist_fmt(d, d->b);
		s = g_strdup_printf("%s(%s, %s)", names[d->kind], a, b);
		g_free(b);
	}
	g_free(a);
	return s;
}
