/* Quantities with units, as written in scenario files and on the command
 * line: time (ns us ms s), size (B KiB MiB GiB TiB, and decimal kB MB GB),
 * bandwidth (B/s kB/s MB/s GB/s KiB/s MiB/s GiB/s bit/s kbit/s Mbit/s
 * Gbit/s), probability (0.25 or 25%), counts (plain integers, 1e6 allowed
 * when exact).  A bare number is accepted only where it is unambiguous:
 * 0 for a time, bytes for a size.  Parsers never print; a bad value gives
 * a GError (LOANSIM_ERROR_INPUT) whose message names the value and the
 * expected form, for the caller to prefix with file, group and key. */
#ifndef LOANSIM_UNITS_H
#define LOANSIM_UNITS_H

#include <glib.h>
#include <stdint.h>

gboolean units_parse_time(const char *text, uint64_t *ns, GError **error);
gboolean units_parse_size(const char *text, uint64_t *bytes, GError **error);
gboolean units_parse_bandwidth(const char *text, double *bytes_per_s,
	    GError **error);
gboolean units_parse_probability(const char *text, double *p, GError **error);
gboolean units_parse_count(const char *text, uint64_t *n, GError **error);
gboolean units_parse_real(const char *text, double *x, GError **error);

/* Time and size as doubles (the dist parser needs fractions: "1.5us"). */
gboolean units_parse_time_real(const char *text, double *ns, GError **error);
gboolean units_parse_size_real(const char *text, double *bytes,
	    GError **error);

/* A time or size computed in doubles, x >= 0, rounded to the nearest
 * integer, halves away from zero: (uint64_t)llround(x) exactly, inline
 * and without libm's general case (3% of a socket study's
 * instructions).  The truncation is exact, and so is x minus it.  From
 * 2^63 on (and for NaN) 2^63, as llround's overflow gives on x86-64:
 * a time past any horizon. */
static inline uint64_t
units_round(double x)
{
	int64_t	t;

	if (G_UNLIKELY(!(x < 0x1p63)))
		return (uint64_t)1 << 63;
	g_assert(x >= 0);
	t = (int64_t)x;
	return (uint64_t)t + (x - (double)t >= 0.5);
}

/* Human-readable forms, newly allocated: "1.5us", "16KiB", "1.25GB/s". */
char	*units_format_time(double ns);
char	*units_format_size(double bytes);
char	*units_format_bandwidth(double bytes_per_s);

#endif
