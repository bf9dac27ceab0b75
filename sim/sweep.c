/* Sweep axes and their Cartesian product. */
#include "sim/sweep.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "sim/dist.h"
#include "sim/error.h"
#include "sim/units.h"

#define SWEEP_MAX_AXIS 100000

struct sweep_axis {
	char		*name;
	enum param_type	 type;
	char		*spec;
	char		*origin;
	GPtrArray	*texts;		/* char * */
	GArray		*numbers;	/* double */
};

/* One constraint "a op b" between axes, parameters and numbers. */
struct sweep_cond {
	int		 axis[2];	/* axis index, or -1 for a number */
	double		 value[2];
	char		 op[3];
};

struct sweep {
	GPtrArray	*axes;		/* struct sweep_axis * */
	size_t		 npoints;
	size_t		 nraw;		/* points before the constraints */
	GArray		*conds;		/* struct sweep_cond */
	GArray		*valid;		/* raw index of each point, or NULL */
	char		*where;		/* the constraints' text, or "" */
};

static void
sweep_axis_free(gpointer p)
{
	struct sweep_axis	*a = p;

	g_free(a->name);
	g_free(a->spec);
	g_free(a->origin);
	g_ptr_array_free(a->texts, TRUE);
	g_array_free(a->numbers, TRUE);
	g_free(a);
}

static gboolean
sweep_numeric(enum param_type t)
{
	switch (t) {
	case PARAM_TIME:
	case PARAM_SIZE:
	case PARAM_BANDWIDTH:
	case PARAM_PROBABILITY:
	case PARAM_COUNT:
	case PARAM_REAL:
		return TRUE;
	default:
		return FALSE;
	}
}

/* Parse one value in the parameter's unit into base units. */
static gboolean
sweep_parse_number(const char *text, enum param_type t, double *x,
    GError **error)
{
	uint64_t	u;

	switch (t) {
	case PARAM_TIME:
		return units_parse_time_real(text, x, error);
	case PARAM_SIZE:
		return units_parse_size_real(text, x, error);
	case PARAM_BANDWIDTH:
		return units_parse_bandwidth(text, x, error);
	case PARAM_PROBABILITY:
		return units_parse_probability(text, x, error);
	case PARAM_COUNT:
		if (!units_parse_count(text, &u, error))
			return FALSE;
		*x = (double)u;
		return TRUE;
	default:
		return units_parse_real(text, x, error);
	}
}

/* Canonical text of a number in base units, accepted back by params. */
char *
sweep_value_text(double x, enum param_type t)
{
	switch (t) {
	case PARAM_TIME:
		return g_strdup_printf("%.0fns", x);
	case PARAM_SIZE:
		return g_strdup_printf("%.0fB", x);
	case PARAM_COUNT:
		return g_strdup_printf("%.0f", x);
	case PARAM_BANDWIDTH:
		return g_strdup_printf("%.17gB/s", x);
	default:
		return g_strdup_printf("%.17g", x);
	}
}

gboolean
sweep_type_integral(enum param_type t)
{
	return t == PARAM_TIME || t == PARAM_SIZE || t == PARAM_COUNT;
}

static gboolean
sweep_add(GPtrArray *texts, GArray *numbers, char *text, double x,
    const char *spec, GError **error)
{
	if (texts->len >= SWEEP_MAX_AXIS) {
		g_free(text);
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "\"%s\": more than %d values on one axis", spec,
		    SWEEP_MAX_AXIS);
		return FALSE;
	}
	g_ptr_array_add(texts, text);
	g_array_append_val(numbers, x);
	return TRUE;
}

static gboolean
sweep_expand_range(const char *spec, const char *dots, enum param_type t,
    GPtrArray *texts, GArray *numbers, GError **error)
{
	char		*lo_s, *rest, *hi_s, *step_s, *op;
	double		 lo, hi, step, x;
	gboolean	 ok = FALSE, geometric;
	uint64_t	 i;

	if (!sweep_numeric(t)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "\"%s\": a range needs a numeric parameter; give a list",
		    spec);
		return FALSE;
	}
	lo_s = g_strstrip(g_strndup(spec, (gsize)(dots - spec)));
	rest = g_strdup(dots + 2);
	op = strpbrk(rest, "*+");
	if (op == NULL) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "\"%s\": expected LO .. HI *FACTOR or LO .. HI +STEP", spec);
		goto out;
	}
	geometric = *op == '*';
	*op = '\0';
	hi_s = g_strstrip(rest);
	step_s = g_strstrip(op + 1);
	if (!sweep_parse_number(lo_s, t, &lo, error) ||
	    !sweep_parse_number(hi_s, t, &hi, error))
		goto out;
	if (geometric ? !units_parse_real(step_s, &step, error) :
	    !sweep_parse_number(step_s, t, &step, error))
		goto out;
	if (hi < lo || (geometric && (step <= 1 || lo <= 0)) ||
	    (!geometric && step <= 0)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "\"%s\": expected LO <= HI and a factor above 1 (with "
		    "LO > 0) or a positive step", spec);
		goto out;
	}
	for (i = 0, x = lo; x <= hi * (1 + 1e-12); i++) {
		double v = sweep_type_integral(t) ? round(x) : x;

		if (!sweep_add(texts, numbers, sweep_value_text(v, t), v, spec,
		    error))
			goto out;
		x = geometric ? lo * pow(step, (double)(i + 1)) :
		    lo + step * (double)(i + 1);
	}
	ok = TRUE;
out:
	g_free(lo_s);
	g_free(rest);
	return ok;
}

gboolean
sweep_expand(const char *spec, enum param_type t, GPtrArray *texts,
    GArray *numbers, GError **error)
{
	const char	*dots = strstr(spec, "..");
	char		**items;
	gboolean	 ok = TRUE;
	unsigned	 i;

	if (dots != NULL)
		return sweep_expand_range(spec, dots, t, texts, numbers, error);
	if (*spec == '\0' || strspn(spec, " \t") == strlen(spec)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "no values: expected a list (a, b, c) or a range (LO .. "
		    "HI *FACTOR or LO .. HI +STEP)");
		return FALSE;
	}
	items = g_strsplit(spec, ",", -1);
	for (i = 0; ok && items[i] != NULL; i++) {
		char	*v = g_strstrip(items[i]);
		double	 x = NAN;

		if (*v == '\0') {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "\"%s\": empty value in the list", spec);
			ok = FALSE;
			break;
		}
		if (sweep_numeric(t) && !sweep_parse_number(v, t, &x, error)) {
			ok = FALSE;
			break;
		}
		if (t == PARAM_DIST_TIME || t == PARAM_DIST_SIZE) {
			/* A distribution is placed on axes by its mean. */
			struct dist *d = dist_parse(v, t == PARAM_DIST_TIME ?
			    DIST_UNIT_TIME : DIST_UNIT_SIZE, NULL, NULL);

			if (d != NULL)
				x = dist_mean(d);
			dist_free(d);
		}
		ok = sweep_add(texts, numbers, g_strdup(v), x, spec, error);
	}
	g_strfreev(items);
	return ok;
}

/* An operand: a swept axis, another parameter's value, or a number
 * with a unit. */
static gboolean
sweep_operand(const struct sweep *s, const struct params *p, const char *t,
    int *axis, double *value)
{
	const struct param_def	*d;
	guint			 i;

	*axis = -1;
	for (i = 0; i < s->axes->len; i++)
		if (strcmp(sweep_axis_name(s, i), t) == 0) {
			*axis = (int)i;
			return TRUE;
		}
	if ((d = params_lookup(p, t)) != NULL)
		return sweep_numeric(d->type) &&
		    sweep_parse_number(params_text(p, t), d->type, value, NULL);
	return units_parse_real(t, value, NULL) ||
	    units_parse_size_real(t, value, NULL) ||
	    units_parse_time_real(t, value, NULL) ||
	    units_parse_bandwidth(t, value, NULL);
}

static gboolean
sweep_parse_where(struct sweep *s, const struct params *p,
    const struct params_sweep *e, GError **error)
{
	static const char *ops[] = { "<=", ">=", "==", "!=", "<", ">" };
	char	**parts = g_strsplit(e->spec, ",", -1);
	guint	 i, k;
	gboolean ok = TRUE;

	if (parts[0] == NULL) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: [sweep] where: no constraint given", e->origin);
		g_strfreev(parts);
		return FALSE;
	}
	for (i = 0; ok && parts[i] != NULL; i++) {
		struct sweep_cond	 c;
		char			*part = g_strstrip(parts[i]), *at = NULL;
		char			*a, *b;

		memset(&c, 0, sizeof(c));
		for (k = 0; k < G_N_ELEMENTS(ops) && at == NULL; k++)
			if ((at = strstr(part, ops[k])) != NULL)
				g_strlcpy(c.op, ops[k], sizeof(c.op));
		if (at == NULL) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s: [sweep] where = \"%s\": expected A op B "
			    "(op one of <= >= == != < >), comma-separated",
			    e->origin, e->spec);
			ok = FALSE;
			break;
		}
		a = g_strstrip(g_strndup(part, (gsize)(at - part)));
		b = g_strstrip(g_strdup(at + strlen(c.op)));
		if (!sweep_operand(s, p, a, &c.axis[0], &c.value[0]) ||
		    !sweep_operand(s, p, b, &c.axis[1], &c.value[1])) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "%s: [sweep] where = \"%s\": \"%s\" is neither a "
			    "swept or numeric parameter nor a number",
			    e->origin, e->spec, sweep_operand(s, p, a,
			    &c.axis[0], &c.value[0]) ? b : a);
			ok = FALSE;
		} else
			g_array_append_val(s->conds, c);
		g_free(a);
		g_free(b);
	}
	g_strfreev(parts);
	return ok;
}

static size_t sweep_raw_index(const struct sweep *, size_t raw, size_t axis);

static gboolean
sweep_holds(const struct sweep *s, size_t raw)
{
	guint	i;
	int	k;

	for (i = 0; i < s->conds->len; i++) {
		struct sweep_cond	*c = &g_array_index(s->conds,
		    struct sweep_cond, i);
		double			 v[2];
		gboolean		 ok;

		for (k = 0; k < 2; k++)
			v[k] = c->axis[k] < 0 ? c->value[k] :
			    g_array_index(((struct sweep_axis *)
			    g_ptr_array_index(s->axes, c->axis[k]))->numbers,
			    double, sweep_raw_index(s, raw, (size_t)c->axis[k]));
		if (strcmp(c->op, "<=") == 0)
			ok = v[0] <= v[1];
		else if (strcmp(c->op, ">=") == 0)
			ok = v[0] >= v[1];
		else if (strcmp(c->op, "==") == 0)
			ok = v[0] == v[1];
		else if (strcmp(c->op, "!=") == 0)
			ok = v[0] != v[1];
		else if (strcmp(c->op, "<") == 0)
			ok = v[0] < v[1];
		else
			ok = v[0] > v[1];
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/* Keys the study itself reads (names, seed, replications, strategies):
 * a run never reads them, so sweeping them would change nothing. */
static const char *const sweep_study_params[] = {
	"scenario.name", "scenario.description", "scenario.seed",
	"scenario.replications", "compare.strategies"
};

gboolean
sweep_param_study(const char *name)
{
	guint	i;

	for (i = 0; i < G_N_ELEMENTS(sweep_study_params); i++)
		if (strcmp(name, sweep_study_params[i]) == 0)
			return TRUE;
	return FALSE;
}

/* The entry in effect for the name of entry i: later sources override
 * earlier ones (a file's own [sweep] what it includes, --sweep the
 * file), in the place of the first; NULL where an earlier entry has the
 * name, so that every parameter is one axis. */
static const struct params_sweep *
sweep_entry(const struct params *p, size_t i)
{
	const struct params_sweep	*e = params_sweep_get(p, i), *last = e;
	size_t				 j, n = params_sweep_count(p);

	for (j = 0; j < i; j++)
		if (strcmp(params_sweep_get(p, j)->name, e->name) == 0)
			return NULL;
	for (j = i + 1; j < n; j++)
		if (strcmp(params_sweep_get(p, j)->name, e->name) == 0)
			last = params_sweep_get(p, j);
	return last;
}

/* -p NAME=VALUE (origin "command line") comes after the file: it fixes
 * the value of a parameter the file sweeps, and the axis goes. */
static gboolean
sweep_fixed(const struct params *p, const struct params_sweep *e)
{
	return strcmp(params_origin(p, e->name), SWEEP_COMMAND_LINE) == 0 &&
	    strcmp(e->origin, SWEEP_COMMAND_LINE) != 0;
}

static gboolean
sweep_add_axis(struct sweep *s, const struct params *p,
    const struct params_sweep *e, GError **error)
{
	const struct param_def	*d = params_lookup(p, e->name);
	struct sweep_axis	*a;
	GError			*err = NULL;

	g_assert(d != NULL);
	if (sweep_param_study(e->name)) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
		    "%s: [sweep] %s: the study itself reads this parameter, "
		    "so sweeping it would change nothing; give --seed, "
		    "--replications or --compare instead", e->origin, e->name);
		return FALSE;
	}
	a = g_new0(struct sweep_axis, 1);
	a->name = g_strdup(e->name);
	a->type = d->type;
	a->spec = g_strdup(e->spec);
	a->origin = g_strdup(e->origin);
	a->texts = g_ptr_array_new_with_free_func(g_free);
	a->numbers = g_array_new(FALSE, FALSE, sizeof(double));
	g_ptr_array_add(s->axes, a);
	if (!sweep_expand(e->spec, d->type, a->texts, a->numbers, &err)) {
		g_set_error(error, LOANSIM_ERROR, err->code, "%s: [sweep] %s: "
		    "%s", e->origin, e->name, err->message);
		g_error_free(err);
		return FALSE;
	}
	g_assert(a->texts->len > 0);
	if (s->npoints > SWEEP_MAX_POINTS / a->texts->len) {
		g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_LIMIT,
		    "%s: [sweep] has more than %d points", e->origin,
		    SWEEP_MAX_POINTS);
		return FALSE;
	}
	s->npoints *= a->texts->len;
	return TRUE;
}

struct sweep *
sweep_new(const struct params *p, GError **error)
{
	struct sweep			*s = g_new0(struct sweep, 1);
	const struct params_sweep	*e, *where = NULL;
	size_t				 i, n = params_sweep_count(p);

	s->axes = g_ptr_array_new_with_free_func(sweep_axis_free);
	s->conds = g_array_new(FALSE, FALSE, sizeof(struct sweep_cond));
	s->npoints = 1;
	for (i = 0; i < n; i++) {
		if ((e = sweep_entry(p, i)) == NULL)
			continue;
		if (strcmp(e->name, "where") == 0)
			where = e;
		else if (!sweep_fixed(p, e) && !sweep_add_axis(s, p, e,
		    error)) {
			sweep_free(s);
			return NULL;
		}
	}
	s->nraw = s->npoints;
	s->where = g_strdup(where != NULL ? where->spec : "");
	if (where != NULL && !sweep_parse_where(s, p, where, error)) {
		sweep_free(s);
		return NULL;
	}
	if (s->conds->len > 0) {
		size_t raw;

		s->valid = g_array_new(FALSE, FALSE, sizeof(size_t));
		for (raw = 0; raw < s->nraw; raw++)
			if (sweep_holds(s, raw))
				g_array_append_val(s->valid, raw);
		s->npoints = s->valid->len;
		if (s->npoints == 0) {
			g_set_error(error, LOANSIM_ERROR, LOANSIM_ERROR_INPUT,
			    "[sweep] where: no point of the sweep satisfies "
			    "the constraints");
			sweep_free(s);
			return NULL;
		}
	}
	return s;
}

void
sweep_free(struct sweep *s)
{
	if (s == NULL)
		return;
	g_ptr_array_free(s->axes, TRUE);
	g_array_free(s->conds, TRUE);
	if (s->valid != NULL)
		g_array_free(s->valid, TRUE);
	g_free(s->where);
	g_free(s);
}

size_t
sweep_axes(const struct sweep *s)
{
	return s->axes->len;
}

size_t
sweep_points(const struct sweep *s)
{
	return s->npoints;
}

const char *
sweep_axis_name(const struct sweep *s, size_t axis)
{
	return ((struct sweep_axis *)g_ptr_array_index(s->axes, axis))->name;
}

const char *
sweep_axis_spec(const struct sweep *s, size_t axis)
{
	return ((struct sweep_axis *)g_ptr_array_index(s->axes, axis))->spec;
}

const char *
sweep_where(const struct sweep *s)
{
	return s->where;
}

/* Index on one axis of a raw point: the last axis varies fastest. */
static size_t
sweep_raw_index(const struct sweep *s, size_t point, size_t axis)
{
	size_t	i, stride = 1;

	g_assert(point < s->nraw && axis < s->axes->len);
	for (i = s->axes->len - 1; i > axis; i--)
		stride *= ((struct sweep_axis *)
		    g_ptr_array_index(s->axes, i))->texts->len;
	return (point / stride) % ((struct sweep_axis *)
	    g_ptr_array_index(s->axes, axis))->texts->len;
}

/* Index on one axis of a point that satisfies the constraints. */
static size_t
sweep_index(const struct sweep *s, size_t point, size_t axis)
{
	g_assert(point < s->npoints);
	if (s->valid != NULL)
		point = g_array_index(s->valid, size_t, point);
	return sweep_raw_index(s, point, axis);
}

const char *
sweep_text(const struct sweep *s, size_t point, size_t axis)
{
	struct sweep_axis *a = g_ptr_array_index(s->axes, axis);

	return g_ptr_array_index(a->texts, sweep_index(s, point, axis));
}

double
sweep_number(const struct sweep *s, size_t point, size_t axis)
{
	struct sweep_axis *a = g_ptr_array_index(s->axes, axis);

	return g_array_index(a->numbers, double, sweep_index(s, point, axis));
}

gboolean
sweep_apply(const struct sweep *s, size_t point, struct params *p,
    GError **error)
{
	size_t	i;

	for (i = 0; i < s->axes->len; i++) {
		struct sweep_axis *a = g_ptr_array_index(s->axes, i);

		if (!params_set(p, a->name, sweep_text(s, point, i),
		    a->origin, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
sweep_is_dist(const struct sweep *s, size_t axis)
{
	struct sweep_axis *a = g_ptr_array_index(s->axes, axis);

	return a->type == PARAM_DIST_TIME || a->type == PARAM_DIST_SIZE;
}
