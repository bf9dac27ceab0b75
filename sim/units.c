/* Quantities with units.  Numbers are parsed by hand (g_ascii_strtod for
 * the mantissa) so that any byte sequence gives a value or an error. */
#include "sim/units.h"

#include <math.h>
#include <string.h>

#include "sim/error.h"

struct units_unit {
	const char	*name;
	double		 scale;
};

static const struct units_unit units_time[] = {
	{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
	{ "s", 1e9 }, { NULL, 0 }
};

static const struct units_unit units_size[] = {
	{ "B", 1 }, { "KiB", 1024.0 }, { "MiB", 1048576.0 },
	{ "GiB", 1073741824.0 }, { "TiB", 1099511627776.0 },
	{ "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 },
	{ "TB", 1e12 }, { NULL, 0 }
};

static const struct units_unit units_bw[] = {
	{ "B/s", 1 }, { "kB/s", 1e3 }, { "KB/s", 1e3 }, { "MB/s", 1e6 },
	{ "GB/s", 1e9 }, { "KiB/s", 1024.0 }, { "MiB/s", 1048576.0 },
	{ "GiB/s", 1073741824.0 }, { "bit/s", 1.0 / 8 },
	{ "kbit/s", 1e3 / 8 }, { "Kbit/s", 1e3 / 8 }, { "Mbit/s", 1e6 / 8 },
	{ "Gbit/s", 1e9 / 8 }, { NULL, 0 }
};

#define UNITS_TIME_FORM "a time such as 200us (units ns, us, ms, s)"
#define UNITS_SIZE_FORM "a size such as 16KiB (units B, KiB, MiB, GiB, " \
	"TiB, kB, MB, GB, TB)"
#define UNITS_BW_FORM "a bandwidth such as 1.2GB/s or 10Gbit/s (units " \
	"B/s, kB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s, bit/s, kbit/s, " \
	"Mbit/s, Gbit/s)"

static gboolean
units_fail(GError **error, const char *text, const char *form)
{
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
	    "\"%s\": expected %s", text, form);
	return FALSE;
}

/* A finite number, then optional spaces, then the rest (the unit). */
static gboolean
units_split(const char *text, double *x, const char **rest)
{
	const char	*p = text;
	char		*end;

	while (g_ascii_isspace(*p))
		p++;
	/* g_ascii_strtod also takes "inf", "nan" and hex: refuse them. */
	if (!(g_ascii_isdigit(*p) || *p == '.' || *p == '-' || *p == '+'))
		return FALSE;
	if ((p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ||
	    ((p[0] == '-' || p[0] == '+') && p[1] == '0' &&
	    (p[2] == 'x' || p[2] == 'X')))
		return FALSE;
	*x = g_ascii_strtod(p, &end);
	if (end == p || !isfinite(*x))
		return FALSE;
	while (g_ascii_isspace(*end))
		end++;
	*rest = end;
	return TRUE;
}

static gboolean
units_tail_blank(const char *s)
{
	while (g_ascii_isspace(*s))
		s++;
	return *s == '\0';
}

/* x times the unit's scale, which must stay finite: "1e300GB/s" is a
 * number, but not one a double holds in bytes per second. */
static gboolean
units_scale(double x, double scale, double *out, const char *text,
    const char *form, GError **error)
{
	double	y = x * scale;

	if (!isfinite(y))
		return units_fail(error, text, form);
	*out = y;
	return TRUE;
}

/* The unit at s, which must be all that is left but for spaces. */
static const struct units_unit *
units_find(const struct units_unit *u, const char *s)
{
	for (; u->name != NULL; u++) {
		size_t	n = strlen(u->name);

		if (strncmp(s, u->name, n) == 0 && units_tail_blank(s + n))
			return u;
	}
	return NULL;
}

gboolean
units_parse_time_real(const char *text, double *ns, GError **error)
{
	const struct units_unit	*u;
	const char		*rest;
	double			 x;

	if (!units_split(text, &x, &rest) || x < 0)
		return units_fail(error, text, UNITS_TIME_FORM);
	if (*rest == '\0') {
		if (x != 0)
			return units_fail(error, text, UNITS_TIME_FORM);
		*ns = 0;
		return TRUE;
	}
	if ((u = units_find(units_time, rest)) == NULL)
		return units_fail(error, text, UNITS_TIME_FORM);
	return units_scale(x, u->scale, ns, text, UNITS_TIME_FORM, error);
}

gboolean
units_parse_time(const char *text, uint64_t *ns, GError **error)
{
	double	x;

	if (!units_parse_time_real(text, &x, error))
		return FALSE;
	if (x >= 18446744073709551615.0)
		return units_fail(error, text, "a time below 584 years");
	*ns = (uint64_t)llround(x);
	return TRUE;
}

gboolean
units_parse_size_real(const char *text, double *bytes, GError **error)
{
	const struct units_unit	*u;
	const char		*rest;
	double			 x;

	if (!units_split(text, &x, &rest) || x < 0)
		return units_fail(error, text, UNITS_SIZE_FORM);
	if (*rest == '\0') {
		*bytes = x;
		return TRUE;
	}
	if ((u = units_find(units_size, rest)) == NULL)
		return units_fail(error, text, UNITS_SIZE_FORM);
	return units_scale(x, u->scale, bytes, text, UNITS_SIZE_FORM, error);
}

gboolean
units_parse_size(const char *text, uint64_t *bytes, GError **error)
{
	double	x;

	if (!units_parse_size_real(text, &x, error))
		return FALSE;
	if (x != floor(x))
		return units_fail(error, text, "a whole number of bytes");
	if (x >= 18446744073709551615.0)
		return units_fail(error, text, "a size below 16 EiB");
	*bytes = (uint64_t)x;
	return TRUE;
}

gboolean
units_parse_bandwidth(const char *text, double *bytes_per_s, GError **error)
{
	const struct units_unit	*u;
	const char		*rest;
	double			 x;

	if (!units_split(text, &x, &rest) || x < 0 ||
	    (u = units_find(units_bw, rest)) == NULL)
		return units_fail(error, text, UNITS_BW_FORM);
	return units_scale(x, u->scale, bytes_per_s, text, UNITS_BW_FORM,
	    error);
}

gboolean
units_parse_probability(const char *text, double *p, GError **error)
{
	const char	*rest;
	double		 x;

	if (!units_split(text, &x, &rest))
		return units_fail(error, text,
		    "a probability such as 0.25 or 25%");
	if (*rest == '%' && units_tail_blank(rest + 1))
		x /= 100;
	else if (*rest != '\0')
		return units_fail(error, text,
		    "a probability such as 0.25 or 25%");
	if (x < 0 || x > 1)
		return units_fail(error, text, "a probability from 0 to 1 "
		    "(or 0% to 100%)");
	*p = x;
	return TRUE;
}

gboolean
units_parse_count(const char *text, uint64_t *n, GError **error)
{
	const char	*rest;
	char		*t = g_strstrip(g_strdup(text));
	double		 x;
	guint64		 v;
	gboolean	 digits = *t != '\0';
	const char	*p;

	for (p = t; *p != '\0'; p++)
		digits = digits && g_ascii_isdigit(*p);
	/* Plain digits: exact, up to 2^64 - 1. */
	if (digits) {
		gboolean ok = g_ascii_string_to_unsigned(t, 10, 0, G_MAXUINT64,
		    &v, NULL);

		g_free(t);
		if (!ok)
			return units_fail(error, text,
			    "a whole number below 2^64");
		*n = v;
		return TRUE;
	}
	g_free(t);
	/* Otherwise a float form such as 1e6, which must be whole. */
	if (!units_split(text, &x, &rest) || *rest != '\0' || x < 0 ||
	    x != floor(x) || x >= 9007199254740992.0)
		return units_fail(error, text,
		    "a whole number such as 1000 or 1e6");
	*n = (uint64_t)x;
	return TRUE;
}

gboolean
units_parse_real(const char *text, double *x, GError **error)
{
	const char	*rest;

	if (!units_split(text, x, &rest) || *rest != '\0')
		return units_fail(error, text, "a number such as 1.5");
	return TRUE;
}

static char *
units_format(double x, const struct units_unit *u, size_t n)
{
	size_t	i, best = 0;

	for (i = 0; i < n; i++)
		if (fabs(x) >= u[i].scale)
			best = i;
	return g_strdup_printf("%.4g%s", x / u[best].scale, u[best].name);
}

char *
units_format_time(double ns)
{
	static const struct units_unit t[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }
	};

	return units_format(ns, t, G_N_ELEMENTS(t));
}

char *
units_format_size(double bytes)
{
	static const struct units_unit t[] = {
		{ "B", 1 }, { "KiB", 1024.0 }, { "MiB", 1048576.0 },
		{ "GiB", 1073741824.0 }, { "TiB", 1099511627776.0 }
	};

	return units_format(bytes, t, G_N_ELEMENTS(t));
}

char *
units_format_bandwidth(double bps)
{
	static const struct units_unit t[] = {
		{ "B/s", 1 }, { "kB/s", 1e3 }, { "MB/s", 1e6 }, { "GB/s", 1e9 }
	};

	return units_format(bps, t, G_N_ELEMENTS(t));
}
