/* What a run will need, estimated from its parameters before it is
 * built: the memory of its pages, mbufs and tables, and its events.  A
 * run that would need more than scenario.max_memory is refused with a
 * message saying how much and which parameters take it, rather than
 * killed by the system once it has taken the machine's memory (a 1 TiB
 * file is 2^28 pages); the study adds up the events of its runs to
 * refuse a study of absurd length before it starts. */
#ifndef LOANSIM_ESTIMATE_H
#define LOANSIM_ESTIMATE_H

#include <glib.h>
#include "sim/params.h"

/* The values of a run's parameters: from its params, or from a sweep
 * point without building its params.  number() is in base units (bytes,
 * ns, bytes/s; true is 1); text() for the kinds and layouts. */
struct model_values {
	double		 (*number)(void *ctx, const char *name);
	const char	*(*text)(void *ctx, const char *name);
	void		 *ctx;
};

struct model_estimate {
	double		 bytes;		/* memory, upper bound */
	double		 pages;		/* of it, simulated pages */
	double		 events;	/* about */
	double		 max_events;	/* scenario.max_events */
	const char	*driver;	/* the parameters that take the memory */
};

void		 model_estimate(const struct model_values *,
		    struct model_estimate *);
void		 model_estimate_params(const struct params *,
		    struct model_estimate *);
/* The values of p. */
double		 model_values_number(void *params, const char *name);
const char	*model_values_text(void *params, const char *name);
/* Whether a run with estimate est fits in max_memory bytes, and in half
 * of the address space the process may take (ulimit -v), and could
 * finish within scenario.max_events; if not, a LOANSIM_ERROR_LIMIT saying
 * what it would need, the parameters that take it, and the bound. */
gboolean	 model_estimate_check(const struct model_estimate *,
		    uint64_t max_memory, GError **);
/* Bytes of one simulated page's state (struct vm_page, as the slab
 * holds it). */
size_t		 model_page_bytes(void);

#endif
