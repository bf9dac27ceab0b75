/* The test machine and runs shared by the model test suites. */
#include <check.h>

#include "tests/models_test.h"

static const char *const test_machine[] = {
	"machine.cpus=1", "machine.page_size=4096",
	"machine.cache_size=1MiB", "machine.copy_bw_hot=4GB/s",
	"machine.copy_bw_cold=1GB/s", "machine.read_bw_cold=2GB/s",
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
