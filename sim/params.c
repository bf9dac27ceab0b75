/* Scenario files and the parameter registry. */
#include "sim/params.h"

#include <stdarg.h>
#include <string.h>

#include "sim/error.h"
#include "sim/units.h"

#define PARAMS_MAX_INCLUDE_DEPTH 16

struct params_value {
	char		*text;
	char		*origin;
	char		*dir;	/* of the file that set it, or NULL */
	union {
		uint64_t	u;
		double		d;
		gboolean	b;
	} v;
};

struct params {
	const struct param_def	*defs;
	size_t			 n;
	GHashTable		*index;		/* name -> index + 1 */
	struct params_value	*vals;
	GPtrArray		*sweep;		/* struct params_sweep * */
	char			*file;
	char			*base_dir;
};

static const char *params_type_names[] = {
	"time", "size", "bandwidth", "probability", "count", "real", "bool",
	"string", "choice", "list", "time dist", "size dist", "path", "name"
};

/* The longest PARAM_NAME: it becomes file names with suffixes. */
#define PARAMS_NAME_MAX 100

const char *
params_type_name(enum param_type t)
{
	g_assert((unsigned)t < G_N_ELEMENTS(params_type_names));
	return params_type_names[t];
}

static int
params_index(const struct params *p, const char *name)
{
	gpointer	v = g_hash_table_lookup(p->index, name);

	return v == NULL ? -1 : GPOINTER_TO_INT(v) - 1;
}

const struct param_def *
params_lookup(const struct params *p, const char *name)
{
	int	i = params_index(p, name);

	return i < 0 ? NULL : &p->defs[i];
}

/* --- values ---------------------------------------------------------- */

static gboolean
params_in_choices(const char *choices, const char *v)
{
	char		**c = g_strsplit(choices, ",", -1);
	gboolean	  found = FALSE;
	int		  i;

	for (i = 0; c[i] != NULL && !found; i++)
		found = strcmp(g_strstrip(c[i]), v) == 0;
	g_strfreev(c);
	return found;
}

static char *
params_choices_text(const char *choices)
{
	char	**c = g_strsplit(choices, ",", -1), *s;
	int	  i;

	for (i = 0; c[i] != NULL; i++)
		g_strstrip(c[i]);
	s = g_strjoinv(", ", c);
	g_strfreev(c);
	return s;
}

/* Parse a number of a numeric type into *x (base units). */
static gboolean
params_number(enum param_type t, const char *text, double *x, uint64_t *u,
    GError **error)
{
	switch (t) {
	case PARAM_TIME:
		if (!units_parse_time(text, u, error))
			return FALSE;
		*x = (double)*u;
		return TRUE;
	case PARAM_SIZE:
		if (!units_parse_size(text, u, error))
			return FALSE;
		*x = (double)*u;
		return TRUE;
	case PARAM_COUNT:
		if (!units_parse_count(text, u, error))
			return FALSE;
		*x = (double)*u;
		return TRUE;
	case PARAM_BANDWIDTH:
		return units_parse_bandwidth(text, x, error);
	case PARAM_PROBABILITY:
		return units_parse_probability(text, x, error);
	case PARAM_REAL:
		return units_parse_real(text, x, error);
	default:
		g_assert_not_reached();
	}
	return FALSE;
}

static const char *params_kind_word[] = {
	"a time", "a size", "a bandwidth", "a probability", "a whole number",
	"a number"
};

static void
params_range_error(const struct param_def *d, GError **error)
{
	const char	*what = params_kind_word[d->type];

	if (d->min != NULL && d->max != NULL)
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "expected %s from %s to %s", what, d->min, d->max);
	else if (d->min != NULL)
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "expected %s of at least %s", what, d->min);
	else
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "expected %s of at most %s", what, d->max);
}

/* A name becomes file names (NAME.csv, NAME-summary.png) and text in
 * gnuplot scripts: letters, digits, '.', '_' and '-' only, so that it
 * can neither leave the output folder ("../x", "/x") nor hide (".x"),
 * nor carry quotes into a script. */
static gboolean
params_name_check(const char *text, GError **error)
{
	const char	*c;

	for (c = text; *c != '\0'; c++)
		if (!g_ascii_isalnum(*c) && *c != '.' && *c != '_' &&
		    *c != '-')
			break;
	if (*text == '\0' || *text == '.' || *c != '\0' ||
	    strlen(text) > PARAMS_NAME_MAX) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "expected a name of 1 to %d letters, digits, '.', '_' or "
		    "'-', not starting with '.' (it names the output files)",
		    PARAMS_NAME_MAX);
		return FALSE;
	}
	return TRUE;
}

/* Check text for def; fill val.v.  Errors carry no file or key prefix. */
static gboolean
params_parse(const struct param_def *d, const char *text, const char *dir,
    struct params_value *val, GError **error)
{
	double		 x = 0, lo, hi;
	uint64_t	 u = 0, ulo, uhi;
	struct dist	*dist;
	char		**items, *ch;
	int		 i, j;
	gboolean	 ok = TRUE, integral;

	switch (d->type) {
	case PARAM_TIME:
	case PARAM_SIZE:
	case PARAM_BANDWIDTH:
	case PARAM_PROBABILITY:
	case PARAM_COUNT:
	case PARAM_REAL:
		if (!params_number(d->type, text, &x, &u, error))
			return FALSE;
		/* Whole-number types compare exactly, as integers. */
		integral = d->type == PARAM_TIME || d->type == PARAM_SIZE ||
		    d->type == PARAM_COUNT;
		if ((d->min != NULL && (!params_number(d->type, d->min, &lo,
		    &ulo, NULL) || (integral ? u < ulo : x < lo))) ||
		    (d->max != NULL && (!params_number(d->type, d->max, &hi,
		    &uhi, NULL) || (integral ? u > uhi : x > hi)))) {
			params_range_error(d, error);
			return FALSE;
		}
		if (integral)
			val->v.u = u;
		else
			val->v.d = x;
		return TRUE;
	case PARAM_BOOL:
		if (g_ascii_strcasecmp(text, "true") == 0 ||
		    g_ascii_strcasecmp(text, "yes") == 0 ||
		    g_ascii_strcasecmp(text, "on") == 0 || strcmp(text, "1") == 0)
			val->v.b = TRUE;
		else if (g_ascii_strcasecmp(text, "false") == 0 ||
		    g_ascii_strcasecmp(text, "no") == 0 ||
		    g_ascii_strcasecmp(text, "off") == 0 ||
		    strcmp(text, "0") == 0)
			val->v.b = FALSE;
		else {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "expected true or false (also yes/no, on/off, "
			    "1/0)");
			return FALSE;
		}
		return TRUE;
	case PARAM_NAME:
		return params_name_check(text, error);
	case PARAM_STRING:
	case PARAM_PATH:
		if (d->type == PARAM_PATH && *text == '\0') {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "expected a file name");
			return FALSE;
		}
		return TRUE;
	case PARAM_ENUM:
		if (params_in_choices(d->choices, text))
			return TRUE;
		ch = params_choices_text(d->choices);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "expected one of %s", ch);
		g_free(ch);
		return FALSE;
	case PARAM_LIST:
		items = g_strsplit(text, ",", -1);
		for (i = 0; ok && items[i] != NULL; i++)
			g_strstrip(items[i]);
		for (i = 0; ok && items[i] != NULL; i++) {
			if (!params_in_choices(d->choices, items[i])) {
				ch = params_choices_text(d->choices);
				g_set_error(error, LOANSIM_ERROR,
				    LOANSIM_ERROR_INPUT, "\"%s\" is not one of "
				    "%s", items[i], ch);
				g_free(ch);
				ok = FALSE;
			}
			for (j = 0; ok && j < i; j++)
				if (strcmp(items[i], items[j]) == 0) {
					g_set_error(error, LOANSIM_ERROR,
					    LOANSIM_ERROR_INPUT, "\"%s\" is "
					    "listed twice", items[i]);
					ok = FALSE;
				}
		}
		if (ok && items[0] == NULL) {
			ch = params_choices_text(d->choices);
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "expected at least one of %s", ch);
			g_free(ch);
			ok = FALSE;
		}
		g_strfreev(items);
		return ok;
	case PARAM_DIST_TIME:
	case PARAM_DIST_SIZE:
		dist = dist_parse(text, d->type == PARAM_DIST_TIME ?
		    DIST_UNIT_TIME : DIST_UNIT_SIZE, dir, error);
		dist_free(dist);
		return dist != NULL;
	}
	return FALSE;
}

static void
params_value_clear(struct params_value *v)
{
	g_free(v->text);
	g_free(v->origin);
	g_free(v->dir);
	memset(v, 0, sizeof(*v));
}

/* Strip a units message's leading "VALUE": so the prefix can say it. */
static const char *
params_inner(const GError *e, const char *value)
{
	size_t	n = strlen(value);

	if (e->message[0] == '"' && strncmp(e->message + 1, value, n) == 0 &&
	    strncmp(e->message + 1 + n, "\": ", 3) == 0)
		return e->message + n + 4;
	return e->message;
}

static gboolean
params_store(struct params *p, int i, const char *text, const char *origin,
    const char *dir, const char *where, GError **error)
{
	const struct param_def	*d = &p->defs[i];
	struct params_value	 nv;
	GError			*e = NULL;
	const char		*dot = strchr(d->name, '.');

	memset(&nv, 0, sizeof(nv));
	if (!params_parse(d, text, dir, &nv, &e)) {
		g_set_error(error, LOANSIM_ERROR, e->code,
		    "%s: [%.*s] %s = \"%s\": %s", where, (int)(dot - d->name),
		    d->name, dot + 1, text, params_inner(e, text));
		g_error_free(e);
		return FALSE;
	}
	params_value_clear(&p->vals[i]);
	nv.text = g_strdup(text);
	nv.origin = g_strdup(origin);
	nv.dir = g_strdup(dir);
	p->vals[i] = nv;
	return TRUE;
}

/* --- construction ---------------------------------------------------- */

struct params *
params_new(const struct param_def *defs, size_t n)
{
	struct params	*p = g_new0(struct params, 1);
	size_t		 i;

	p->defs = defs;
	p->n = n;
	p->index = g_hash_table_new(g_str_hash, g_str_equal);
	p->vals = g_new0(struct params_value, n);
	p->sweep = g_ptr_array_new();
	for (i = 0; i < n; i++) {
		GError	*e = NULL;

		g_assert(strchr(defs[i].name, '.') != NULL);
		g_assert(params_index(p, defs[i].name) < 0);
		g_hash_table_insert(p->index, (gpointer)defs[i].name,
		    GINT_TO_POINTER((int)i + 1));
		if (defs[i].def == NULL)
			continue;
		/* A bad default is a bug in the registry. */
		if (!params_store(p, (int)i, defs[i].def, "default", NULL,
		    "registry", &e))
			g_error("%s", e->message);
	}
	return p;
}

static void
params_sweep_free(gpointer x)
{
	struct params_sweep	*s = x;

	g_free(s->name);
	g_free(s->spec);
	g_free(s->origin);
	g_free(s);
}

void
params_free(struct params *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		params_value_clear(&p->vals[i]);
	g_free(p->vals);
	g_hash_table_destroy(p->index);
	g_ptr_array_set_free_func(p->sweep, params_sweep_free);
	g_ptr_array_free(p->sweep, TRUE);
	g_free(p->file);
	g_free(p->base_dir);
	g_free(p);
}

struct params *
params_copy(const struct params *p)
{
	struct params	*c = g_new0(struct params, 1);
	size_t		 i;

	c->defs = p->defs;
	c->n = p->n;
	c->index = g_hash_table_new(g_str_hash, g_str_equal);
	c->vals = g_new0(struct params_value, p->n);
	for (i = 0; i < p->n; i++) {
		g_hash_table_insert(c->index, (gpointer)p->defs[i].name,
		    GINT_TO_POINTER((int)i + 1));
		c->vals[i] = p->vals[i];
		c->vals[i].text = g_strdup(p->vals[i].text);
		c->vals[i].origin = g_strdup(p->vals[i].origin);
		c->vals[i].dir = g_strdup(p->vals[i].dir);
	}
	c->sweep = g_ptr_array_new();
	for (i = 0; i < p->sweep->len; i++) {
		struct params_sweep *s = g_ptr_array_index(p->sweep, i);
		struct params_sweep *t = g_new(struct params_sweep, 1);

		t->name = g_strdup(s->name);
		t->spec = g_strdup(s->spec);
		t->origin = g_strdup(s->origin);
		g_ptr_array_add(c->sweep, t);
	}
	c->file = g_strdup(p->file);
	c->base_dir = g_strdup(p->base_dir);
	return c;
}

/* --- suggestions ----------------------------------------------------- */

static size_t
params_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j;
	size_t	*row = g_new(size_t, lb + 1), prev, tmp, d;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			d = MIN(row[j] + 1, row[j - 1] + 1);
			row[j] = MIN(d, prev + (a[i - 1] != b[j - 1]));
			prev = tmp;
		}
	}
	d = row[lb];
	g_free(row);
	return d;
}

const char *
params_suggest(const struct params *p, const char *name)
{
	size_t		 i, best_d = G_MAXSIZE, d;
	const char	*best = NULL;

	for (i = 0; i < p->n; i++) {
		d = params_distance(name, p->defs[i].name);
		if (d < best_d) {
			best_d = d;
			best = p->defs[i].name;
		}
	}
	return best_d <= MAX(2, strlen(name) / 3) ? best : NULL;
}

/* The registered key nearest to group.key: same key in another group
 * first, else the closest name. */
static char *
params_suggest_key(const struct params *p, const char *group,
    const char *key)
{
	char		*full = g_strdup_printf("%s.%s", group, key);
	const char	*s;
	size_t		 i;

	for (i = 0; i < p->n; i++) {
		const char *dot = strchr(p->defs[i].name, '.');

		if (strcmp(dot + 1, key) == 0) {
			g_free(full);
			return g_strdup_printf("[%.*s] %s",
			    (int)(dot - p->defs[i].name), p->defs[i].name, key);
		}
	}
	s = params_suggest(p, full);
	g_free(full);
	if (s == NULL)
		return NULL;
	return g_strdup_printf("[%.*s] %s", (int)(strchr(s, '.') - s), s,
	    strchr(s, '.') + 1);
}

static gboolean
params_group_known(const struct params *p, const char *group)
{
	size_t	i, n = strlen(group);

	for (i = 0; i < p->n; i++)
		if (strncmp(p->defs[i].name, group, n) == 0 &&
		    p->defs[i].name[n] == '.')
			return TRUE;
	return FALSE;
}

/* The known group nearest to group, newly allocated, or NULL. */
static char *
params_suggest_group(const struct params *p, const char *group)
{
	size_t		 i, best_d = G_MAXSIZE, d;
	const char	*best = NULL;

	for (i = 0; i <= p->n; i++) {
		const char	*nm = i < p->n ? p->defs[i].name : "sweep.";
		char		*g = g_strndup(nm, (gsize)(strchr(nm, '.') - nm));

		d = params_distance(group, g);
		g_free(g);
		if (d < best_d) {
			best_d = d;
			best = nm;
		}
	}
	if (best == NULL || best_d > MAX(2, strlen(group) / 3))
		return NULL;
	return g_strndup(best, (gsize)(strchr(best, '.') - best));
}

/* --- files ----------------------------------------------------------- */

/* The lines of key in group in the raw text (of the group itself when
 * key is NULL): how many, the first and the last (0 when none). */
static unsigned
params_key_lines(const char *text, const char *group, const char *key,
    unsigned *first, unsigned *last)
{
	char		**lines = g_strsplit(text, "\n", -1);
	unsigned	  i, n = 0;
	gboolean	  in = FALSE;

	*first = *last = 0;
	for (i = 0; lines[i] != NULL; i++) {
		char	*l = g_strstrip(lines[i]);
		size_t	 kl = key != NULL ? strlen(key) : 0;
		gboolean hit = FALSE;

		if (*l == '#' || *l == '\0')
			continue;
		if (*l == '[') {
			char *end = strchr(l, ']');

			in = end != NULL && (size_t)(end - l - 1) ==
			    strlen(group) && strncmp(l + 1, group,
			    strlen(group)) == 0;
			hit = in && key == NULL;
		} else if (in && key != NULL && strncmp(l, key, kl) == 0) {
			const char *r = l + kl;

			while (*r == ' ' || *r == '\t')
				r++;
			hit = *r == '=';
		}
		if (hit) {
			if (n++ == 0)
				*first = i + 1;
			*last = i + 1;
			if (key == NULL)
				break;
		}
	}
	g_strfreev(lines);
	return n;
}

/* The line of key in group in the raw text, or 0: the last one, which
 * GKeyFile keeps. */
static unsigned
params_line_of(const char *text, const char *group, const char *key)
{
	unsigned	first, last;

	(void)params_key_lines(text, group, key, &first, &last);
	return key == NULL ? first : last;
}

static char *
params_where(const char *path, const char *text, const char *group,
    const char *key)
{
	unsigned	line = params_line_of(text, group, key);

	return line ? g_strdup_printf("%s:%u", path, line) : g_strdup(path);
}

static gboolean params_load(struct params *, const char *path,
    const char *site, GPtrArray *chain, GError **);

static gboolean
params_load_includes(struct params *p, GKeyFile *kf, char **groups,
    const char *path, const char *text, const char *dir, GPtrArray *chain,
    GError **error)
{
	int	i;

	for (i = 0; groups[i] != NULL; i++) {
		char	*inc = g_key_file_get_value(kf, groups[i], "include",
		    NULL);
		char	*ipath, *where, *site;
		gboolean ok;

		if (inc == NULL)
			continue;
		g_strstrip(inc);
		where = params_where(path, text, groups[i], "include");
		site = g_strdup_printf("%s: [%s] include = \"%s\"", where,
		    groups[i], inc);
		g_free(where);
		if (*inc == '\0') {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s: expected a file name", site);
			ok = FALSE;
		} else {
			ipath = g_path_is_absolute(inc) ? g_strdup(inc) :
			    g_build_filename(dir, inc, NULL);
			ok = params_load(p, ipath, site, chain, error);
			g_free(ipath);
		}
		g_free(site);
		g_free(inc);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/* An error opening path: prefixed with where it was included from. */
static void	params_open_error(GError **, const char *, const char *,
		    ...) G_GNUC_PRINTF(3, 4);

static void
params_open_error(GError **error, const char *site, const char *fmt, ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT, "%s%s%s",
	    site ? site : "", site ? ": " : "", m);
	g_free(m);
}

static gboolean
params_load_group(struct params *p, GKeyFile *kf, const char *group,
    const char *path, const char *text, const char *dir, GError **error)
{
	char		**keys = g_key_file_get_keys(kf, group, NULL, NULL);
	gboolean	  sweep = strcmp(group, "sweep") == 0, ok = TRUE;
	int		  i;

	for (i = 0; ok && keys != NULL && keys[i] != NULL; i++) {
		char	*full, *value, *where, *sug;
		int	 idx;

		if (strcmp(keys[i], "include") == 0)
			continue;
		{
			unsigned first, last;

			if (params_key_lines(text, group, keys[i], &first,
			    &last) > 1) {
				/* GKeyFile would keep the last one quietly. */
				g_set_error(error, LOANSIM_ERROR,
				    LOANSIM_ERROR_INPUT, "%s:%u: [%s] %s is "
				    "set again (first at line %u); set it "
				    "once", path, last, group, keys[i], first);
				ok = FALSE;
				break;
			}
		}
		where = params_where(path, text, group, keys[i]);
		value = g_key_file_get_value(kf, group, keys[i], NULL);
		g_strstrip(value);
		full = sweep ? g_strdup(keys[i]) :
		    g_strdup_printf("%s.%s", group, keys[i]);
		idx = params_index(p, full);
		if (sweep && strcmp(full, "where") == 0)
			idx = 0;	/* constraints between the axes */
		if (idx < 0) {
			if (sweep) {
				const char *s = params_suggest(p, full);

				g_set_error(error, LOANSIM_ERROR,
				    LOANSIM_ERROR_INPUT, "%s: [sweep] %s: not "
				    "a parameter (write group.key)%s%s%s",
				    where, keys[i], s ? "; did you mean " : "",
				    s ? s : "", s ? "?" : "");
			} else {
				sug = params_suggest_key(p, group, keys[i]);
				g_set_error(error, LOANSIM_ERROR,
				    LOANSIM_ERROR_INPUT, "%s: unknown key "
				    "[%s] %s%s%s%s", where, group, keys[i],
				    sug ? "; did you mean " : "",
				    sug ? sug : "", sug ? "?" : "");
				g_free(sug);
			}
			ok = FALSE;
		} else if (sweep) {
			struct params_sweep *s = g_new(struct params_sweep, 1);

			s->name = g_strdup(full);
			s->spec = g_strdup(value);
			s->origin = g_strdup(where);
			g_ptr_array_add(p->sweep, s);
		} else
			ok = params_store(p, idx, value, where, dir, where,
			    error);
		g_free(full);
		g_free(value);
		g_free(where);
	}
	g_strfreev(keys);
	return ok;
}

/* Read path into p; site says where it was included from (NULL: the
 * scenario itself). */
static gboolean
params_load(struct params *p, const char *path, const char *site,
    GPtrArray *chain, GError **error)
{
	char		*canon = g_canonicalize_filename(path, NULL);
	char		*text = NULL, *dir = NULL, **groups = NULL;
	gsize		 len;
	const gchar	*bad;
	GKeyFile	*kf = NULL;
	GError		*e = NULL;
	gboolean	 ok = FALSE;
	guint		 i;
	int		 g;

	for (i = 0; i < chain->len; i++) {
		if (strcmp(g_ptr_array_index(chain, i), canon) == 0) {
			GString *s = g_string_new(NULL);

			for (; i < chain->len; i++)
				g_string_append_printf(s, "%s includes ",
				    (char *)g_ptr_array_index(chain, i));
			g_string_append(s, canon);
			params_open_error(error, site, "include cycle: %s",
			    s->str);
			g_string_free(s, TRUE);
			goto out;
		}
	}
	if (chain->len > PARAMS_MAX_INCLUDE_DEPTH) {
		params_open_error(error, site, "includes nested more than %d "
		    "deep", PARAMS_MAX_INCLUDE_DEPTH);
		goto out;
	}
	if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
		params_open_error(error, site, "%s is a directory, not a "
		    "scenario file", path);
		goto out;
	}
	if (!g_file_get_contents(path, &text, &len, &e)) {
		/* GLib's message repeats the path: keep only the reason. */
		const char *why = strrchr(e->message, ':');

		params_open_error(error, site, "cannot read %s: %s", path,
		    why != NULL ? why + 2 : e->message);
		g_error_free(e);
		goto out;
	}
	if (memchr(text, '\0', len) != NULL || !g_utf8_validate(text,
	    (gssize)len, &bad)) {
		unsigned line = 1;
		const char *c;

		if (memchr(text, '\0', len) != NULL)
			bad = memchr(text, '\0', len);
		for (c = text; c < bad; c++)
			line += *c == '\n';
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s:%u: not a text file (a NUL byte or invalid UTF-8)",
		    path, line);
		goto out;
	}
	kf = g_key_file_new();
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &e)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: %s", path, e->message);
		g_error_free(e);
		goto out;
	}
	dir = g_path_get_dirname(canon);
	g_ptr_array_add(chain, canon);
	groups = g_key_file_get_groups(kf, NULL);
	for (g = 0; groups[g] != NULL; g++) {
		if (strcmp(groups[g], "sweep") != 0 &&
		    !params_group_known(p, groups[g])) {
			char	*s = params_suggest_group(p, groups[g]);
			char	*where = params_where(path, text, groups[g],
			    NULL);

			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s: unknown group [%s]%s%s%s", where, groups[g],
			    s ? "; did you mean [" : "", s ? s : "",
			    s ? "]?" : "");
			g_free(where);
			g_free(s);
			goto pop;
		}
	}
	/* Included files first, so that this file's own keys win. */
	if (!params_load_includes(p, kf, groups, path, text, dir, chain,
	    error))
		goto pop;
	for (g = 0; groups[g] != NULL; g++)
		if (!params_load_group(p, kf, groups[g], path, text, dir,
		    error))
			goto pop;
	ok = TRUE;
pop:
	g_ptr_array_remove_index(chain, chain->len - 1);
	canon = NULL;	/* freed by the chain */
out:
	g_strfreev(groups);
	if (kf != NULL)
		g_key_file_free(kf);
	g_free(text);
	g_free(dir);
	g_free(canon);
	return ok;
}

gboolean
params_load_file(struct params *p, const char *path, GError **error)
{
	GPtrArray	*chain = g_ptr_array_new_with_free_func(g_free);
	gboolean	 ok;

	ok = params_load(p, path, NULL, chain, error);
	g_ptr_array_free(chain, TRUE);
	if (ok) {
		char *canon = g_canonicalize_filename(path, NULL);

		g_free(p->file);
		g_free(p->base_dir);
		p->file = g_strdup(path);
		p->base_dir = g_path_get_dirname(canon);
		g_free(canon);
	}
	return ok;
}

gboolean
params_set(struct params *p, const char *name, const char *value,
    const char *origin, GError **error)
{
	int	i = params_index(p, name);

	if (i < 0) {
		const char *s = params_suggest(p, name);

		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: unknown parameter %s%s%s%s", origin, name,
		    s ? "; did you mean " : "", s ? s : "", s ? "?" : "");
		return FALSE;
	}
	return params_store(p, i, value, origin, p->base_dir, origin, error);
}

gboolean
params_override(struct params *p, const char *assignment, GError **error)
{
	const char	*eq = strchr(assignment, '=');
	char		*name, *value;
	gboolean	 ok;

	if (eq == NULL || eq == assignment) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "-p %s: expected group.key=value", assignment);
		return FALSE;
	}
	name = g_strstrip(g_strndup(assignment, (gsize)(eq - assignment)));
	value = g_strstrip(g_strdup(eq + 1));
	ok = params_set(p, name, value, "command line", error);
	g_free(name);
	g_free(value);
	return ok;
}

gboolean
params_add_sweep(struct params *p, const char *name, const char *spec,
    const char *origin, GError **error)
{
	struct params_sweep	*s;

	if (params_index(p, name) < 0 && strcmp(name, "where") != 0) {
		const char *sug = params_suggest(p, name);

		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: sweep of unknown parameter %s%s%s%s", origin, name,
		    sug ? "; did you mean " : "", sug ? sug : "",
		    sug ? "?" : "");
		return FALSE;
	}
	s = g_new(struct params_sweep, 1);
	s->name = g_strdup(name);
	s->spec = g_strstrip(g_strdup(spec));
	s->origin = g_strdup(origin);
	g_ptr_array_add(p->sweep, s);
	return TRUE;
}

size_t
params_sweep_count(const struct params *p)
{
	return p->sweep->len;
}

const struct params_sweep *
params_sweep_get(const struct params *p, size_t i)
{
	g_assert(i < p->sweep->len);
	return g_ptr_array_index(p->sweep, i);
}

/* --- look-ups -------------------------------------------------------- */

static const struct params_value *
params_get(const struct params *p, const char *name, enum param_type t)
{
	int	i = params_index(p, name);

	g_assert(i >= 0);
	g_assert(p->defs[i].type == t);
	g_assert(p->vals[i].text != NULL);
	return &p->vals[i];
}

uint64_t
params_time(const struct params *p, const char *n)
{
	return params_get(p, n, PARAM_TIME)->v.u;
}

uint64_t
params_size(const struct params *p, const char *n)
{
	int	i = params_index(p, n);

	/* An ENUM of sizes (page_size) reads as a size too. */
	g_assert(i >= 0);
	if (p->defs[i].type == PARAM_ENUM)
		return g_ascii_strtoull(p->vals[i].text, NULL, 10);
	return params_get(p, n, PARAM_SIZE)->v.u;
}

double
params_bandwidth(const struct params *p, const char *n)
{
	return params_get(p, n, PARAM_BANDWIDTH)->v.d;
}

double
params_probability(const struct params *p, const char *n)
{
	return params_get(p, n, PARAM_PROBABILITY)->v.d;
}

uint64_t
params_count(const struct params *p, const char *n)
{
	return params_get(p, n, PARAM_COUNT)->v.u;
}

double
params_real(const struct params *p, const char *n)
{
	return params_get(p, n, PARAM_REAL)->v.d;
}

gboolean
params_bool(const struct params *p, const char *n)
{
	return params_get(p, n, PARAM_BOOL)->v.b;
}

const char *
params_string(const struct params *p, const char *n)
{
	int	i = params_index(p, n);

	g_assert(i >= 0 && p->vals[i].text != NULL);
	return p->vals[i].text;
}

struct dist *
params_dist(const struct params *p, const char *n)
{
	int		 i = params_index(p, n);
	struct dist	*d;

	g_assert(i >= 0);
	g_assert(p->defs[i].type == PARAM_DIST_TIME ||
	    p->defs[i].type == PARAM_DIST_SIZE);
	d = dist_parse(p->vals[i].text, p->defs[i].type == PARAM_DIST_TIME ?
	    DIST_UNIT_TIME : DIST_UNIT_SIZE, p->vals[i].dir, NULL);
	g_assert(d != NULL);	/* checked when it was set */
	return d;
}

char **
params_list(const struct params *p, const char *n)
{
	char	**items = g_strsplit(params_get(p, n, PARAM_LIST)->text, ",",
	    -1);
	int	  i;

	for (i = 0; items[i] != NULL; i++)
		g_strstrip(items[i]);
	return items;
}

char *
params_path(const struct params *p, const char *n)
{
	const struct params_value *v = params_get(p, n, PARAM_PATH);

	if (g_path_is_absolute(v->text) || v->dir == NULL)
		return g_strdup(v->text);
	return g_build_filename(v->dir, v->text, NULL);
}

const char *
params_text(const struct params *p, const char *n)
{
	return params_string(p, n);
}

const char *
params_origin(const struct params *p, const char *n)
{
	int	i = params_index(p, n);

	g_assert(i >= 0);
	return p->vals[i].origin ? p->vals[i].origin : "unset";
}

gboolean
params_is_set(const struct params *p, const char *n)
{
	int	i = params_index(p, n);

	g_assert(i >= 0);
	return p->vals[i].origin != NULL &&
	    strcmp(p->vals[i].origin, "default") != 0;
}

const char *
params_base_dir(const struct params *p)
{
	return p->base_dir;
}

const char *
params_file(const struct params *p)
{
	return p->file;
}

void
params_print_registry(const struct param_def *defs, size_t n, FILE *out)
{
	size_t	 i;
	char	*group = NULL;

	for (i = 0; i < n; i++) {
		const struct param_def	*d = &defs[i];
		const char		*dot = strchr(d->name, '.');
		char			*range;

		if (group == NULL || strncmp(group, d->name,
		    (size_t)(dot - d->name)) != 0 ||
		    group[dot - d->name] != '\0') {
			g_free(group);
			group = g_strndup(d->name, (gsize)(dot - d->name));
			fprintf(out, "%s[%s]\n", i ? "\n" : "", group);
		}
		if (d->choices != NULL)
			range = params_choices_text(d->choices);
		else if (d->min != NULL && d->max != NULL)
			range = g_strdup_printf("%s .. %s", d->min, d->max);
		else if (d->min != NULL)
			range = g_strdup_printf(">= %s", d->min);
		else if (d->max != NULL)
			range = g_strdup_printf("<= %s", d->max);
		else
			range = g_strdup("");
		fprintf(out, "  %-28s %-11s %-16s %s\n      %s\n", dot + 1,
		    params_type_name(d->type), d->def ? (*d->def ? d->def :
		    "\"\"") : "(required)", range, d->meaning);
		g_free(range);
	}
	g_free(group);
}
