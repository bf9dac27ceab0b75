/* Scenario files and parameters.  A scenario is a GLib key file (.ini).
 * Every parameter is declared once in a registry (struct param_def) with
 * its type, default, range and meaning; reading a file checks every group
 * and key against it.  "include = other.ini" in any group reads another
 * file first, relative to the including file (cycles are an error); the
 * including file's own keys win.  Later sources override earlier ones:
 * defaults, then included files, then the file, then -p overrides.
 *
 * The [sweep] group is special: its keys name registered parameters and
 * its values are sweep specifications, kept as text, in file order, for
 * the study layer (params_sweep); its key "where" holds constraints
 * between the axes, also kept as text.
 *
 * Errors are GErrors (LOANSIM_ERROR_INPUT: a file that cannot be read is
 * bad input too) whose message names the file (and line), the group, the
 * key, the value and the expected form, e.g.
 *   s.ini:12: [workload] size = "16KQ": expected a size such as 16KiB
 *   (units B, KiB, MiB, GiB, TiB, kB, MB, GB)
 *   s.ini:3: unknown key [workload] sise; did you mean [workload] size?
 */
#ifndef LOANSIM_PARAMS_H
#define LOANSIM_PARAMS_H

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/dist.h"

enum param_type {
	PARAM_TIME,		/* ns, "200us" */
	PARAM_SIZE,		/* bytes, "16KiB" */
	PARAM_BANDWIDTH,	/* bytes per second, "1.2GB/s", "10Gbit/s" */
	PARAM_PROBABILITY,	/* [0, 1], "0.5" or "50%" */
	PARAM_COUNT,		/* unsigned integer */
	PARAM_REAL,		/* any finite double */
	PARAM_BOOL,		/* true/false, yes/no, on/off, 1/0 */
	PARAM_STRING,		/* free text */
	PARAM_ENUM,		/* one of choices */
	PARAM_LIST,		/* comma-separated subset of choices */
	PARAM_DIST_TIME,	/* a distribution of times: "exp(200us)" */
	PARAM_DIST_SIZE,	/* a distribution of sizes */
	PARAM_PATH,		/* a file name, relative to the scenario file */
	PARAM_NAME		/* a word safe in file names and scripts:
				 * [A-Za-z0-9._-], not starting with '.' */
};

struct param_def {
	const char	*name;		/* "group.key" */
	enum param_type	 type;
	const char	*def;		/* default, as text; NULL: required */
	const char	*min;		/* inclusive bounds as text, or NULL */
	const char	*max;
	const char	*choices;	/* ENUM and LIST: "copy,loan,gift" */
	const char	*meaning;	/* one line */
};

struct params;

struct params	*params_new(const struct param_def *defs, size_t ndefs);
struct params	*params_copy(const struct params *);
void		 params_free(struct params *);

gboolean	 params_load_file(struct params *, const char *path,
		    GError **error);
/* Set one parameter from text; origin names where it came from in error
 * messages ("command line", "sweep").  Checked like a file value. */
gboolean	 params_set(struct params *, const char *name,
		    const char *value, const char *origin, GError **error);
/* "group.key=value", as given to -p. */
gboolean	 params_override(struct params *, const char *assignment,
		    GError **error);

/* Typed look-ups.  The name must be registered (g_assert): values were
 * checked when they were set, so look-ups cannot fail. */
uint64_t	 params_time(const struct params *, const char *name);
uint64_t	 params_size(const struct params *, const char *name);
double		 params_bandwidth(const struct params *, const char *name);
double		 params_probability(const struct params *, const char *name);
uint64_t	 params_count(const struct params *, const char *name);
double		 params_real(const struct params *, const char *name);
gboolean	 params_bool(const struct params *, const char *name);
const char	*params_string(const struct params *, const char *name);
/* Newly parsed each call; dist_free() it. */
struct dist	*params_dist(const struct params *, const char *name);
/* NULL-terminated; g_strfreev() it. */
char		**params_list(const struct params *, const char *name);
/* Absolute path for a PARAM_PATH value; g_free() it. */
char		*params_path(const struct params *, const char *name);
/* The value as text, as it was given (or the default). */
const char	*params_text(const struct params *, const char *name);
/* "default", "command line", or "file.ini:LINE". */
const char	*params_origin(const struct params *, const char *name);
gboolean	 params_is_set(const struct params *, const char *name);

/* Directory of the scenario file (base for empirical tables). */
const char	*params_base_dir(const struct params *);
/* The file given to params_load_file, or NULL. */
const char	*params_file(const struct params *);

/* [sweep] entries in file order, then those added by params_add_sweep. */
struct params_sweep {
	char	*name;		/* "workload.size" */
	char	*spec;		/* "1KiB .. 256KiB *2" */
	char	*origin;
};
size_t		 params_sweep_count(const struct params *);
const struct params_sweep *params_sweep_get(const struct params *, size_t i);
gboolean	 params_add_sweep(struct params *, const char *name,
		    const char *spec, const char *origin, GError **error);

const struct param_def *params_lookup(const struct params *, const char *name);
/* Closest registered name (Levenshtein), or NULL if none is close. */
const char	*params_suggest(const struct params *, const char *name);
const char	*params_type_name(enum param_type);

/* "loansim params": every parameter, its type, default, range and meaning. */
void		 params_print_registry(const struct param_def *defs,
		    size_t ndefs, FILE *out);

#endif
