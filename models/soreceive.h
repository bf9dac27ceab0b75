/* The receive path of a TCP socket fed by a NIC, and a process reading
 * from it: soreceive() by copying, or by flipping pages (mechanism M5). */
#ifndef LOANSIM_SORECEIVE_H
#define LOANSIM_SORECEIVE_H

#include <glib.h>
#include "sim/params.h"
#include "models/kernel.h"
#include "models/model.h"

gboolean	 soreceive_run(const struct params *, const char *strategy,
		    uint64_t seed, uint32_t replication,
		    const struct model_fault *, struct model_result *,
		    GError **);
/* A fault for tests of the invariant checks (struct model_fault): the
 * sender takes the window to be twice the receive buffer. */
void		 soreceive_test_window(struct kernel *, void *arg);
/* The handlers of its events, by name (model_event_name). */
extern const struct kernel_event_name rx_event_names[];
extern const size_t rx_event_name_count;

#endif
