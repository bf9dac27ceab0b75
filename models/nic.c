/* Receive buffer layouts, the DMA of payloads into them, and the
 * arithmetic of coalescing (mechanism M5; FreeBSD's zero_copy(9): page
 * flipping needs "an MTU greater than the architecture page size" and
 * payloads "at least a page in size and page aligned", i.e. header
 * splitting; Linux commit 93ab6cc69162: only full pages can be mapped,
 * MTU 4168 = 4096 of payload plus headers). */
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

/* Bytes of a frame's payload buffers before its payload starts. */
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
nic_header_buffers(const struct nic_rx *n)
{
	/* Page-aligned: the headers fill the end of a page of the ring,
	 * posted at page - headers, and the payload starts in the next
	 * buffer; a NIC never starts a frame in a buffer that holds
	 * another, so that page carries nothing else (the "first buffer
	 * in a set ... 66 bytes long" of zero_copy(9), from a ring of
	 * pages).  Otherwise only a header longer than a buffer fills
	 * buffers of its own. */
	if (n->layout == NIC_PAGE_ALIGNED)
		return 1;
	return nic_lead(n) / nic_buffer_size(n);
}

uint64_t
nic_buffers_per_frame(const struct nic_rx *n)
{
	uint64_t	b = nic_buffer_size(n);

	return (nic_lead(n) + nic_payload(n) + b - 1) / b +
	    (n->layout == NIC_PAGE_ALIGNED ? 1 : 0);
}

void
nic_dma(const struct nic_rx *n, uint64_t stream, uint64_t len, GArray *bufs)
{
	uint64_t	b = nic_buffer_size(n), lead = nic_lead(n), i;

	g_assert(stream % nic_payload(n) == 0 && len <= nic_payload(n));
	/* Frame byte lead + j holds payload byte j; buffer i holds frame
	 * bytes [i b, (i + 1) b). */
	for (i = 0; i * b < lead + len; i++) {
		uint64_t lo = MAX(i * b, lead), hi = MIN((i + 1) * b,
		    lead + len);
		struct nic_buf nb;

		if (lo >= hi)
			continue;	/* headers only */
		nb.stream = stream + lo - lead;
		nb.off = lo - i * b;
		nb.len = hi - lo;
		nb.last = hi == lead + len;
		g_array_append_val(bufs, nb);
	}
}

/* The stream offset at which the receive buffer holding byte x ends. */
static uint64_t
nic_buffer_end(const struct nic_rx *n, uint64_t x)
{
	uint64_t	p = nic_payload(n), b = nic_buffer_size(n);
	uint64_t	f = x / p, j = x - f * p;
	uint64_t	i = (nic_lead(n) + j) / b;

	return f * p + MIN(p, (i + 1) * b - nic_lead(n));
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
	uint64_t	pieces = 0, end = x + len;

	for (; x < end; x = MIN(end, nic_buffer_end(n, x)))
		pieces++;
	return pieces;
}

void
nic_plan_init(struct nic_plan *pl)
{
	memset(pl, 0, sizeof(*pl));
	pl->moves = g_array_new(FALSE, FALSE, sizeof(struct nic_move));
}

void
nic_plan_clear(struct nic_plan *pl)
{
	g_array_free(pl->moves, TRUE);
	pl->moves = NULL;
}

static void
nic_plan_add(struct nic_plan *pl, enum nic_move_kind kind, uint64_t x,
    uint64_t len, uint64_t page)
{
	struct nic_move	mv = { kind, x, len, page };

	g_array_append_val(pl->moves, mv);
}

/* Copy stream bytes [x, x + len) piece by piece, each receive buffer
 * piece one copy call (uiomove walks the mbuf chain, m_copydata too). */
static void
nic_plan_pieces(const struct nic_rx *n, struct nic_plan *pl,
    enum nic_move_kind kind, uint64_t x, uint64_t len, uint64_t page)
{
	uint64_t	end = x + len, e;

	for (; x < end; x = e) {
		e = MIN(end, nic_buffer_end(n, x));
		nic_plan_add(pl, kind, x, e - x, page);
		if (kind == NIC_COPY) {
			pl->copied += e - x;
			pl->copy_calls++;
		} else {
			pl->coalesced += e - x;
			pl->fragments++;
		}
	}
}

void
nic_plan_read(const struct nic_rx *n, uint64_t start, uint64_t size,
    uint64_t offset, gboolean flip, struct nic_plan *pl)
{
	uint64_t	ps = n->page_size;
	uint64_t	first, last, pg, head;
	GArray		*moves = pl->moves;

	memset(pl, 0, sizeof(*pl));
	pl->moves = moves;
	g_array_set_size(pl->moves, 0);
	/* User pages wholly inside [offset, offset + size) are flipped;
	 * partial head and tail pages are copied. */
	first = (offset + ps - 1) / ps;
	last = (offset + size) / ps;	/* exclusive */
	if (!flip || last <= first) {
		nic_plan_pieces(n, pl, NIC_COPY, start, size, 0);
		return;
	}
	head = first * ps - offset;
	nic_plan_pieces(n, pl, NIC_COPY, start, head, 0);
	for (pg = first; pg < last; pg++) {
		uint64_t x = start + pg * ps - offset;

		if (nic_page_direct(n, x)) {
			nic_plan_add(pl, NIC_FLIP, x, ps, pg);
			pl->direct_flips++;
		} else {
			nic_plan_pieces(n, pl, NIC_COALESCE, x, ps, pg);
			pl->coalesced_flips++;
		}
	}
	nic_plan_pieces(n, pl, NIC_COPY, start + last * ps - offset,
	    offset + size - last * ps, 0);
}
