/* Slab caches of fixed-size objects (see slab.h). */
#include "config.h"
#include "sim/slab.h"

#include <glib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SLAB_PASSTHROUGH 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_PASSTHROUGH 1
#endif
#endif

#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#else
#define VALGRIND_CREATE_MEMPOOL(pool, rz, zeroed)	do { } while (0)
#define VALGRIND_DESTROY_MEMPOOL(pool)			do { } while (0)
#define VALGRIND_MEMPOOL_ALLOC(pool, addr, size)	do { } while (0)
#define VALGRIND_MEMPOOL_FREE(pool, addr)		do { } while (0)
#define VALGRIND_MAKE_MEM_NOACCESS(addr, len)		do { } while (0)
#define VALGRIND_MAKE_MEM_DEFINED(addr, len)		do { } while (0)
#endif

/* A slab: a link to the previous one, then the objects. */
#define SLAB_HEADER	16
#define SLAB_BYTES	16384

void
slab_init(struct slab *s, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->size = (MAX(size, sizeof(void *)) + 15) & ~(size_t)15;
	s->per = MAX(4, (SLAB_BYTES - SLAB_HEADER) / s->size);
	VALGRIND_CREATE_MEMPOOL(s, 0, FALSE);
}

#ifdef SLAB_PASSTHROUGH

void *
slab_alloc0(struct slab *s)
{
	s->in_use++;
	return g_malloc0(s->size);
}

void
slab_free(struct slab *s, void *obj)
{
	g_assert(s->in_use > 0);
	s->in_use--;
	g_free(obj);
}

#else

/* A new slab: its objects are not the program's until allocated. */
static void
slab_grow(struct slab *s)
{
	char	*sl = g_malloc(SLAB_HEADER + s->per * s->size);

	*(void **)sl = s->slabs;
	s->slabs = sl;
	s->nslabs++;
	s->next = sl + SLAB_HEADER;
	s->end = s->next + s->per * s->size;
	VALGRIND_MAKE_MEM_NOACCESS(s->next, s->per * s->size);
}

void *
slab_alloc0(struct slab *s)
{
	void	*obj = s->free;

	if (obj != NULL) {
		VALGRIND_MAKE_MEM_DEFINED(obj, sizeof(void *));
		s->free = *(void **)obj;
	} else {
		if (s->next == s->end)
			slab_grow(s);
		obj = s->next;
		s->next += s->size;
	}
	VALGRIND_MEMPOOL_ALLOC(s, obj, s->size);
	memset(obj, 0, s->size);
	s->in_use++;
	return obj;
}

void
slab_free(struct slab *s, void *obj)
{
	g_assert(s->in_use > 0);
	s->in_use--;
	*(void **)obj = s->free;
	s->free = obj;
	VALGRIND_MEMPOOL_FREE(s, obj);
}

#endif

void
slab_clear(struct slab *s)
{
	void	*sl, *prev;

	for (sl = s->slabs; sl != NULL; sl = prev) {
		prev = *(void **)sl;
		g_free(sl);
	}
	VALGRIND_DESTROY_MEMPOOL(s);
	s->slabs = s->free = NULL;
	s->next = s->end = NULL;
	s->nslabs = 0;
	s->in_use = 0;
}

size_t
slab_bytes(const struct slab *s)
{
#ifdef SLAB_PASSTHROUGH
	return s->in_use * s->size;
#else
	return s->nslabs * (SLAB_HEADER + s->per * s->size);
#endif
}

size_t
slab_in_use(const struct slab *s)
{
	return s->in_use;
}

void
slab_tune_malloc(void)
{
#ifdef __GLIBC__
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}
