/* The receive socket buffer and the process's check of what a read
 * gave it (mechanism M5; the chain is NetBSD's so_rcv mbuf chain walked
 * by soreceive() in sys/kern/uipc_socket.c, one uiomove() per mbuf). */
#include "models/sockbuf.h"

#include <string.h>

struct sockbuf {
	struct nic_rx		 nic;
	uint64_t		 offset;	/* the process's buffer */
	uint64_t		 size;
	unsigned		 npages;
	struct sockbuf_page	*pages;
	GArray			*bufs;		/* struct nic_buf, in order */
	GArray			*handed;	/* gboolean, beside bufs */
	unsigned		 head;		/* first buffer not read */
	uint64_t		 pos;		/* bytes of it read */
	uint64_t		 cc;		/* bytes held, unread */
};

struct sockbuf *
sockbuf_new(const struct nic_rx *n, uint64_t offset, uint64_t size)
{
	struct sockbuf	*sb = g_new0(struct sockbuf, 1);

	g_assert(offset < n->page_size && size > 0);
	sb->nic = *n;
	sb->offset = offset;
	sb->size = size;
	sb->npages = (unsigned)((offset + size + n->page_size - 1) /
	    n->page_size);
	sb->pages = g_new0(struct sockbuf_page, sb->npages);
	sb->bufs = g_array_new(FALSE, FALSE, sizeof(struct nic_buf));
	sb->handed = g_array_new(FALSE, TRUE, sizeof(gboolean));
	return sb;
}

void
sockbuf_free(struct sockbuf *sb)
{
	if (sb == NULL)
		return;
	g_array_free(sb->bufs, TRUE);
	g_array_free(sb->handed, TRUE);
	g_free(sb->pages);
	g_free(sb);
}

void
sockbuf_append(struct sockbuf *sb, uint64_t stream, uint64_t len)
{
	/* Drop what earlier reads finished with before the array grows. */
	if (sb->head > 0 && sb->head >= sb->bufs->len / 2) {
		g_array_remove_range(sb->bufs, 0, sb->head);
		g_array_remove_range(sb->handed, 0, sb->head);
		sb->head = 0;
	}
	nic_dma(&sb->nic, stream, len, sb->bufs);
	g_array_set_size(sb->handed, sb->bufs->len);
	sb->cc += len;
}

uint64_t
sockbuf_cc(const struct sockbuf *sb)
{
	return sb->cc;
}

const struct sockbuf_page *
sockbuf_page(const struct sockbuf *sb, unsigned i)
{
	g_assert(i < sb->npages);
	return &sb->pages[i];
}

static struct nic_buf *
sockbuf_head(struct sockbuf *sb)
{
	g_assert(sb->head < sb->bufs->len);
	return &g_array_index(sb->bufs, struct nic_buf, sb->head);
}

/* Move the read position on by len bytes, releasing each buffer read to
 * its end: freed, unless its page was handed over. */
static void
sockbuf_advance(struct sockbuf *sb, uint64_t len, struct sockbuf_done *d)
{
	g_assert(len <= sb->cc);
	sb->cc -= len;
	while (len > 0) {
		struct nic_buf	*b = sockbuf_head(sb);
		uint64_t	 take = MIN(len, b->len - sb->pos);

		sb->pos += take;
		len -= take;
		if (sb->pos < b->len)
			break;
		if (!g_array_index(sb->handed, gboolean, sb->head))
			d->bufs_freed++;
		if (b->last)
			d->frames_freed++;
		sb->head++;
		sb->pos = 0;
	}
}

/* Bytes [from, from + len) of page pg now hold stream bytes from
 * 'stream' on: they must follow what the page already got. */
static void
sockbuf_fill(struct sockbuf_page *p, uint64_t from, uint64_t len,
    uint64_t stream)
{
	if (!p->filled) {
		p->filled = TRUE;
		p->from = from;
		p->to = from + len;
		p->stream = stream;
	} else if (from == p->to && stream == p->stream + (p->to - p->from))
		p->to += len;
	else
		p->bad = TRUE;
}

/* Copy len bytes from the read position to the process's buffer at
 * byte 'at' of it (page offsets count from its first page). */
static void
sockbuf_copy(struct sockbuf *sb, uint64_t at, uint64_t len,
    struct sockbuf_done *d)
{
	uint64_t	ps = sb->nic.page_size;
	struct nic_buf	*b = sockbuf_head(sb);
	uint64_t	stream = b->stream + sb->pos;

	/* One copy call per receive buffer piece (uiomove per mbuf). */
	g_assert(len <= b->len - sb->pos);
	while (len > 0) {
		uint64_t pg = at / ps, po = at % ps, n = MIN(len, ps - po);

		g_assert(pg < sb->npages);
		sockbuf_fill(&sb->pages[pg], po, n, stream);
		at += n;
		stream += n;
		len -= n;
		sockbuf_advance(sb, n, d);
	}
}

void
sockbuf_read(struct sockbuf *sb, const struct nic_plan *pl,
    struct sockbuf_done *d)
{
	uint64_t	ps = sb->nic.page_size, at = sb->offset;
	unsigned	i;

	memset(d, 0, sizeof(*d));
	memset(sb->pages, 0, sb->npages * sizeof(*sb->pages));
	for (i = 0; i < pl->moves->len; i++) {
		const struct nic_move *mv = &g_array_index(pl->moves,
		    struct nic_move, i);
		struct nic_buf *b = sockbuf_head(sb);

		/* The plan and the chain agree on where the read is. */
		g_assert(mv->stream == b->stream + sb->pos);
		switch (mv->kind) {
		case NIC_COALESCE:
			/* Into the fresh page that becomes user page
			 * mv->page. */
			g_assert(at / ps == mv->page);
			/* FALLTHROUGH */
		case NIC_COPY:
			sockbuf_copy(sb, at, mv->len, d);
			break;
		case NIC_FLIP:
			/* The receive page itself becomes user page
			 * mv->page, with whatever the NIC put in it. */
			g_assert(at % ps == 0 && at / ps == mv->page);
			g_array_index(sb->handed, gboolean, sb->head) = TRUE;
			sb->pages[mv->page].filled = TRUE;
			sb->pages[mv->page].from = b->off;
			sb->pages[mv->page].to = b->off + b->len;
			sb->pages[mv->page].stream = b->stream;
			sockbuf_advance(sb, mv->len, d);
			break;
		}
		at += mv->len;
	}
	g_assert(at == sb->offset + sb->size);
}

uint64_t
sockbuf_check(const struct sockbuf *sb, uint64_t start)
{
	uint64_t	ps = sb->nic.page_size, bad = 0;
	unsigned	pg;

	/* Page pg of the buffer holds buffer bytes [pg ps, (pg + 1) ps);
	 * of those, [offset, offset + size) received stream bytes from
	 * 'start' on, in order. */
	for (pg = 0; pg < sb->npages; pg++) {
		const struct sockbuf_page *p = &sb->pages[pg];
		uint64_t lo = MAX(sb->offset, pg * ps);
		uint64_t hi = MIN(sb->offset + sb->size, (pg + 1) * ps);

		if (!p->filled || p->bad || p->from != lo - pg * ps ||
		    p->to != hi - pg * ps || p->stream != start + lo -
		    sb->offset)
			bad++;
	}
	return bad;
}
