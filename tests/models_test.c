/* The test machine and runs shared by the model test suites. */
#include <check.h>

#include <math.h>

#include "tests/models_test.h"

static const char *const test_machine[] = {
	"machine.cpus=1", "machine.page_size=4096",
	"machine.cache_size=1MiB", "machine.copy_bw_hot=4GB/s",
	"machine.copy_bw_cold=1GB/s", "machine.read_bw_cold=2GB/s",
	"machine.read_bw_seq=4GB/s", "machine.read_bw_hot=4GB/s",
	"machine.copy_bw_page=2GB/s",
	"machine.copy_fixed=100ns",
	"machine.syscall=500ns", "machine.fault_trap=1000ns",
	"machine.page_alloc=200ns", "machine.page_free=150ns",
	"machine.page_zero=1200ns", "machine.pmap_enter=300ns",
	"machine.pmap_remove=250ns", "machine.pmap_protect=220ns",
	"machine.tlb_local=110ns", "machine.tlb_shootdown=4000ns",
	"machine.tlb_shootdown_target=1700ns", "machine.map_entry=5000ns",
	"machine.fault_around=4",
	"machine.context_switch=2000ns", "machine.wakeup=700ns",
	"machine.interrupt=900ns", "machine.mbuf_alloc=60ns",
	"machine.mbuf_free=50ns", "machine.cluster_alloc=80ns",
	"machine.cluster_free=70ns", "machine.loan_page=130ns",
	"machine.unloan_page=120ns", "machine.checksum_bw=2GB/s",
	"machine.checksum_bw_cold=800MB/s",
	"machine.checksum_offload=true", "machine.checksum_in_copy=true",
	"machine.link_bw=1Gbit/s", "machine.rtt=100us",
	"machine.protocol_tx=1500ns", "machine.protocol_rx=1300ns",
	NULL
};

struct params *
test_params(const char *const *extra)
{
	struct params	*p = model_params_new();
	GError		*e = NULL;
	int		 i;

	for (i = 0; test_machine[i] != NULL; i++)
		ck_assert_msg(params_override(p, test_machine[i], &e),
		    "%s", e ? e->message : "");
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		ck_assert_msg(params_override(p, extra[i], &e), "%s: %s",
		    extra[i], e ? e->message : "");
	return p;
}

struct model_result
test_run(const char *const *extra, const char *strategy)
{
	struct params		*p = test_params(extra);
	struct model_result	 r;
	GError			*e = NULL;

	ck_assert_msg(model_run(p, strategy, 1, 0, &r, &e), "%s",
	    e ? e->message : "");
	params_free(p);
	return r;
}

double
test_metric(const struct model_result *r, const char *name)
{
	int	i = model_metric_lookup(name);

	ck_assert_int_ge(i, 0);
	return r->v[i];
}

/* Expected CPU time of one uncontended write of S bytes (S <= sndbuf, a
 * whole number of pages if loaned, page-aligned), from the closed form of
 * docs/model.md, with the costs of test_machine: segs segments, acks
 * ACKs, pieces the (segment, storage) pairs that m_copym references;
 * cksum is 1 for a separate checksum pass (at 2 GB/s: 0.5 ns/B), 0 when
 * offloaded or (copy) folded into the copy. */
double
closed_form_copy(double S, double segs, double acks, double pieces,
    double cksum)
{
	double	cl = ceil(S / 2048);

	return S / 4.0			/* fill at 4 GB/s: 0.25 ns/B */
	    + 500			/* syscall */
	    + cl * (60 + 80 + 100) + S / 4.0	/* MGET, MCLGET, uiomove */
	    + cksum * S / 2.0		/* in_cksum */
	    + segs * 1500 + pieces * 60	/* tcp_output, m_copym */
	    + segs * (900) + pieces * 50	/* tx done: intr, m_free */
	    + acks * (900 + 1300)	/* ACK: intr, tcp_input */
	    + cl * (50 + 70);		/* sbdrop: m_free, cluster */
}

/* The same for loan, in chunks of at most 64 KiB; refault: the share of
 * writes whose fill finds the pages read-only (loaned before). */
double
closed_form_loan(double S, double segs, double acks, double pieces,
    double chunks, double refault, double cksum)
{
	double	pg = S / 4096;

	return S / 4.0 + 500
	    + refault * pg * (1000 + 300)	/* write-enable faults */
	    + pg * (220 + 130 + 300 + 110)	/* protect, loan, kenter,
						   invlpg */
	    + chunks * 60			/* MGET for MEXTADD */
	    + cksum * S / 2.0			/* in_cksum over the pages */
	    + segs * 1500 + pieces * 60		/* tcp_output, m_copym */
	    + segs * 900 + pieces * 50		/* tx done */
	    + acks * (900 + 1300)
	    + chunks * (50 + 700)		/* sbdrop, wake sopendfree */
	    + chunks * 2 * 2000			/* its switches in, away */
	    + pg * (250 + 110 + 120);		/* kremove, invlpg, unloan */
}

/* (segment, cluster) pairs of a copied write of S bytes: segments of
 * 1448 bytes from its start, clusters of 2048. */
double
closed_form_copy_pieces(double S)
{
	double	seq, r = 0;

	for (seq = 0; seq < S; seq += 1448)
		r += floor((MIN(seq + 1448, S) - 1) / 2048) -
		    floor(seq / 2048) + 1;
	return r;
}
