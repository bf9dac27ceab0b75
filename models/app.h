/* The user process of a socket-send workload: it fills a buffer (charged),
 * write()s it, and then, as the workload says, rewrites part of it after a
 * delay, waits for the kernel to give it back before reuse (asynchronous
 * I/O), or sends pages of a mapped file it never writes (sendfile).  Its
 * threads run on CPUs 0, 1, ... and share one address space. */
#ifndef LOANSIM_APP_H
#define LOANSIM_APP_H

#include <glib.h>
#include "sim/dist.h"
#include "sim/params.h"
#include "models/kernel.h"
#include "models/socket.h"

enum app_reuse {
	APP_OVERWRITE,	/* reuse the buffer whenever the program likes */
	APP_ASYNC,	/* wait until the kernel has released it */
	APP_SENDFILE	/* pages of a mapped file, never written */
};

struct app_config {
	enum app_reuse	 reuse;
	uint64_t	 size;		/* of each buffer: the largest write */
	struct dist	*size_dist;	/* each write's size, or NULL: size */
	uint64_t	 offset;	/* of the buffer in its first page */
	uint64_t	 messages;	/* per thread */
	unsigned	 buffers;	/* per thread, used in turn */
	unsigned	 threads;
	gboolean	 fill;
	double		 rewrite_probability;
	double		 rewrite_fraction;
	struct dist	*rewrite_delay;
	struct dist	*gap;
	uint64_t	 file_size;
};

struct app;

gboolean	 app_config_init(struct app_config *, const struct params *,
		    GError **);
void		 app_config_clear(struct app_config *);

struct app	*app_new(struct kernel *, const struct app_config *,
		    const struct so_config *, uint64_t seed,
		    uint32_t replication);
void		 app_start(struct app *);
/* Every thread has sent every message and every socket is idle. */
gboolean	 app_done(const struct app *);
void		 app_free(struct app *);

/* The handlers of its events, by name (model_event_name). */
extern const struct kernel_event_name app_event_names[];
extern const size_t app_event_name_count;

#endif
