/* The reference for bench_hold: loansim's event engine before the radix
 * heap (sim/engine.c up to commit 4406546), kept here, outside the library,
 * so that the benchmark can print old and new side by side.  Only what the
 * benchmark calls is kept; the code is otherwise as it was.
 *
 * The event engine: a 4-ary min-heap in one array, keyed on (time,
 * sequence number) so that equal times run first-in first-out; insert and
 * remove-min are O(log n).  Each pending event owns a slot holding its
 * handler; an event id is (generation << 32 | slot), so a stale id (the
 * event ran or was cancelled and the slot was reused) is recognised, and
 * cancelling marks the slot dead in O(1). */
#include "bench/heap4.h"

#define HEAP4_D	4

/* A heap entry is 16 bytes, four to a cache line, so that sifting moves
 * little; the handler lives in the event's slot.  'tie' is the sequence
 * number (40 bits) above the slot (24 bits): ordering by (time, tie) is
 * ordering by (time, sequence), one 128-bit comparison. */
struct heap4_ev {
	heap4_time	 time;
	uint64_t	 tie;
};

#define HEAP4_SLOT_BITS	24
#define HEAP4_MAX_SLOTS	(1u << HEAP4_SLOT_BITS)
#define HEAP4_MAX_SEQ		((uint64_t)1 << (64 - HEAP4_SLOT_BITS))
#define EV_SLOT(ev)		((uint32_t)((ev).tie & (HEAP4_MAX_SLOTS - 1)))

struct heap4_slot {
	heap4_fn	 fn;
	void		*ctx;
	uint32_t	 gen;
	uint32_t	 state;		/* SLOT_FREE, SLOT_LIVE, SLOT_DEAD */
	uint32_t	 next_free;
};

#define SLOT_FREE	0
#define SLOT_LIVE	1
#define SLOT_DEAD	2	/* cancelled; its heap entry not yet popped */

struct heap4 {
	heap4_time		 now;
	uint64_t		 seq;
	uint64_t		 executed;
	gboolean		 stop;
	struct heap4_ev	*heap;
	size_t			 n;	/* heap entries, dead ones included */
	size_t			 live;
	size_t			 dead;	/* cancelled entries still in the heap */
	size_t			 cap;
	struct heap4_slot	*slots;
	uint32_t		 nslots;
	uint32_t		 slots_cap;
	uint32_t		 free_slot;	/* UINT32_MAX: none */
};

struct heap4 *
heap4_new(void)
{
	struct heap4	*e = g_new0(struct heap4, 1);

	e->free_slot = UINT32_MAX;
	return e;
}

void
heap4_free(struct heap4 *e)
{
	if (e == NULL)
		return;
	g_free(e->heap);
	g_free(e->slots);
	g_free(e);
}

heap4_time
heap4_now(const struct heap4 *e)
{
	return e->now;
}

static inline unsigned __int128
heap4_key(const struct heap4_ev *a)
{
	return ((unsigned __int128)a->time << 64) | a->tie;
}

static inline gboolean
heap4_before(const struct heap4_ev *a, const struct heap4_ev *b)
{
	return heap4_key(a) < heap4_key(b);
}

static void
heap4_sift_up(struct heap4 *e, size_t i, struct heap4_ev ev)
{
	while (i > 0) {
		size_t parent = (i - 1) / HEAP4_D;

		if (!heap4_before(&ev, &e->heap[parent]))
			break;
		e->heap[i] = e->heap[parent];
		i = parent;
	}
	e->heap[i] = ev;
}

/* Floyd's bottom-up variant: move the hole down along the smallest
 * children to a leaf, then sift ev up from there.  The element placed
 * at the top is usually large (it came from the end), so this saves a
 * comparison per level. */
static void
heap4_sift_down(struct heap4 *e, size_t i, struct heap4_ev ev)
{
	struct heap4_ev	*h = e->heap;
	size_t			 n = e->n, c, best, k, end;

	while ((c = i * HEAP4_D + 1) + HEAP4_D <= n) {
		/* A full family: pick the least of four without branches. */
		unsigned __int128 k0 = heap4_key(&h[c]), k1 = heap4_key(&h[c + 1]);
		unsigned __int128 k2 = heap4_key(&h[c + 2]), k3 = heap4_key(&h[c + 3]);
		size_t a = k1 < k0 ? c + 1 : c, b = k3 < k2 ? c + 3 : c + 2;
		unsigned __int128 ka = k1 < k0 ? k1 : k0, kb = k3 < k2 ? k3 : k2;

		best = kb < ka ? b : a;
		h[i] = h[best];
		i = best;
	}
	if (c < n) {
		best = c;
		end = n;
		for (k = c + 1; k < end; k++)
			if (heap4_before(&h[k], &h[best]))
				best = k;
		h[i] = h[best];
		i = best;
	}
	heap4_sift_up(e, i, ev);
}

static uint32_t
heap4_slot_get(struct heap4 *e)
{
	uint32_t	s;

	if (e->free_slot != UINT32_MAX) {
		s = e->free_slot;
		e->free_slot = e->slots[s].next_free;
		return s;
	}
	if (e->nslots == e->slots_cap) {
		e->slots_cap = e->slots_cap ? e->slots_cap * 2 : 64;
		e->slots = g_renew(struct heap4_slot, e->slots, e->slots_cap);
	}
	s = e->nslots++;
	e->slots[s].gen = 0;
	return s;
}

static void
heap4_slot_put(struct heap4 *e, uint32_t s)
{
	e->slots[s].gen++;
	e->slots[s].state = SLOT_FREE;
	e->slots[s].next_free = e->free_slot;
	e->free_slot = s;
}

heap4_event_id
heap4_schedule_at(struct heap4 *e, heap4_time when, heap4_fn fn, void *ctx)
{
	struct heap4_ev	 ev;
	struct heap4_slot	*sl;
	uint32_t		 slot;

	g_assert(when >= e->now);
	g_assert(fn != NULL);
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->heap = g_renew(struct heap4_ev, e->heap, e->cap);
	}
	if (e->seq >= HEAP4_MAX_SEQ || (e->free_slot == UINT32_MAX &&
	    e->nslots >= HEAP4_MAX_SLOTS))
		g_error("engine: more than 2^40 events scheduled or 2^24 "
		    "pending");
	ev.time = when;
	slot = heap4_slot_get(e);
	ev.tie = (e->seq++ << HEAP4_SLOT_BITS) | slot;
	sl = &e->slots[slot];
	sl->fn = fn;
	sl->ctx = ctx;
	sl->state = SLOT_LIVE;
	e->n++;
	e->live++;
	heap4_sift_up(e, e->n - 1, ev);
	/* Ids start at generation 1 so that 0 is never valid. */
	return ((uint64_t)(sl->gen + 1) << 32) | slot;
}

heap4_event_id
heap4_schedule(struct heap4 *e, heap4_time delay, heap4_fn fn, void *ctx)
{
	g_assert(delay <= HEAP4_TIME_MAX - e->now);
	return heap4_schedule_at(e, e->now + delay, fn, ctx);
}

static void
heap4_pop(struct heap4 *e)
{
	e->n--;
	if (e->n > 0)
		heap4_sift_down(e, 0, e->heap[e->n]);
}

/* Lazy deletion: a cancelled event's entry stays in the heap, marked
 * dead in its slot, and is dropped when it reaches the top.  Cancelling
 * is O(1); the heap never holds more entries than were scheduled. */
gboolean
heap4_cancel(struct heap4 *e, heap4_event_id id)
{
	uint32_t	slot = (uint32_t)id;
	uint32_t	gen = (uint32_t)(id >> 32);

	if (gen == 0 || slot >= e->nslots || e->slots[slot].gen + 1 != gen ||
	    e->slots[slot].state != SLOT_LIVE)
		return FALSE;
	e->slots[slot].state = SLOT_DEAD;
	e->live--;
	e->dead++;
	return TRUE;
}

/* Drop dead entries from the top; the top is then live or the heap is
 * empty. */
static inline void
heap4_skip_dead(struct heap4 *e)
{
	/* Nothing to look at unless something was cancelled. */
	while (e->dead > 0 && e->n > 0 &&
	    e->slots[EV_SLOT(e->heap[0])].state == SLOT_DEAD) {
		heap4_slot_put(e, EV_SLOT(e->heap[0]));
		heap4_pop(e);
		e->dead--;
	}
}

static uint64_t
heap4_loop(struct heap4 *e, heap4_time until, uint64_t max)
{
	uint64_t	start = e->executed;

	e->stop = FALSE;
	for (;;) {
		struct heap4_ev	 ev;
		struct heap4_slot	*sl;
		heap4_fn		 fn;
		void			*ctx;

		heap4_skip_dead(e);
		if (e->n == 0 || e->stop || e->executed - start >= max)
			break;
		ev = e->heap[0];
		if (ev.time > until)
			break;
		heap4_pop(e);
		sl = &e->slots[EV_SLOT(ev)];
		fn = sl->fn;
		ctx = sl->ctx;
		heap4_slot_put(e, EV_SLOT(ev));
		e->live--;
		e->now = ev.time;
		e->executed++;
		fn(e, ctx);
	}
	/* Events remain beyond 'until': the clock moves on to it. */
	heap4_skip_dead(e);
	if (!e->stop && e->n > 0 && e->heap[0].time > until && e->now < until)
		e->now = until;
	return e->executed - start;
}

uint64_t
heap4_run_bounded(struct heap4 *e, heap4_time until, uint64_t max_events)
{
	return heap4_loop(e, until, max_events);
}
