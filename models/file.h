/* File I/O through the page cache (mechanisms M6 and M7): read() by
 * copying or by page exchange (the buffer's pages become copy-on-write
 * loans of the page-cache pages, UVM's object-to-anon loan), write() by
 * copying or by donation (the buffer's pages move into the page cache and
 * the process gets a replacement page: zeroed at once, the shared zero
 * page mapped copy-on-write, or a stale page of its own), and stdio
 * buffers on top of either. */
#ifndef LOANSIM_FILE_H
#define LOANSIM_FILE_H

#include <glib.h>
#include "sim/params.h"
#include "models/kernel.h"
#include "models/model.h"

gboolean	 file_run(const struct params *, const char *strategy,
		    uint64_t seed, uint32_t replication,
		    const struct model_fault *, struct model_result *,
		    GError **);
gboolean	 file_strategy_valid(const char *kind, const char *strategy,
		    GError **);

/* The handlers of its events, by name (model_event_name). */
extern const struct kernel_event_name file_event_names[];
extern const size_t file_event_name_count;

#endif
