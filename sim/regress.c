/* Comparing a run's rows with reference rows. */
#include "sim/regress.h"

#include <math.h>
#include <string.h>

#include "sim/csv.h"
#include "sim/error.h"

struct regress_table {
	char		**head;
	GHashTable	*rows;		/* key -> char ** */
	GPtrArray	*order;		/* keys in file order */
};

static void
regress_table_free(struct regress_table *t)
{
	g_strfreev(t->head);
	if (t->rows != NULL)
		g_hash_table_destroy(t->rows);
	if (t->order != NULL)
		g_ptr_array_free(t->order, TRUE);
}

/* Rows keyed by (run_id, replication, strategy): columns 1, 2, 4. */
static gboolean
regress_read(const char *path, struct regress_table *t, GError **error)
{
	GPtrArray	*rows;
	guint		 i, n;

	memset(t, 0, sizeof(*t));
	t->rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_strfreev);
	t->order = g_ptr_array_new();
	if (!csv_read_table(path, &t->head, &rows, error)) {
		if (rows != NULL)
			g_ptr_array_free(rows, TRUE);
		return FALSE;
	}
	n = g_strv_length(t->head);
	if (n < 8 || strcmp(t->head[0], "scenario") != 0 ||
	    strcmp(t->head[n - 1], "fingerprint") != 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: not the rows of a run", path);
		g_ptr_array_free(rows, TRUE);
		return FALSE;
	}
	/* The table takes the rows over. */
	g_ptr_array_set_free_func(rows, NULL);
	for (i = 0; i < rows->len; i++) {
		char	**f = g_ptr_array_index(rows, i);
		char	 *key = g_strdup_printf("run %s, %s, replication %s",
		    f[1], f[4], f[2]);

		if (g_hash_table_contains(t->rows, key)) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s: %s appears twice", path, key);
			g_free(key);
			for (; i < rows->len; i++)
				g_strfreev(g_ptr_array_index(rows, i));
			g_ptr_array_free(rows, TRUE);
			return FALSE;
		}
		g_ptr_array_add(t->order, key);
		g_hash_table_replace(t->rows, key, f);
	}
	g_ptr_array_free(rows, TRUE);
	return TRUE;
}

static void
regress_header(FILE *out, int shown)
{
	if (shown == 0)
		fprintf(out, "  %-34s %-24s %16s %16s %9s\n", "row", "column",
		    "reference", "now", "change");
}

static gboolean
regress_close(const char *a, const char *b, double tol, double *rel)
{
	char	*ea, *eb;
	double	 x = g_ascii_strtod(a, &ea), y = g_ascii_strtod(b, &eb);

	*rel = 0;
	if (*ea || *eb)
		return strcmp(a, b) == 0;
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y);
	if (x == y)
		return TRUE;
	*rel = (y - x) / MAX(fabs(x), 1e-300);
	return fabs(y - x) <= tol * MAX(fabs(x), fabs(y)) + 1e-12;
}

int
regress_compare(const char *want, const char *got, double tol, FILE *out,
    GError **error)
{
	struct regress_table	 w, g;
	int			 moved = 0, shown = 0;
	guint			 i, n, c;

	if (!regress_read(want, &w, error) || !regress_read(got, &g, error)) {
		regress_table_free(&w);
		regress_table_free(&g);
		return -1;
	}
	n = g_strv_length(w.head);
	if (n != g_strv_length(g.head)) {
		fprintf(out, "  columns differ: %u in the reference, %u now\n",
		    n, g_strv_length(g.head));
		moved++;
		goto done;
	}
	for (c = 0; c < n; c++)
		if (strcmp(w.head[c], g.head[c]) != 0) {
			fprintf(out, "  column %u is %s in the reference, %s "
			    "now\n", c + 1, w.head[c], g.head[c]);
			moved++;
			goto done;
		}
	for (i = 0; i < w.order->len; i++) {
		const char	*key = g_ptr_array_index(w.order, i);
		char		**a = g_hash_table_lookup(w.rows, key);
		char		**b = g_hash_table_lookup(g.rows, key);

		if (b == NULL) {
			moved++;
			regress_header(out, shown);
			if (shown++ < 40)
				fprintf(out, "  %-34s %-24s %16s %16s\n", key,
				    "(the row)", "present", "missing");
			continue;
		}
		for (c = 5; c < n; c++) {
			double	rel;
			/* The fingerprint and event count must be exact. */
			double	t = c + 3 >= n ? 0 : tol;

			if (regress_close(a[c], b[c], t, &rel))
				continue;
			moved++;
			regress_header(out, shown);
			if (shown++ < 40) {
				char pct[32] = "";

				if (rel != 0 && c + 1 < n)
					g_snprintf(pct, sizeof(pct), "%+.3g%%",
					    100 * rel);
				fprintf(out, "  %-34s %-24s %16s %16s %9s\n",
				    key, w.head[c], a[c], b[c], pct);
			}
		}
	}
	for (i = 0; i < g.order->len; i++)
		if (!g_hash_table_contains(w.rows, g_ptr_array_index(g.order,
		    i))) {
			moved++;
			regress_header(out, shown);
			if (shown++ < 40)
				fprintf(out, "  %-34s %-24s %16s %16s\n",
				    (char *)g_ptr_array_index(g.order, i),
				    "(the row)", "absent", "new");
		}
	if (shown > 40)
		fprintf(out, "  ... and %d more\n", shown - 40);
done:
	regress_table_free(&w);
	regress_table_free(&g);
	return moved;
}
