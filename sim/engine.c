/* The event engine: a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan,
 * "Faster algorithms for the shortest path problem", JACM 37(2), 1990)
 * with 64-ary digits, as their two-level heap and as hierarchical timing
 * wheels (Varghese and Lauck, SOSP 1987).
 *
 * Simulated time never goes back, so every pending time is at least
 * 'last', the time of the latest minimum taken out.  A time t lies at
 * level k, the 6-bit digit in which it first differs from 'last' (level
 * 0 if t == last), in the bucket of its own digit there.  A bucket's
 * times are all below those of the buckets after it (higher digit, then
 * higher level), so bit masks find the lowest non-empty bucket, and a
 * level-0 bucket holds a single time.  Scheduling appends to a bucket,
 * O(1).  When level 0 runs dry, the lowest non-empty bucket, at level
 * k > 0, is emptied: 'last' becomes its least time and its events move to
 * levels below k (at most 10 moves an event, in the hold model about
 * one).  A level-1 bucket goes to level 0 whole, by a stable counting sort
 * on the lowest digit into one array, 'run', read in order from then on
 * (a bucket of one event goes there directly).  An event scheduled at
 * level 0 later is appended to 'run' if that keeps it sorted and no
 * level-0 bucket holds its time, else goes to its bucket; the next event
 * is the first of 'run' or of the lowest level-0 bucket.  A sparse model
 * (a few events pending, far apart) so mostly uses 'run' alone.
 *
 * Equal times run first-in first-out with no sequence number: a bucket is
 * a list appended in scheduling order, and a bucket receives moved events
 * only while it is empty (everything below the bucket being emptied is
 * empty), so each bucket stays in scheduling order, and all events at one
 * time share a bucket, or 'run' before the bucket (where they came first).
 * The order is exactly that of a heap keyed on (time, sequence number),
 * the engine loansim had before.
 *
 * While at most 48 events are pending (small mode) there is no radix
 * heap: their keys (time, index of the entry) are in one array sorted
 * by time, an event scheduled goes after the keys of its time or
 * earlier by an insertion sort's step, and the next event is the first
 * key.  For so few events the step costs less than pushing into a
 * bucket and moving it down the levels (bench/README.md: in CPU time
 * the default socket study runs 9% more events a second, the hold model
 * at 10 events 23%).  One more moves them all into the radix heap, in
 * order; when level 0 runs dry with at most 24 events left, every
 * bucket's events come back, bucket after bucket, each into its place.
 * Both ways a time's events keep their order, so the order run is the
 * same in either mode.
 *
 * Chains are lists of fixed-size chunks from a pool: a chunk emptied by
 * running or moving its events goes back to the pool while still in the
 * cache, and storage follows the events pending (plus a part-filled chunk
 * a bucket), not the buckets ever used.
 *
 * An event id is (generation << 32 | slot).  A slot's generation is odd
 * while its event is pending; running or cancelling the event makes it
 * even, so a stale id is recognised and cancelling is O(1).  A cancelled
 * event's entry stays in its bucket, known as dead by its generation,
 * until it is reached or until dead entries outnumber live ones, when
 * every bucket is swept (engine_compact): storage stays proportional to
 * the events pending, however many are cancelled.  The slot of a dead
 * entry is reused only once the entry is gone, so an entry can never be
 * mistaken for a later event of its slot. */
#include "sim/engine.h"

#include <string.h>

#define ENGINE_DIGIT	6
#define ENGINE_FAN	(1u << ENGINE_DIGIT)
#define ENGINE_LEVELS	11		/* 11 * 6 >= 64 bits */
/* Entries in a chunk: a page with its header.  Big chunks let the
 * hardware stream through a bucket (with 512-byte chunks the hold model
 * ran about 1.6 times slower at 10^6 events pending), at a bounded cost:
 * at most a chunk a bucket unused, 2.8 MiB over all 704 buckets. */
#define ENGINE_CHUNK	127
/* Entries of 'run' ahead whose slot is prefetched. */
#define ENGINE_AHEAD	8
/* At most this many entries are kept in one sorted array (small mode);
 * back there when level 0 runs dry with at most ENGINE_SMALL_LOW live
 * events left.  In CPU time the array beats the radix heap up to about
 * 45 events pending (bench/bench_hold, bench/bench_model). */
#ifndef ENGINE_SMALL
#define ENGINE_SMALL		48
#endif
#define ENGINE_SMALL_LOW	(ENGINE_SMALL / 2)
G_STATIC_ASSERT(ENGINE_SMALL <= 65536);
/* Sweep dead entries when more than live ones and this many. */
#define ENGINE_COMPACT_MIN	64
/* Events between two looks at the interrupt flag: a few milliseconds. */
#define ENGINE_POLL	((uint64_t)1 << 16)
/* Slots of the handler table at first: more than a model's handlers. */
#define ENGINE_KINDS_MIN	64

/* The handler travels with its entry, so running an event reads its
 * bucket in order and touches the slot table only for the generation. */
struct engine_ev {
	sim_time	 time;
	engine_fn	 fn;
	void		*ctx;
	uint32_t	 slot;
	uint32_t	 gen;		/* the slot's generation when scheduled */
};

struct engine_chunk {
	struct engine_chunk	*next;
	uint32_t		 n;
	uint32_t		 pad[5];	/* entries on 32-byte bounds */
	struct engine_ev	 ev[ENGINE_CHUNK];
};
G_STATIC_ASSERT(sizeof(struct engine_chunk) == 4096);

/* A handler's kind, for the fingerprint: its rank among the handlers
 * in the order each first ran in this engine. */
struct engine_kind {
	engine_fn	 fn;		/* NULL: a free slot */
	uint32_t	 id;
};

/* A small-mode key, 16 bytes: the time of an event in sev[x]. */
struct engine_skey {
	sim_time	 time;
	uint32_t	 x;
	uint32_t	 pad;
};

struct engine_chain {
	struct engine_chunk	*head;
	struct engine_chunk	*tail;
	sim_time		 min;	/* levels > 0: a lower bound */
};

struct engine {
	sim_time		 now;
	/* Small mode: every entry's key is in sk[sh .. sn), sorted by time
	 * and, on a tie, by scheduling, its event in sev[]; levels and
	 * 'run' are empty. */
	gboolean		 small;
	gboolean		 small_ok;	/* LOANSIM_ENGINE_SMALL */
	uint32_t		 sh;
	uint32_t		 sn;
	sim_time		 last;	/* every pending time is >= last */
	uint64_t		 executed;
	uint64_t		 fingerprint;
	/* The kind of each handler run, by engine_kind(). */
	struct engine_kind	*kinds;
	uint32_t		 kinds_mask;	/* slots - 1, a power of 2 */
	uint32_t		 nkinds;
	gboolean		 stop;
	const volatile sig_atomic_t *interrupt;	/* engine_set_interrupt() */
	gboolean		 interrupted;
	engine_fn		 current;	/* the handler run last */
	engine_fn		 after;		/* engine_set_after_event() */
	void			*after_ctx;
	size_t			 live;
	size_t			 dead;	/* cancelled entries still stored */
	uint32_t		 levels;	/* bit k: level k > 0 has entries */
	uint64_t		 mask[ENGINE_LEVELS];	/* bit d: bucket d */
	struct engine_chain	 b[ENGINE_LEVELS][ENGINE_FAN];
	/* Level 0 is run[rpos .. rn), sorted, and the buckets b[0][]. */
	struct engine_ev	*run;
	uint32_t		 run_cap;
	uint32_t		 rpos;
	uint32_t		 rn;
	uint32_t		 count[ENGINE_FAN];	/* zero between sorts */
	uint32_t		 head[ENGINE_FAN];	/* entries of the first
					   chunk of level-0 bucket d gone */
	gboolean		 in_run;	/* engine_level0's entry */
	struct engine_chunk	*pool;	/* free chunks */
	size_t			 nchunks;
	uint32_t		*gen;	/* per slot */
	uint32_t		*free;	/* stack of free slots */
	uint32_t		 nslots;
	uint32_t		 nfree;
	uint32_t		 slots_cap;
	uint32_t		 nsfree;
	uint16_t		 sfree[ENGINE_SMALL];	/* free in sev[] */
	struct engine_skey	 sk[ENGINE_SMALL];
	struct engine_ev	 sev[ENGINE_SMALL];
};

struct engine *
engine_new(void)
{
	struct engine	*e = g_new0(struct engine, 1);
	unsigned	 k, d;

	for (k = 0; k < ENGINE_LEVELS; k++)
		for (d = 0; d < ENGINE_FAN; d++)
			e->b[k][d].min = SIM_TIME_MAX;
	e->run_cap = 64;
	e->run = g_new(struct engine_ev, e->run_cap);
	/* For tests and benchmarks: LOANSIM_ENGINE_SMALL=0, the radix
	 * heap only (the same order run, the same results). */
	e->small_ok = g_strcmp0(g_getenv("LOANSIM_ENGINE_SMALL"), "0") != 0;
	e->small = e->small_ok;
	for (d = 0; d < ENGINE_SMALL; d++)
		e->sfree[e->nsfree++] = (uint16_t)(ENGINE_SMALL - 1 - d);
	e->fingerprint = 0xCBF29CE484222325ull;
	e->kinds_mask = ENGINE_KINDS_MIN - 1;
	e->kinds = g_new0(struct engine_kind, ENGINE_KINDS_MIN);
	return e;
}

static void
engine_chunk_put(struct engine *e, struct engine_chunk *c)
{
	c->next = e->pool;
	e->pool = c;
}

static void
engine_chunks_put(struct engine *e, struct engine_chunk *c)
{
	struct engine_chunk	*next;

	for (; c != NULL; c = next) {
		next = c->next;
		engine_chunk_put(e, c);
	}
}

/* Bucket d of level k is empty now: give its chunks back. */
static void
engine_bucket_empty(struct engine *e, unsigned k, unsigned d)
{
	struct engine_chain	*b = &e->b[k][d];

	engine_chunks_put(e, b->head);
	b->head = b->tail = NULL;
	b->min = SIM_TIME_MAX;
	e->mask[k] &= ~((uint64_t)1 << d);
	if (e->mask[k] == 0)
		e->levels &= ~(1u << k);
}

void
engine_free(struct engine *e)
{
	struct engine_chunk	*c;
	unsigned		 k;

	if (e == NULL)
		return;
	for (k = 0; k < ENGINE_LEVELS; k++)
		while (e->mask[k] != 0)
			engine_bucket_empty(e, k,
			    (unsigned)__builtin_ctzll(e->mask[k]));
	while ((c = e->pool) != NULL) {
		e->pool = c->next;
		g_aligned_free(c);
	}
	g_free(e->run);
	g_free(e->kinds);
	g_free(e->gen);
	g_free(e->free);
	g_free(e);
}

sim_time
engine_now(const struct engine *e)
{
	return e->now;
}

/* The level of time t: the digit in which it first differs from 'last'. */
static inline unsigned
engine_level(const struct engine *e, sim_time t)
{
	sim_time	x = t ^ e->last;

	return x == 0 ? 0 : (63 - (unsigned)__builtin_clzll(x)) / ENGINE_DIGIT;
}

static inline unsigned
engine_digit(sim_time t, unsigned k)
{
	return (unsigned)(t >> (k * ENGINE_DIGIT)) & (ENGINE_FAN - 1);
}

static struct engine_chunk *
engine_chunk_get(struct engine *e)
{
	struct engine_chunk	*c = e->pool;

	if (c != NULL)
		e->pool = c->next;
	else {
		c = g_aligned_alloc(1, sizeof(*c), 64);
		e->nchunks++;
	}
	c->next = NULL;
	c->n = 0;
	return c;
}

/* Append to 'run', keeping it sorted: room is made by moving what is
 * left of it to the front when that frees half, else by growing. */
static void
engine_run_append(struct engine *e, const struct engine_ev *ev)
{
	if (e->rpos == e->rn)
		e->rpos = e->rn = 0;
	else if (e->rn == e->run_cap && e->rpos >= e->rn / 2) {
		memmove(e->run, e->run + e->rpos,
		    (e->rn - e->rpos) * sizeof(*e->run));
		e->rn -= e->rpos;
		e->rpos = 0;
	}
	if (e->rn == e->run_cap) {
		e->run_cap *= 2;
		e->run = g_renew(struct engine_ev, e->run, e->run_cap);
	}
	e->run[e->rn++] = *ev;
}

/* Inlined: it is most of scheduling. */
G_ALWAYS_INLINE static inline void
engine_push(struct engine *e, const struct engine_ev *ev)
{
	unsigned		 k = engine_level(e, ev->time);
	unsigned		 d = engine_digit(ev->time, k);
	struct engine_chain	*b = &e->b[k][d];
	struct engine_chunk	*c = b->tail;

	/* At level 0, after all of 'run' and with no bucket at its time
	 * (whose events came first): at the end of 'run', no chunk needed.
	 * Sparse models schedule most events so. */
	if (k == 0 && c == NULL && (e->rpos == e->rn ||
	    ev->time >= e->run[e->rn - 1].time)) {
		engine_run_append(e, ev);
		return;
	}
	if (c == NULL || c->n == ENGINE_CHUNK) {
		c = engine_chunk_get(e);
		if (b->tail != NULL)
			b->tail->next = c;
		else
			b->head = c;
		b->tail = c;
	}
	c->ev[c->n++] = *ev;
	if (ev->time < b->min)
		b->min = ev->time;
	e->mask[k] |= (uint64_t)1 << d;
	e->levels |= (1u << k) & ~1u;
}

static inline gboolean
engine_ev_dead(const struct engine *e, const struct engine_ev *ev)
{
	return ev->gen != e->gen[ev->slot];
}

static uint32_t
engine_slot_grow(struct engine *e)
{
	if (e->slots_cap >= UINT32_MAX / 2)
		g_error("engine: more than 2^31 events pending");
	e->slots_cap = e->slots_cap ? e->slots_cap * 2 : 64;
	e->gen = g_renew(uint32_t, e->gen, e->slots_cap);
	e->free = g_renew(uint32_t, e->free, e->slots_cap);
	e->gen[e->nslots] = 0;
	return e->nslots++;
}

static inline uint32_t
engine_slot_get(struct engine *e)
{
	if (G_LIKELY(e->nfree > 0))
		return e->free[--e->nfree];
	if (e->nslots < e->slots_cap) {
		e->gen[e->nslots] = 0;
		return e->nslots++;
	}
	return engine_slot_grow(e);
}

static inline void
engine_slot_put(struct engine *e, uint32_t s)
{
	e->free[e->nfree++] = s;
}

/* A dead entry is dropped: its slot can be reused. */
static inline void
engine_drop(struct engine *e, const struct engine_ev *ev)
{
	engine_slot_put(e, ev->slot);
	e->dead--;
}

/* --- small mode ----------------------------------------------------- */

/* Into sk[], after every key of its time or earlier (FIFO on ties):
 * the later keys move up one, an insertion sort's step (one loop that
 * compares and moves, and mispredicts once: faster than a binary
 * search and memmove at these sizes).  Fewer than ENGINE_SMALL keys
 * are stored; the room left by those run is taken back at the end. */
static inline void
engine_small_insert(struct engine *e, const struct engine_ev *ev)
{
	uint32_t	x = e->sfree[--e->nsfree], i;

	e->sev[x] = *ev;
	if (e->sn == ENGINE_SMALL) {
		memmove(e->sk, &e->sk[e->sh],
		    (e->sn - e->sh) * sizeof(e->sk[0]));
		e->sn -= e->sh;
		e->sh = 0;
	}
	for (i = e->sn; i > e->sh && e->sk[i - 1].time > ev->time; i--)
		e->sk[i] = e->sk[i - 1];
	e->sk[i].time = ev->time;
	e->sk[i].x = x;
	e->sn++;
}

static inline struct engine_ev *
engine_small_top(struct engine *e)
{
	return &e->sev[e->sk[e->sh].x];
}

/* The first key leaves (its event was run or dropped). */
static inline void
engine_small_pop(struct engine *e)
{
	e->sfree[e->nsfree++] = (uint16_t)e->sk[e->sh++].x;
}

/* Drop the dead entries, keeping the order of the rest. */
static void
engine_small_compact(struct engine *e)
{
	uint32_t	i, n = e->sh, x;

	for (i = e->sh; i < e->sn; i++) {
		x = e->sk[i].x;
		if (engine_ev_dead(e, &e->sev[x])) {
			engine_drop(e, &e->sev[x]);
			e->sfree[e->nsfree++] = (uint16_t)x;
		} else
			e->sk[n++] = e->sk[i];
	}
	e->sn = n;
}

/* sk[] is full of live events: they go to the radix heap in order, so
 * that ties keep it ('last' is at most the earliest of them). */
static void
engine_small_spill(struct engine *e)
{
	uint32_t	i, x;

	e->small = FALSE;
	for (i = e->sh; i < e->sn; i++) {
		x = e->sk[i].x;
		engine_push(e, &e->sev[x]);
		e->sfree[e->nsfree++] = (uint16_t)x;
	}
	e->sh = e->sn = 0;
}

/* Level 0 is empty and at most ENGINE_SMALL_LOW events are live: every
 * bucket's live entries into sk[], bucket after bucket; a time's events
 * are in one bucket in the order scheduled, and keep it.  Dead entries
 * are dropped. */
static void
engine_small_gather(struct engine *e)
{
	struct engine_chunk	*c;
	unsigned		 k, d;
	uint32_t		 i;

	g_assert(e->rpos == e->rn && e->mask[0] == 0);
	e->small = TRUE;
	for (k = 1; k < ENGINE_LEVELS; k++)
		while (e->mask[k] != 0) {
			d = (unsigned)__builtin_ctzll(e->mask[k]);
			for (c = e->b[k][d].head; c != NULL; c = c->next)
				for (i = 0; i < c->n; i++)
					if (engine_ev_dead(e, &c->ev[i]))
						engine_drop(e, &c->ev[i]);
					else
						engine_small_insert(e,
						    &c->ev[i]);
			engine_bucket_empty(e, k, d);
		}
	g_assert(e->levels == 0 && e->sn - e->sh == e->live);
}

/* The first live event of sk[], NULL if none. */
static inline struct engine_ev *
engine_small_first(struct engine *e)
{
	struct engine_ev	*ev;

	while (e->sh < e->sn) {
		ev = engine_small_top(e);
		if (G_LIKELY(!engine_ev_dead(e, ev)))
			return ev;
		engine_drop(e, ev);
		engine_small_pop(e);
	}
	return NULL;
}

static inline void
engine_small_add(struct engine *e, const struct engine_ev *ev)
{
	if (G_UNLIKELY(e->sn - e->sh == ENGINE_SMALL)) {
		if (e->dead > 0)
			engine_small_compact(e);
		if (e->sn - e->sh == ENGINE_SMALL) {
			engine_small_spill(e);
			engine_push(e, ev);
			return;
		}
	}
	engine_small_insert(e, ev);
}

static inline engine_event_id
engine_add(struct engine *e, sim_time when, engine_fn fn, void *ctx)
{
	struct engine_ev	ev;

	g_assert(fn != NULL);
	ev.time = when;
	ev.fn = fn;
	ev.ctx = ctx;
	ev.slot = engine_slot_get(e);
	ev.gen = ++e->gen[ev.slot];	/* odd: pending */
	if (e->small)
		engine_small_add(e, &ev);
	else
		engine_push(e, &ev);
	e->live++;
	return ((uint64_t)ev.gen << 32) | ev.slot;
}

engine_event_id
engine_schedule_at(struct engine *e, sim_time when, engine_fn fn, void *ctx)
{
	g_assert(when >= e->now);
	return engine_add(e, when, fn, ctx);
}

engine_event_id
engine_schedule(struct engine *e, sim_time delay, engine_fn fn, void *ctx)
{
	g_assert(delay <= SIM_TIME_MAX - e->now);
	return engine_add(e, e->now + delay, fn, ctx);
}

/* Drop the dead entries of a bucket, keeping the order of the rest. */
static void
engine_compact_bucket(struct engine *e, unsigned k, unsigned d)
{
	struct engine_chain	*b = &e->b[k][d];
	struct engine_chunk	*rc, *wc = b->head;
	uint32_t		 ri, wi = 0;
	sim_time		 min = SIM_TIME_MAX;

	ri = k == 0 ? e->head[d] : 0;
	for (rc = b->head; rc != NULL; rc = rc->next, ri = 0)
		for (; ri < rc->n; ri++) {
			if (engine_ev_dead(e, &rc->ev[ri])) {
				engine_drop(e, &rc->ev[ri]);
				continue;
			}
			/* Writing never passes reading: wc->next exists. */
			if (wi == ENGINE_CHUNK) {
				wc = wc->next;
				wi = 0;
			}
			if (rc->ev[ri].time < min)
				min = rc->ev[ri].time;
			wc->ev[wi++] = rc->ev[ri];
		}
	if (k == 0)
		e->head[d] = 0;
	if (wi == 0) {
		engine_bucket_empty(e, k, d);
		return;
	}
	engine_chunks_put(e, wc->next);
	wc->n = wi;
	wc->next = NULL;
	b->tail = wc;
	b->min = min;
}

static void
engine_compact(struct engine *e)
{
	uint64_t	m;
	uint32_t	i, n;
	unsigned	k;

	for (i = n = e->rpos; i < e->rn; i++)
		if (engine_ev_dead(e, &e->run[i]))
			engine_drop(e, &e->run[i]);
		else
			e->run[n++] = e->run[i];
	e->rn = n;
	engine_small_compact(e);
	for (k = 0; k < ENGINE_LEVELS; k++)
		for (m = e->mask[k]; m != 0; m &= m - 1)
			engine_compact_bucket(e, k,
			    (unsigned)__builtin_ctzll(m));
	g_assert(e->dead == 0);
}

gboolean
engine_cancel(struct engine *e, engine_event_id id)
{
	uint32_t	slot = (uint32_t)id;
	uint32_t	gen = (uint32_t)(id >> 32);

	if ((gen & 1) == 0 || slot >= e->nslots || e->gen[slot] != gen)
		return FALSE;
	e->gen[slot]++;		/* even: its entry is dead */
	e->live--;
	e->dead++;
	if (e->dead > e->live && e->dead >= ENGINE_COMPACT_MIN)
		engine_compact(e);
	return TRUE;
}

/* Level 0 is empty and 'last' is set: move a level-1 chain there, by a
 * stable counting sort on the lowest digit into 'run'. */
static void
engine_sort_into_run(struct engine *e, struct engine_chunk *chain)
{
	const struct engine_chunk	*c;
	gboolean			 dead = e->dead > 0;
	uint64_t			 used = 0, m;
	uint32_t			 i, d, n = 0, pos;

	for (c = chain; c != NULL; c = c->next)
		for (i = 0; i < c->n; i++) {
			if (dead && engine_ev_dead(e, &c->ev[i]))
				continue;
			d = engine_digit(c->ev[i].time, 0);
			e->count[d]++;
			used |= (uint64_t)1 << d;
			n++;
		}
	if (n > e->run_cap) {
		e->run_cap = MAX(n, 2 * e->run_cap);
		g_free(e->run);
		e->run = g_new(struct engine_ev, e->run_cap);
	}
	/* count[d] turns into where digit d goes next. */
	for (pos = 0, m = used; m != 0; m &= m - 1) {
		d = (uint32_t)__builtin_ctzll(m);
		n = e->count[d];
		e->count[d] = pos;
		pos += n;
	}
	for (c = chain; c != NULL; c = c->next)
		for (i = 0; i < c->n; i++) {
			if (dead && engine_ev_dead(e, &c->ev[i])) {
				engine_drop(e, &c->ev[i]);
				continue;
			}
			e->run[e->count[engine_digit(c->ev[i].time, 0)]++] =
			    c->ev[i];
		}
	for (m = used; m != 0; m &= m - 1)
		e->count[__builtin_ctzll(m)] = 0;
	e->rpos = 0;
	e->rn = pos;
}

/* Empty bucket d of level k > 0 into the levels below, 'last' becoming
 * its least time; dead entries are dropped on the way.  Every level
 * below k is empty. */
static void
engine_redistribute(struct engine *e, unsigned k, unsigned d)
{
	struct engine_chain	*b = &e->b[k][d];
	struct engine_chunk	*c = b->head, *next;
	uint32_t		 i;

	e->last = b->min;
	b->head = b->tail = NULL;
	engine_bucket_empty(e, k, d);
	if (c->next == NULL && c->n == 1) {
		/* A lone event (a sparse model's usual case): it is the
		 * least, straight to level 0. */
		if (engine_ev_dead(e, &c->ev[0]))
			engine_drop(e, &c->ev[0]);
		else {
			e->last = c->ev[0].time;
			e->run[0] = c->ev[0];
			e->rpos = 0;
			e->rn = 1;
		}
		engine_chunk_put(e, c);
		return;
	}
	if (k == 1) {
		engine_sort_into_run(e, c);
		engine_chunks_put(e, c);
		return;
	}
	for (; c != NULL; c = next) {
		next = c->next;
		for (i = 0; i < c->n; i++) {
			if (e->dead > 0 && engine_ev_dead(e, &c->ev[i])) {
				engine_drop(e, &c->ev[i]);
				continue;
			}
			engine_push(e, &c->ev[i]);
		}
		/* Back to the pool at once, for the next pushes. */
		engine_chunk_put(e, c);
	}
}

/* The first live entry of level-0 bucket d, NULL if none (the bucket is
 * then marked empty); dead entries and used chunks are dropped. */
static struct engine_ev *
engine_bucket_head(struct engine *e, unsigned d)
{
	struct engine_chain	*b = &e->b[0][d];
	struct engine_chunk	*c;
	struct engine_ev	*ev;

	while ((c = b->head) != NULL) {
		for (; e->head[d] < c->n; e->head[d]++) {
			ev = &c->ev[e->head[d]];
			if (!engine_ev_dead(e, ev))
				return ev;
			engine_drop(e, ev);
		}
		e->head[d] = 0;
		if ((b->head = c->next) == NULL)
			b->tail = NULL;
		engine_chunk_put(e, c);
	}
	engine_bucket_empty(e, 0, d);
	return NULL;
}

/* The first live event at level 0, NULL if none: the first of 'run' or
 * of the lowest level-0 bucket, whichever is earlier ('run' on a tie:
 * its events were scheduled first).  in_run says which. */
static inline struct engine_ev *
engine_level0(struct engine *e)
{
	struct engine_ev	*ev, *run = NULL;
	unsigned		 d;

	for (; e->rpos < e->rn; e->rpos++) {
		ev = &e->run[e->rpos];
		if (G_LIKELY(!engine_ev_dead(e, ev))) {
			run = ev;
			break;
		}
		engine_drop(e, ev);
	}
	while (e->mask[0] != 0) {
		d = (unsigned)__builtin_ctzll(e->mask[0]);
		if (run != NULL && engine_digit(run->time, 0) <= d)
			break;
		if ((ev = engine_bucket_head(e, d)) != NULL) {
			e->in_run = FALSE;
			return ev;
		}
	}
	e->in_run = TRUE;
	return run;
}

/* The next live event if its time is at most 'until', else NULL. */
static inline struct engine_ev *
engine_next(struct engine *e, sim_time until)
{
	struct engine_ev	*ev;
	unsigned		 k, d;

	if (e->small) {
		ev = engine_small_first(e);
		return ev != NULL && ev->time <= until ? ev : NULL;
	}
	while ((ev = engine_level0(e)) == NULL) {
		if (e->levels == 0)
			return NULL;
		if (e->live <= ENGINE_SMALL_LOW && e->small_ok) {
			engine_small_gather(e);
			ev = engine_small_first(e);
			return ev != NULL && ev->time <= until ? ev : NULL;
		}
		k = (unsigned)__builtin_ctz(e->levels);
		d = (unsigned)__builtin_ctzll(e->mask[k]);
		if (e->b[k][d].min > until)
			return NULL;
		engine_redistribute(e, k, d);
	}
	return ev->time <= until ? ev : NULL;
}

/* The least live time in bucket d of level k, SIM_TIME_MAX if none. */
static sim_time
engine_bucket_min(const struct engine *e, unsigned k, unsigned d)
{
	const struct engine_chunk	*c;
	sim_time			 t = SIM_TIME_MAX;
	uint32_t			 i;

	for (c = e->b[k][d].head; c != NULL; c = c->next)
		for (i = 0; i < c->n; i++)
			if (!engine_ev_dead(e, &c->ev[i]) && c->ev[i].time < t)
				t = c->ev[i].time;
	return t;
}

/* The time of the next live event, SIM_TIME_MAX if none, without moving
 * entries between buckets ('last' must not pass the clock while nothing
 * runs). */
static sim_time
engine_peek(struct engine *e)
{
	const struct engine_ev	*ev = e->small ? engine_small_first(e) :
				    engine_level0(e);
	uint64_t		 m;
	unsigned		 k;
	sim_time		 t;

	if (ev != NULL)
		return ev->time;
	for (k = 1; k < ENGINE_LEVELS; k++)
		for (m = e->mask[k]; m != 0; m &= m - 1) {
			t = engine_bucket_min(e, k,
			    (unsigned)__builtin_ctzll(m));
			if (t != SIM_TIME_MAX)
				return t;
		}
	return SIM_TIME_MAX;
}

/* Nothing is pending: drop the dead entries and start again from 'now'. */
static void
engine_clear(struct engine *e)
{
	engine_compact(e);
	e->small = e->small_ok;
	e->last = e->now;
}

/* One multiply-xorshift step: cheap, and a bijection of h for each x, so
 * that no two different histories are folded together on purpose. */
static inline uint64_t
engine_fp_mix(uint64_t h, uint64_t x)
{
	h = (h ^ x) * 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

/* The handler table's slot for fn: the address only places it there,
 * it never decides an id. */
static inline uint32_t
engine_kind_slot(const struct engine *e, engine_fn fn)
{
	return (uint32_t)(((uint64_t)(uintptr_t)fn *
	    0x9E3779B97F4A7C15ull) >> 40) & e->kinds_mask;
}

/* Twice the slots when half are taken: probes stay short. */
static void
engine_kinds_grow(struct engine *e)
{
	struct engine_kind	*old = e->kinds;
	uint32_t		 n = e->kinds_mask + 1, i, s;

	e->kinds_mask = 2 * n - 1;
	e->kinds = g_new0(struct engine_kind, 2 * n);
	for (i = 0; i < n; i++) {
		if (old[i].fn == NULL)
			continue;
		for (s = engine_kind_slot(e, old[i].fn); e->kinds[s].fn != NULL;
		    s = (s + 1) & e->kinds_mask)
			;
		e->kinds[s] = old[i];
	}
	g_free(old);
}

/* The kind of handler fn, 0, 1, 2, ... in the order the handlers first
 * ran here: the same for a model however its functions lie in memory
 * (build, ASLR, threads), so it goes in the fingerprint.  Open
 * addressing with linear probes, a model's few dozen handlers in a
 * table of 64 slots. */
static inline uint32_t
engine_kind(struct engine *e, engine_fn fn)
{
	uint32_t	s;

	for (s = engine_kind_slot(e, fn); e->kinds[s].fn != fn;
	    s = (s + 1) & e->kinds_mask)
		if (e->kinds[s].fn == NULL) {
			e->kinds[s].fn = fn;
			e->kinds[s].id = e->nkinds++;
			if (2 * e->nkinds > e->kinds_mask)
				engine_kinds_grow(e);
			return e->nkinds - 1;
		}
	return e->kinds[s].id;
}

/* The events up to 'until', at most max of them; after() (a constant
 * where it is inlined) after each. */
G_ALWAYS_INLINE static inline void
engine_events_run(struct engine *e, sim_time until, uint64_t max,
    engine_fn after, void *after_ctx)
{
	uint64_t	start = e->executed;

	while (!e->stop && e->executed - start < max) {
		struct engine_ev	*ev = engine_next(e, until);
		engine_fn		 fn;
		void			*ctx;

		if (ev == NULL)
			break;
		fn = ev->fn;
		ctx = ev->ctx;
		e->now = ev->time;
		e->gen[ev->slot]++;	/* even: run */
		engine_slot_put(e, ev->slot);
		e->last = e->now;
		if (e->small)
			engine_small_pop(e);
		else if (e->in_run) {
			/* Slots are scattered: fetch one a little ahead. */
			if (e->rpos + ENGINE_AHEAD < e->rn)
				__builtin_prefetch(&e->gen[e->run[e->rpos +
				    ENGINE_AHEAD].slot], 1);
			e->rpos++;
		} else
			e->head[engine_digit(e->now, 0)]++;
		e->live--;
		e->executed++;
		/* The time, then the kind (with bit 62: a time has it
		 * only after 146 years, engine_fingerprint_add bit 63). */
		e->fingerprint = engine_fp_mix(engine_fp_mix(e->fingerprint,
		    e->now), engine_kind(e, fn) | (uint64_t)1 << 62);
		e->current = fn;
		fn(e, ctx);
		if (after != NULL)
			after(e, after_ctx);
	}
}

/* The events up to 'until', at most max of them, in rounds of
 * ENGINE_POLL; between two rounds a look at the interrupt flag (not
 * after the last: a run that ends by itself is not interrupted). */
static void
engine_events_poll(struct engine *e, sim_time until, uint64_t max)
{
	uint64_t	start = e->executed, round, before;

	for (;;) {
		round = MIN(max - (e->executed - start), ENGINE_POLL);
		before = e->executed;
		if (e->after == NULL)
			engine_events_run(e, until, round, NULL, NULL);
		else
			engine_events_run(e, until, round, e->after,
			    e->after_ctx);
		if (e->stop || e->executed - before < round || e->live == 0 ||
		    e->executed - start == max)
			return;
		if (e->interrupt != NULL && *e->interrupt != 0) {
			e->stop = e->interrupted = TRUE;
			return;
		}
	}
}

static uint64_t
engine_loop(struct engine *e, sim_time until, uint64_t max,
    gboolean advance_when_empty)
{
	uint64_t	start = e->executed;

	e->stop = FALSE;
	e->interrupted = FALSE;
	engine_events_poll(e, until, max);
	if (e->live == 0)
		engine_clear(e);
	if (!e->stop && e->now < until && (e->live > 0 ?
	    engine_peek(e) > until : advance_when_empty))
		e->now = until;
	g_assert(e->last <= e->now);
	return e->executed - start;
}

uint64_t
engine_run(struct engine *e)
{
	return engine_loop(e, SIM_TIME_MAX, UINT64_MAX, FALSE);
}

uint64_t
engine_run_until(struct engine *e, sim_time until)
{
	return engine_loop(e, until, UINT64_MAX, TRUE);
}

uint64_t
engine_run_bounded(struct engine *e, sim_time until, uint64_t max_events)
{
	return engine_loop(e, until, max_events, FALSE);
}

void
engine_set_after_event(struct engine *e, engine_fn fn, void *ctx)
{
	e->after = fn;
	e->after_ctx = ctx;
}

void
engine_set_interrupt(struct engine *e, const volatile sig_atomic_t *flag)
{
	e->interrupt = flag;
}

gboolean
engine_interrupted(const struct engine *e)
{
	return e->interrupted;
}

engine_fn
engine_current(const struct engine *e)
{
	return e->current;
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

size_t
engine_storage(const struct engine *e)
{
	return sizeof(*e) + e->nchunks * sizeof(struct engine_chunk) +
	    (size_t)e->run_cap * sizeof(struct engine_ev) +
	    (size_t)e->slots_cap * 2 * sizeof(uint32_t) +
	    (size_t)(e->kinds_mask + 1) * sizeof(struct engine_kind);
}

void
engine_fingerprint_add(struct engine *e, uint32_t kind)
{
	/* Kinds are folded with the top bit set, times never have it. */
	e->fingerprint = engine_fp_mix(e->fingerprint,
	    (uint64_t)kind | (uint64_t)1 << 63);
}

uint64_t
engine_fingerprint(const struct engine *e)
{
	return e->fingerprint;
}

