/* Fuzz the scenario reader: any bytes as a scenario file (which may
 * include the machine profiles), then everything the study layer does
 * with a file that was accepted before it runs a model: the sweep, each
 * point applied to a copy, every distribution parsed and sampled.  Bad
 * input must come back as a GError, never a crash, a hang or a leak. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>

#include "models/model.h"
#include "sim/dist.h"
#include "sim/params.h"
#include "sim/sweep.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_MAX_POINTS	64	/* points applied per input */

static void
fuzz_dists(const struct params *p)
{
	size_t			 n, i;
	const struct param_def	*defs = model_registry(&n);
	struct rng		 r;

	rng_init(&r, 1, 0, "fuzz");
	for (i = 0; i < n; i++) {
		struct dist	*d;
		int		 k;

		if (defs[i].type != PARAM_DIST_TIME &&
		    defs[i].type != PARAM_DIST_SIZE)
			continue;
		/* A value accepted at load time must parse again. */
		d = params_dist(p, defs[i].name);
		if (d == NULL)
			abort();
		for (k = 0; k < 8; k++)
			if (!(dist_sample(d, &r) >= 0))
				abort();
		dist_free(d);
	}
}

static void
fuzz_sweep(const struct params *p)
{
	struct sweep	*s = sweep_new(p, NULL);
	size_t		 pt;

	if (s == NULL)
		return;
	for (pt = 0; pt < sweep_points(s) && pt < FUZZ_MAX_POINTS; pt++) {
		struct params	*q = params_copy(p);

		if (sweep_apply(s, pt, q, NULL))
			fuzz_dists(q);
		params_free(q);
	}
	sweep_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct params	*p = model_params_new();
	GError		*err = NULL;

	if (params_load_file(p, fuzz_write("s.ini", data, size), &err)) {
		fuzz_dists(p);
		fuzz_sweep(p);
	} else {
		/* Every refusal says why. */
		if (err == NULL || err->message == NULL || *err->message == 0)
			abort();
		g_error_free(err);
	}
	params_free(p);
	return 0;
}
