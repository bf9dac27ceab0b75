/* CSV output: rows built in memory, files replaced atomically (a temporary
 * file of a fixed name, then rename), and a journal appended row by row
 * so that a killed run keeps what it had computed. */
#ifndef LOANSIM_CSV_H
#define LOANSIM_CSV_H

#include <glib.h>
#include <stdio.h>

struct csv;

struct csv	*csv_new(void);
void		 csv_free(struct csv *);
void		 csv_field(struct csv *, const char *);	/* quoted if needed */
void		 csv_field_u64(struct csv *, guint64);
void		 csv_field_double(struct csv *, double);	/* %.10g; nan */
void		 csv_end_row(struct csv *);
const char	*csv_text(const struct csv *);
/* The text of the last finished row, with its newline. */
const char	*csv_last_row(const struct csv *);
gboolean	 csv_write_atomic(const struct csv *, const char *path,
		    GError **);
/* Any text, replaced the same way (through PATH.tmp). */
gboolean	 csv_write_text(const char *path, const char *text, GError **);
/* Remove what an interrupted replacement of path may have left: PATH.tmp,
 * and PATH.XXXXXX (six letters or digits) of older loansims. */
void		 csv_remove_temps(const char *path);

/* The fields of one CSV line (quotes undone), or NULL if it is not
 * well formed; g_strfreev() it. */
char		**csv_split_line(const char *line);

/* A whole table: the header's fields and the rows' (char **), each row
 * as long as the header; lines starting with '#' before the header and
 * blank lines skipped.  An unreadable file or a
 * row that is not like the header is an error naming file and line. */
gboolean	 csv_read_table(const char *path, char ***head, GPtrArray **rows,
		    GError **);

/* Journal: an append-only file flushed after every row. */
FILE		*csv_journal_open(const char *path, GError **);
gboolean	 csv_journal_append(FILE *, const char *text, GError **);

#endif
