/* Fuzz the distribution parser (the first byte picks time, size or no
 * unit) and, through empirical(t.txt), the empirical-table reader: the
 * second half of an input after a NUL byte becomes the table t.txt.
 * Accepted distributions are sampled: every draw must be finite, and not
 * negative for a time or a size; the canonical text must parse back. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/dist.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dist_unit units[] = {
		DIST_UNIT_TIME, DIST_UNIT_SIZE, DIST_UNIT_NONE
	};
	const uint8_t	*nul;
	enum dist_unit	 unit;
	struct dist	*d, *d2;
	struct rng	 r;
	GError		*err = NULL;
	char		*text, *canon;
	int		 k;

	if (size == 0)
		return 0;
	unit = units[data[0] % 3];
	data++;
	size--;
	nul = memchr(data, '\0', size);
	if (nul != NULL)
		fuzz_write("t.txt", nul + 1, size - (size_t)(nul + 1 - data));
	else
		fuzz_write("t.txt", (const uint8_t *)"", 0);
	text = g_strndup((const char *)data, nul ? (size_t)(nul - data) : size);
	d = dist_parse(text, unit, fuzz_scratch(), &err);
	g_free(text);
	if (d == NULL) {
		if (err == NULL || *err->message == '\0')
			abort();
		g_error_free(err);
		return 0;
	}
	rng_init(&r, 7, 0, "fuzz");
	for (k = 0; k < 16; k++) {
		double	x = dist_sample(d, &r);

		if (!isfinite(x) || (x < 0 && unit != DIST_UNIT_NONE))
			abort();
	}
	canon = dist_to_string(d);
	d2 = dist_parse(canon, unit, fuzz_scratch(), NULL);
	if (d2 == NULL)
		abort();
	dist_free(d2);
	g_free(canon);
	dist_free(d);
	return 0;
}
