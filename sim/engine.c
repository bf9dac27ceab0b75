/* The event engine: a 4-ary min-heap in one array, keyed on (time,
 * sequence number) so that equal times run first-in first-out; insert and
 * remove-min are O(log n).  Each pending event owns a slot holding its
 * handler; an event id is (generation << 32 | slot), so a stale id (the
 * event ran or was cancelled and the slot was reused) is recognised, and
 * cancelling marks the slot dead in O(1). */
#include "sim/engine.h"

#define ENGINE_D	4

/* A heap entry is 16 bytes, four to a cache line, so that sifting moves
 * little; the handler lives in the event's slot.  'tie' is the sequence
 * number (40 bits) above the slot (24 bits): ordering by (time, tie) is
 * ordering by (time, sequence), one 128-bit comparison. */
struct engine_ev {
	sim_time	 time;
	uint64_t	 tie;
};

#define ENGINE_SLOT_BITS	24
#define ENGINE_MAX_SLOTS	(1u << ENGINE_SLOT_BITS)
#define ENGINE_MAX_SEQ		((uint64_t)1 << (64 - ENGINE_SLOT_BITS))
#define EV_SLOT(ev)		((uint32_t)((ev).tie & (ENGINE_MAX_SLOTS - 1)))

struct engine_slot {
	engine_fn	 fn;
	void		*ctx;
	uint32_t	 gen;
	uint32_t	 state;		/* SLOT_FREE, SLOT_LIVE, SLOT_DEAD */
	uint32_t	 next_free;
};

#define SLOT_FREE	0
#define SLOT_LIVE	1
#define SLOT_DEAD	2	/* cancelled; its heap entry not yet popped */

struct engine {
	sim_time		 now;
	uint64_t		 seq;
	uint64_t		 executed;
	uint64_t		 fingerprint;
	gboolean		 stop;
	struct engine_ev	*heap;
	size_t			 n;	/* heap entries, dead ones included */
	size_t			 live;
	size_t			 dead;	/* cancelled entries still in the heap */
	size_t			 cap;
	struct engine_slot	*slots;
	uint32_t		 nslots;
	uint32_t		 slots_cap;
	uint32_t		 free_slot;	/* UINT32_MAX: none */
};

struct engine *
engine_new(void)
{
	struct engine	*e = g_new0(struct engine, 1);

	e->free_slot = UINT32_MAX;
	e->fingerprint = 0xCBF29CE484222325ull;
	return e;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	g_free(e->heap);
	g_free(e->slots);
	g_free(e);
}

sim_time
engine_now(const struct engine *e)
{
	return e->now;
}

static inline unsigned __int128
engine_key(const struct engine_ev *a)
{
	return ((unsigned __int128)a->time << 64) | a->tie;
}

static inline gboolean
engine_before(const struct engine_ev *a, const struct engine_ev *b)
{
	return engine_key(a) < engine_key(b);
}

static void
engine_sift_up(struct engine *e, size_t i, struct engine_ev ev)
{
	while (i > 0) {
		size_t parent = (i - 1) / ENGINE_D;

		if (!engine_before(&ev, &e->heap[parent]))
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
engine_sift_down(struct engine *e, size_t i, struct engine_ev ev)
{
	struct engine_ev	*h = e->heap;
	size_t			 n = e->n, c, best, k, end;

	while ((c = i * ENGINE_D + 1) + ENGINE_D <= n) {
		/* A full family: pick the least of four without branches. */
		unsigned __int128 k0 = engine_key(&h[c]), k1 = engine_key(&h[c + 1]);
		unsigned __int128 k2 = engine_key(&h[c + 2]), k3 = engine_key(&h[c + 3]);
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
			if (engine_before(&h[k], &h[best]))
				best = k;
		h[i] = h[best];
		i = best;
	}
	engine_sift_up(e, i, ev);
}

static uint32_t
engine_slot_get(struct engine *e)
{
	uint32_t	s;

	if (e->free_slot != UINT32_MAX) {
		s = e->free_slot;
		e->free_slot = e->slots[s].next_free;
		return s;
	}
	if (e->nslots == e->slots_cap) {
		e->slots_cap = e->slots_cap ? e->slots_cap * 2 : 64;
		e->slots = g_renew(struct engine_slot, e->slots, e->slots_cap);
	}
	s = e->nslots++;
	e->slots[s].gen = 0;
	return s;
}

static void
engine_slot_put(struct engine *e, uint32_t s)
{
	e->slots[s].gen++;
	e->slots[s].state = SLOT_FREE;
	e->slots[s].next_free = e->free_slot;
	e->free_slot = s;
}

engine_event_id
engine_schedule_at(struct engine *e, sim_time when, engine_fn fn, void *ctx)
{
	struct engine_ev	 ev;
	struct engine_slot	*sl;
	uint32_t		 slot;

	g_assert(when >= e->now);
	g_assert(fn != NULL);
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->heap = g_renew(struct engine_ev, e->heap, e->cap);
	}
	if (e->seq >= ENGINE_MAX_SEQ || (e->free_slot == UINT32_MAX &&
	    e->nslots >= ENGINE_MAX_SLOTS))
		g_error("engine: more than 2^40 events scheduled or 2^24 "
		    "pending");
	ev.time = when;
	slot = engine_slot_get(e);
	ev.tie = (e->seq++ << ENGINE_SLOT_BITS) | slot;
	sl = &e->slots[slot];
	sl->fn = fn;
	sl->ctx = ctx;
	sl->state = SLOT_LIVE;
	e->n++;
	e->live++;
	engine_sift_up(e, e->n - 1, ev);
	/* Ids start at generation 1 so that 0 is never valid. */
	return ((uint64_t)(sl->gen + 1) << 32) | slot;
}

engine_event_id
engine_schedule(struct engine *e, sim_time delay, engine_fn fn, void *ctx)
{
	g_assert(delay <= SIM_TIME_MAX - e->now);
	return engine_schedule_at(e, e->now + delay, fn, ctx);
}

static void
engine_pop(struct engine *e)
{
	e->n--;
	if (e->n > 0)
		engine_sift_down(e, 0, e->heap[e->n]);
}

/* Lazy deletion: a cancelled event's entry stays in the heap, marked
 * dead in its slot, and is dropped when it reaches the top.  Cancelling
 * is O(1); the heap never holds more entries than were scheduled. */
gboolean
engine_cancel(struct engine *e, engine_event_id id)
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
engine_skip_dead(struct engine *e)
{
	/* Nothing to look at unless something was cancelled. */
	while (e->dead > 0 && e->n > 0 &&
	    e->slots[EV_SLOT(e->heap[0])].state == SLOT_DEAD) {
		engine_slot_put(e, EV_SLOT(e->heap[0]));
		engine_pop(e);
		e->dead--;
	}
}

static uint64_t
engine_loop(struct engine *e, sim_time until, uint64_t max)
{
	uint64_t	start = e->executed;

	e->stop = FALSE;
	for (;;) {
		struct engine_ev	 ev;
		struct engine_slot	*sl;
		engine_fn		 fn;
		void			*ctx;

		engine_skip_dead(e);
		if (e->n == 0 || e->stop || e->executed - start >= max)
			break;
		ev = e->heap[0];
		if (ev.time > until)
			break;
		engine_pop(e);
		sl = &e->slots[EV_SLOT(ev)];
		fn = sl->fn;
		ctx = sl->ctx;
		engine_slot_put(e, EV_SLOT(ev));
		e->live--;
		e->now = ev.time;
		e->executed++;
		fn(e, ctx);
	}
	/* Events remain beyond 'until': the clock moves on to it. */
	engine_skip_dead(e);
	if (!e->stop && e->n > 0 && e->heap[0].time > until && e->now < until)
		e->now = until;
	return e->executed - start;
}

uint64_t
engine_run(struct engine *e)
{
	return engine_loop(e, SIM_TIME_MAX, UINT64_MAX);
}

uint64_t
engine_run_until(struct engine *e, sim_time until)
{
	return engine_loop(e, until, UINT64_MAX);
}

uint64_t
engine_run_bounded(struct engine *e, sim_time until, uint64_t max_events)
{
	return engine_loop(e, until, max_events);
}

void
engine_stop(struct engine *e)
{
	e->stop = TRUE;
}

gboolean
engine_stopped(const struct engine *e)
{
	return e->stop;
}

uint64_t
engine_events(const struct engine *e)
{
	return e->executed;
}

size_t
engine_pending(const struct engine *e)
{
	return e->live;
}

void
engine_fingerprint_add(struct engine *e, uint32_t kind)
{
	uint64_t	h = e->fingerprint;
	uint64_t	words[2] = { e->now, kind };
	int		i, b;

	/* FNV-1a over the time and the kind, byte by byte. */
	for (i = 0; i < 2; i++)
		for (b = 0; b < 8; b++) {
			h ^= (words[i] >> (8 * b)) & 0xff;
			h *= 0x100000001B3ull;
		}
	e->fingerprint = h;
}

uint64_t
engine_fingerprint(const struct engine *e)
{
	return e->fingerprint;
}
