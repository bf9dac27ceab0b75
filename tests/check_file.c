/* Tests of the file model (models/file.c): page exchange on read, page
 * donation on write, with exact counts in small deterministic runs on
 * the test machine (tests/models_test.c). */
#include <check.h>
#include <string.h>

#include "models/model.h"
#include "tests/models_test.h"

START_TEST(test_file_exchange_counts)
{
	static const char *const kv[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=1MiB", NULL
	};
	static const char *const wr[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=1MiB",
		"workload.write_fraction=1", NULL
	};
	static const char *const odd[] = {
		"workload.kind=file-read", "workload.size=8KiB",
		"workload.messages=10", "file.size=1MiB", "workload.offset=100",
		NULL
	};
	struct model_result x = test_run(kv, "exchange");
	struct model_result w = test_run(wr, "exchange");
	struct model_result u = test_run(odd, "exchange");
	struct model_result c = test_run(kv, "copy");

	/* Two aligned whole pages a read, exchanged: 20 in 80 KiB. */
	ck_assert_double_eq(test_metric(&x, "flips_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&x, "copied_bytes_per_byte"), 0);
	ck_assert_double_eq(test_metric(&x, "cow_faults_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&c, "copied_bytes_per_byte"), 1);
	/* Every exchanged page written afterwards: every loan breaks. */
	ck_assert_double_eq(test_metric(&w, "cow_faults_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&w, "copied_bytes_per_byte"), 1);
	/* A buffer 100 bytes into its page: nothing is aligned, all
	 * copied. */
	ck_assert_double_eq(test_metric(&u, "flips_per_MiB"), 0);
	ck_assert_double_eq(test_metric(&u, "copied_bytes_per_byte"), 1);
	ck_assert_double_eq(test_metric(&x, "violations"), 0);
}
END_TEST

START_TEST(test_file_donate_replacements)
{
	static const char *const zero[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=16KiB", NULL
	};
	static const char *const cow[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=16KiB",
		"workload.replacement=zero-cow", NULL
	};
	static const char *const stale[] = {
		"workload.kind=file-write", "workload.size=8KiB",
		"workload.messages=10", "file.size=16KiB",
		"workload.replacement=stale", NULL
	};
	struct model_result z = test_run(zero, "donate");
	struct model_result c = test_run(cow, "donate");
	struct model_result s = test_run(stale, "donate");

	ck_assert_double_eq(test_metric(&z, "flips_per_MiB"), 256);
	ck_assert_double_eq(test_metric(&z, "copied_bytes_per_byte"), 0);
	/* zero-cow: every fill after the first faults on both pages
	 * (the shared zero page): 18 faults in 80 KiB. */
	ck_assert_double_eq_tol(test_metric(&c, "faults_per_MiB"),
	    18 / (81920.0 / 1048576), 1e-9);
	ck_assert_double_eq(test_metric(&z, "faults_per_MiB"), 0);
	/* stale: the first 4 replacements are zeroed pages; once the file
	 * wraps around, each page the process donated comes back out of
	 * the cache as its next replacement: 16 allocations, zeroings and
	 * frees fewer. */
	ck_assert_double_eq_tol((test_metric(&z, "cpu_alloc_ns_per_byte") -
	    test_metric(&s, "cpu_alloc_ns_per_byte")) * 81920,
	    16 * (200 + 1200 + 150), 1e-6);
	ck_assert_double_eq(test_metric(&s, "violations"), 0);
}
END_TEST

START_TEST(test_file_other_writers_and_mappers)
{
	static const char *const kv[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=50", "file.size=64KiB", "file.mappers=1",
		"file.mapped_writable=true", "machine.cpus=2", NULL
	};
	static const char *const wr[] = {
		"workload.kind=file-read", "workload.size=16KiB",
		"workload.messages=50", "file.size=64KiB", "file.mappers=1",
		"file.mapped_writable=true", "machine.cpus=2",
		"file.writers=2", "file.writer_interval=2us", NULL
	};
	struct model_result x = test_run(kv, "exchange");
	struct model_result w = test_run(wr, "exchange");
	double first = 4 / (50 * 16384.0 / 1048576);

	/* The first loan of each of the 16 file pages write-protects the
	 * mapper's mapping on CPU 1: one shootdown round for each of the
	 * first 4 reads; the mapping stays read-only after that. */
	ck_assert_double_eq_tol(test_metric(&x, "shootdowns_per_MiB"), first,
	    1e-9);
	/* Writers break loans: the file gets fresh pages, writable for the
	 * mapper again, so later loans protect again; the process keeps
	 * the snapshot it read (a violation would fail the run). */
	ck_assert_double_gt(test_metric(&w, "shootdowns_per_MiB"), first);
	ck_assert_double_eq(test_metric(&w, "violations"), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("/models/file");
	TCase	*tc = tcase_create("/models/file/io");
	SRunner	*sr;
	int	 failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_file_exchange_counts);
	tcase_add_test(tc, test_file_donate_replacements);
	tcase_add_test(tc, test_file_other_writers_and_mappers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
