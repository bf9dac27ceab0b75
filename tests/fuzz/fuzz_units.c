/* Fuzz the unit parsers: the first byte picks the quantity, the rest is
 * the text.  An accepted value must be in range for its kind and, written
 * back with the formatter, must parse again. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/units.h"
#include "tests/fuzz/fuzz.h"

static void
fuzz_units_one(unsigned kind, const char *t)
{
	GError		*err = NULL;
	uint64_t	 u;
	double		 d;
	char		*f = NULL;
	gboolean	 ok = FALSE;

	switch (kind % 7) {
	case 0:
		if ((ok = units_parse_time(t, &u, &err)))
			f = units_format_time((double)u);
		break;
	case 1:
		if ((ok = units_parse_size(t, &u, &err)))
			f = units_format_size((double)u);
		break;
	case 2:
		if ((ok = units_parse_bandwidth(t, &d, &err))) {
			if (!isfinite(d) || d < 0)
				abort();
			f = units_format_bandwidth(d);
		}
		break;
	case 3:
		if ((ok = units_parse_probability(t, &d, &err)) &&
		    !(d >= 0 && d <= 1))
			abort();
		break;
	case 4:
		ok = units_parse_count(t, &u, &err);
		break;
	case 5:
		if ((ok = units_parse_real(t, &d, &err)) && !isfinite(d))
			abort();
		break;
	default:
		if ((ok = units_parse_time_real(t, &d, &err)) &&
		    !isfinite(d))
			abort();
		break;
	}
	if (!ok) {
		if (err == NULL || *err->message == '\0')
			abort();
		g_error_free(err);
	}
	/* The formatter's text is itself valid input of its kind. */
	if (f != NULL) {
		double	d2;

		if ((kind % 7 == 0 && !units_parse_time_real(f, &d2, NULL)) ||
		    (kind % 7 == 1 && !units_parse_size_real(f, &d2, NULL)) ||
		    (kind % 7 == 2 && !units_parse_bandwidth(f, &d2, NULL)))
			abort();
		g_free(f);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*t;

	if (size == 0)
		return 0;
	t = g_strndup((const char *)data + 1, size - 1);
	fuzz_units_one(data[0], t);
	g_free(t);
	return 0;
}
