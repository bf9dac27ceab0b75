/* The simulated kernel's shared state and the step protocol of actors. */
#include "models/kernel.h"
#include "models/socket.h"

/* A shootdown's handler occupies its target CPU from now, behind what
 * that CPU is doing (the model has no preemption). */
static void
kernel_ipi(void *arg, unsigned cpu, struct charge *ch)
{
	struct kernel	*k = arg;

	cpus_run(k->cpus, cpu, engine_now(k->engine), ch);
}

/* A model misused the vm (a bug): stop the run after this event, to
 * report it. */
static void
kernel_broken(void *arg)
{
	struct kernel	*k = arg;

	engine_stop(k->engine);
}

struct kernel *
kernel_new(struct engine *e, const struct machine *m)
{
	struct kernel	*k = g_new0(struct kernel, 1);

	k->engine = e;
	k->m = *m;
	k->cpus = cpus_new(m->cpus);
	k->vm = vm_new(&k->m, m->cpus);
	vm_set_ipi(k->vm, kernel_ipi, k);
	vm_set_on_broken(k->vm, kernel_broken, k);
	k->mbufs = mbuf_pool_new(&k->m);
	/* Interrupts and the kernel thread go to the last CPU, the first
	 * user thread to CPU 0: on a uniprocessor they all share CPU 0. */
	k->net_cpu = m->cpus - 1;
	k->kthread_cpu = m->cpus - 1;
	k->latency = histogram_new();
	k->deferred_cap = 16;
	k->deferred = g_new(struct kernel_deferred, k->deferred_cap);
	return k;
}

void
kernel_free(struct kernel *k)
{
	if (k == NULL)
		return;
	sopendfree_free(k->pendfree);
	g_free(k->deferred);
	histogram_free(k->latency);
	mbuf_pool_free(k->mbufs);
	vm_free(k->vm);
	cpus_free(k->cpus);
	g_free(k);
}

void
kernel_defer(struct kernel *k, kernel_deferred_fn fn, void *arg)
{
	if (k->ndeferred == k->deferred_cap) {
		k->deferred_cap *= 2;
		k->deferred = g_renew(struct kernel_deferred, k->deferred,
		    k->deferred_cap);
	}
	k->deferred[k->ndeferred].fn = fn;
	k->deferred[k->ndeferred].arg = arg;
	k->ndeferred++;
}

sim_time
kernel_step_end(struct kernel *k, unsigned cpu, struct charge *ch)
{
	sim_time	 end;
	guint		 i;

	end = cpus_run(k->cpus, cpu, engine_now(k->engine), ch);
	/* Deferred calls may defer more: walk by index, then drop them. */
	for (i = 0; i < k->ndeferred; i++) {
		struct kernel_deferred d = k->deferred[i];

		d.fn(d.arg, end);
	}
	k->ndeferred = 0;
	return end;
}
