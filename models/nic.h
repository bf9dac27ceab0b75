/* The receive side of a NIC: frames of an MTU arrive at link rate and
 * their payloads are DMA'd into receive buffers of a given layout; an
 * interrupt comes after a number of frames or a timer (moderation).
 *
 * The layout decides where each payload byte of the TCP stream lands,
 * and so how much of a page-aligned read can be flipped as it is, how
 * much must first be coalesced into a fresh page by copying, and how much
 * must be copied:
 *   cluster       each frame into 2 KiB clusters (a chain for jumbos)
 *   page          each frame into page-sized buffers from offset 0: the
 *                 payload starts after the headers, never page-aligned
 *   page-aligned  the frame's first buffer is posted at the offset that
 *                 leaves just the headers at the end of a page, so that
 *                 the payload starts on a page boundary in the next
 *                 ones; that first page holds nothing else
 *   header-split  headers into a small mbuf, the payload into pages from
 *                 their first byte */
#ifndef LOANSIM_NIC_H
#define LOANSIM_NIC_H

#include <glib.h>
#include <stdint.h>

enum nic_layout {
	NIC_CLUSTER,
	NIC_PAGE,
	NIC_PAGE_ALIGNED,
	NIC_HEADER_SPLIT
};

struct nic_rx {
	enum nic_layout	layout;
	uint64_t	mtu;
	uint64_t	header_bytes;	/* IP + TCP headers in the MTU */
	uint64_t	link_header;	/* Ethernet header, not in the MTU */
	uint64_t	page_size;
	uint64_t	cluster_size;
};

/* One receive buffer as the NIC's DMA left it, stamped with what it
 * holds: the stream bytes [stream, stream + len) (the sequence numbers
 * its frame carried) at buffer offsets [off, off + len).  The rest of
 * the buffer holds headers or nothing. */
struct nic_buf {
	uint64_t	stream;
	uint64_t	off;
	uint64_t	len;
	gboolean	last;		/* its frame's last buffer */
};

/* What a read does with a range of stream bytes. */
enum nic_move_kind {
	NIC_COPY,	/* uiomove to the user buffer */
	NIC_COALESCE,	/* copied into the fresh page for user page 'page' */
	NIC_FLIP	/* the receive page handed over as user page 'page' */
};

struct nic_move {
	enum nic_move_kind	kind;
	uint64_t		stream;	/* first stream byte */
	uint64_t		len;
	uint64_t		page;	/* user page (coalesce, flip) */
};

/* What becomes of one read of 'size' bytes, starting at stream offset
 * 'start', into a user buffer at 'offset' bytes into its first page: the
 * moves in stream order (one copy move per receive buffer piece), and
 * their totals. */
struct nic_plan {
	GArray		*moves;		/* struct nic_move */
	uint64_t	 copied;	/* bytes copied to the user (copy, and
					   the partial pages of flip) */
	uint64_t	 copy_calls;
	uint64_t	 coalesced;	/* bytes copied into fresh pages */
	uint64_t	 direct_flips;	/* pages flipped as they lay */
	uint64_t	 coalesced_flips;
	uint64_t	 fragments;	/* buffer pieces the coalescing joined */
};

gboolean	 nic_layout_parse(const char *, enum nic_layout *);
uint64_t	 nic_payload(const struct nic_rx *);	/* bytes per frame */
/* Receive buffers one frame uses, its headers' own page included. */
uint64_t	 nic_buffers_per_frame(const struct nic_rx *);
/* Of those, buffers holding only headers (page-aligned: one), freed
 * once tcp_input has stripped the headers. */
uint64_t	 nic_header_buffers(const struct nic_rx *);
/* The DMA of frame payload bytes [stream, stream + len) (a frame
 * starts at a multiple of the payload): appends the buffers they land
 * in, stamped, to 'bufs' (struct nic_buf). */
void		 nic_dma(const struct nic_rx *, uint64_t stream, uint64_t len,
		    GArray *bufs);
/* Is the stream page [x, x + page) one whole receive page at its offset
 * 0, so that it can be flipped as it lies? */
gboolean	 nic_page_direct(const struct nic_rx *, uint64_t x);
/* Receive buffers the stream bytes [x, x + len) lie in. */
uint64_t	 nic_pieces(const struct nic_rx *, uint64_t x, uint64_t len);
void		 nic_plan_init(struct nic_plan *);
void		 nic_plan_clear(struct nic_plan *);
/* The plan of one read: flip = FALSE copies everything. */
void		 nic_plan_read(const struct nic_rx *, uint64_t start,
		    uint64_t size, uint64_t offset, gboolean flip,
		    struct nic_plan *);

#endif
