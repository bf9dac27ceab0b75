/* mbufs with internal data, 2 KiB clusters and external storage with a
 * shared reference count and a free routine, after NetBSD sys/sys/mbuf.h
 * and sys/kern/uipc_mbuf.c.  m_copym() of external storage takes a
 * reference instead of copying: that is the zero-copy "copy" of the
 * discussion (mechanism M1).  Storage lives until its last reference
 * drops; then its free routine runs (MEXTADD's free function). */
#ifndef LOANSIM_MBUF_H
#define LOANSIM_MBUF_H

#include <glib.h>
#include <stdint.h>
#include "models/cpu.h"
#include "models/machine.h"
#include "models/vm.h"

enum mbuf_ext_type {
	MBUF_EXT_CLUSTER,	/* a kernel cluster holding copied bytes */
	MBUF_EXT_PAGES		/* user pages loaned, gifted or zbuf'd */
};

struct mbuf_ext;
struct mbuf_pool;
typedef void (*mbuf_ext_free_fn)(struct mbuf_ext *, void *arg,
    struct charge *);

struct mbuf_ext {
	unsigned		 refcnt;
	enum mbuf_ext_type	 type;
	uint64_t		 size;		/* bytes of storage */
	unsigned		 npages;
	struct vm_page		**pages;	/* MBUF_EXT_PAGES */
	uint64_t		*versions;	/* content at write() time */
	mbuf_ext_free_fn	 free_fn;
	void			*free_arg;
	void			*owner;		/* e.g. the user buffer */
	struct mbuf_pool	*pool;		/* where it goes back to */
};

struct mbuf {
	struct mbuf	*m_next;	/* the next of its chain: the send
					   buffer, a segment's copies */
	struct mbuf_ext	*ext;	/* NULL: data inside the mbuf (MHLEN) */
	uint64_t	 off;	/* start of data in the storage */
	uint64_t	 len;
	uint64_t	 seq;	/* stream offset of the first byte */
	uint64_t	 id;	/* 1, 2, ... in allocation order */
	struct mbuf	*next_live;	/* the pool's list of live mbufs */
	struct mbuf	*prev_live;
};

struct mbuf_stats {
	uint64_t	mbufs_allocated;
	uint64_t	mbufs_freed;
	uint64_t	clusters_allocated;
	uint64_t	clusters_freed;
	uint64_t	ext_live;
	uint64_t	copym_refs;	/* references taken by m_copym */
};

struct mbuf_pool *mbuf_pool_new(const struct machine *);
void		 mbuf_pool_free(struct mbuf_pool *);
const struct mbuf_stats *mbuf_pool_stats(const struct mbuf_pool *);
uint64_t	 mbuf_pool_live(const struct mbuf_pool *);
/* Every mbuf and every storage freed (at the end of a run): if not, a
 * LOANSIM_ERROR_INTERNAL naming the oldest mbuf still live. */
gboolean	 mbuf_pool_check(const struct mbuf_pool *, GError **);

/* MGET: an mbuf with internal storage. */
struct mbuf	*m_get(struct mbuf_pool *, struct charge *);
/* MCLGET: attach a fresh cluster of the given size. */
void		 m_clget(struct mbuf_pool *, struct mbuf *, uint64_t size,
		    struct charge *);
/* MEXTADD of pages: the mbuf takes the storage's first reference. */
void		 m_extadd_pages(struct mbuf_pool *, struct mbuf *,
		    struct vm_page **pages, unsigned npages, uint64_t off,
		    uint64_t len, mbuf_ext_free_fn, void *arg, void *owner,
		    struct charge *);
/* m_copym() of the range [off, off+len) of m: a new mbuf referencing the
 * same external storage (or copying internal data). */
struct mbuf	*m_copym(struct mbuf_pool *, const struct mbuf *, uint64_t off,
		    uint64_t len, struct charge *);
/* m_free(): drop the mbuf and its reference; the last one frees. */
void		 m_free(struct mbuf_pool *, struct mbuf *, struct charge *);
/* Release the storage's memory; a free routine must call it at the end. */
void		 m_ext_destroy(struct mbuf_ext *);
/* Pages of m's range [off, off+len) whose content is no longer what it
 * was at write() time: copy-semantics violations seen by a reader. */
unsigned	 m_verify(const struct mbuf *, uint64_t off, uint64_t len,
		    uint64_t page_size);

#endif
