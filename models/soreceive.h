/* The receive path of a TCP socket fed by a NIC, and a process reading
 * from it: soreceive() by copying, or by flipping pages (mechanism M5). */
#ifndef LOANSIM_SORECEIVE_H
#define LOANSIM_SORECEIVE_H

#include <glib.h>
#include "sim/params.h"
#include "models/model.h"

gboolean	 soreceive_run(const struct params *, const char *strategy,
		    uint64_t seed, uint32_t replication,
		    struct model_result *, GError **);

#endif
