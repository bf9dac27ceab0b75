/* A TCP socket's transmit side: sosend() with its strategies, the send
 * buffer, TCP output over the link, ACKs one round trip later, and the
 * loan return path (soloanfree queueing to sopendfree), after NetBSD
 * sys/kern/uipc_socket.c and sys/netinet/tcp_output.c. */
#ifndef LOANSIM_SOCKET_H
#define LOANSIM_SOCKET_H

#include <glib.h>
#include "models/kernel.h"
#include "sim/params.h"

enum so_strategy {
	SO_COPY,	/* copy into clusters */
	SO_LOAN,	/* loan whole pages (sosend_loan) */
	SO_GIFT,	/* hand pages over unprotected (vmsplice GIFT) */
	SO_ZBUF		/* ownership moves with the buffer (VxWorks zbufs) */
};

struct so_config {
	enum so_strategy strategy;
	uint64_t	loan_threshold;	/* sock_loan_thresh */
	uint64_t	loan_chunk;	/* SOCK_LOAN_CHUNK */
	uint64_t	sndbuf;		/* so_snd.sb_hiwat */
	uint64_t	lowat;		/* so_snd.sb_lowat */
	uint64_t	somaxkva;
	uint64_t	mss;
	uint64_t	cluster_size;	/* MCLBYTES */
	uint64_t	minclsize;	/* MINCLSIZE */
	uint64_t	header_bytes;	/* on the wire per segment */
	unsigned	ack_every;	/* the receiver ACKs every n segments */
	uint64_t	delack;		/* tcp_delack_ticks, as time */
	gboolean	ack_on_push;	/* tcp_ack_on_push */
	gboolean	nodelay;	/* TCP_NODELAY: no Nagle */
	gboolean	loan_partial;	/* loan partial pages (NetBSD) */
	gboolean	hot_source;	/* the source is in cache */
	gboolean	hot_copy;	/* the clusters copied into are in cache */
};

/* Called, within the releasing step (whose charge it may add to), when a
 * buffer's last loaned/gifted/zbuf storage is released. */
typedef void (*so_release_fn)(void *arg, struct vm_buf *, struct charge *);
/* Called when write() returns. */
typedef void (*so_done_fn)(void *arg, sim_time when);

struct socket;
struct sopendfree;

gboolean	 so_strategy_parse(const char *, enum so_strategy *);
const char	*so_strategy_name(enum so_strategy);
gboolean	 so_config_init(struct so_config *, const struct params *,
		    enum so_strategy, const struct machine *, GError **);

struct socket	*socket_new(struct kernel *, const struct so_config *,
		    so_release_fn, void *release_arg);
void		 socket_free(struct socket *);
/* write(fd, buf, len) from a thread on cpu, len bytes from the buffer's
 * start: sosend() through its steps, sleeping for space; 'done' when it
 * returns.  The caller's charge for the step so far (filling the buffer)
 * is taken in. */
void		 sosend(struct socket *, struct vm_buf *, uint64_t len,
		    unsigned cpu, struct charge *, so_done_fn, void *arg);
/* close(fd) by the thread whose step ch is: the FIN follows the data. */
void		 soclose(struct socket *, struct charge *);
/* All sent data (and the FIN, once closed) acknowledged. */
gboolean	 socket_idle(const struct socket *);

void		 sopendfree_free(struct sopendfree *);

/* The handlers of its events, by name (model_event_name). */
extern const struct kernel_event_name so_event_names[];
extern const size_t so_event_name_count;

#endif
