/* The receive socket buffer (so_rcv) as soreceive() works on it: the
 * NIC's receive buffers in stream order, each stamped with the stream
 * bytes its frame carried (models/nic.c); a read carried out move by move
 * (uiomove, coalescing into a fresh page, handing a receive page over),
 * which carries the stamps into records of what each page of the
 * process's buffer holds; and the process's own check of those records
 * against what the read's arithmetic says each page must hold.  The check
 * never looks at the plan: a flip of a page that is not whole in one
 * receive buffer hands over a page holding other bytes, and shows. */
#ifndef LOANSIM_SOCKBUF_H
#define LOANSIM_SOCKBUF_H

#include <glib.h>
#include <stdint.h>
#include "models/nic.h"

/* What one page of the process's buffer holds after a read: the stream
 * bytes [stream, stream + to - from) at page offsets [from, to). */
struct sockbuf_page {
	uint64_t	from;
	uint64_t	to;
	uint64_t	stream;
	gboolean	filled;
	gboolean	bad;		/* pieces that do not follow on */
};

/* What a read released. */
struct sockbuf_done {
	uint64_t	bufs_freed;	/* receive buffers read to their end,
					   not handed over */
	uint64_t	frames_freed;	/* frames whose last buffer went: their
					   header mbufs */
};

struct sockbuf;

/* A receive buffer for a process reading 'size' bytes at a time into a
 * buffer 'offset' bytes into its first page. */
struct sockbuf	*sockbuf_new(const struct nic_rx *, uint64_t offset,
		    uint64_t size);
void		 sockbuf_free(struct sockbuf *);
/* sbappend() of one frame's payload bytes [stream, stream + len), in the
 * receive buffers the NIC put them in. */
void		 sockbuf_append(struct sockbuf *, uint64_t stream,
		    uint64_t len);
uint64_t	 sockbuf_cc(const struct sockbuf *);	/* bytes held */
/* soreceive(): carry out the plan of one read from the head of the
 * buffer, filling the page records. */
void		 sockbuf_read(struct sockbuf *, const struct nic_plan *,
		    struct sockbuf_done *);
const struct sockbuf_page *sockbuf_page(const struct sockbuf *, unsigned);
/* The process's check of a read that started at stream offset 'start':
 * the pages that do not hold exactly the bytes that belong there. */
uint64_t	 sockbuf_check(const struct sockbuf *, uint64_t start);

#endif
