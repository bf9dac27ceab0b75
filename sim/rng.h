/* Reproducible, independent random streams.  Each stream is derived from
 * (scenario seed, replication, stream name), so adding a stream or changing
 * the number of threads changes no other stream's draws.  The generator is
 * counter-based (Philox4x32-10, Salmon et al., SC 2011): the key comes from
 * the seed, the high half of the 128-bit counter from (replication, name),
 * the low half counts draws. */
#ifndef LOANSIM_RNG_H
#define LOANSIM_RNG_H

#include <stdint.h>

struct rng {
	uint32_t	key[2];
	uint32_t	ctr[4];		/* ctr[0..1]: block index */
	uint32_t	out[4];
	unsigned	left;		/* unused words in out[] */
};

void		rng_init(struct rng *, uint64_t seed, uint32_t replication,
		    const char *stream_name);
uint32_t	rng_u32(struct rng *);
uint64_t	rng_u64(struct rng *);
double		rng_uniform(struct rng *);	/* in (0, 1), never 0 or 1 */
double		rng_exp(struct rng *, double mean);
double		rng_normal(struct rng *);	/* standard normal */
uint64_t	rng_below(struct rng *, uint64_t n);	/* uniform in [0, n) */
/* One Philox4x32-10 block, exposed for known-answer tests. */
void		rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
		    uint32_t out[4]);

#endif
