/* Shared by the model test suites: a machine with round, distinct costs
 * (so that each one shows in a sum), and one run of a strategy under it
 * with overrides. */
#ifndef LOANSIM_MODELS_TEST_H
#define LOANSIM_MODELS_TEST_H

#include "sim/params.h"
#include "models/model.h"

/* The test machine plus "group.key=value" overrides (NULL-terminated). */
struct params		*test_params(const char *const *extra);
/* One replication (seed 1, replication 0); fails the test on error. */
struct model_result	 test_run(const char *const *extra,
			    const char *strategy);
double			 test_metric(const struct model_result *,
			    const char *name);

/* The closed form of one uncontended socket write of S bytes on the
 * test machine (docs/model.md): segs segments, acks ACKs, pieces the
 * (segment, storage) pairs m_copym references, cksum 1 for a separate
 * checksum pass; for loan, chunks loaned chunks and refault the share of
 * writes whose fill faults.  closed_form_copy_pieces: the (segment,
 * cluster) pairs of a copied write. */
double			 closed_form_copy(double S, double segs, double acks,
			    double pieces, double cksum);
double			 closed_form_loan(double S, double segs, double acks,
			    double pieces, double chunks, double refault,
			    double cksum);
double			 closed_form_copy_pieces(double S);

#endif
