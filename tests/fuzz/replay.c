/* Runs a fuzz harness over the files named on the command line, without
 * libFuzzer: how `make check` replays the seed corpus and every input that
 * once crashed, with the ordinary compiler.  Prints "N passed, 0 failed";
 * a failing input aborts, which the test harness reports. */
#include <glib.h>
#include <stdio.h>

#include "tests/fuzz/fuzz.h"

static void
replay_one(const char *path, unsigned *n)
{
	char	*data;
	gsize	 len;

	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		GDir		*d = g_dir_open(path, 0, NULL);
		const char	*name;
		GPtrArray	*names = g_ptr_array_new_with_free_func(g_free);
		guint		 i;

		while (d != NULL && (name = g_dir_read_name(d)) != NULL)
			g_ptr_array_add(names, g_build_filename(path, name,
			    NULL));
		if (d != NULL)
			g_dir_close(d);
		for (i = 0; i < names->len; i++)
			replay_one(names->pdata[i], n);
		g_ptr_array_free(names, TRUE);
		return;
	}
	if (!g_file_get_contents(path, &data, &len, NULL)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	g_free(data);
	(*n)++;
}

int
main(int argc, char **argv)
{
	unsigned	n = 0;
	int		i;

	for (i = 1; i < argc; i++)
		replay_one(argv[i], &n);
	printf("%u passed, 0 failed\n", n);
	return n > 0 ? 0 : 1;
}
