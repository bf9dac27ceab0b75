/* Simulated CPUs: first-come first-served occupancy with cost categories. */
#include "models/cpu.h"

#include <glib.h>

struct cpu {
	sim_time	busy_until;
	uint64_t	ns[CPU_CAT_COUNT];
};

struct cpus {
	unsigned	 n;
	struct cpu	*cpu;
};

static const char *cpu_cat_names[CPU_CAT_COUNT] = {
	"app", "syscall", "copy", "cksum", "fault", "pmap", "tlb", "alloc",
	"loan", "sched", "interrupt", "protocol"
};

struct cpus *
cpus_new(unsigned n)
{
	struct cpus	*c;

	g_assert(n > 0);
	c = g_new0(struct cpus, 1);
	c->n = n;
	c->cpu = g_new0(struct cpu, n);
	return c;
}

void
cpus_free(struct cpus *c)
{
	if (c == NULL)
		return;
	g_free(c->cpu);
	g_free(c);
}

unsigned
cpus_count(const struct cpus *c)
{
	return c->n;
}

uint64_t
charge_total(const struct charge *ch)
{
	uint64_t	 t = 0;
	int		 i;

	for (i = 0; i < CPU_CAT_COUNT; i++)
		t += ch->ns[i];
	return t;
}

sim_time
cpus_run(struct cpus *c, unsigned cpu, sim_time now, struct charge *ch)
{
	struct cpu	*p;
	sim_time	 start;
	int		 i;

	g_assert(cpu < c->n);
	p = &c->cpu[cpu];
	start = p->busy_until > now ? p->busy_until : now;
	for (i = 0; i < CPU_CAT_COUNT; i++) {
		p->ns[i] += ch->ns[i];
		start += ch->ns[i];
		ch->ns[i] = 0;
	}
	p->busy_until = start;
	return start;
}

uint64_t
cpus_busy(const struct cpus *c, enum cpu_cat cat)
{
	uint64_t	 t = 0;
	unsigned	 i;

	for (i = 0; i < c->n; i++)
		t += c->cpu[i].ns[cat];
	return t;
}

uint64_t
cpus_busy_on(const struct cpus *c, unsigned cpu, enum cpu_cat cat)
{
	g_assert(cpu < c->n && cat < CPU_CAT_COUNT);
	return c->cpu[cpu].ns[cat];
}

uint64_t
cpus_busy_total(const struct cpus *c)
{
	uint64_t	 t = 0;
	int		 k;

	for (k = 0; k < CPU_CAT_COUNT; k++)
		t += cpus_busy(c, k);
	return t;
}

const char *
cpu_cat_name(enum cpu_cat cat)
{
	g_assert(cat < CPU_CAT_COUNT);
	return cpu_cat_names[cat];
}
