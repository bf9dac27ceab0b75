/* The event engine: a 4-ary min-heap in one array, keyed on (time,
 * sequence number) so that equal times run first-in first-out.  Each
 * pending event owns a slot in a side table that records its heap
 * position; an event id is (generation << 32 | slot), so cancelling
 * finds the event in O(1) and removes it in O(log n), and a stale id
 * (the event ran or was cancelled, the slot reused) is recognised. */
#include "sim/engine.h"

#define ENGINE_D	4

struct engine_ev {
	sim_time	 time;
	uint64_t	 seq;
	engine_fn	 fn;
	void		*ctx;
	uint32_t	 slot;
};

struct engine_slot {
	uint32_t	gen;
	uint32_t	pos;	/* heap index, or UINT32_MAX when free */
	uint32_t	next_free;
};

struct engine {
	sim_time		 now;
	uint64_t		 seq;
	uint64_t		 executed;
	uint64_t		 fingerprint;
	gboolean		 stop;
	struct engine_ev	*heap;
	size_t			 n;
	size_t			 cap;
	struct engine_slot	*slots;
	uint32_t		 nslots;
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

static inline gboolean
engine_before(const struct engine_ev *a, const struct engine_ev *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void
engine_place(struct engine *e, size_t i, const struct engine_ev *ev)
{
	e->heap[i] = *ev;
	e->slots[ev->slot].pos = (uint32_t)i;
}

static void
engine_sift_up(struct engine *e, size_t i, struct engine_ev ev)
{
	while (i > 0) {
		size_t parent = (i - 1) / ENGINE_D;

		if (!engine_before(&ev, &e->heap[parent]))
			break;
		engine_place(e, i, &e->heap[parent]);
		i = parent;
	}
	engine_place(e, i, &ev);
}

static void
engine_sift_down(struct engine *e, size_t i, struct engine_ev ev)
{
	for (;;) {
		size_t	c = i * ENGINE_D + 1, best, k, end;

		if (c >= e->n)
			break;
		best = c;
		end = MIN(c + ENGINE_D, e->n);
		for (k = c + 1; k < end; k++)
			if (engine_before(&e->heap[k], &e->heap[best]))
				best = k;
		if (!engine_before(&e->heap[best], &ev))
			break;
		engine_place(e, i, &e->heap[best]);
		i = best;
	}
	engine_place(e, i, &ev);
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
	if ((e->nslots & (e->nslots - 1)) == 0 || e->nslots == 0) {
		uint32_t cap = e->nslots ? e->nslots * 2 : 64;

		e->slots = g_renew(struct engine_slot, e->slots, cap);
	}
	s = e->nslots++;
	e->slots[s].gen = 0;
	return s;
}

static void
engine_slot_put(struct engine *e, uint32_t s)
{
	e->slots[s].gen++;
	e->slots[s].pos = UINT32_MAX;
	e->slots[s].next_free = e->free_slot;
	e->free_slot = s;
}

engine_event_id
engine_schedule_at(struct engine *e, sim_time when, engine_fn fn, void *ctx)
{
	struct engine_ev	ev;

	g_assert(when >= e->now);
	g_assert(fn != NULL);
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->heap = g_renew(struct engine_ev, e->heap, e->cap);
	}
	ev.time = when;
	ev.seq = e->seq++;
	ev.fn = fn;
	ev.ctx = ctx;
	ev.slot = engine_slot_get(e);
	e->n++;
	engine_sift_up(e, e->n - 1, ev);
	/* Ids start at generation 1 so that 0 is never valid. */
	return ((uint64_t)(e->slots[ev.slot].gen + 1) << 32) | ev.slot;
}

engine_event_id
engine_schedule(struct engine *e, sim_time delay, engine_fn fn, void *ctx)
{
	g_assert(delay <= SIM_TIME_MAX - e->now);
	return engine_schedule_at(e, e->now + delay, fn, ctx);
}

static void
engine_remove_at(struct engine *e, size_t i)
{
	struct engine_ev	last;

	engine_slot_put(e, e->heap[i].slot);
	e->n--;
	if (i == e->n)
		return;
	last = e->heap[e->n];
	if (i > 0 && engine_before(&last, &e->heap[(i - 1) / ENGINE_D]))
		engine_sift_up(e, i, last);
	else
		engine_sift_down(e, i, last);
}

gboolean
engine_cancel(struct engine *e, engine_event_id id)
{
	uint32_t	slot = (uint32_t)id;
	uint32_t	gen = (uint32_t)(id >> 32);

	if (gen == 0 || slot >= e->nslots || e->slots[slot].gen + 1 != gen ||
	    e->slots[slot].pos == UINT32_MAX)
		return FALSE;
	engine_remove_at(e, e->slots[slot].pos);
	return TRUE;
}

static uint64_t
engine_loop(struct engine *e, sim_time until, uint64_t max)
{
	uint64_t	start = e->executed;

	e->stop = FALSE;
	while (e->n > 0 && !e->stop && e->executed - start < max) {
		struct engine_ev	ev = e->heap[0];

		if (ev.time > until)
			break;
		engine_remove_at(e, 0);
		e->now = ev.time;
		e->executed++;
		ev.fn(e, ev.ctx);
	}
	/* Events remain beyond 'until': the clock moves on to it. */
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
	return e->n;
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
