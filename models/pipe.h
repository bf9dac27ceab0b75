/* A pipe between a writer and a reader process (mechanism M8), after
 * NetBSD and FreeBSD sys/kern/sys_pipe.c: copy through the kernel
 * buffer, direct write by loaning the writer's pages, page exchange, and
 * gifts; the writer rotating among N buffers. */
#ifndef LOANSIM_PIPE_H
#define LOANSIM_PIPE_H

#include <glib.h>
#include "sim/params.h"
#include "models/model.h"

gboolean	 pipe_run(const struct params *, const char *strategy,
		    uint64_t seed, uint32_t replication,
		    struct model_result *, GError **);
gboolean	 pipe_strategy_valid(const char *strategy, GError **);

#endif
