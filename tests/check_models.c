/* Tests of the kernel models: vm (loans, loan breaks, orphans), mbufs
 * (shared external storage), and whole socket-send runs with exact
 * counts, checked against the closed forms of docs/model.md. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "sim/error.h"
#include "sim/params.h"
#include "models/cpu.h"
#include "models/kernel.h"
#include "models/machine.h"
#include "models/mbuf.h"
#include "models/model.h"
#include "models/vm.h"
#include "tests/models_test.h"

/* --- vm ------------------------------------------------------------- */

static struct machine	vm_m;
static struct vm	*vm;
static struct vm_map	vm_proc = { "process", 1 };

static void
vm_setup(void)
{
	struct params	*p = test_params(NULL);

	machine_init(&vm_m, p);
	params_free(p);
	vm = vm_new(&vm_m, 2);
}

static void
vm_teardown(void)
{
	vm_free(vm);
}

START_TEST(test_vm_loan_protects_and_unloan_keeps_ro)
{
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_buf	*b = vm_buf_new(vm, &vm_proc, 0, 4096, &ch);
	struct vm_page	*pg = b->pages[0];

	ck_assert(vm_page_writable_in(pg, &vm_proc));
	memset(&ch, 0, sizeof(ch));
	vm_loan(vm, pg, 0, &tlb, &ch);
	vm_tlb_flush(vm, &tlb, 0, &ch);
	/* uvm_loan: the first loan write-protects the one mapping. */
	ck_assert(!vm_page_writable_in(pg, &vm_proc));
	ck_assert_uint_eq(pg->loan_count, 1);
	ck_assert_uint_eq(ch.ns[CPU_PMAP], 220);
	ck_assert_uint_eq(ch.ns[CPU_TLB], 110);
	ck_assert_uint_eq(ch.ns[CPU_LOAN], 130);
	vm_unloan(vm, pg, &ch);
	ck_assert_uint_eq(pg->loan_count, 0);
	/* Unloan leaves the mapping read-only: the next write faults but
	 * only re-enables write (no copy). */
	memset(&ch, 0, sizeof(ch));
	vm_buf_write(vm, b, 0, 10, 0, &ch);
	ck_assert_ptr_eq(b->pages[0], pg);
	ck_assert_uint_eq(vm_stats(vm)->write_faults, 1);
	ck_assert_uint_eq(vm_stats(vm)->cow_faults, 0);
	ck_assert_uint_eq(vm_stats(vm)->loan_breaks, 0);
	ck_assert_uint_eq(ch.ns[CPU_FAULT], 1000);
	ck_assert_uint_eq(ch.ns[CPU_PMAP], 300);
	vm_buf_free(vm, b, &ch);
	ck_assert_uint_eq(vm_live(vm), 1);	/* the zero page */
}
END_TEST

START_TEST(test_vm_write_to_loaned_page_breaks_loan)
{
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_buf	*b = vm_buf_new(vm, &vm_proc, 0, 4096, &ch);
	struct vm_page	*old = b->pages[0];
	uint64_t	 v = old->version;

	vm_loan(vm, old, 0, &tlb, &ch);
	vm_tlb_flush(vm, &tlb, 0, &ch);
	memset(&ch, 0, sizeof(ch));
	vm_buf_write(vm, b, 0, 4096, 0, &ch);
	/* uvm_loanbreak: new page, copy, old page's mappings removed. */
	ck_assert_ptr_ne(b->pages[0], old);
	ck_assert_uint_eq(vm_stats(vm)->cow_faults, 1);
	ck_assert_uint_eq(vm_stats(vm)->loan_breaks, 1);
	ck_assert_uint_eq(old->version, v);
	ck_assert_uint_eq(b->pages[0]->version, v + 1);
	ck_assert_uint_eq(old->nmappings, 0);
	ck_assert_int_eq(old->owner, VM_OWNER_NONE);
	ck_assert_uint_eq(ch.ns[CPU_FAULT], 1000);
	ck_assert_uint_eq(ch.ns[CPU_ALLOC], 200);
	/* A page copy into a fresh page, which is not in the cache: the
	 * fixed cost plus writing a page of memory, page_zero = 1200 ns. */
	ck_assert_uint_eq(ch.ns[CPU_COPY], 100 + 1200);
	ck_assert_uint_eq(ch.ns[CPU_PMAP], 250 + 300);
	ck_assert_uint_eq(ch.ns[CPU_TLB], 110);
	ck_assert_uint_eq(vm_live(vm), 3);
	/* The orphan goes with its last loan. */
	vm_unloan(vm, old, &ch);
	ck_assert_uint_eq(vm_live(vm), 2);
	ck_assert_uint_eq(vm_stats(vm)->orphans, 1);
	vm_buf_free(vm, b, &ch);
	ck_assert_uint_eq(vm_live(vm), 1);
}
END_TEST

/* What counts as a loan break besides a write fault that copies a page
 * on loan (above): an object letting a loaned page go (a writer of the
 * file takes a copy: uvm_loanbreak()), with no fault; not an object
 * letting go of a page not on loan, nor an anon's page on loan let go
 * (an anon does so only in the write fault, counted there, or at
 * teardown). */
START_TEST(test_vm_loan_breaks_counted)
{
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_buf	*obj = vm_buf_new_object(vm, &vm_proc, 8192, &ch);
	struct vm_buf	*anon = vm_buf_new(vm, &vm_proc, 0, 4096, &ch);
	struct vm_page	*a = obj->pages[0], *b = obj->pages[1];
	struct vm_page	*c = anon->pages[0];

	vm_loan(vm, b, 0, &tlb, &ch);
	vm_loan(vm, c, 0, &tlb, &ch);
	vm_remove(vm, a, &vm_proc, 0, &tlb, &ch);
	vm_remove(vm, b, &vm_proc, 0, &tlb, &ch);
	vm_remove(vm, c, &vm_proc, 0, &tlb, &ch);
	vm_page_release(vm, a, &ch);
	ck_assert_uint_eq(vm_stats(vm)->loan_breaks, 0);
	vm_page_release(vm, b, &ch);
	ck_assert_uint_eq(vm_stats(vm)->loan_breaks, 1);
	ck_assert_int_eq(b->owner, VM_OWNER_NONE);
	vm_page_release(vm, c, &ch);
	ck_assert_uint_eq(vm_stats(vm)->loan_breaks, 1);
	ck_assert_uint_eq(vm_stats(vm)->cow_faults, 0);
	ck_assert_uint_eq(vm_stats(vm)->orphans, 2);
	/* The orphans go with their loans. */
	vm_unloan(vm, b, &ch);
	vm_unloan(vm, c, &ch);
	vm_tlb_flush(vm, &tlb, 0, &ch);
	g_free(obj->pages);
	g_free(obj);
	g_free(anon->pages);
	g_free(anon);
	ck_assert_uint_eq(vm_live(vm), 1);
}
END_TEST

START_TEST(test_vm_shootdown_where_map_active)
{
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_map	 both = { "threads", 3 };
	struct vm_buf	*b = vm_buf_new(vm, &both, 0, 3 * 4096, &ch);
	unsigned	 i;

	memset(&ch, 0, sizeof(ch));
	for (i = 0; i < 3; i++)
		vm_loan(vm, b->pages[i], 0, &tlb, &ch);
	vm_tlb_flush(vm, &tlb, 0, &ch);
	/* Three local invalidations and one IPI round to CPU 1. */
	ck_assert_uint_eq(ch.ns[CPU_TLB], 3 * 110 + 4000);
	ck_assert_uint_eq(vm_stats(vm)->shootdowns, 1);
	ck_assert_uint_eq(vm_stats(vm)->shootdown_rounds, 1);
	for (i = 0; i < 3; i++)
		vm_unloan(vm, b->pages[i], &ch);
	vm_buf_free(vm, b, &ch);
}
END_TEST

START_TEST(test_vm_shootdown_occupies_target_cpu)
{
	static const char *const two[] = { "machine.cpus=2", NULL };
	struct params	*p = test_params(two);
	struct machine	 m;
	struct engine	*e = engine_new();
	struct kernel	*k;
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_map	 both = { "threads", 3 };
	struct vm_buf	*b;
	unsigned	 i;

	machine_init(&m, p);
	params_free(p);
	k = kernel_new(e, &m);
	b = vm_buf_new(k->vm, &both, 0, 3 * 4096, &ch);
	memset(&ch, 0, sizeof(ch));
	for (i = 0; i < 3; i++)
		vm_loan(k->vm, b->pages[i], 0, &tlb, &ch);
	vm_tlb_flush(k->vm, &tlb, 0, &ch);
	ck_assert_uint_eq(kernel_step_end(k, 0, &ch), 3 * (220 + 130) +
	    3 * 110 + 4000);
	/* CPU 0: three local invalidations and its wait for the ack. */
	ck_assert_uint_eq(cpus_busy_on(k->cpus, 0, CPU_TLB), 3 * 110 + 4000);
	/* CPU 1: the IPI's interrupt and three invalidations, nothing
	 * else. */
	ck_assert_uint_eq(cpus_busy_on(k->cpus, 1, CPU_TLB), 1700 + 3 * 110);
	ck_assert_uint_eq(cpus_busy_on(k->cpus, 1, CPU_PMAP), 0);
	ck_assert_uint_eq(cpus_busy_total(k->cpus), 3 * (220 + 130) +
	    3 * 110 + 4000 + 1700 + 3 * 110);
	for (i = 0; i < 3; i++)
		vm_unloan(k->vm, b->pages[i], &ch);
	vm_buf_free(k->vm, b, &ch);
	kernel_free(k);
	engine_free(e);
}
END_TEST

/* Past the flush ceiling a batch flushes the whole TLB: the local CPU
 * and every target pay at most the ceiling's worth of invalidations
 * (machine.tlb_flush_ceiling = 4 here). */
START_TEST(test_vm_flush_ceiling_here_and_on_targets)
{
	static const char *const two[] = {
		"machine.cpus=2", "machine.tlb_flush_ceiling=4", NULL
	};
	struct params	*p = test_params(two);
	struct machine	 m;
	struct engine	*e = engine_new();
	struct kernel	*k;
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_map	 both = { "threads", 3 };
	struct vm_buf	*b;
	unsigned	 i;

	machine_init(&m, p);
	params_free(p);
	k = kernel_new(e, &m);
	b = vm_buf_new(k->vm, &both, 0, 10 * 4096, &ch);
	memset(&ch, 0, sizeof(ch));
	for (i = 0; i < 10; i++)
		vm_loan(k->vm, b->pages[i], 0, &tlb, &ch);
	vm_tlb_flush(k->vm, &tlb, 0, &ch);
	kernel_step_end(k, 0, &ch);
	ck_assert_uint_eq(cpus_busy_on(k->cpus, 0, CPU_TLB), 4 * 110 + 4000);
	ck_assert_uint_eq(cpus_busy_on(k->cpus, 1, CPU_TLB), 1700 + 4 * 110);
	for (i = 0; i < 10; i++)
		vm_unloan(k->vm, b->pages[i], &ch);
	vm_buf_free(k->vm, b, &ch);
	kernel_free(k);
	engine_free(e);
}
END_TEST

/* The end-of-run check names the page that breaks an invariant. */
START_TEST(test_vm_check_names_page)
{
	struct charge	 ch = { { 0 } };
	struct vm_tlb	 tlb = { 0, 0, 0 };
	struct vm_buf	*b = vm_buf_new(vm, &vm_proc, 0, 4096, &ch);
	GError		*e = NULL;

	ck_assert(vm_check(vm, FALSE, NULL));
	vm_loan(vm, b->pages[0], 0, &tlb, &ch);
	vm_tlb_flush(vm, &tlb, 0, &ch);
	ck_assert(!vm_check(vm, FALSE, &e));
	ck_assert(g_error_matches(e, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL));
	ck_assert_str_eq(e->message, "page 2 (anon, loan "
	    "count 1, wire count 0) is still loaned");
	g_clear_error(&e);
	vm_unloan(vm, b->pages[0], &ch);
	ck_assert(vm_check(vm, FALSE, NULL));
	/* Torn down, only the zero page may be left. */
	ck_assert(!vm_check(vm, TRUE, &e));
	ck_assert_str_eq(e->message, "page 2 (anon, loan "
	    "count 0, wire count 0) was never freed");
	g_clear_error(&e);
	vm_buf_free(vm, b, &ch);
	ck_assert(vm_check(vm, TRUE, NULL));
}
END_TEST

/* The registry's machine defaults are the current x86-64 profile. */
START_TEST(test_machine_defaults_are_current_profile)
{
	const char		*top = g_getenv("top_srcdir");
	char			*path = g_build_filename(top ? top : ".",
	    "scenarios", "machines", "x86-64-current.ini", NULL);
	struct params		*def = model_params_new();
	struct params		*cur = model_params_new();
	const struct param_def	*d;
	GError			*e = NULL;
	size_t			 n, i, checked = 0;

	ck_assert_msg(params_load_file(cur, path, &e), "%s",
	    e ? e->message : "");
	for (d = model_registry(&n), i = 0; i < n; i++) {
		const char	*k = d[i].name;
		gboolean	 same;

		if (!g_str_has_prefix(k, "machine.") ||
		    strcmp(k, "machine.description") == 0)
			continue;
		switch (d[i].type) {
		case PARAM_TIME:
			same = params_time(def, k) == params_time(cur, k);
			break;
		case PARAM_SIZE:
			same = params_size(def, k) == params_size(cur, k);
			break;
		case PARAM_COUNT:
			same = params_count(def, k) == params_count(cur, k);
			break;
		case PARAM_BANDWIDTH:
			same = params_bandwidth(def, k) ==
			    params_bandwidth(cur, k);
			break;
		case PARAM_BOOL:
			same = params_bool(def, k) == params_bool(cur, k);
			break;
		default:
			same = strcmp(params_string(def, k),
			    params_string(cur, k)) == 0;
			break;
		}
		ck_assert_msg(same, "%s: default %s, profile %s", k,
		    d[i].def, params_text(cur, k));
		/* Every key is set by the profile itself. */
		ck_assert_msg(params_is_set(cur, k), "%s not in the profile", k);
		checked++;
	}
	ck_assert_uint_ge(checked, 35);
	params_free(def);
	params_free(cur);
	g_free(path);
}
END_TEST

/* The 2002 uniprocessor carries the dual processor's shootdown costs, so
 * that a study over machine.cpus on it does not get free shootdowns. */
START_TEST(test_machine_up_profile_shootdowns)
{
	static const char *const keys[] = { "machine.tlb_shootdown",
	    "machine.tlb_shootdown_target" };
	const char	*top = g_getenv("top_srcdir");
	char		*up = g_build_filename(top ? top : ".", "scenarios",
	    "machines", "x86-2002-up.ini", NULL);
	char		*mp = g_build_filename(top ? top : ".", "scenarios",
	    "machines", "x86-2002-mp.ini", NULL);
	struct params	*pu = model_params_new(), *pm = model_params_new();
	unsigned	 i;

	ck_assert(params_load_file(pu, up, NULL));
	ck_assert(params_load_file(pm, mp, NULL));
	ck_assert_uint_eq(params_count(pu, "machine.cpus"), 1);
	for (i = 0; i < G_N_ELEMENTS(keys); i++) {
		ck_assert_uint_gt(params_time(pu, keys[i]), 0);
		ck_assert_uint_eq(params_time(pu, keys[i]),
		    params_time(pm, keys[i]));
	}
	params_free(pu);
	params_free(pm);
	g_free(up);
	g_free(mp);
}
END_TEST

/* --- mbuf ----------------------------------------------------------- */

START_TEST(test_mbuf_check_names_mbuf)
{
	struct charge		 ch = { { 0 } };
	struct mbuf_pool	*mp = mbuf_pool_new(&vm_m);
	struct mbuf		*a = m_get(mp, &ch), *b = m_get(mp, &ch);
	struct mbuf		*c = m_get(mp, &ch);
	GError			*e = NULL;

	m_clget(mp, b, 2048, &ch);
	b->seq = 4096;
	b->len = 2048;
	m_free(mp, a, &ch);
	ck_assert(!mbuf_pool_check(mp, &e));
	ck_assert(g_error_matches(e, LOANSIM_ERROR, LOANSIM_ERROR_INTERNAL));
	ck_assert_str_eq(e->message, "mbuf 2 (a cluster, "
	    "bytes 4096..6144) was never freed, one of 2");
	g_clear_error(&e);
	m_free(mp, b, &ch);
	m_free(mp, c, &ch);
	ck_assert(mbuf_pool_check(mp, NULL));
	mbuf_pool_free(mp);
}
END_TEST

static int	test_freed;

static void
test_ext_free(struct mbuf_ext *ext, void *arg, struct charge *ch)
{
	test_freed++;
	m_ext_destroy(ext);
}

START_TEST(test_mbuf_copym_shares_storage)
{
	struct charge		 ch = { { 0 } };
	struct mbuf_pool	*mp = mbuf_pool_new(&vm_m);
	struct vm_buf		*b = vm_buf_new(vm, &vm_proc, 0, 8192, &ch);
	struct mbuf		*m, *c1, *c2;

	test_freed = 0;
	m = m_get(mp, &ch);
	m_extadd_pages(mp, m, b->pages, 2, 0, 8192, test_ext_free, NULL, b,
	    &ch);
	c1 = m_copym(mp, m, 0, 1448, &ch);
	c2 = m_copym(mp, m, 1448, 4000, &ch);
	ck_assert_ptr_eq(c1->ext, m->ext);
	ck_assert_uint_eq(m->ext->refcnt, 3);
	ck_assert_uint_eq(mbuf_pool_stats(mp)->copym_refs, 2);
	/* c2 spans bytes 1448..5447: pages 0 and 1. */
	ck_assert_uint_eq(m_verify(c2, 0, c2->len, 4096), 0);
	b->pages[1]->version++;
	ck_assert_uint_eq(m_verify(c2, 0, c2->len, 4096), 1);
	ck_assert_uint_eq(m_verify(c1, 0, c1->len, 4096), 0);
	m_free(mp, m, &ch);
	m_free(mp, c1, &ch);
	ck_assert_int_eq(test_freed, 0);
	m_free(mp, c2, &ch);
	ck_assert_int_eq(test_freed, 1);
	ck_assert_uint_eq(mbuf_pool_live(mp), 0);
	ck_assert_uint_eq(mbuf_pool_stats(mp)->ext_live, 0);
	mbuf_pool_free(mp);
	vm_buf_free(vm, b, &ch);
}
END_TEST

START_TEST(test_mbuf_cluster_freed_with_last_reference)
{
	struct charge		 ch = { { 0 } };
	struct mbuf_pool	*mp = mbuf_pool_new(&vm_m);
	struct mbuf		*m = m_get(mp, &ch), *c;

	m_clget(mp, m, 2048, &ch);
	m->len = 2048;
	c = m_copym(mp, m, 100, 200, &ch);
	m_free(mp, m, &ch);
	ck_assert_uint_eq(mbuf_pool_stats(mp)->clusters_freed, 0);
	m_free(mp, c, &ch);
	ck_assert_uint_eq(mbuf_pool_stats(mp)->clusters_freed, 1);
	/* 2 m_get + 1 m_clget; 2 m_free + 1 cluster free. */
	ck_assert_uint_eq(ch.ns[CPU_ALLOC], 2 * 60 + 80 + 2 * 50 + 70);
	mbuf_pool_free(mp);
}
END_TEST

static Suite *
models_vm_suite(void)
{
	Suite	*s = suite_create("/models");
	TCase	*tc = tcase_create("/models/vm");

	tcase_add_checked_fixture(tc, vm_setup, vm_teardown);
	tcase_add_test(tc, test_vm_loan_protects_and_unloan_keeps_ro);
	tcase_add_test(tc, test_vm_write_to_loaned_page_breaks_loan);
	tcase_add_test(tc, test_vm_loan_breaks_counted);
	tcase_add_test(tc, test_vm_shootdown_where_map_active);
	tcase_add_test(tc, test_vm_shootdown_occupies_target_cpu);
	tcase_add_test(tc, test_vm_flush_ceiling_here_and_on_targets);
	tcase_add_test(tc, test_vm_check_names_page);
	tcase_add_test(tc, test_machine_defaults_are_current_profile);
	tcase_add_test(tc, test_machine_up_profile_shootdowns);
	suite_add_tcase(s, tc);
	tc = tcase_create("/models/mbuf");
	tcase_add_checked_fixture(tc, vm_setup, vm_teardown);
	tcase_add_test(tc, test_mbuf_copym_shares_storage);
	tcase_add_test(tc, test_mbuf_cluster_freed_with_last_reference);
	tcase_add_test(tc, test_mbuf_check_names_mbuf);
	suite_add_tcase(s, tc);
	return s;
}

/* --- whole socket-send runs ----------------------------------------- */

static const char *const one_8k[] = {
	"workload.size=8KiB", "workload.messages=1", "workload.buffers=1",
	NULL
};

START_TEST(test_socket_copy_one_write_exact)
{
	struct model_result r = test_run(one_8k, "copy");

	/* 6 segments over 4 clusters touch 9 (segment, cluster) pairs. */
	/* The last segment carries the FIN of close() (500 ns). */
	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte") * 8192,
	    28526, 1e-6);
	ck_assert_double_eq_tol(closed_form_copy(8192, 6, 3, 9, 0) + 500,
	    28526, 1e-9);
	ck_assert_double_eq(closed_form_copy_pieces(8192), 9);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_copy_ns_per_byte") *
	    8192, 4 * (100 + 512), 1e-6);
	ck_assert_double_eq_tol(test_metric(&r, "cpu_alloc_ns_per_byte") *
	    8192, 2030, 1e-6);
	ck_assert_double_eq_tol(test_metric(&r, "copied_bytes_per_byte"), 1,
	    1e-12);
	ck_assert_double_eq(test_metric(&r, "violations"), 0);
	ck_assert_double_eq(test_metric(&r, "pinned_pages_peak"), 0);
}
END_TEST

START_TEST(test_socket_loan_one_write_exact)
{
	struct model_result r = test_run(one_8k, "loan");

	ck_assert_double_eq_tol(test_metric(&r, "cpu_ns_per_byte") * 8192,
	    31998, 1e-6);
	ck_assert_double_eq_tol(closed_form_loan(8192, 6, 3, 6, 1, 0, 0) +
	    500, 31998, 1e-9);
	ck_assert_double_eq(test_metric(&r, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&r, "pinned_pages_peak"), 2);
	ck_assert_double_eq(test_metric(&r, "cow_faults_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&r, "violations"), 0);
}
END_TEST

/* Every sleep costs the switch away on the sleeper's CPU, every wakeup
 * `wakeup` on the waker's and a switch in on the sleeper's: the writer
 * waiting for its only buffer (async), and the sopendfree thread. */
START_TEST(test_socket_sleep_and_wakeup_costs)
{
	static const char *const kv[] = {
		"workload.size=8KiB", "workload.messages=2",
		"workload.buffers=1", "workload.reuse=async", NULL
	};
	struct model_result l = test_run(kv, "loan");
	struct model_result c = test_run(kv, "copy");

	/* Two sopendfree passes (each woken by soloanfree, switched in
	 * and away); the writer sleeps once for its buffer, is woken by
	 * the first pass and switched back in. */
	ck_assert_double_eq_tol(test_metric(&l, "cpu_sched_ns_per_byte") *
	    16384, 2 * (700 + 2 * 2000) + (2000 + 700 + 2000), 1e-6);
	/* Copying never holds the buffer: nobody sleeps. */
	ck_assert_double_eq(test_metric(&c, "cpu_sched_ns_per_byte"), 0);
}
END_TEST

START_TEST(test_socket_loan_refill_breaks_loans)
{
	static const char *const kv[] = {
		"workload.size=8KiB", "workload.messages=2",
		"workload.buffers=1", NULL
	};
	struct model_result r = test_run(kv, "loan");

	/* The second fill comes long before the first ACK: both pages of
	 * the only buffer are still on loan and are copied on write. */
	ck_assert_double_eq_tol(test_metric(&r, "cow_faults_per_MiB"),
	    2 / (16384.0 / 1048576), 1e-9);
	ck_assert_double_eq_tol(test_metric(&r, "loan_breaks_per_MiB"),
	    2 / (16384.0 / 1048576), 1e-9);
	ck_assert_double_eq_tol(test_metric(&r, "copied_bytes_per_byte"),
	    2 * 4096 / 16384.0, 1e-12);
	ck_assert_double_eq(test_metric(&r, "violations"), 0);
}
END_TEST

START_TEST(test_socket_gift_rewrite_violates)
{
	static const char *const kv[] = {
		"workload.size=8KiB", "workload.messages=1",
		"workload.buffers=1", "workload.rewrite_probability=1",
		"workload.rewrite_delay=0", NULL
	};
	struct model_result g = test_run(kv, "gift");
	struct model_result l = test_run(kv, "loan");
	struct model_result c = test_run(kv, "copy");
	struct model_result z = test_run(kv, "zbuf");

	/* Segments of 1448 B over two pages: 7 (segment, page) pairs, all
	 * read by the NIC after the rewrite. */
	ck_assert_double_eq(test_metric(&g, "violations"), 7);
	ck_assert_double_eq(test_metric(&l, "violations"), 0);
	ck_assert_double_eq(test_metric(&c, "violations"), 0);
	ck_assert_double_eq(test_metric(&z, "violations"), 0);
	ck_assert_double_eq_tol(test_metric(&l, "cow_faults_per_MiB"),
	    2 / (8192.0 / 1048576), 1e-9);
}
END_TEST

START_TEST(test_socket_partial_pages)
{
	static const char *const copy_kv[] = {
		"workload.size=8KiB", "workload.messages=1",
		"workload.buffers=1", "workload.offset=100", NULL
	};
	static const char *const loan_kv[] = {
		"workload.size=8KiB", "workload.messages=1",
		"workload.buffers=1", "workload.offset=100",
		"socket.loan_partial=loan", NULL
	};
	struct model_result c = test_run(copy_kv, "loan");
	struct model_result l = test_run(loan_kv, "loan");

	/* Bytes 100..8291 of three pages: the 3996-byte head is copied,
	 * the one whole page loaned, the 100-byte tail (below the
	 * threshold) copied. */
	ck_assert_double_eq(test_metric(&c, "pinned_pages_peak"), 1);
	ck_assert_double_eq_tol(test_metric(&c, "copied_bytes_per_byte"),
	    (3996 + 100) / 8192.0, 1e-12);
	/* NetBSD's sosend_loan loans all three pages whole. */
	ck_assert_double_eq(test_metric(&l, "pinned_pages_peak"), 3);
	ck_assert_double_eq(test_metric(&l, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&l, "violations"), 0);
}
END_TEST

/* The closed form of docs/model.md against 200 writes, 5 ms apart, with
 * TCP_NODELAY (segments start with each write) and a 1 MiB send buffer:
 * below a page (both copy), several pages, and above SOCK_LOAN_CHUNK
 * (three chunks), with the checksum folded into the copy or a pass of its
 * own.  Per write: g = ceil(S/mss) segments, g/2 ACKs (the receiver ACKs
 * every second segment, across writes), the refill faults of all but the
 * first use of each of the 4 buffers, and a share of close(): its
 * syscall, a FIN segment and its ACK. */
START_TEST(test_socket_closed_form_steady_state)
{
	static const char *const sizes[] = { "1KiB", "16KiB", "160KiB" };
	static const double bytes[] = { 1024, 16384, 163840 };
	static const char *const folds[] = { "true", "false" };
	double	n = 200, b = 4, close = 500 + 1500 + 900 + 900 + 1300;
	unsigned i, j;

	for (i = 0; i < G_N_ELEMENTS(sizes); i++)
		for (j = 0; j < G_N_ELEMENTS(folds); j++) {
			char	*size = g_strdup_printf("workload.size=%s",
			    sizes[i]);
			char	*fold = g_strdup_printf(
			    "machine.checksum_in_copy=%s", folds[j]);
			const char *const kv[] = {
				size, fold, "workload.messages=200",
				"workload.buffers=4", "workload.gap=5ms",
				"socket.nodelay=true", "socket.sndbuf=256KiB",
				"machine.checksum_offload=false", NULL
			};
			struct model_result c = test_run(kv, "copy");
			struct model_result l = test_run(kv, "loan");
			double	S = bytes[i], g = ceil(S / 1448);
			double	copy, loan, cks = j == 1;

			copy = closed_form_copy(S, g, g / 2,
			    closed_form_copy_pieces(S), cks) + close / n;
			loan = S < 4096 ? copy : closed_form_loan(S, g, g / 2,
			    g + ceil(S / 65536) - 1, ceil(S / 65536),
			    (n - b) / n, 1) + close / n;

			ck_assert_msg(fabs(test_metric(&c, "cpu_ns_per_byte") *
			    S - copy) < 0.02 * copy, "copy %s %s: %.1f ns a "
			    "write, formula %.1f", sizes[i], folds[j],
			    test_metric(&c, "cpu_ns_per_byte") * S, copy);
			ck_assert_msg(fabs(test_metric(&l, "cpu_ns_per_byte") *
			    S - loan) < 0.02 * loan, "loan %s %s: %.1f ns a "
			    "write, formula %.1f", sizes[i], folds[j],
			    test_metric(&l, "cpu_ns_per_byte") * S, loan);
			ck_assert_double_eq(test_metric(&l,
			    "cow_faults_per_MiB"), 0);
			if (S >= 4096)
				ck_assert_double_eq_tol(test_metric(&l,
				    "faults_per_MiB"), (n - b) * S / 4096 /
				    (n * S / 1048576), 1e-9);
			g_free(size);
			g_free(fold);
		}
}
END_TEST

START_TEST(test_socket_mp_kernel_unmap_shoots_down)
{
	static const char *const kv[] = {
		"machine.cpus=2", "workload.size=16KiB",
		"workload.messages=10", "workload.gap=1ms", NULL
	};
	struct model_result c = test_run(kv, "copy");
	struct model_result l = test_run(kv, "loan");

	/* sopendfree on CPU 1 unmaps kernel mappings: one IPI round to
	 * CPU 0 per loan chunk; copying never shoots down. */
	ck_assert_double_eq(test_metric(&c, "shootdowns_per_MiB"), 0);
	ck_assert_double_eq_tol(test_metric(&l, "shootdowns_per_MiB"),
	    10 / (10 * 16384.0 / 1048576), 1e-9);
}
END_TEST

/* Segments and ACKs of a uniprocessor run of 'bytes', from the time
 * they cost on test_machine: a segment costs protocol_tx (1500) and its
 * transmit-complete interrupt (900), an ACK an interrupt and
 * protocol_rx (1300). */
static void
test_segs_acks(const struct model_result *r, double bytes, double *segs,
    double *acks)
{
	double	intr = test_metric(r, "cpu_interrupt_ns_per_byte") * bytes;
	double	proto = test_metric(r, "cpu_protocol_ns_per_byte") * bytes;

	*segs = (proto - 1300 * intr / 900) / 200;
	*acks = intr / 900 - *segs;
}

/* The loan address space cap binds: 256 KiB writes with somaxkva at one
 * 64 KiB chunk, so the sender sleeps before each chunk until sopendfree
 * has returned the one before.  A chunk's last 376 bytes wait (Nagle:
 * more of the write follows) until its 45 full segments are acknowledged,
 * the 45th by the delayed-ACK timer; then the tail, alone, waits for the
 * timer too: 400 ms a chunk.  The last chunk of a write goes whole (no
 * more follows, nothing in flight) and is ACKed at once. */
START_TEST(test_socket_somaxkva_cap_binds)
{
	static const char *const cap[] = {
		"workload.size=256KiB", "workload.messages=2",
		"workload.buffers=2", "socket.sndbuf=1MiB",
		"socket.somaxkva=64KiB", NULL
	};
	static const char *const free_kva[] = {
		"workload.size=256KiB", "workload.messages=2",
		"workload.buffers=2", "socket.sndbuf=1MiB", NULL
	};
	struct model_result c = test_run(cap, "loan");
	struct model_result f = test_run(free_kva, "loan");
	double	segs, acks;

	ck_assert_double_eq(test_metric(&c, "pinned_pages_peak"), 16);
	ck_assert_double_eq(test_metric(&f, "pinned_pages_peak"), 128);
	/* Chunks 2-4 of the first write wait for address space, and all
	 * four of the second (the first chunk behind the first write's
	 * last): 7 sleeps in 2 writes; none for buffer space. */
	ck_assert_double_eq(test_metric(&c, "blocked_kva_per_write"), 3.5);
	ck_assert_double_eq(test_metric(&f, "blocked_kva_per_write"), 0);
	ck_assert_double_eq(test_metric(&c, "blocked_space_per_write"), 0);
	ck_assert_double_eq(test_metric(&c, "violations"), 0);
	/* Six chunks held for two delayed ACKs each: 2.4 s for 512 KiB,
	 * against the link's pace without the cap. */
	ck_assert_uint_ge(c.sim_time_ns, 6 * 400000000ull);
	ck_assert_uint_lt(c.sim_time_ns, 6 * 400000000ull + 20000000);
	ck_assert_double_lt(test_metric(&c, "throughput_MBps"), 0.25);
	ck_assert_double_gt(test_metric(&f, "throughput_MBps"), 50);
	/* 45 full segments and a 376-byte tail per chunk, but the FIN
	 * rides on the last tail. */
	test_segs_acks(&c, 524288, &segs, &acks);
	ck_assert_double_eq_tol(segs, 8 * 46, 1e-6);
}
END_TEST

/* A send buffer of 4 KiB (an MSS and the low-water mark): every write
 * sleeps for space many times, and still completes. */
START_TEST(test_socket_tiny_sndbuf)
{
	static const char *const tiny[] = {
		"workload.size=64KiB", "workload.messages=2",
		"socket.sndbuf=4KiB", NULL
	};
	static const char *const big[] = {
		"workload.size=64KiB", "workload.messages=2",
		"socket.sndbuf=1MiB", NULL
	};
	struct model_result c = test_run(tiny, "copy");
	struct model_result l = test_run(tiny, "loan");
	struct model_result b = test_run(big, "copy");

	ck_assert_double_eq(test_metric(&c, "copied_bytes_per_byte"), 1);
	/* Only an empty buffer has the 4096 bytes of space that a loan
	 * needs: one page loaned, at the start, the rest copied. */
	ck_assert_double_eq(test_metric(&l, "pinned_pages_peak"), 1);
	ck_assert_double_lt(test_metric(&l, "copied_bytes_per_byte"), 1);
	ck_assert_double_lt(test_metric(&c, "throughput_MBps"),
	    test_metric(&b, "throughput_MBps") / 10);
	ck_assert_double_gt(test_metric(&c, "cpu_sched_ns_per_byte"), 0);
	ck_assert_double_eq(test_metric(&b, "cpu_sched_ns_per_byte"), 0);
	/* At least one sleep for each 4 KiB after the first. */
	ck_assert_double_ge(test_metric(&c, "blocked_space_per_write"), 15);
	/* Each sbwait: the switch away, the ACK's wakeup, the switch back
	 * in (copying, nothing else sleeps). */
	ck_assert_double_eq_tol(test_metric(&c, "cpu_sched_ns_per_byte") *
	    131072, test_metric(&c, "blocked_space_per_write") * 2 *
	    (2000 + 700 + 2000), 1e-6);
	ck_assert_double_ge(test_metric(&l, "blocked_space_per_write"), 15);
	ck_assert_double_eq(test_metric(&b, "blocked_space_per_write"), 0);
	ck_assert_double_eq(test_metric(&l, "blocked_kva_per_write"), 0);
}
END_TEST

/* Nagle (tcp_output.c): six back-to-back 1000-byte writes.  The first
 * goes alone (nothing in flight); the others wait until a full segment
 * is there: 1000, 1448, 1448, 1448 and, with the FIN, the last 656
 * bytes; three ACKs (every second segment, and the FIN).  With
 * TCP_NODELAY each write is a segment of its own, sent before close():
 * six and a bare FIN, each pair and the FIN ACKed. */
START_TEST(test_socket_nagle)
{
	static const char *const nagle[] = {
		"workload.size=1000B", "workload.messages=6", NULL
	};
	static const char *const nodelay[] = {
		"workload.size=1000B", "workload.messages=6",
		"socket.nodelay=true", NULL
	};
	struct model_result n = test_run(nagle, "copy");
	struct model_result d = test_run(nodelay, "copy");
	double	segs, acks;

	test_segs_acks(&n, 6000, &segs, &acks);
	ck_assert_double_eq_tol(segs, 5, 1e-6);
	ck_assert_double_eq_tol(acks, 3, 1e-6);
	test_segs_acks(&d, 6000, &segs, &acks);
	ck_assert_double_eq_tol(segs, 7, 1e-6);
	ck_assert_double_eq_tol(acks, 4, 1e-6);
}
END_TEST

/* The receiver's delayed-ACK timer (200 ms).  Writes of three segments
 * 300 ms apart: the first two of each write are ACKed together, the
 * third when the timer fires; close() 300 ms after the second write
 * sends a FIN alone, ACKed at once: 7 segments, 5 ACKs.  And an
 * asynchronous writer reusing its only buffer: the loan of a 12 KiB
 * write (9 segments) returns only when the timer ACKs the ninth, so the
 * second write starts 200 ms later; with tcp_ack_on_push the ninth (it
 * empties the send buffer: PUSH) is ACKed at once. */
START_TEST(test_socket_delayed_ack_timer)
{
	static const char *const kv[] = {
		"workload.size=4344B", "workload.messages=2",
		"workload.gap=300ms", NULL
	};
	static const char *const async[] = {
		"workload.size=12KiB", "workload.messages=2",
		"workload.buffers=1", "workload.reuse=async", NULL
	};
	static const char *const push[] = {
		"workload.size=12KiB", "workload.messages=2",
		"workload.buffers=1", "workload.reuse=async",
		"socket.ack_on_push=true", NULL
	};
	struct model_result r = test_run(kv, "copy");
	struct model_result a = test_run(async, "loan");
	struct model_result p = test_run(push, "loan");
	double	segs, acks;

	test_segs_acks(&r, 8688, &segs, &acks);
	ck_assert_double_eq_tol(segs, 7, 1e-6);
	ck_assert_double_eq_tol(acks, 5, 1e-6);
	ck_assert_uint_ge(a.sim_time_ns, 200000000);
	ck_assert_uint_lt(a.sim_time_ns, 201000000);
	ck_assert_uint_lt(p.sim_time_ns, 1000000);
	test_segs_acks(&a, 24576, &segs, &acks);
	ck_assert_double_eq_tol(acks, 10, 1e-6);
	test_segs_acks(&p, 24576, &segs, &acks);
	ck_assert_double_eq_tol(acks, 10, 1e-6);
}
END_TEST

/* Corners of the registry that once stopped a run: every write must be
 * acknowledged whatever the buffer, MSS, chunk and address-space
 * sizes (the last one needs the persist timer). */
START_TEST(test_socket_corners_complete)
{
	static const char *const corners[][12] = {
		{ "workload.size=256KiB", "socket.somaxkva=64KiB",
		  "socket.sndbuf=1MiB", NULL },
		{ "workload.size=64KiB", "socket.sndbuf=4KiB", NULL },
		{ "workload.size=65537B", "socket.mss=64KiB",
		  "socket.sndbuf=1MiB", "socket.somaxkva=68KiB",
		  "socket.loan_chunk=6KiB", "socket.loan_partial=loan",
		  "workload.offset=4095", "socket.ack_every=3",
		  "socket.loan_threshold=0", NULL },
		{ "workload.size=1B", "socket.mss=64B", "socket.lowat=1B",
		  "socket.ack_every=64", "workload.threads=3", NULL },
		{ "workload.size=300KiB", "socket.sndbuf=8KiB",
		  "socket.loan_chunk=4KiB", "machine.rtt=0",
		  "socket.delack=0", "workload.reuse=async",
		  "workload.buffers=1", NULL },
	};
	static const char *const strategies[] = { "copy", "loan", "gift",
	    "zbuf" };
	unsigned	i, j, k;

	for (i = 0; i < G_N_ELEMENTS(corners); i++)
		for (j = 0; j < G_N_ELEMENTS(strategies); j++) {
			const char	*kv[16] = { "workload.messages=3" };
			struct model_result r;

			for (k = 0; corners[i][k] != NULL; k++)
				kv[k + 1] = corners[i][k];
			r = test_run(kv, strategies[j]);
			ck_assert_double_eq(test_metric(&r, "violations") > 0 &&
			    strcmp(strategies[j], "gift") != 0, 0);
		}
}
END_TEST

/* The software checksum: in the copy's pass (nothing more) or a pass of
 * its own over every byte sent, at the cache rate (2 GB/s: 0.5 ns/B) or,
 * over data not in the cache, the memory rate (800 MB/s: 1.25 ns/B).
 * Copied bytes are in the recycled clusters (hot), whatever the size
 * of the write; loaned pages are hot if the process filled them and they
 * fit, cold if they are pages of a file larger than the cache that the
 * process never touched. */
START_TEST(test_socket_checksum_passes)
{
	static const char *const sep[] = {
		"workload.size=8KiB", "workload.messages=1",
		"machine.checksum_offload=false",
		"machine.checksum_in_copy=false", NULL
	};
	static const char *const folded[] = {
		"workload.size=8KiB", "workload.messages=1",
		"machine.checksum_offload=false", NULL
	};
	static const char *const file[] = {
		"workload.size=8KiB", "workload.messages=1",
		"workload.reuse=sendfile", "workload.file_size=4MiB",
		"machine.checksum_offload=false",
		"machine.checksum_in_copy=false", NULL
	};
	static const char *const big[] = {
		"workload.size=2MiB", "workload.messages=1",
		"workload.buffers=1", "machine.checksum_offload=false",
		"machine.checksum_in_copy=false", NULL
	};
	struct model_result cs = test_run(sep, "copy");
	struct model_result ls = test_run(sep, "loan");
	struct model_result cf = test_run(folded, "copy");
	struct model_result lf = test_run(folded, "loan");
	struct model_result cfile = test_run(file, "copy");
	struct model_result lfile = test_run(file, "loan");
	struct model_result cbig = test_run(big, "copy");
	struct model_result lbig = test_run(big, "loan");
	struct model_result off = test_run(one_8k, "copy");

	ck_assert_double_eq_tol(test_metric(&cs, "cpu_cksum_ns_per_byte"),
	    0.5, 1e-12);
	ck_assert_double_eq_tol(test_metric(&ls, "cpu_cksum_ns_per_byte"),
	    0.5, 1e-12);
	ck_assert_double_eq(test_metric(&cf, "cpu_cksum_ns_per_byte"), 0);
	/* Folding is for copies: loaned pages still need their pass. */
	ck_assert_double_eq_tol(test_metric(&lf, "cpu_cksum_ns_per_byte"),
	    0.5, 1e-12);
	ck_assert_double_eq_tol(test_metric(&cfile, "cpu_cksum_ns_per_byte"),
	    0.5, 1e-12);
	ck_assert_double_eq_tol(test_metric(&lfile, "cpu_cksum_ns_per_byte"),
	    1.25, 1e-12);
	/* A write larger than the cache: its clusters are still in it
	 * (recycled: model_clusters_hot()), its user pages are not. */
	ck_assert_double_eq_tol(test_metric(&cbig, "cpu_cksum_ns_per_byte"),
	    0.5, 1e-12);
	/* loan: the first round loans 32 KiB (the send buffer is empty);
	 * every later one finds less than sock_loan_thresh free (each ACK
	 * frees two 1448-byte segments) and copies: 1/64 of the bytes are
	 * checksummed from memory, the rest in the clusters. */
	ck_assert_double_eq_tol(test_metric(&lbig, "cpu_cksum_ns_per_byte"),
	    0.5 + 0.75 / 64, 1e-12);
	/* Whole copy-and-checksum CPU: the separate pass adds 4096 ns. */
	ck_assert_double_eq_tol((test_metric(&cs, "cpu_ns_per_byte") -
	    test_metric(&cf, "cpu_ns_per_byte")) * 8192, 4096, 1e-6);
	ck_assert_double_eq(test_metric(&off, "cpu_cksum_ns_per_byte"), 0);
}
END_TEST

/* A write larger than the cache (2 MiB): the user's buffer is not in
 * the cache, but the clusters it is copied into are, as the pool
 * recycles them (model_clusters_hot(): the send buffer's clusters and
 * the source bytes copied between two uses of one, sndbuf + min(size,
 * sndbuf) = 64 KiB, fit): the copy runs from memory into the cache at
 * copy_bw_page (1 GB/s here: 1 ns/B), not at copy_bw_cold (500 MB/s),
 * and the checksum reads the clusters at checksum_bw (2 GB/s), not at
 * checksum_bw_cold (800 MB/s).  Where the send buffers outgrow the
 * cache (a cache of 63 KiB; a send buffer of 1 MiB; two writers on one
 * CPU with a cache of 64 KiB) both run from memory.  copy_fixed = 0 and
 * minclsize = 1 B: neither the rounds' number of copy calls nor
 * m_copym's copies of small mbufs show. */
static double
socket_big_write(const char *sndbuf, const char *threads, const char *cache,
    const char *cat)
{
	const char *const kv[] = {
		"workload.size=2MiB", "workload.messages=1",
		"workload.buffers=1", "machine.copy_fixed=0",
		"machine.copy_bw_page=1GB/s", "machine.copy_bw_cold=500MB/s",
		"machine.checksum_offload=false",
		"machine.checksum_in_copy=false", "socket.minclsize=1B",
		sndbuf, threads, cache, NULL
	};
	struct model_result r = test_run(kv, "copy");

	return test_metric(&r, cat);
}

START_TEST(test_socket_copy_above_cache)
{
	const char	*sb = "socket.sndbuf=32KiB", *one = "workload.threads=1";
	const char	*mib = "machine.cache_size=1MiB";
	const char	*fits = "machine.cache_size=64KiB";
	const char	*less = "machine.cache_size=63KiB";
	const char	*copy = "cpu_copy_ns_per_byte";
	const char	*cksum = "cpu_cksum_ns_per_byte";

	ck_assert_double_eq_tol(socket_big_write(sb, one, mib, copy), 1,
	    1e-12);
	ck_assert_double_eq_tol(socket_big_write(sb, one, mib, cksum), 0.5,
	    1e-12);
	ck_assert_double_eq_tol(socket_big_write(sb, one, fits, copy), 1,
	    1e-12);
	ck_assert_double_eq_tol(socket_big_write(sb, one, less, copy), 2,
	    1e-12);
	ck_assert_double_eq_tol(socket_big_write(sb, one, less, cksum), 1.25,
	    1e-12);
	ck_assert_double_eq_tol(socket_big_write("socket.sndbuf=1MiB", one,
	    mib, copy), 2, 1e-12);
	ck_assert_double_eq_tol(socket_big_write(sb, "workload.threads=2",
	    fits, copy), 2, 1e-12);
}
END_TEST

/* A run a limit stops is a limit error, and its teardown still frees
 * every page and mbuf: segments on the link, ACKs in flight, loans
 * waiting for sopendfree, half-built rounds (or it would be an internal
 * error naming what was left). */
START_TEST(test_socket_stopped_run_torn_down)
{
	static const char *const strategies[] = { "copy", "loan", "gift",
	    "zbuf" };
	static const char *const limits[] = { "scenario.max_events=10",
	    "scenario.max_events=1000", "scenario.max_events=4321",
	    "scenario.max_sim_time=150us" };
	unsigned	i, j;

	for (i = 0; i < G_N_ELEMENTS(strategies); i++)
		for (j = 0; j < G_N_ELEMENTS(limits); j++) {
			const char *const kv[] = {
				"workload.size=64KiB", "workload.messages=50",
				"machine.cpus=2", "workload.threads=2",
				"workload.reuse=async", limits[j], NULL
			};
			struct params		*p = test_params(kv);
			struct model_result	 r;
			GError			*e = NULL;

			ck_assert(!model_run(p, strategies[i], 1, 0, &r, &e));
			ck_assert_msg(g_error_matches(e, LOANSIM_ERROR,
			    LOANSIM_ERROR_LIMIT), "%s, %s: %s", strategies[i],
			    limits[j], e->message);
			g_error_free(e);
			params_free(p);
		}
}
END_TEST

/* zbuf, the lower bound (M9): from a page on, with the buffers reused
 * asynchronously, nothing costs less CPU per byte (nothing copied,
 * protected, faulted or held), whether the checksum is a pass of its own
 * or offloaded.  Above the cache that needs a checksum that reads
 * memory no slower than a copy out of it (checksum_bw_cold >=
 * copy_bw_page, as in every shipped profile; the test machine's own
 * 800 MB/s would let copy, which checksums its clusters in the cache,
 * win at 2 MiB).  Not below a page: four 1 KiB buffers hold less than a
 * round trip of the link, so the zbuf writer sleeps for one at nearly
 * every write and each write leaves as a short segment of its own,
 * while copy's writes return at once and fill the send buffer. */
static double
socket_async_cpu(const char *size, const char *offload, const char *st)
{
	const char *const kv[] = {
		size, offload, "workload.messages=50", "workload.buffers=4",
		"workload.reuse=async", "machine.checksum_in_copy=false",
		"machine.checksum_bw_cold=2GB/s", NULL
	};
	struct model_result r = test_run(kv, st);

	return test_metric(&r, "cpu_ns_per_byte");
}

START_TEST(test_socket_zbuf_lower_bound)
{
	static const char *const sizes[] = { "workload.size=4KiB",
	    "workload.size=16KiB", "workload.size=64KiB",
	    "workload.size=256KiB", "workload.size=2MiB" };
	static const char *const offload[] = {
	    "machine.checksum_offload=true", "machine.checksum_offload=false" };
	static const char *const others[] = { "copy", "loan", "gift" };
	unsigned	i, j, k;

	for (i = 0; i < G_N_ELEMENTS(sizes); i++)
		for (j = 0; j < G_N_ELEMENTS(offload); j++) {
			double z = socket_async_cpu(sizes[i], offload[j],
			    "zbuf");

			for (k = 0; k < G_N_ELEMENTS(others); k++) {
				double o = socket_async_cpu(sizes[i],
				    offload[j], others[k]);

				ck_assert_msg(z < o, "%s, %s: zbuf %.4f ns/B, "
				    "%s %.4f", sizes[i], offload[j], z,
				    others[k], o);
			}
		}
	ck_assert_double_gt(socket_async_cpu("workload.size=1KiB",
	    offload[0], "zbuf"), socket_async_cpu("workload.size=1KiB",
	    offload[0], "copy"));
}
END_TEST

/* loan_breaks_per_MiB in every model: besides the socket's (above) and
 * the pipe's (tests/check_pipe.c), a file's exchanged pages.  Every page
 * the process writes after the read is copied once; without other
 * writers by its own write fault (a break and a copy-on-write fault
 * each: 256 per MiB of 4 KiB pages); with other writers by whoever comes first,
 * so that every page's loan breaks once (256 per MiB) while only the
 * process's faults count as copy-on-write faults; and when the process
 * writes nothing, the writers' breaks alone, one per page they copied.
 * Receiving by flipping lends nothing: none. */
static struct model_result
loan_breaks_file(const char *fraction, const char *writers)
{
	const char *const kv[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=200", "file.size=64KiB", "machine.cpus=2",
		"workload.write_delay=50us", "file.writer_interval=5us",
		fraction, writers, NULL
	};

	return test_run(kv, "exchange");
}

START_TEST(test_loan_breaks_every_model)
{
	static const char *const rx[] = {
		"workload.kind=socket-recv", "workload.size=16KiB",
		"workload.messages=10", "nic.mtu=4168",
		"nic.layout=header-split", NULL
	};
	const char	*all = "workload.write_fraction=1";
	struct model_result w = loan_breaks_file(all, "file.writers=0");
	struct model_result a = loan_breaks_file(all, "file.writers=2");
	struct model_result n = loan_breaks_file("workload.write_fraction=0",
	    "file.writers=2");
	struct model_result f = test_run(rx, "flip");

	ck_assert_double_eq(test_metric(&w, "loan_breaks_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&w, "cow_faults_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&a, "loan_breaks_per_MiB"), 256);
	ck_assert_double_lt(test_metric(&a, "cow_faults_per_MiB"), 256);
	ck_assert_double_gt(test_metric(&n, "loan_breaks_per_MiB"), 0);
	ck_assert_double_eq_tol(test_metric(&n, "loan_breaks_per_MiB"),
	    256 * test_metric(&n, "copied_bytes_per_byte"), 1e-9);
	ck_assert_double_eq(test_metric(&n, "cow_faults_per_MiB"), 0);
	ck_assert_double_gt(test_metric(&f, "flips_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&f, "loan_breaks_per_MiB"), 0);
}
END_TEST

/* Loans above SOCK_LOAN_CHUNK: a 160 KiB write is loaned in chunks of
 * 64, 64 and 32 KiB (40 pages), each returned by a sopendfree pass of its
 * own; with loan_chunk = 32 KiB in five. */
START_TEST(test_socket_loan_chunks)
{
	static const char *const k64[] = {
		"workload.size=160KiB", "workload.messages=1",
		"socket.sndbuf=1MiB", NULL
	};
	static const char *const k32[] = {
		"workload.size=160KiB", "workload.messages=1",
		"socket.sndbuf=1MiB", "socket.loan_chunk=32KiB", NULL
	};
	struct model_result a = test_run(k64, "loan");
	struct model_result b = test_run(k32, "loan");

	ck_assert_double_eq(test_metric(&a, "pinned_pages_peak"), 40);
	ck_assert_double_eq(test_metric(&b, "pinned_pages_peak"), 40);
	/* 40 pages loaned and unloaned, whatever the chunks. */
	ck_assert_double_eq_tol(test_metric(&a, "cpu_loan_ns_per_byte") *
	    163840, 40 * (130 + 120), 1e-6);
	ck_assert_double_eq_tol(test_metric(&b, "cpu_loan_ns_per_byte") *
	    163840, 40 * (130 + 120), 1e-6);
	/* A pass per chunk: soloanfree's wakeup, two switches. */
	ck_assert_double_eq_tol(test_metric(&a, "cpu_sched_ns_per_byte") *
	    163840, 3 * (700 + 2 * 2000), 1e-6);
	ck_assert_double_eq_tol(test_metric(&b, "cpu_sched_ns_per_byte") *
	    163840, 5 * (700 + 2 * 2000), 1e-6);
	ck_assert_double_eq(test_metric(&a, "copied_bytes_per_byte"), 0);
}
END_TEST

/* Asynchronous reuse: the process touches a buffer only once the kernel
 * gave it back, so nothing breaks; each reuse of a returned page takes
 * only the write-enable fault.  8 writes of 8 KiB over 4 buffers: the
 * last 4 fault on both pages. */
START_TEST(test_socket_async_reuse)
{
	static const char *const kv[] = {
		"workload.size=8KiB", "workload.messages=8",
		"workload.buffers=4", "workload.reuse=async", NULL
	};
	struct model_result l = test_run(kv, "loan");
	struct model_result z = test_run(kv, "zbuf");

	ck_assert_double_eq(test_metric(&l, "cow_faults_per_MiB"), 0);
	ck_assert_double_eq_tol(test_metric(&l, "faults_per_MiB"),
	    8 / (65536.0 / 1048576), 1e-9);
	ck_assert_double_eq_tol(test_metric(&l, "cpu_fault_ns_per_byte") *
	    65536, 8 * 1000, 1e-6);
	ck_assert_double_eq(test_metric(&l, "violations"), 0);
	/* A zbuf protects nothing: no fault at all, and nothing copied. */
	ck_assert_double_eq(test_metric(&z, "faults_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&z, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&z, "violations"), 0);
}
END_TEST

/* sendfile: pages of a mapped file, read-only already: a loan protects
 * nothing (no pmap_protect, no invalidation) and nothing ever faults;
 * only the kernel mapping and its removal per page.  The copy copies
 * from memory (the 4 MiB file outgrows the 1 MiB cache: 1 GB/s). */
START_TEST(test_socket_sendfile)
{
	static const char *const kv[] = {
		"workload.size=16KiB", "workload.messages=4",
		"workload.reuse=sendfile", "workload.file_size=4MiB",
		"workload.gap=1ms", NULL
	};
	struct model_result l = test_run(kv, "loan");
	struct model_result c = test_run(kv, "copy");

	ck_assert_double_eq_tol(test_metric(&l, "cpu_pmap_ns_per_byte") *
	    65536, 16 * (300 + 250), 1e-6);
	/* Only the unmapping invalidates. */
	ck_assert_double_eq_tol(test_metric(&l, "cpu_tlb_ns_per_byte") *
	    65536, 16 * 110, 1e-6);
	ck_assert_double_eq(test_metric(&l, "faults_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&l, "cpu_app_ns_per_byte"), 0);
	ck_assert_double_eq(test_metric(&l, "copied_bytes_per_byte"), 0);
	/* 8 clusters a write, each copy_fixed + 2048 B from the file's
	 * pages in memory into clusters in the cache, a page at a time
	 * (copy_bw_page, 2 GB/s). */
	ck_assert_double_eq_tol(test_metric(&c, "cpu_copy_ns_per_byte") *
	    65536, 32 * (100 + 1024), 1e-6);
}
END_TEST

/* 8192-byte pages: a 32 KiB write is 4 pages; 100 bytes into its first
 * page, the 8092-byte head and the 100-byte tail are copied and the 3
 * whole pages loaned. */
START_TEST(test_socket_8k_pages)
{
	static const char *const al[] = {
		"machine.page_size=8192", "workload.size=32KiB",
		"workload.messages=1", NULL
	};
	static const char *const off[] = {
		"machine.page_size=8192", "workload.size=32KiB",
		"workload.messages=1", "workload.offset=100", NULL
	};
	struct model_result a = test_run(al, "loan");
	struct model_result o = test_run(off, "loan");

	ck_assert_double_eq(test_metric(&a, "pinned_pages_peak"), 4);
	ck_assert_double_eq(test_metric(&a, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq_tol(test_metric(&a, "cpu_loan_ns_per_byte") *
	    32768, 4 * (130 + 120), 1e-6);
	ck_assert_double_eq(test_metric(&o, "pinned_pages_peak"), 3);
	ck_assert_double_eq_tol(test_metric(&o, "copied_bytes_per_byte"),
	    (8092 + 100) / 32768.0, 1e-12);
}
END_TEST

/* Two threads on two CPUs share the address space: every loan's
 * write-protect interrupts the other CPU, and so does every sopendfree
 * unmapping (the kernel map is active everywhere).  4 writes of 4 pages,
 * apart: 8 rounds, each 4 local invalidations and the initiator's wait
 * (4000), and on the target the interrupt (1700) and 4 invalidations. */
START_TEST(test_socket_threads_shoot_down)
{
	static const char *const kv[] = {
		"machine.cpus=2", "workload.threads=2", "workload.size=16KiB",
		"workload.messages=2", "workload.buffers=4",
		"workload.gap=1ms", NULL
	};
	struct model_result l = test_run(kv, "loan");
	struct model_result c = test_run(kv, "copy");

	ck_assert_double_eq_tol(test_metric(&l, "shootdowns_per_MiB"),
	    8 / (65536.0 / 1048576), 1e-9);
	ck_assert_double_eq_tol(test_metric(&l, "cpu_tlb_ns_per_byte") *
	    65536, 8 * (4 * 110 + 4000 + 1700 + 4 * 110), 1e-6);
	ck_assert_double_eq(test_metric(&c, "shootdowns_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&c, "cpu_tlb_ns_per_byte"), 0);
}
END_TEST

START_TEST(test_socket_same_seed_same_result)
{
	static const char *const kv[] = {
		"workload.size=12KiB", "workload.messages=200",
		"workload.rewrite_probability=0.5",
		"workload.rewrite_delay=exp(100us)", NULL
	};
	struct params		*p = test_params(kv);
	struct model_result	 a, b, c;

	ck_assert(model_run(p, "loan", 7, 0, &a, NULL));
	ck_assert(model_run(p, "loan", 7, 0, &b, NULL));
	ck_assert(model_run(p, "loan", 7, 1, &c, NULL));
	ck_assert(memcmp(a.v, b.v, sizeof(a.v)) == 0);
	ck_assert_uint_eq(a.fingerprint, b.fingerprint);
	ck_assert_uint_eq(a.events, b.events);
	/* Another replication draws other rewrites. */
	ck_assert(a.fingerprint != c.fingerprint);
	params_free(p);
}
END_TEST

/* workload.size_dist: each write draws its size, at most the buffer's
 * (workload.size).  A constant draw of 4 KiB from 16 KiB buffers is the
 * run with 4 KiB buffers; a draw above the buffer is cut to it; a
 * spread of sizes is not either; and only socket-send draws. */
START_TEST(test_socket_write_size_distribution)
{
	static const char *const four[] = {
		"workload.size=4KiB", "workload.messages=50", NULL
	};
	static const char *const drawn4[] = {
		"workload.size=16KiB", "workload.size_dist=const(4KiB)",
		"workload.messages=50", NULL
	};
	static const char *const sixteen[] = {
		"workload.size=16KiB", "workload.messages=50", NULL
	};
	static const char *const drawn64[] = {
		"workload.size=16KiB", "workload.size_dist=64KiB",
		"workload.messages=50", NULL
	};
	static const char *const spread[] = {
		"workload.size=16KiB", "workload.size_dist=uniform(1KiB, 16KiB)",
		"workload.messages=50", NULL
	};
	static const char *const piped[] = {
		"workload.kind=pipe", "workload.size_dist=uniform(1KiB, 16KiB)",
		NULL
	};
	struct model_result a = test_run(four, "copy");
	struct model_result b = test_run(drawn4, "copy");
	struct model_result c = test_run(sixteen, "loan");
	struct model_result d = test_run(drawn64, "loan");
	struct model_result u = test_run(spread, "copy");
	struct model_result u2 = test_run(spread, "copy");
	struct params	*p = test_params(piped);
	struct model_result r;
	GError		*e = NULL;
	unsigned	 i;

	for (i = 0; i < MODEL_METRIC_COUNT; i++) {
		ck_assert_double_eq(a.v[i], b.v[i]);
		ck_assert_double_eq(c.v[i], d.v[i]);
		ck_assert_double_eq(u.v[i], u2.v[i]);
	}
	ck_assert_uint_eq(a.events, b.events);
	ck_assert_uint_eq(c.fingerprint, d.fingerprint);
	ck_assert_uint_ne(u.fingerprint, a.fingerprint);
	ck_assert_uint_ne(u.fingerprint, test_run(sixteen, "copy").fingerprint);
	ck_assert(!model_run(p, "copy", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "[workload] size_dist = \"uniform(1KiB, "
	    "16KiB)\": write sizes are drawn for workload kind socket-send "
	    "only; pipe uses workload.size every time");
	g_error_free(e);
	params_free(p);
}
END_TEST

START_TEST(test_socket_bad_config_is_an_error)
{
	static const char *const kv[] = {
		"socket.sndbuf=4KiB", "socket.lowat=4KiB", NULL
	};
	struct params		*p = test_params(kv);
	struct model_result	 r;
	GError			*e = NULL;

	ck_assert(!model_run(p, "copy", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "[socket] sndbuf = 4096 B is smaller "
	    "than mss + lowat = 5544 B");
	g_clear_error(&e);
	ck_assert(!model_run(p, "teleport", 1, 0, &r, &e));
	ck_assert_str_eq(e->message, "unknown strategy \"teleport\" for "
	    "workload kind socket-send (expected copy, loan, gift or zbuf)");
	g_error_free(e);
	params_free(p);
}
END_TEST

static Suite *
models_socket_suite(void)
{
	Suite	*s = suite_create("/models/socket");
	TCase	*tc = tcase_create("/models/socket/send");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_socket_copy_one_write_exact);
	tcase_add_test(tc, test_socket_loan_one_write_exact);
	tcase_add_test(tc, test_socket_sleep_and_wakeup_costs);
	tcase_add_test(tc, test_socket_loan_refill_breaks_loans);
	tcase_add_test(tc, test_socket_gift_rewrite_violates);
	tcase_add_test(tc, test_socket_partial_pages);
	tcase_add_test(tc, test_socket_closed_form_steady_state);
	tcase_add_test(tc, test_socket_mp_kernel_unmap_shoots_down);
	tcase_add_test(tc, test_socket_somaxkva_cap_binds);
	tcase_add_test(tc, test_socket_tiny_sndbuf);
	tcase_add_test(tc, test_socket_copy_above_cache);
	tcase_add_test(tc, test_socket_zbuf_lower_bound);
	tcase_add_test(tc, test_loan_breaks_every_model);
	tcase_add_test(tc, test_socket_nagle);
	tcase_add_test(tc, test_socket_delayed_ack_timer);
	tcase_add_test(tc, test_socket_corners_complete);
	tcase_add_test(tc, test_socket_checksum_passes);
	tcase_add_test(tc, test_socket_stopped_run_torn_down);
	tcase_add_test(tc, test_socket_loan_chunks);
	tcase_add_test(tc, test_socket_async_reuse);
	tcase_add_test(tc, test_socket_sendfile);
	tcase_add_test(tc, test_socket_8k_pages);
	tcase_add_test(tc, test_socket_threads_shoot_down);
	tcase_add_test(tc, test_socket_same_seed_same_result);
	tcase_add_test(tc, test_socket_write_size_distribution);
	tcase_add_test(tc, test_socket_bad_config_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(models_vm_suite());
	int	 failed;

	srunner_add_suite(sr, models_socket_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
