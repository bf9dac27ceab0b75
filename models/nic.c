/* Receive buffer layouts and the arithmetic of coalescing (mechanism M5;
 * FreeBSD's zero_copy(9): page flipping "needs MTU above the page size
 * and payloads that are whole page-aligned pages, i.e. NIC header
 * splitting"; Linux commit 93ab6cc69162: "only full pages can be
 * mapped", MTU 4168 = 4096 of payload plus headers). */
#include "models/nic.h"

#include <string.h>

static const char *nic_layout_names[] = {
	"cluster", "page", "page-aligned", "header-split"
};

gboolean
nic_layout_parse(const char *s, enum nic_layout *out)
{
	unsigned	i;

	for (i = 0; i < G_N_ELEMENTS(nic_layout_names); i++)
		if (strcmp(s, nic_layout_names[i]) == 0) {
			*out = (enum nic_layout)i;
			return TRUE;
		}
	return FALSE;
}

uint64_t
nic_payload(const struct nic_rx *n)
{
	g_assert(n->mtu > n->header_bytes);
	return n->mtu - n->header_bytes;
}

/* Bytes of a frame's buffers before its payload starts. */
static uint64_t
nic_lead(const struct nic_rx *n)
{
	switch (n->layout) {
	case NIC_CLUSTER:
	case NIC_PAGE:
		return n->link_header + n->header_bytes;
	default:
		return 0;	/* aligned or split: payload first */
	}
}

static uint64_t
nic_buffer_size(const struct nic_rx *n)
{
	return n->layout == NIC_CLUSTER ? n->cluster_size : n->page_size;
}

uint64_t
nic_buffers_per_frame(const struct nic_rx *n)
{
	uint64_t	b = nic_buffer_size(n);

	return (nic_lead(n) + nic_payload(n) + b - 1) / b;
}

/* Buffer index (within its frame) of payload byte j of a frame. */
static uint64_t
nic_buffer_of(const struct nic_rx *n, uint64_t j)
{
	return (nic_lead(n) + j) / nic_buffer_size(n);
}

gboolean
nic_page_direct(const struct nic_rx *n, uint64_t x)
{
	uint64_t	p = nic_payload(n), j = x % p;

	/* Only page-sized buffers whose payload starts at a page boundary
	 * can hold a page of the stream at their offset 0, and only when
	 * the whole page belongs to one frame. */
	if (n->layout != NIC_PAGE_ALIGNED && n->layout != NIC_HEADER_SPLIT)
		return FALSE;
	return j % n->page_size == 0 && j + n->page_size <= p;
}

uint64_t
nic_pieces(const struct nic_rx *n, uint64_t x, uint64_t len)
{
	uint64_t	p = nic_payload(n), pieces = 0, end = x + len;

	while (x < end) {
		uint64_t f = x / p, j = x - f * p;
		uint64_t fend = MIN(end, (f + 1) * p);

		/* Within a frame, the buffers from j's to the last byte's. */
		pieces += nic_buffer_of(n, fend - 1 - f * p) -
		    nic_buffer_of(n, j) + 1;
		x = fend;
	}
	return pieces;
}

void
nic_plan_read(const struct nic_rx *n, uint64_t start, uint64_t size,
    uint64_t offset, gboolean flip, struct nic_plan *pl)
{
	uint64_t	ps = n->page_size;
	uint64_t	first, last, pg;

	memset(pl, 0, sizeof(*pl));
	if (!flip) {
		pl->copied = size;
		return;
	}
	/* User pages wholly inside [offset, offset + size): flipped;
	 * partial head and tail pages: copied. */
	first = (offset + ps - 1) / ps;
	last = (offset + size) / ps;	/* exclusive */
	if (last <= first) {
		pl->copied = size;
		return;
	}
	pl->copied = size - (last - first) * ps;
	for (pg = first; pg < last; pg++) {
		uint64_t x = start + pg * ps - offset;

		if (nic_page_direct(n, x))
			pl->direct_flips++;
		else {
			pl->coalesced_flips++;
			pl->coalesced += ps;
			pl->fragments += nic_pieces(n, x, ps);
		}
	}
}
