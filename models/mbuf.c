/* mbufs, clusters and reference-counted external storage
 * (NetBSD sys/kern/uipc_mbuf.c: m_get, m_clget, m_copym, m_free;
 * sys/sys/mbuf.h: MEXTADD, MCLGET). */
#include "models/mbuf.h"

#include "sim/error.h"
#include "sim/slab.h"

struct mbuf_pool {
	const struct machine	*m;
	struct mbuf_stats	 st;
	struct slab		 mbufs;		/* struct mbuf */
	struct slab		 exts;		/* struct mbuf_ext */
	uint64_t		 next_id;
	struct mbuf		*live;		/* newest first */
	struct mbuf		*oldest;
};

struct mbuf_pool *
mbuf_pool_new(const struct machine *m)
{
	struct mbuf_pool	*mp = g_new0(struct mbuf_pool, 1);

	mp->m = m;
	slab_init(&mp->mbufs, sizeof(struct mbuf));
	slab_init(&mp->exts, sizeof(struct mbuf_ext));
	return mp;
}

void
mbuf_pool_free(struct mbuf_pool *mp)
{
	struct mbuf	*m, *next;

	if (mp == NULL)
		return;
	/* Mbufs never freed (a bug mbuf_pool_check reports) go with the
	 * pool, and their storage with its last reference. */
	for (m = mp->live; m != NULL; m = next) {
		next = m->next_live;
		if (m->ext != NULL && --m->ext->refcnt == 0)
			m_ext_destroy(m->ext);
		slab_free(&mp->mbufs, m);
	}
	slab_clear(&mp->mbufs);
	slab_clear(&mp->exts);
	g_free(mp);
}

const struct mbuf_stats *
mbuf_pool_stats(const struct mbuf_pool *mp)
{
	return &mp->st;
}

uint64_t
mbuf_pool_live(const struct mbuf_pool *mp)
{
	return mp->st.mbufs_allocated - mp->st.mbufs_freed;
}

gboolean
mbuf_pool_check(const struct mbuf_pool *mp, GError **error)
{
	const struct mbuf	*m = mp->oldest;

	if (m != NULL) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "mbuf %" G_GUINT64_FORMAT " (%s, bytes %"
		    G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT ") was never freed, "
		    "one of %" G_GUINT64_FORMAT, m->id, m->ext == NULL ?
		    "internal data" : m->ext->type == MBUF_EXT_CLUSTER ?
		    "a cluster" : "pages", m->seq, m->seq + m->len,
		    mbuf_pool_live(mp));
		return FALSE;
	}
	if (mbuf_pool_live(mp) != 0 || mp->st.ext_live != 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL,
		    "%" G_GUINT64_FORMAT " mbufs and %"
		    G_GUINT64_FORMAT " storages counted live, none listed",
		    mbuf_pool_live(mp), mp->st.ext_live);
		return FALSE;
	}
	return TRUE;
}

struct mbuf *
m_get(struct mbuf_pool *mp, struct charge *ch)
{
	struct mbuf	*m = slab_alloc0(&mp->mbufs);

	m->id = ++mp->next_id;
	m->next_live = mp->live;
	if (mp->live != NULL)
		mp->live->prev_live = m;
	else
		mp->oldest = m;
	mp->live = m;
	mp->st.mbufs_allocated++;
	charge_add(ch, CPU_ALLOC, mp->m->mbuf_alloc);
	return m;
}

static struct mbuf_ext *
m_ext_new(struct mbuf_pool *mp, enum mbuf_ext_type type, uint64_t size)
{
	struct mbuf_ext	*ext = slab_alloc0(&mp->exts);

	ext->pool = mp;
	ext->refcnt = 1;
	ext->type = type;
	ext->size = size;
	mp->st.ext_live++;
	return ext;
}

void
m_clget(struct mbuf_pool *mp, struct mbuf *m, uint64_t size,
    struct charge *ch)
{
	g_assert(m->ext == NULL);
	m->ext = m_ext_new(mp, MBUF_EXT_CLUSTER, size);
	mp->st.clusters_allocated++;
	charge_add(ch, CPU_ALLOC, mp->m->cluster_alloc);
}

void
m_extadd_pages(struct mbuf_pool *mp, struct mbuf *m, struct vm_page **pages,
    unsigned npages, uint64_t off, uint64_t len, mbuf_ext_free_fn fn,
    void *arg, void *owner, struct charge *ch)
{
	struct mbuf_ext	*ext;
	unsigned	 i;

	g_assert(m->ext == NULL && npages > 0);
	ext = m_ext_new(mp, MBUF_EXT_PAGES, len);
	ext->npages = npages;
	ext->pages = g_memdup2(pages, npages * sizeof(*pages));
	ext->versions = g_new(uint64_t, npages);
	for (i = 0; i < npages; i++)
		ext->versions[i] = pages[i]->version;
	ext->free_fn = fn;
	ext->free_arg = arg;
	ext->owner = owner;
	m->ext = ext;
	m->off = off;
	m->len = len;
	(void)ch;
}

struct mbuf *
m_copym(struct mbuf_pool *mp, const struct mbuf *m, uint64_t off,
    uint64_t len, struct charge *ch)
{
	struct mbuf	*n;

	g_assert(off + len <= m->len);
	n = m_get(mp, ch);
	n->seq = m->seq + off;
	n->len = len;
	if (m->ext == NULL) {
		/* Internal data is copied (a few hundred bytes at most). */
		machine_charge_copy(mp->m, ch, len, TRUE);
		return n;
	}
	n->ext = m->ext;
	n->off = m->off + off;
	m->ext->refcnt++;
	mp->st.copym_refs++;
	return n;
}

void
m_free(struct mbuf_pool *mp, struct mbuf *m, struct charge *ch)
{
	struct mbuf_ext	*ext = m->ext;

	mp->st.mbufs_freed++;
	charge_add(ch, CPU_ALLOC, mp->m->mbuf_free);
	if (m->prev_live != NULL)
		m->prev_live->next_live = m->next_live;
	else
		mp->live = m->next_live;
	if (m->next_live != NULL)
		m->next_live->prev_live = m->prev_live;
	else
		mp->oldest = m->prev_live;
	slab_free(&mp->mbufs, m);
	if (ext == NULL)
		return;
	g_assert(ext->refcnt > 0);
	if (--ext->refcnt > 0)
		return;
	mp->st.ext_live--;
	if (ext->type == MBUF_EXT_CLUSTER) {
		mp->st.clusters_freed++;
		charge_add(ch, CPU_ALLOC, mp->m->cluster_free);
	} else if (ext->free_fn != NULL) {
		/* The free routine owns the storage from here on (soloanfree
		 * keeps it queued until sopendfree runs). */
		ext->free_fn(ext, ext->free_arg, ch);
		return;
	}
	m_ext_destroy(ext);
}

void
m_ext_destroy(struct mbuf_ext *ext)
{
	g_free(ext->pages);
	g_free(ext->versions);
	slab_free(&ext->pool->exts, ext);
}

unsigned
m_verify(const struct mbuf *m, uint64_t off, uint64_t len, uint64_t page_size)
{
	uint64_t	 first, last, i;
	unsigned	 bad = 0;

	if (m->ext == NULL || m->ext->type != MBUF_EXT_PAGES || len == 0)
		return 0;	/* copied bytes cannot change under us */
	first = (m->off + off) / page_size;
	last = (m->off + off + len - 1) / page_size;
	g_assert(last < m->ext->npages);
	for (i = first; i <= last; i++)
		if (m->ext->pages[i]->version != m->ext->versions[i])
			bad++;
	return bad;
}
