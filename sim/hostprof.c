/* From measured host primitives to a machine profile (see hostprof.h).
 *
 * The models charge a kernel operation as a sum of [machine] keys: a
 * first-touch fault is fault_trap + page_alloc + page_zero + pmap_enter
 * (models/vm.c, vm_buf_new).  A probe measures such a sum as a whole; the
 * parts no probe isolates are split in the proportions the base profile
 * gives them, so that the model's sum equals the measured total.  Every
 * key says how it was found: MEASURED, DERIVED (with the arithmetic), or
 * NOT MEASURED (the base profile's value, and why). */
#include "sim/hostprof.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/units.h"
#include "models/model.h"

static const char *const hostprof_what[HP_NPROBES] = {
	"null system call (getppid)",
	"page zeroing, page in the cache",
	"page zeroing, page not in the cache",
	"anonymous first-touch fault, per page",
	"munmap of anonymous pages, per page",
	"read fault of a private file mapping, per page",
	"read fault of a one-page private file mapping",
	"pages mapped per read fault (fault-around)",
	"copy-on-write fault of a read-mapped file page, per page",
	"munmap of file pages, per page",
	"mprotect(PROT_READ), per call",
	"mprotect(PROT_READ), per further page",
	"TLB shootdown, initiator, per round",
	"TLB shootdown, target, per round",
	"flush IPIs received per mprotect call",
	"pipe write()+read() of 1 byte, one process",
	"pipe ping-pong, per handoff (one CPU)",
	"read pass over data in memory (GB/s)",
	"read pass over data in memory, in order (GB/s)",
	"memcpy of pages from memory into the cache (GB/s)",
	"mmap, first read and munmap of one file page",
	"read() of a large cached file, 64 KiB reads, per page",
	"pipe ping-pong on two CPUs, per handoff (wall)",
	"pipe ping-pong on two CPUs, per handoff (CPU of one)",
	"read pass over data in the cache (GB/s)",
	"TLB shootdown, initiator, per round and further page",
	"TLB shootdown, target, per round and further page",
	"first copy-on-write of a fresh mapping, beyond the second",
};

struct hp_derive {
	const struct hostprof_host	*h;
	const struct params		*base;
	const char			*base_name;
	GKeyFile			*kf;	/* the base file's comments */
	GHashTable			*keys;	/* name -> hostprof_key */
};

void
hostprof_host_init(struct hostprof_host *h)
{
	memset(h, 0, sizeof(*h));
}

static void
hostprof_stat_clear(struct hostprof_stat *s)
{
	g_free(s->why);
	memset(s, 0, sizeof(*s));
}

void
hostprof_host_clear(struct hostprof_host *h)
{
	unsigned	i;

	for (i = 0; i < HP_NPROBES; i++)
		hostprof_stat_clear(&h->p[i]);
	for (i = 0; i < HP_MAXSIZES; i++) {
		hostprof_stat_clear(&h->hot.bw[i]);
		hostprof_stat_clear(&h->cold.bw[i]);
	}
	g_free(h->host);
	memset(h, 0, sizeof(*h));
}

static int
hostprof_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Linear interpolation between order statistics (Hyndman-Fan type 7). */
static double
hostprof_quantile(const double *v, unsigned n, double q)
{
	double		h = (n - 1) * q;
	unsigned	i = (unsigned)floor(h);

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - i) * (v[i + 1] - v[i]);
}

void
hostprof_stat_set(struct hostprof_stat *s, double *v, unsigned n)
{
	g_assert(n >= 1);
	qsort(v, n, sizeof(*v), hostprof_cmp);
	hostprof_stat_clear(s);
	s->n = n;
	s->median = hostprof_quantile(v, n, 0.5);
	s->q1 = hostprof_quantile(v, n, 0.25);
	s->q3 = hostprof_quantile(v, n, 0.75);
	s->min = v[0];
	s->max = v[n - 1];
}

void
hostprof_stat_set_diff(struct hostprof_stat *s, double *v, unsigned n)
{
	unsigned	i, neg = 0;

	for (i = 0; i < n; i++)
		neg += v[i] < 0;
	hostprof_stat_set(s, v, n);
	s->diff = TRUE;
	s->negative = neg;
}

void
hostprof_stat_fail(struct hostprof_stat *s, const char *fmt, ...)
{
	va_list	ap;

	hostprof_stat_clear(s);
	va_start(ap, fmt);
	s->why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

char *
hostprof_stat_text(const struct hostprof_stat *s, double scale,
    const char *unit)
{
	double	lo = s->diff ? 0 : -INFINITY;

	if (s->n == 0)
		return g_strdup_printf("not measured (%s)", s->why ? s->why :
		    "no probe");
	if (s->negative > 0)
		return g_strdup_printf("%.4g%s (IQR %.4g..%.4g, range "
		    "%.4g..%.4g, %u trials, %u of them below 0 by noise, shown "
		    "as 0)", MAX(lo, s->median) / scale, unit,
		    MAX(lo, s->q1) / scale,
		    MAX(lo, s->q3) / scale, MAX(lo, s->min) / scale,
		    MAX(lo, s->max) / scale, s->n, s->negative);
	return g_strdup_printf("%.4g%s (IQR %.4g..%.4g, range %.4g..%.4g, "
	    "%u trials)", s->median / scale, unit, s->q1 / scale,
	    s->q3 / scale, s->min / scale, s->max / scale, s->n);
}

void
hostprof_split(double total, const double *weights, size_t n,
    uint64_t *parts)
{
	double		*frac = g_new(double, n), sum = 0, share;
	uint64_t	 whole = total > 0 ? (uint64_t)llround(total) : 0;
	uint64_t	 given = 0;
	size_t		 i, best;

	for (i = 0; i < n; i++)
		sum += weights[i] > 0 ? weights[i] : 0;
	for (i = 0; i < n; i++) {
		if (sum > 0)
			share = weights[i] > 0 ?
			    (double)whole * weights[i] / sum : 0;
		else
			share = (double)whole / (double)n;
		parts[i] = (uint64_t)floor(share);
		frac[i] = share - (double)parts[i];
		given += parts[i];
	}
	/* Largest remainder first; ties to the first part. */
	while (given < whole) {
		for (best = 0, i = 1; i < n; i++)
			if (frac[i] > frac[best])
				best = i;
		parts[best]++;
		frac[best] = -1;
		given++;
	}
	g_free(frac);
}

uint64_t
hostprof_knee(const struct hostprof_curve *c, double cold)
{
	double		peak = 0, thr;
	uint64_t	knee = 0;
	unsigned	i;

	for (i = 0; i < c->n; i++)
		if (c->bw[i].n > 0 && c->bw[i].median > peak)
			peak = c->bw[i].median;
	if (peak <= 0 || cold <= 0)
		return 0;
	thr = sqrt(peak * cold);
	for (i = 0; i < c->n; i++) {
		if (c->bw[i].n == 0)
			continue;
		if (c->bw[i].median < thr)
			return knee;
		knee = c->size[i];
	}
	return 0;
}

static void
hostprof_key_free(gpointer x)
{
	struct hostprof_key	*k = x;

	g_free(k->name);
	g_free(k->value);
	g_free(k->note);
	g_free(k->why);
	g_free(k);
}

static const struct param_def *
hp_def(const struct hp_derive *d, const char *name)
{
	char			*full = g_strconcat("machine.", name, NULL);
	const struct param_def	*def = params_lookup(d->base, full);

	g_free(full);
	return def;
}

/* The base's value of a registered key in ns, bytes, bytes/s or a
 * count; 0 for other types. */
static double
hp_base_num(const struct hp_derive *d, const char *name)
{
	const struct param_def	*def = hp_def(d, name);
	double			 x = 0;

	if (def == NULL)
		return 0;
	switch (def->type) {
	case PARAM_TIME:
		x = (double)params_time(d->base, def->name);
		break;
	case PARAM_SIZE:
		x = (double)params_size(d->base, def->name);
		break;
	case PARAM_BANDWIDTH:
		x = params_bandwidth(d->base, def->name);
		break;
	case PARAM_COUNT:
		x = (double)params_count(d->base, def->name);
		break;
	case PARAM_ENUM:
		x = g_ascii_strtod(params_text(d->base, def->name), NULL);
		break;
	default:
		break;
	}
	return x;
}

/* The value of a key already derived (or the base's). */
static double
hp_num(const struct hp_derive *d, const char *name)
{
	struct hostprof_key	*k = g_hash_table_lookup(d->keys, name);

	return k != NULL ? k->num : hp_base_num(d, name);
}

static char *
hp_format(const struct param_def *def, double x)
{
	uint64_t	 back;
	char		*s;

	switch (def->type) {
	case PARAM_TIME:
		return g_strdup_printf("%" PRIu64 "ns", (uint64_t)llround(x));
	case PARAM_SIZE:
		s = units_format_size(x);
		if (units_parse_size(s, &back, NULL) &&
		    back == (uint64_t)llround(x))
			return s;
		g_free(s);
		return g_strdup_printf("%" PRIu64 "B", (uint64_t)llround(x));
	case PARAM_BANDWIDTH:
		return units_format_bandwidth(x);
	default:
		return g_strdup_printf("%.0f", x);
	}
}

/* The base file's own comment above a key, on one line. */
static char *
hp_base_comment(const struct hp_derive *d, const char *name)
{
	char	*c, **lines, *out;
	guint	 i;

	if (d->kf == NULL || (c = g_key_file_get_comment(d->kf, "machine",
	    name, NULL)) == NULL)
		return NULL;
	lines = g_strsplit(c, "\n", -1);
	for (i = 0; lines[i] != NULL; i++)
		g_strstrip(lines[i]);
	out = g_strstrip(g_strjoinv(" ", lines));
	g_strfreev(lines);
	g_free(c);
	if (*out == '\0') {
		g_free(out);
		return NULL;
	}
	return out;
}

static void
hp_put(struct hp_derive *d, struct hostprof_key *k)
{
	g_hash_table_replace(d->keys, k->name, k);
}

/* NOT MEASURED: the base's value. */
static void
hp_base(struct hp_derive *d, const char *name, const char *why)
{
	const struct param_def	*def = hp_def(d, name);
	struct hostprof_key	*k;
	char			*c;

	if (def == NULL)
		return;
	k = g_new0(struct hostprof_key, 1);
	k->name = g_strdup(name);
	k->value = g_strdup(params_text(d->base, def->name));
	k->num = hp_base_num(d, name);
	k->how = HP_BASE;
	k->why = g_strdup(why);
	c = hp_base_comment(d, name);
	k->note = g_strdup_printf("NOT MEASURED (%s): the value of %s%s%s%s",
	    why, d->base_name, params_file(d->base) == NULL ||
	    params_is_set(d->base, def->name) ? "" : " (the registry's "
	    "default)", c ? ", which says: " : ".", c ? c : "");
	g_free(c);
	hp_put(d, k);
}

/* A measured or derived value, if the registry has the key; a value the
 * registry refuses (out of range) falls back to the base's. */
static void G_GNUC_PRINTF(5, 6)
hp_set(struct hp_derive *d, const char *name, enum hostprof_how how,
    double x, const char *fmt, ...)
{
	const struct param_def	*def = hp_def(d, name);
	struct params		*scratch;
	struct hostprof_key	*k;
	GError			*e = NULL;
	va_list			 ap;
	char			*v, *why;

	if (def == NULL)
		return;
	v = hp_format(def, x);
	scratch = params_copy(d->base);
	if (!params_set(scratch, def->name, v, "calibrate", &e)) {
		why = g_strdup_printf("measured %s, which the registry "
		    "refuses: %s", v, e->message);
		hp_base(d, name, why);
		g_free(why);
		g_error_free(e);
		g_free(v);
		params_free(scratch);
		return;
	}
	params_free(scratch);
	k = g_new0(struct hostprof_key, 1);
	k->name = g_strdup(name);
	k->value = v;
	k->num = x;
	if (def->type == PARAM_TIME)
		k->num = (double)llround(x);
	k->how = how;
	va_start(ap, fmt);
	k->note = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	hp_put(d, k);
}

static gboolean
hp_has(const struct hp_derive *d, enum hostprof_probe p)
{
	return d->h->p[p].n > 0;
}

static double
hp_med(const struct hp_derive *d, enum hostprof_probe p)
{
	return d->h->p[p].median;
}

/* "the anonymous first-touch fault, per page: 2557ns (IQR ...)". */
static char *
hp_cite(const struct hp_derive *d, enum hostprof_probe p)
{
	gboolean count = p == HP_FAULT_AROUND || p == HP_SHOOTDOWN_IPIS;
	char	*t = hostprof_stat_text(&d->h->p[p], 1, count ? "" : "ns");
	char	*s = g_strdup_printf("%s: %s", hostprof_what[p], t);

	g_free(t);
	return s;
}

/* The keys of names from the base, for want of a figure of probe p. */
static void
hp_base_all(struct hp_derive *d, const char *const *names, size_t n,
    enum hostprof_probe p)
{
	char	*why = g_strdup_printf("no figure for the %s: %s",
		    hostprof_what[p], d->h->p[p].why ? d->h->p[p].why :
		    "not measured");
	size_t	 i;

	for (i = 0; i < n; i++)
		hp_base(d, names[i], why);
	g_free(why);
}

/* A total (found as expl says) split among the keys of names in the
 * base's proportions. */
static void
hp_split(struct hp_derive *d, double total, const char *expl,
    const char *charged, const char *const *names, size_t n)
{
	double		 w[8];
	uint64_t	 parts[8];
	GString		*ws = g_string_new(NULL), *vs = g_string_new(NULL);
	GString		*ps = g_string_new(NULL);
	size_t		 i;

	g_assert(n <= G_N_ELEMENTS(w));
	for (i = 0; i < n; i++)
		w[i] = hp_base_num(d, names[i]);
	hostprof_split(total, w, n, parts);
	for (i = 0; i < n; i++) {
		g_string_append_printf(ws, "%s%s", i ? ":" : "", names[i]);
		g_string_append_printf(vs, "%s%.0f", i ? ":" : "", w[i]);
		g_string_append_printf(ps, "%s%" PRIu64, i ? " + " : "",
		    parts[i]);
	}
	for (i = 0; i < n; i++)
		hp_set(d, names[i], HP_DERIVED, (double)parts[i], "DERIVED: "
		    "%s = %.0f ns%s; the models charge that as %s.  Split in "
		    "the base's proportions %s = %s => %s ns.", expl, total,
		    total < 0 ? " (below 0: noise; all parts 0)" : "", charged,
		    ws->str, vs->str, ps->str);
	g_string_free(ws, TRUE);
	g_string_free(vs, TRUE);
	g_string_free(ps, TRUE);
}

/* One key: a figure found as expl says, at least 0. */
static void
hp_value(struct hp_derive *d, const char *name, enum hostprof_how how,
    double x, const char *expl, const char *charged)
{
	hp_set(d, name, how, x > 0 ? x : 0, "%s: %s = %.0f ns%s%s%s.",
	    how == HP_MEASURED ? "MEASURED" : "DERIVED", expl, x,
	    x < 0 ? " (below 0: noise; 0 used)" : "", charged ? "; " : "",
	    charged ? charged : "");
}

/* A probe's figure less keys already found: the keys of names (one
 * value, or split in the base's proportions), or the base's values if
 * the probe has no figure. */
static void
hp_less(struct hp_derive *d, enum hostprof_probe p,
    const char *const *minus, size_t nminus, enum hostprof_how how,
    const char *const *names, size_t n, const char *charged)
{
	GString	*s;
	char	*c;
	double	 total, x;
	size_t	 i;

	if (!hp_has(d, p)) {
		hp_base_all(d, names, n, p);
		return;
	}
	c = hp_cite(d, p);
	s = g_string_new(NULL);
	g_string_append_printf(s, "the %s", c);
	total = hp_med(d, p);
	for (i = 0; i < nminus; i++)
		g_string_append_printf(s, "%s%s", i == 0 ? ", less " :
		    i + 1 == nminus ? " and " : ", ", minus[i]);
	if (nminus > 0)
		g_string_append_printf(s, ": %.0f", total);
	for (i = 0; i < nminus; i++) {
		x = hp_num(d, minus[i]);
		g_string_append_printf(s, " - %.0f", x);
		total -= x;
	}
	if (n == 1)
		hp_value(d, names[0], how, total, s->str, charged);
	else
		hp_split(d, total, s->str, charged, names, n);
	g_string_free(s, TRUE);
	g_free(c);
}

static void
hp_derive_zero(struct hp_derive *d)
{
	char	*hot, *cold;

	if (!hp_has(d, HP_ZERO_HOT)) {
		hp_base_all(d, (const char *const[]){ "page_zero" }, 1,
		    HP_ZERO_HOT);
		return;
	}
	hot = hp_cite(d, HP_ZERO_HOT);
	cold = hp_cite(d, HP_ZERO_COLD);
	hp_set(d, "page_zero", HP_MEASURED, hp_med(d, HP_ZERO_HOT), "MEASURED,"
	    " %s.  The page allocator hands out the page freed last, still "
	    "in the cache (Linux mm/page_alloc.c, per-CPU lists); for "
	    "comparison, %s.", hot, cold);
	g_free(hot);
	g_free(cold);
}

/* The page work of a fault apart from the trap: a read fault of a large
 * private file mapping maps m pages at once (fault-around: r per page),
 * one of a one-page mapping maps one (r1), so each further page costs w
 * = (r m - r1)/(m - 1): the page-cache lookup and the PTE, split between
 * pmap_enter and loan_page (a loan is that lookup and reference, the
 * nearest Linux has to uvm_loanuobj).  The anonymous first-touch fault
 * less page_zero and pmap_enter is then fault_trap + page_alloc, split
 * in the base's proportions (no probe separates them). */
static gboolean
hp_derive_trap(struct hp_derive *d)
{
	static const char *const fe[] = { "pmap_enter", "loan_page" };
	static const char *const ta[] = { "fault_trap", "page_alloc" };
	static const char *const zp[] = { "page_zero", "pmap_enter" };
	double	 r1 = hp_med(d, HP_READ_FAULT1), r = hp_med(d, HP_READ_FAULT);
	double	 m = hp_med(d, HP_FAULT_AROUND), w;
	char	*c1, *c2, *c3, *e;

	if (!hp_has(d, HP_READ_FAULT1) || !hp_has(d, HP_READ_FAULT) ||
	    !hp_has(d, HP_FAULT_AROUND) || m < 1.5)
		return FALSE;
	w = (r * m - r1) / (m - 1);
	c1 = hp_cite(d, HP_READ_FAULT1);
	c2 = hp_cite(d, HP_READ_FAULT);
	c3 = hp_cite(d, HP_FAULT_AROUND);
	e = g_strdup_printf("w = (r m - r1)/(m - 1), the cost of each further "
	    "page a read fault maps (page-cache lookup and PTE; the fault's "
	    "own part is r1 - w = %.0f ns), with r the %s, r1 the %s and m "
	    "the %s: (%.0f x %.3g - %.0f)/%.3g", r1 - w, c2, c1, c3, r, m, r1,
	    m - 1);
	hp_split(d, w, e, "pmap_enter + loan_page (a loan is the lookup and "
	    "reference of a page-cache page, uvm_loanuobj)", fe, 2);
	g_free(e);
	g_free(c1);
	g_free(c2);
	g_free(c3);
	hp_less(d, HP_FIRST_TOUCH, zp, 2, HP_DERIVED, ta, 2, "fault_trap + "
	    "page_alloc (models/vm.c vm_buf_new charges fault_trap + "
	    "page_alloc + page_zero + pmap_enter)");
	return TRUE;
}

/* mprotect and munmap per page: the PTE work and the local TLB
 * invalidation (Linux invalidates up to 33 pages one by one).  The
 * invalidation alone is what the target of a shootdown does per page
 * (arch/x86/mm/tlb.c flush_tlb_func: flush_tlb_one_user per page, no
 * PTE work), the slope of the time its thread loses from 1 to 32
 * pages: tlb_local, which the models charge per page on the target too
 * (models/vm.c vm_tlb_flush); mprotect's own slope less it is
 * pmap_protect.  Without a second CPU the slope is split in the base's
 * proportions. */
static void
hp_derive_unmap(struct hp_derive *d)
{
	static const char *const mp[] = { "pmap_protect", "tlb_local" };
	static const char *const mf[] = { "pmap_remove", "unloan_page" };
	static const char *const rt[] = { "pmap_remove", "tlb_local" };
	char	*c;

	if (hp_has(d, HP_SHOOTDOWN_TARGET_PAGE) &&
	    hp_has(d, HP_MPROTECT_PAGE)) {
		c = hp_cite(d, HP_SHOOTDOWN_TARGET_PAGE);
		hp_value(d, "tlb_local", HP_MEASURED, hp_med(d,
		    HP_SHOOTDOWN_TARGET_PAGE), c, "the time the thread "
		    "spinning on the other CPU loses per flush round and page "
		    "(32 pages against 1): the target's invalidation of one "
		    "page, which the models charge per page on every CPU "
		    "(models/vm.c vm_tlb_flush)");
		g_free(c);
		hp_less(d, HP_MPROTECT_PAGE, mp + 1, 1, HP_DERIVED, mp, 1,
		    "pmap_protect (one thread: the PTE's change and the local "
		    "invalidation)");
	} else
		hp_less(d, HP_MPROTECT_PAGE, NULL, 0, HP_DERIVED, mp, 2,
		    "pmap_protect + tlb_local (one thread: no shootdown; no "
		    "figure of a target's invalidation per page to separate "
		    "them)");
	hp_less(d, HP_MUNMAP_FILE, rt + 1, 1, HP_DERIVED, mf, 2,
	    "pmap_remove + unloan_page (the mapping goes, the page-cache page "
	    "stays: uvm_unloan)");
	hp_less(d, HP_MUNMAP_ANON, rt, 2, HP_DERIVED,
	    (const char *const[]){ "page_free" }, 1, "the models charge "
	    "pmap_remove + tlb_local + page_free per page (models/vm.c "
	    "vm_buf_free)");
}

static void
hp_derive_faults(struct hp_derive *d)
{
	static const char *const ft[] = { "fault_trap", "page_alloc",
	    "pmap_enter" };

	hp_derive_zero(d);
	if (!hp_derive_trap(d)) {
		/* Without the two read faults: the first-touch fault less
		 * page_zero split three ways; loan_page from the read
		 * fault. */
		hp_less(d, HP_FIRST_TOUCH, (const char *const[]){
		    "page_zero" }, 1, HP_DERIVED, ft, 3, "fault_trap + "
		    "page_alloc + pmap_enter (models/vm.c vm_buf_new; no "
		    "one-page read fault to separate the trap)");
		hp_less(d, HP_READ_FAULT, (const char *const[]){
		    "pmap_enter" }, 1, HP_DERIVED, (const char *const[]){
		    "loan_page" }, 1, "the lookup and reference of a "
		    "page-cache page (uvm_loanuobj)");
	}
	hp_derive_unmap(d);
}

/* The pages a read fault maps, as counted; and a one-page mapping's
 * life less what the models charge for its parts: the mmap and munmap
 * calls (syscall each), the read fault (fault_trap, and pmap_enter +
 * loan_page for its page) and the unmapping of the page (pmap_remove +
 * unloan_page + tlb_local).  The rest (Linux: the VMA's allocation and
 * maple-tree insertion and removal, the page-table page allocated at
 * the fault and freed at munmap) is the mapping's own work, map_entry. */
static void
hp_derive_map(struct hp_derive *d)
{
	static const char *const parts[] = { "syscall", "syscall",
	    "fault_trap", "pmap_enter", "loan_page", "pmap_remove",
	    "unloan_page", "tlb_local" };

	if (hp_has(d, HP_FAULT_AROUND)) {
		char *c = hp_cite(d, HP_FAULT_AROUND);

		hp_set(d, "fault_around", HP_MEASURED,
		    llround(hp_med(d, HP_FAULT_AROUND)), "MEASURED: the %s "
		    "(minor faults counted by getrusage; Linux mm/memory.c "
		    "do_fault_around, fault_around_bytes).", c);
		g_free(c);
	} else
		hp_base_all(d, (const char *const[]){ "fault_around" }, 1,
		    HP_FAULT_AROUND);
	hp_less(d, HP_COW_FIRST, NULL, 0, HP_MEASURED, (const char *const[]){
	    "map_anon" }, 1, "the mapping's anonymous memory, set up at its "
	    "first copy-on-write fault and torn down at munmap (Linux "
	    "__anon_vma_prepare, unlink_anon_vmas; UVM amap_copy, amap_unref), "
	    "which the models charge once per mapping written (models/file.c, "
	    "strategy mmap)");
	hp_less(d, HP_MAP_CYCLE, parts, G_N_ELEMENTS(parts), HP_DERIVED,
	    (const char *const[]){ "map_entry" }, 1, "the mapping's own work "
	    "at mmap and munmap (Linux: the VMA, its maple-tree entry, the "
	    "page-table page; UVM: uvm_map, uvm_unmap), which the models "
	    "charge once per mapping (models/file.c, strategy mmap)");
}

static void
hp_derive_tlb(struct hp_derive *d)
{
	char	*c, *e;

	c = hp_cite(d, HP_SHOOTDOWN_IPIS);
	e = g_strdup_printf("mprotect with a second thread of the process "
	    "spinning on another CPU, less the same without it, per flush IPI "
	    "round (one target CPU; %s)", c);
	hp_less(d, HP_SHOOTDOWN, NULL, 0, HP_MEASURED,
	    (const char *const[]){ "tlb_shootdown" }, 1, e);
	g_free(c);
	g_free(e);
	hp_less(d, HP_SHOOTDOWN_TARGET, (const char *const[]){ "tlb_local" },
	    1, HP_MEASURED, (const char *const[]){ "tlb_shootdown_target" }, 1,
	    "the time the spinning thread lost per round (gaps in its clock "
	    "readings, less those of as long a time without flushes), less "
	    "the tlb_local of its one page");
}

static void
hp_derive_sched(struct hp_derive *d)
{
	static const char *const cs[] = { "context_switch", "wakeup" };
	char	*c, *c2, *e;

	hp_less(d, HP_SYSCALL, NULL, 0, HP_MEASURED,
	    (const char *const[]){ "syscall" }, 1, NULL);
	if (!hp_has(d, HP_PIPE_HANDOFF) || !hp_has(d, HP_PIPE_SELF)) {
		hp_base_all(d, cs, 2, hp_has(d, HP_PIPE_SELF) ?
		    HP_PIPE_HANDOFF : HP_PIPE_SELF);
		return;
	}
	c = hp_cite(d, HP_PIPE_HANDOFF);
	c2 = hp_cite(d, HP_PIPE_SELF);
	e = g_strdup_printf("the %s, less the %s (lmbench lat_ctx): %.0f - "
	    "%.0f", c, c2, hp_med(d, HP_PIPE_HANDOFF), hp_med(d, HP_PIPE_SELF));
	hp_split(d, hp_med(d, HP_PIPE_HANDOFF) - hp_med(d, HP_PIPE_SELF), e,
	    "wakeup + context_switch (a sleeping reader woken and switched "
	    "to, models/pipe.c)", cs, 2);
	g_free(c);
	g_free(c2);
	g_free(e);
}

static char *
hp_curve_median(const struct hostprof_curve *c, uint64_t upto, double *med)
{
	double		v[HP_MAXSIZES];
	unsigned	i, n = 0;
	GString		*s = g_string_new(NULL);

	for (i = 0; i < c->n; i++)
		if (c->bw[i].n > 0 && (upto == 0 || c->size[i] <= upto)) {
			v[n++] = c->bw[i].median;
			g_string_append_printf(s, "%s%.4g", n > 1 ? ", " : "",
			    c->bw[i].median / 1e9);
		}
	*med = 0;
	if (n > 0) {
		qsort(v, n, sizeof(*v), hostprof_cmp);
		*med = hostprof_quantile(v, n, 0.5);
	}
	return g_string_free(s, FALSE);
}

/* A bandwidth key measured by probe p alone, what the probe does and
 * what the models charge at it; else the base's. */
static void
hp_measured_bw(struct hp_derive *d, const char *name, enum hostprof_probe p,
    const char *what, const char *use)
{
	const struct hostprof_stat *s = &d->h->p[p];
	char	*list;

	if (s->n == 0) {
		hp_base_all(d, (const char *const[]){ name }, 1, p);
		return;
	}
	list = hostprof_stat_text(s, 1e9, "GB/s");
	hp_set(d, name, HP_MEASURED, s->median, "MEASURED: %s: %s.  %s",
	    what, list, use);
	g_free(list);
}

static void
hp_derive_copy(struct hp_derive *d)
{
	const struct hostprof_host *h = d->h;
	double		 hot, cold;
	uint64_t	 knee;
	char		*list;

	list = hp_curve_median(&h->cold, 0, &cold);
	if (cold > 0)
		hp_set(d, "copy_bw_cold", HP_MEASURED, cold, "MEASURED: the "
		    "median over sizes of the cold curve above (GB/s: %s).",
		    list);
	else
		hp_base(d, "copy_bw_cold", "the cold copy probe failed");
	g_free(list);
	if (h->p[HP_READ_COLD].n > 0) {
		list = hostprof_stat_text(&h->p[HP_READ_COLD], 1e9, "GB/s");
		hp_set(d, "read_bw_cold", HP_MEASURED,
		    h->p[HP_READ_COLD].median, "MEASURED: the memory read "
		    "stream, a read pass (64-bit sums) over 64 KiB chunks of "
		    "the arena in a random order: %s.", list);
		hp_set(d, "checksum_bw_cold", HP_DERIVED,
		    h->p[HP_READ_COLD].median, "DERIVED: a software checksum "
		    "over data only in memory is bound by the memory read "
		    "stream: read_bw_cold, %s.", list);
		g_free(list);
	} else
		hp_base_all(d, (const char *const[]){ "read_bw_cold",
		    "checksum_bw_cold" }, 2, HP_READ_COLD);
	if (h->p[HP_READ_SEQ].n > 0) {
		list = hostprof_stat_text(&h->p[HP_READ_SEQ], 1e9, "GB/s");
		hp_set(d, "read_bw_seq", HP_MEASURED,
		    h->p[HP_READ_SEQ].median, "MEASURED: the same read pass "
		    "over the arena's chunks in address order (lmbench bw_mem "
		    "rd): %s.  The models charge a process's pass over the "
		    "pages of a file it maps or exchanges, read in order, at "
		    "this rate (models/file.c).", list);
		g_free(list);
	} else
		hp_base_all(d, (const char *const[]){ "read_bw_seq" }, 1,
		    HP_READ_SEQ);
	hp_measured_bw(d, "read_bw_hot", HP_READ_HOT, "the same read pass "
	    "over one 256 KiB buffer again and again, in the cache", "The "
	    "models charge a process's pass over what it got, where it is "
	    "in the cache, at this rate (models/machine.c machine_read_ns).");
	hp_measured_bw(d, "copy_bw_page", HP_COPY_COLD_SRC, "memcpy of 4 KiB "
	    "pages of the arena in a random order into the pages of a "
	    "64 KiB buffer in the cache", "The models charge the kernel's "
	    "copy from memory into the cache at this rate (read() of a "
	    "large file: the kernel copies a page-cache page at a time, the "
	    "pages wherever the allocator put them).");
	knee = hostprof_knee(&h->hot, hp_num(d, "copy_bw_cold"));
	if (knee > 0)
		hp_set(d, "cache_size", HP_MEASURED, (double)knee, "MEASURED: "
		    "the knee of the hot curve above: the largest copy size "
		    "up to which every size runs at no less than sqrt(peak x "
		    "cold bandwidth) (sysfs: L2 %" PRIu64 " KiB per CPU, last "
		    "level %" PRIu64 " KiB).", h->cache_l2 / 1024,
		    h->cache_llc / 1024);
	else if (h->cache_l2 > 0)
		hp_set(d, "cache_size", HP_MEASURED, (double)h->cache_l2,
		    "MEASURED from sysfs (/sys/devices/system/cpu/cpu0/cache):"
		    " the L2 cache of one CPU; the hot curve above shows no "
		    "knee.");
	else
		hp_base(d, "cache_size", "no knee in the copy curve and no "
		    "cache size in sysfs");
	knee = (uint64_t)hp_num(d, "cache_size");
	list = hp_curve_median(&h->hot, knee, &hot);
	if (hot > 0)
		hp_set(d, "copy_bw_hot", HP_MEASURED, hot, "MEASURED: the "
		    "median over the sizes up to cache_size of the hot curve "
		    "above (GB/s: %s).", list);
	else
		hp_base(d, "copy_bw_hot", "the hot copy probe failed");
	g_free(list);
}

static void
hp_derive_machine(struct hp_derive *d)
{
	const struct hostprof_host *h = d->h;

	if (h->cpus > 0)
		hp_set(d, "cpus", HP_MEASURED, h->cpus, "MEASURED: CPUs "
		    "online (sysconf); %u of them allowed to the calibration.",
		    h->cpus_allowed);
	else
		hp_base(d, "cpus", "the number of CPUs is unknown");
	if (h->page_size == 4096 || h->page_size == 8192)
		hp_set(d, "page_size", HP_MEASURED, (double)h->page_size,
		    "MEASURED: sysconf(_SC_PAGESIZE).");
	else
		hp_base(d, "page_size", "the page size is neither 4096 nor "
		    "8192");
}

/* name and description are text, not numbers. */
static void
hp_text_key(struct hp_derive *d, const char *name, const char *value,
    const char *note)
{
	struct hostprof_key	*k;

	if (hp_def(d, name) == NULL)
		return;
	k = g_new0(struct hostprof_key, 1);
	k->name = g_strdup(name);
	k->value = g_strdup(value);
	k->how = HP_MEASURED;
	k->note = g_strdup(note);
	hp_put(d, k);
}

GPtrArray *
hostprof_derive(const struct hostprof_host *h, const struct params *base,
    const char *base_name)
{
	struct hp_derive	 d;
	const struct param_def	*defs;
	GPtrArray		*out = g_ptr_array_new_with_free_func(
				    hostprof_key_free);
	struct hostprof_key	*k;
	char			*desc, *bare;
	size_t			 i, n;

	memset(&d, 0, sizeof(d));
	d.h = h;
	d.base = base;
	d.base_name = base_name;
	d.keys = g_hash_table_new(g_str_hash, g_str_equal);
	if (params_file(base) != NULL) {
		d.kf = g_key_file_new();
		if (!g_key_file_load_from_file(d.kf, params_file(base),
		    G_KEY_FILE_KEEP_COMMENTS, NULL)) {
			g_key_file_free(d.kf);
			d.kf = NULL;
		}
	}
	hp_derive_machine(&d);
	hp_derive_copy(&d);
	hp_derive_faults(&d);
	hp_derive_tlb(&d);
	hp_derive_sched(&d);
	hp_derive_map(&d);
	hp_text_key(&d, "name", "host", "This host, as loansim calibrate "
	    "measured it.");
	desc = g_strdup_printf("measured by loansim calibrate on %s",
	    h->host ? h->host : "an unknown host");
	bare = g_strdelimit(desc, "\n\\", ' ');
	hp_text_key(&d, "description", bare, "Where the numbers come "
	    "from.");
	g_free(desc);
	defs = model_registry(&n);
	for (i = 0; i < n; i++) {
		if (!g_str_has_prefix(defs[i].name, "machine."))
			continue;
		if (g_hash_table_lookup(d.keys, defs[i].name + 8) == NULL)
			hp_base(&d, defs[i].name + 8, "no probe measures it");
		k = g_hash_table_lookup(d.keys, defs[i].name + 8);
		g_hash_table_steal(d.keys, k->name);
		g_ptr_array_add(out, k);
	}
	g_assert(g_hash_table_size(d.keys) == 0);
	g_hash_table_destroy(d.keys);
	if (d.kf != NULL)
		g_key_file_free(d.kf);
	return out;
}

const struct hostprof_key *
hostprof_find(const GPtrArray *keys, const char *name)
{
	guint	i;

	for (i = 0; i < keys->len; i++) {
		const struct hostprof_key *k = g_ptr_array_index(keys, i);

		if (strcmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}

static double
hostprof_key_num(const GPtrArray *keys, const char *name)
{
	const struct hostprof_key *k = hostprof_find(keys, name);

	return k != NULL ? k->num : 0;
}

/* Wrap a comment at about 100 columns, each line "# ". */
static void
hostprof_comment(GString *s, const char *text)
{
	char	**words = g_strsplit(text, " ", -1);
	guint	  i, col = 0;

	for (i = 0; words[i] != NULL; i++) {
		if (*words[i] == '\0')
			continue;
		if (col > 0 && col + strlen(words[i]) > 110) {
			g_string_append_c(s, '\n');
			col = 0;
		}
		if (col == 0) {
			g_string_append(s, "#");
			col = 1;
		}
		g_string_append_printf(s, " %s", words[i]);
		col += 1 + (guint)strlen(words[i]);
	}
	if (col > 0)
		g_string_append_c(s, '\n');
	g_strfreev(words);
}

/* "58.3 [58.2..58.4]" for the point of that size, or "-". */
static char *
hostprof_point(const struct hostprof_curve *c, uint64_t size)
{
	unsigned	i;

	for (i = 0; i < c->n; i++)
		if (c->size[i] == size && c->bw[i].n > 0)
			return g_strdup_printf("%.4g [%.4g..%.4g]",
			    c->bw[i].median / 1e9, c->bw[i].q1 / 1e9,
			    c->bw[i].q3 / 1e9);
	return g_strdup("-");
}

static void
hostprof_curves(GString *s, const struct hostprof_host *h)
{
	unsigned	 i;
	char		*sz, *hot, *cold;
	char		*arena = units_format_size((double)h->cold_arena);
	uint64_t	 size;

	g_string_append_printf(s, "#\n# Copy bandwidth (memcpy), median GB/s "
	    "over trials [interquartile range]:\n#   %-8s %-26s %s\n", "size",
	    "hot (same buffers)", "cold (chunks of an arena, random order)");
	for (i = 0; i < h->hot.n || i < h->cold.n; i++) {
		size = i < h->hot.n ? h->hot.size[i] : h->cold.size[i];
		sz = units_format_size((double)size);
		hot = hostprof_point(&h->hot, size);
		cold = hostprof_point(&h->cold, size);
		g_string_append_printf(s, "#   %-8s %-26s %s\n", sz, hot,
		    cold);
		g_free(sz);
		g_free(hot);
		g_free(cold);
	}
	g_string_append_printf(s, "#   (the cold arena: %s per buffer)\n",
	    arena);
	g_free(arena);
}


const char *
hostprof_probe_name(enum hostprof_probe p)
{
	return hostprof_what[p];
}

static void
hostprof_probes(GString *s, const struct hostprof_host *h)
{
	unsigned	i;
	char		*t;

	g_string_append(s, "#\n# The measurements (ns unless said "
	    "otherwise):\n");
	for (i = 0; i < HP_NPROBES; i++) {
		t = hostprof_stat_text(&h->p[i], i == HP_READ_COLD ||
		    i == HP_READ_SEQ || i == HP_COPY_COLD_SRC ||
		    i == HP_READ_HOT ? 1e9 : 1, "");
		g_string_append_printf(s, "#   %-58s %s\n", hostprof_what[i], t);
		g_free(t);
	}
}

/* read() of a large file (models/file.c): per page the lookup
 * (loan_page + unloan_page), a copy call and the page from memory into
 * the cache, and a sixteenth of the system call; against the read()
 * measured.  And the sleeps: the models charge a sleep and its wakeup
 * as two context switches and a wakeup, and wake at once; against the
 * ping-pong across two CPUs. */
static void
hostprof_check_read(GString *s, const struct hostprof_host *h,
    const GPtrArray *keys)
{
	const struct hostprof_stat *rp = &h->p[HP_READ_PAGE];
	const struct hostprof_stat *w2 = &h->p[HP_HANDOFF2];
	const struct hostprof_stat *c2 = &h->p[HP_HANDOFF2_CPU];
	double	ps = hostprof_key_num(keys, "page_size");
	double	rb = hostprof_key_num(keys, "copy_bw_page");
	double	lk = hostprof_key_num(keys, "loan_page") +
	    hostprof_key_num(keys, "unloan_page");
	double	cf = hostprof_key_num(keys, "copy_fixed");
	double	sc = hostprof_key_num(keys, "syscall") / 16;
	double	cp = rb > 0 ? ps * 1e9 / rb : 0;
	double	sl = 2 * hostprof_key_num(keys, "context_switch") +
	    hostprof_key_num(keys, "wakeup");
	char	*t;

	if (rp->n > 0 && rb > 0) {
		t = g_strdup_printf("Check (a prediction, not fitted): the "
		    "file model charges read() of a large file, per page, "
		    "loan_page + unloan_page + copy_fixed + "
		    "page_size/copy_bw_page + syscall/16 = %.0f + %.0f + %.0f "
		    "+ %.0f = %.0f ns; read() measured %.0f ns: model/measured "
		    "= %.2f.", lk, cf, cp, sc, lk + cf + cp + sc, rp->median,
		    (lk + cf + cp + sc) / rp->median);
		g_string_append(s, "#\n");
		hostprof_comment(s, t);
		g_free(t);
	}
	if (w2->n > 0 && c2->n > 0) {
		t = g_strdup_printf("Check (not fitted): the models charge a "
		    "sleep and the wakeup that ends it 2 x context_switch + "
		    "wakeup = %.0f ns of CPU, and the woken process runs at "
		    "once; a ping-pong across two CPUs took %.0f ns of wall "
		    "time and %.0f ns of one process's CPU per handoff.", sl,
		    w2->median, c2->median);
		g_string_append(s, "#\n");
		hostprof_comment(s, t);
		g_free(t);
	}
}

/* A shootdown round of more pages: the models charge the initiator
 * tlb_shootdown per target whatever the round's pages (models/vm.c
 * vm_tlb_flush), the target tlb_local per page; against the slopes
 * from 1 to 32 pages of the initiator's extra time and of the target's
 * lost time (on x86 the initiator waits for the target's flush,
 * flush_tlb_multi with wait, while it flushes its own TLB). */
static void
hostprof_check_shootdown(GString *s, const struct hostprof_host *h,
    const GPtrArray *keys)
{
	const struct hostprof_stat *ip = &h->p[HP_SHOOTDOWN_PAGE];
	const struct hostprof_stat *tp = &h->p[HP_SHOOTDOWN_TARGET_PAGE];
	char	*t;

	if (ip->n == 0 || tp->n == 0)
		return;
	t = g_strdup_printf("Check (not fitted): with a second thread on "
	    "another CPU, each further page of a flush round (32 pages against "
	    "1) cost the initiator %.0f ns more than without it, the target "
	    "%.0f ns; the models charge the initiator 0 per page beyond its own "
	    "tlb_local and the target tlb_local = %.0f ns per page.",
	    ip->median, tp->median, hostprof_key_num(keys, "tlb_local"));
	g_string_append(s, "#\n");
	hostprof_comment(s, t);
	g_free(t);
}

/* A prediction the calibration did not fit: what the model charges for
 * a loan break (models/vm.c vm_write_fault) against a measured
 * copy-on-write fault, the same work on Linux (mm/memory.c
 * wp_page_copy: allocate, copy, replace the PTE, flush it). */
static void
hostprof_check(GString *s, const struct hostprof_host *h,
    const GPtrArray *keys)
{
	const struct hostprof_stat *cow = &h->p[HP_COW];
	/* The copy goes into a fresh page, not in the cache: a page at
	 * the memory write rate, page_zero (machine_move_ns()). */
	double	copy = hostprof_key_num(keys, "page_zero");
	double	model = hostprof_key_num(keys, "fault_trap") +
	    hostprof_key_num(keys, "page_alloc") +
	    hostprof_key_num(keys, "copy_fixed") + copy +
	    hostprof_key_num(keys, "pmap_remove") +
	    hostprof_key_num(keys, "unloan_page") +
	    hostprof_key_num(keys, "pmap_enter") +
	    hostprof_key_num(keys, "tlb_local");
	double	cold;
	char	*t;

	hostprof_check_shootdown(s, h, keys);
	if (cow->n == 0) {
		g_string_append_printf(s, "#\n# Check: no copy-on-write figure "
		    "(%s).\n", cow->why ? cow->why : "not measured");
		return;
	}
	hostprof_check_read(s, h, keys);
	t = g_strdup_printf("Check (a prediction, not fitted): the model "
	    "charges a loan break (models/vm.c vm_write_fault) fault_trap + "
	    "page_alloc + copy_fixed + page_zero (the copy into a fresh page) + "
	    "pmap_remove + "
	    "unloan_page + pmap_enter + tlb_local = %.0f + %.0f + %.0f + %.0f"
	    " + %.0f + %.0f + %.0f + %.0f = %.0f ns; the copy-on-write probe "
	    "(the same work on Linux, mm/memory.c wp_page_copy) measured "
	    "%.0f ns: model/measured = %.2f.",
	    hostprof_key_num(keys, "fault_trap"),
	    hostprof_key_num(keys, "page_alloc"),
	    hostprof_key_num(keys, "copy_fixed"), copy,
	    hostprof_key_num(keys, "pmap_remove"),
	    hostprof_key_num(keys, "unloan_page"),
	    hostprof_key_num(keys, "pmap_enter"),
	    hostprof_key_num(keys, "tlb_local"), model, cow->median,
	    model / cow->median);
	g_string_append(s, "#\n");
	hostprof_comment(s, t);
	g_free(t);
	/* The probe read one byte of each page before writing it: the
	 * source of its copy is in memory, not in the cache. */
	cold = hostprof_key_num(keys, "copy_bw_page");
	if (cold > 0) {
		cold = hostprof_key_num(keys, "page_size") * 1e9 / cold;
		t = g_strdup_printf("The probe's source pages are not in the "
		    "cache (it read one byte of each): with the copy from "
		    "memory, page_size/copy_bw_page = %.0f ns in place of "
		    "page_zero, the model's sum is %.0f ns: model/measured = "
		    "%.2f.", cold, model - copy + cold, (model - copy + cold) /
		    cow->median);
		hostprof_comment(s, t);
		g_free(t);
	}
}

char *
hostprof_text(const struct hostprof_host *h, const GPtrArray *keys,
    const char *base_name)
{
	GString	*s = g_string_new(NULL);
	guint	 i, nm = 0, nd = 0, nb = 0;
	char	*t;

	for (i = 0; i < keys->len; i++) {
		const struct hostprof_key *k = g_ptr_array_index(keys, i);

		nm += k->how == HP_MEASURED;
		nd += k->how == HP_DERIVED;
		nb += k->how == HP_BASE;
	}
	g_string_append(s, "# loansim machine profile of this host, written "
	    "by 'loansim calibrate'.\n");
	t = g_strdup_printf("Host: %s.  %u trials per figure; each figure "
	    "is the median of its trials, with the interquartile range and "
	    "the range.  The calibration took %.1f s.  %u keys MEASURED, %u "
	    "DERIVED (the arithmetic is shown above each), %u NOT MEASURED "
	    "(copied from the base profile %s).  A loaded or virtual "
	    "machine gives noisy figures: calibrate the machine the profile "
	    "is to describe, at rest if possible.", h->host ? h->host :
	    "unknown", h->trials, h->seconds, nm, nd, nb, base_name);
	hostprof_comment(s, t);
	g_free(t);
	hostprof_curves(s, h);
	hostprof_probes(s, h);
	hostprof_check(s, h, keys);
	g_string_append(s, "\n[machine]\n");
	for (i = 0; i < keys->len; i++) {
		const struct hostprof_key *k = g_ptr_array_index(keys, i);

		hostprof_comment(s, k->note);
		g_string_append_printf(s, "%s=%s\n", k->name, k->value);
	}
	return g_string_free(s, FALSE);
}

char *
hostprof_missing(const GPtrArray *keys)
{
	GString	*s = g_string_new(NULL);
	guint	 i;

	for (i = 0; i < keys->len; i++) {
		const struct hostprof_key *k = g_ptr_array_index(keys, i);

		if (k->how == HP_BASE)
			g_string_append_printf(s, "  %-22s %s\n", k->name,
			    k->why);
	}
	return g_string_free(s, FALSE);
}
