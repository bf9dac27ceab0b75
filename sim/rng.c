/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011), the counter-based generator of Random123.
 * A counter-based generator makes streams independent by construction:
 * stream (seed, replication, name) owns the counters whose high half is
 * hash(replication, name) under key hash(seed), so no stream's draws
 * depend on how many other streams exist or which thread runs them. */
#include "sim/rng.h"

#include <glib.h>
#include <math.h>

#define PHILOX_M0	0xD2511F53u
#define PHILOX_M1	0xCD9E8D57u
#define PHILOX_W0	0x9E3779B9u
#define PHILOX_W1	0xBB67AE85u

void
rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
    uint32_t out[4])
{
	uint32_t	c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
	uint32_t	k0 = key[0], k1 = key[1];
	int		i;

	for (i = 0; i < 10; i++) {
		uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
		uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
		uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
		uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;

		c1 = (uint32_t)p1;
		c3 = (uint32_t)p0;
		c0 = n0;
		c2 = n2;
		k0 += PHILOX_W0;
		k1 += PHILOX_W1;
	}
	out[0] = c0;
	out[1] = c1;
	out[2] = c2;
	out[3] = c3;
}

/* splitmix64's finaliser: a bijective mixer. */
static uint64_t
rng_mix(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void
rng_init(struct rng *r, uint64_t seed, uint32_t replication,
    const char *name)
{
	uint64_t	h = 0xCBF29CE484222325ull;	/* FNV-1a 64 */
	uint64_t	k = rng_mix(seed);
	const char	*p;

	for (p = name; *p != '\0'; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001B3ull;
	}
	h = rng_mix(h ^ rng_mix((uint64_t)replication + 1));
	r->key[0] = (uint32_t)k;
	r->key[1] = (uint32_t)(k >> 32);
	r->ctr[0] = r->ctr[1] = 0;
	r->ctr[2] = (uint32_t)h;
	r->ctr[3] = (uint32_t)(h >> 32);
	r->left = 0;
}

static inline void
rng_refill(struct rng *r)
{
	rng_philox4x32_10(r->ctr, r->key, r->out);
	if (++r->ctr[0] == 0)
		r->ctr[1]++;
	r->left = 4;
}

uint32_t
rng_u32(struct rng *r)
{
	if (r->left == 0)
		rng_refill(r);
	return r->out[4 - r->left--];
}

/* Two words of the block at once when it has them: the same draws as
 * two rng_u32 calls (high word first), at half the cost. */
uint64_t
rng_u64(struct rng *r)
{
	uint64_t	hi;
	unsigned	i;

	if (r->left == 0)
		rng_refill(r);
	if (r->left >= 2) {
		i = 4 - r->left;
		r->left -= 2;
		return ((uint64_t)r->out[i] << 32) | r->out[i + 1];
	}
	hi = rng_u32(r);
	return (hi << 32) | rng_u32(r);
}

double
rng_uniform(struct rng *r)
{
	return ((double)(rng_u64(r) >> 11) + 0.5) * 0x1.0p-53;
}

double
rng_exp(struct rng *r, double mean)
{
	return -mean * log(rng_uniform(r));
}

double
rng_normal(struct rng *r)
{
	/* Box-Muller, one of the pair: deterministic and stateless. */
	double	u1 = rng_uniform(r), u2 = rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2);
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
	uint64_t	x, lim;

	g_assert(n > 0);
	/* Rejection from the largest multiple of n: unbiased. */
	lim = UINT64_MAX - UINT64_MAX % n;
	do
		x = rng_u64(r);
	while (x >= lim);
	return x % n;
}
