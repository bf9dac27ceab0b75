/* CSV rows and atomic file replacement. */
#include "sim/csv.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "sim/error.h"

struct csv {
	GString	*text;
	gsize	 row_start;
	gsize	 last_start;
	gboolean first;		/* no field yet on this row */
};

struct csv *
csv_new(void)
{
	struct csv	*c = g_new0(struct csv, 1);

	c->text = g_string_new(NULL);
	c->first = TRUE;
	return c;
}

void
csv_free(struct csv *c)
{
	if (c == NULL)
		return;
	g_string_free(c->text, TRUE);
	g_free(c);
}

static void
csv_sep(struct csv *c)
{
	if (!c->first)
		g_string_append_c(c->text, ',');
	c->first = FALSE;
}

void
csv_field(struct csv *c, const char *s)
{
	const char	*p;

	csv_sep(c);
	if (strpbrk(s, ",\"\n\r") == NULL) {
		g_string_append(c->text, s);
		return;
	}
	g_string_append_c(c->text, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c(c->text, '"');
		g_string_append_c(c->text, *p);
	}
	g_string_append_c(c->text, '"');
}

void
csv_field_u64(struct csv *c, guint64 v)
{
	csv_sep(c);
	g_string_append_printf(c->text, "%" G_GUINT64_FORMAT, v);
}

void
csv_field_double(struct csv *c, double v)
{
	csv_sep(c);
	if (isnan(v))
		g_string_append(c->text, "nan");
	else
		g_string_append_printf(c->text, "%.10g", v);
}

void
csv_end_row(struct csv *c)
{
	g_string_append_c(c->text, '\n');
	c->last_start = c->row_start;
	c->row_start = c->text->len;
	c->first = TRUE;
}

const char *
csv_text(const struct csv *c)
{
	return c->text->str;
}

const char *
csv_last_row(const struct csv *c)
{
	return c->text->str + c->last_start;
}

gboolean
csv_write_atomic(const struct csv *c, const char *path, GError **error)
{
	return csv_write_text(path, c->text->str, error);
}

static char *
csv_temp_path(const char *path)
{
	return g_strconcat(path, ".tmp", NULL);
}

/* All of text into f, on the disk, closed. */
static gboolean
csv_write_all(FILE *f, const char *text)
{
	size_t	len = strlen(text);
	int	ok = fwrite(text, 1, len, f) == len && fflush(f) == 0 &&
		    fsync(fileno(f)) == 0;

	return fclose(f) == 0 && ok;
}

gboolean
csv_write_text(const char *path, const char *text, GError **error)
{
	char	*tmp = csv_temp_path(path);
	FILE	*f;
	int	 e;

	/* The new text in PATH.tmp, renamed over PATH: a kill at any
	 * moment leaves the old file or the new one, and at most PATH.tmp
	 * beside it, which the next write of PATH takes over (and a study
	 * removes, csv_remove_temps); never a file of another name. */
	if ((f = fopen(tmp, "w")) == NULL || !csv_write_all(f, text) ||
	    g_rename(tmp, path) != 0) {
		e = errno;
		(void)g_unlink(tmp);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "cannot write %s: %s", path, g_strerror(e));
		g_free(tmp);
		return FALSE;
	}
	g_free(tmp);
	return TRUE;
}

void
csv_remove_temps(const char *path)
{
	char		*tmp = csv_temp_path(path);
	char		*dir = g_path_get_dirname(path);
	char		*base = g_path_get_basename(path);
	size_t		 len = strlen(base);
	GDir		*d = g_dir_open(dir, 0, NULL);
	const char	*n;

	(void)g_unlink(tmp);
	/* Those of g_file_set_contents(), which wrote these files once:
	 * PATH.XXXXXX, six letters or digits. */
	while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
		size_t	i;

		if (strncmp(n, base, len) != 0 || n[len] != '.' ||
		    strlen(n) != len + 7)
			continue;
		for (i = len + 1; g_ascii_isalnum(n[i]); i++)
			;
		if (n[i] == '\0') {
			char *p = g_build_filename(dir, n, NULL);

			(void)g_unlink(p);
			g_free(p);
		}
	}
	if (d != NULL)
		g_dir_close(d);
	g_free(base);
	g_free(dir);
	g_free(tmp);
}

FILE *
csv_journal_open(const char *path, GError **error)
{
	FILE	*f = fopen(path, "a");

	if (f == NULL)
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "%s: %s", path, g_strerror(errno));
	return f;
}

gboolean
csv_journal_append(FILE *f, const char *text, GError **error)
{
	if (fputs(text, f) == EOF || fflush(f) == EOF) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_IO,
		    "journal: %s", g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

char **
csv_split_line(const char *line)
{
	GPtrArray	*f = g_ptr_array_new();
	GString		*cur = g_string_new(NULL);
	const char	*p = line;

	for (;;) {
		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '\0')
					goto bad;
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
				g_string_append_c(cur, *p);
			}
			p++;
			if (*p != ',' && *p != '\0' && *p != '\r')
				goto bad;
		} else
			while (*p != ',' && *p != '\0' && *p != '\r')
				g_string_append_c(cur, *p++);
		g_ptr_array_add(f, g_strdup(cur->str));
		g_string_truncate(cur, 0);
		if (*p != ',')
			break;
		p++;
	}
	g_string_free(cur, TRUE);
	g_ptr_array_add(f, NULL);
	return (char **)g_ptr_array_free(f, FALSE);
bad:
	g_string_free(cur, TRUE);
	g_ptr_array_set_free_func(f, g_free);
	g_ptr_array_free(f, TRUE);
	return NULL;
}

gboolean
csv_read_table(const char *path, char ***head, GPtrArray **rows,
    GError **error)
{
	char	*text = NULL, **lines;
	GError	*e = NULL;
	guint	 i, h, n;

	*head = NULL;
	*rows = NULL;
	if (!g_file_get_contents(path, &text, NULL, &e)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "cannot read %s: %s", path, e->message);
		g_error_free(e);
		return FALSE;
	}
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	/* Lines of "#" before the header (the key of a shard file). */
	for (h = 0; lines[h] != NULL && lines[h][0] == '#'; h++)
		;
	*head = lines[h] != NULL ? csv_split_line(lines[h]) : NULL;
	n = *head != NULL ? g_strv_length(*head) : 0;
	if (n == 0) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: no header", path);
		g_strfreev(lines);
		return FALSE;
	}
	*rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	for (i = h + 1; lines[i] != NULL; i++) {
		char	**f;

		if (*lines[i] == '\0')
			continue;
		f = csv_split_line(lines[i]);
		if (f == NULL || g_strv_length(f) != n) {
			g_strfreev(f);
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s:%u: expected %u fields like the header", path,
			    i + 1, n);
			g_strfreev(lines);
			return FALSE;
		}
		g_ptr_array_add(*rows, f);
	}
	g_strfreev(lines);
	return TRUE;
}
