/* The scratch folder of the fuzz harnesses.  A harness is a test program,
 * not part of loansim: its one piece of process-wide state is this
 * folder, made on first use and removed at exit. */
#include "tests/fuzz/fuzz.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

static char	*fuzz_dir;
static char	*fuzz_path;

static void
fuzz_rm_tree(const char *dir)
{
	GDir		*d = g_dir_open(dir, 0, NULL);
	const char	*name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		char	*p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			fuzz_rm_tree(p);
		else
			g_unlink(p);
		g_free(p);
	}
	g_dir_close(d);
	g_rmdir(dir);
}

static void
fuzz_cleanup(void)
{
	fuzz_rm_tree(fuzz_dir);
	g_free(fuzz_dir);
	g_free(fuzz_path);
}

static void
fuzz_copy_machines(void)
{
	const char	*src = g_getenv("LOANSIM_SRCDIR");
	char		*from, *to;
	GDir		*d;
	const char	*name;

	from = g_build_filename(src ? src : FUZZ_SRCDIR, "scenarios",
	    "machines", NULL);
	to = g_build_filename(fuzz_dir, "machines", NULL);
	g_mkdir(to, 0700);
	if ((d = g_dir_open(from, 0, NULL)) != NULL) {
		while ((name = g_dir_read_name(d)) != NULL) {
			char	*a = g_build_filename(from, name, NULL);
			char	*b = g_build_filename(to, name, NULL);
			char	*text;
			gsize	 len;

			if (g_file_get_contents(a, &text, &len, NULL)) {
				g_file_set_contents(b, text, (gssize)len,
				    NULL);
				g_free(text);
			}
			g_free(a);
			g_free(b);
		}
		g_dir_close(d);
	}
	g_free(from);
	g_free(to);
}

const char *
fuzz_scratch(void)
{
	if (fuzz_dir == NULL) {
		fuzz_dir = g_dir_make_tmp("loansim-fuzz.XXXXXX", NULL);
		if (fuzz_dir == NULL)
			abort();
		fuzz_copy_machines();
		atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}

const char *
fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	FILE	*f;

	g_free(fuzz_path);
	fuzz_path = g_build_filename(fuzz_scratch(), name, NULL);
	/* Plain stdio: g_file_set_contents() syncs to disk, which would
	 * make the disk, not the parser, the fuzzer's bottleneck. */
	if ((f = fopen(fuzz_path, "wb")) == NULL ||
	    fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	return fuzz_path;
}
