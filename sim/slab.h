/* Fixed-size objects carved from slabs and recycled through a free list
 * (Bonwick, "The slab allocator", USENIX Summer 1994, without the
 * constructors): the models' short-lived objects (pages, mbufs, their
 * storage, TCP segments) came and went through malloc and free at a
 * third of a socket run's instructions.  A slab cache belongs to one run
 * (one thread); slab_clear releases its storage, live objects with it.
 *
 * Freed objects stay visible to the memory checkers: under
 * AddressSanitizer every object is malloc'd and freed on its own, and
 * under valgrind the slabs are a memcheck mempool, so that reading a
 * freed object, or one never allocated, is still an error. */
#ifndef LOANSIM_SLAB_H
#define LOANSIM_SLAB_H

#include <stddef.h>

struct slab {
	size_t	 size;		/* of an object, a multiple of 16 */
	size_t	 per;		/* objects per slab */
	void	*free;		/* freed objects, linked by their first word */
	void	*slabs;		/* the slabs, linked by their first word */
	char	*next;		/* the newest slab's unused objects */
	char	*end;
	size_t	 nslabs;
	size_t	 in_use;
};

void	 slab_init(struct slab *, size_t size);
/* A zeroed object. */
void	*slab_alloc0(struct slab *);
void	 slab_free(struct slab *, void *);
/* Releases every slab (and so every object still in use). */
void	 slab_clear(struct slab *);
/* Bytes the cache holds from the system, and objects in use. */
size_t	 slab_bytes(const struct slab *);
size_t	 slab_in_use(const struct slab *);

/* Settings of the C library's allocator for a process that builds and
 * frees a run's slabs and tables many times (loansim, the benchmarks):
 * glibc would give the heap's top back to the system after each run and
 * fault it in again for the next (a file-read study took 20 times the
 * page faults); this keeps up to 256 MiB of it. */
void	 slab_tune_malloc(void);

#endif
