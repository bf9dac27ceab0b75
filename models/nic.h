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
 *   page-aligned  the DMA start offset is chosen so that the payload
 *                 starts on a page boundary (headers at the end of the
 *                 previous buffer)
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

/* What becoming of one read of 'size' bytes, starting at stream offset
 * 'start', into a user buffer at 'offset' bytes into its first page. */
struct nic_plan {
	uint64_t	copied;		/* bytes copied to the user (copy, and
					   the partial pages of flip) */
	uint64_t	coalesced;	/* bytes copied into fresh pages */
	uint64_t	direct_flips;	/* pages flipped as they lay */
	uint64_t	coalesced_flips;
	uint64_t	fragments;	/* buffer pieces the coalescing joined */
};

gboolean	 nic_layout_parse(const char *, enum nic_layout *);
uint64_t	 nic_payload(const struct nic_rx *);	/* bytes per frame */
/* Receive buffers one frame uses. */
uint64_t	 nic_buffers_per_frame(const struct nic_rx *);
/* Is the stream page [x, x + page) one whole receive page at its offset
 * 0, so that it can be flipped as it lies? */
gboolean	 nic_page_direct(const struct nic_rx *, uint64_t x);
/* Receive buffers the stream bytes [x, x + len) lie in. */
uint64_t	 nic_pieces(const struct nic_rx *, uint64_t x, uint64_t len);
/* The plan of one read: flip = FALSE copies everything. */
void		 nic_plan_read(const struct nic_rx *, uint64_t start,
		    uint64_t size, uint64_t offset, gboolean flip,
		    struct nic_plan *);

#endif
