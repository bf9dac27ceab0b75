/* Every parameter loansim knows: group.key, type, default, range and
 * meaning.  Scenario files, -p overrides and "loansim params" all go
 * through this table.  The machine defaults are those of a current x86-64
 * (scenarios/machines/x86-64-current.ini, which cites them;
 * tests/check_models.c checks that they agree). */
#include "models/model.h"

#define P(n, t, d, lo, hi, ch, m)	{ n, t, d, lo, hi, ch, m }

static const struct param_def model_params[] = {
	P("scenario.name", PARAM_NAME, "unnamed", NULL, NULL, NULL,
	    "name of the scenario, written in every output row"),
	P("scenario.description", PARAM_STRING, "", NULL, NULL, NULL,
	    "what the scenario shows"),
	P("scenario.seed", PARAM_COUNT, "1", "0", NULL, NULL,
	    "seed of every random stream"),
	P("scenario.replications", PARAM_COUNT, "5", "1", "10000", NULL,
	    "independent replications per run"),
	P("scenario.max_events", PARAM_COUNT, "1000000000", "1",
	    "100000000000", NULL, "stop a run after this many events"),
	P("scenario.max_sim_time", PARAM_TIME, "3600s", "1us", "1000000s",
	    NULL, "stop a run after this much simulated time"),
	P("scenario.max_memory", PARAM_SIZE, "4GiB", "1MiB", "1TiB", NULL,
	    "refuse a run whose pages, mbufs and tables would take more "
	    "memory than this (estimated before it starts), and a study "
	    "whose table of results would take more (a run is also "
	    "refused above half of what ulimit -v lets the process map)"),
	P("scenario.check_invariants", PARAM_BOOL, "false", NULL, NULL,
	    NULL, "check the models' invariants after every event as well "
	    "as at the end of each run (slower; --check-invariants)"),

	P("machine.name", PARAM_STRING, "x86-64-current", NULL, NULL, NULL,
	    "name of the machine profile"),
	P("machine.description", PARAM_STRING, "", NULL, NULL, NULL,
	    "where the profile's numbers come from"),
	P("machine.cpus", PARAM_COUNT, "8", "1", "64", NULL,
	    "number of CPUs"),
	P("machine.page_size", PARAM_ENUM, "4096", NULL, NULL, "4096,8192",
	    "page size in bytes (4096 or 8192)"),
	P("machine.cache_size", PARAM_SIZE, "2MiB", "1KiB", "1TiB", NULL,
	    "a copy of at most this many bytes runs at the cache-hot bandwidth"),
	P("machine.copy_bw_hot", PARAM_BANDWIDTH, "50GB/s", "1MB/s",
	    "10000GB/s", NULL, "memcpy bandwidth, source and destination cached"),
	P("machine.copy_bw_cold", PARAM_BANDWIDTH, "12GB/s", "1MB/s",
	    "10000GB/s", NULL, "memcpy bandwidth from and to memory"),
	P("machine.read_bw_cold", PARAM_BANDWIDTH, "12GB/s", "1MB/s",
	    "10000GB/s", NULL, "a read pass over data only in memory (lmbench "
	    "bw_mem rd)"),
	P("machine.read_bw_hot", PARAM_BANDWIDTH, "50GB/s", "1MB/s",
	    "10000GB/s", NULL, "a process's read pass over data in the cache "
	    "(its loop reading each word of what it got)"),
	P("machine.copy_bw_page", PARAM_BANDWIDTH, "12GB/s", "1MB/s",
	    "10000GB/s", NULL, "the kernel's copy from memory into the cache, "
	    "a page at a time out of scattered pages (read() of a file "
	    "larger than the cache)"),
	P("machine.read_bw_seq", PARAM_BANDWIDTH, "12GB/s", "1MB/s",
	    "10000GB/s", NULL, "a process's read pass over pages only in "
	    "memory in address order, its loop reading each word (a mapped "
	    "file read in order)"),
	P("machine.copy_fixed", PARAM_TIME, "20ns", "0", "1ms", NULL,
	    "fixed cost of one copyin/copyout call"),
	P("machine.syscall", PARAM_TIME, "200ns", "0", "1ms", NULL,
	    "null system call, entry and exit"),
	P("machine.fault_trap", PARAM_TIME, "600ns", "0", "1ms", NULL,
	    "page-fault trap and dispatch, without the page work"),
	P("machine.page_alloc", PARAM_TIME, "80ns", "0", "1ms", NULL,
	    "allocate one physical page"),
	P("machine.page_free", PARAM_TIME, "60ns", "0", "1ms", NULL,
	    "free one physical page"),
	P("machine.page_zero", PARAM_TIME, "300ns", "0", "1ms", NULL,
	    "zero one page"),
	P("machine.pmap_enter", PARAM_TIME, "100ns", "0", "1ms", NULL,
	    "enter one mapping"),
	P("machine.pmap_remove", PARAM_TIME, "100ns", "0", "1ms", NULL,
	    "remove one mapping"),
	P("machine.pmap_protect", PARAM_TIME, "100ns", "0", "1ms", NULL,
	    "write-protect one mapping"),
	P("machine.tlb_local", PARAM_TIME, "150ns", "0", "1ms", NULL,
	    "invalidate one page in the local TLB (invlpg)"),
	P("machine.tlb_flush_ceiling", PARAM_COUNT, "33", "1", "4096", NULL,
	    "pages of one range removal above which the whole TLB is flushed "
	    "instead, at the cost of this many invalidations (used by the "
	    "receive flip)"),
	P("machine.tlb_shootdown", PARAM_TIME, "3us", "0", "10ms", NULL,
	    "remote TLB shootdown, the initiator's time per target CPU per "
	    "round (send the IPI, spin until the ack)"),
	P("machine.tlb_shootdown_target", PARAM_TIME, "500ns", "0", "10ms",
	    NULL, "remote TLB shootdown, each target CPU's time per round "
	    "(interrupt entry and exit, ack; plus tlb_local per page)"),
	P("machine.map_entry", PARAM_TIME, "3us", "0", "10ms", NULL,
	    "a mapping's own work besides its system calls and its pages: "
	    "create it at mmap, remove it at munmap (file-read mmap)"),
	P("machine.map_anon", PARAM_TIME, "1us", "0", "10ms", NULL,
	    "a private mapping's first copy-on-write: its anonymous memory "
	    "set up and, at munmap, torn down (UVM amap_copy/amap_alloc; Linux "
	    "__anon_vma_prepare, unlink_anon_vmas), once per mapping written "
	    "(file-read mmap)"),
	P("machine.fault_around", PARAM_COUNT, "16", "1", "4096", NULL,
	    "pages of a file mapping one read fault maps in a sequential pass "
	    "(Linux fault-around, UVM's fault-ahead)"),
	P("machine.context_switch", PARAM_TIME, "1500ns", "0", "10ms", NULL,
	    "switch to another thread"),
	P("machine.wakeup", PARAM_TIME, "1us", "0", "10ms", NULL,
	    "make a sleeping thread runnable"),
	P("machine.interrupt", PARAM_TIME, "500ns", "0", "10ms", NULL,
	    "interrupt entry and exit"),
	P("machine.mbuf_alloc", PARAM_TIME, "40ns", "0", "1ms", NULL,
	    "allocate an mbuf"),
	P("machine.mbuf_free", PARAM_TIME, "30ns", "0", "1ms", NULL,
	    "free an mbuf"),
	P("machine.cluster_alloc", PARAM_TIME, "60ns", "0", "1ms", NULL,
	    "allocate a cluster"),
	P("machine.cluster_free", PARAM_TIME, "40ns", "0", "1ms", NULL,
	    "free a cluster"),
	P("machine.loan_page", PARAM_TIME, "100ns", "0", "1ms", NULL,
	    "uvm_loan bookkeeping per page, without pmap work"),
	P("machine.unloan_page", PARAM_TIME, "80ns", "0", "1ms", NULL,
	    "uvm_unloan bookkeeping per page"),
	P("machine.checksum_bw", PARAM_BANDWIDTH, "20GB/s", "1MB/s",
	    "10000GB/s", NULL,
	    "software Internet checksum bandwidth, data in the cache"),
	P("machine.checksum_bw_cold", PARAM_BANDWIDTH, "12GB/s", "1MB/s",
	    "10000GB/s", NULL,
	    "software Internet checksum bandwidth, data only in memory"),
	P("machine.checksum_offload", PARAM_BOOL, "true", NULL, NULL, NULL,
	    "the NIC computes checksums"),
	P("machine.checksum_in_copy", PARAM_BOOL, "false", NULL, NULL, NULL,
	    "a copy computes the checksum in the same pass"),
	P("machine.link_bw", PARAM_BANDWIDTH, "25Gbit/s", "1kbit/s",
	    "10000Gbit/s", NULL, "link bandwidth"),
	P("machine.rtt", PARAM_TIME, "30us", "0", "10s", NULL,
	    "round-trip time to the receiver"),
	P("machine.protocol_tx", PARAM_TIME, "300ns", "0", "1ms", NULL,
	    "TCP/IP output processing per segment"),
	P("machine.protocol_rx", PARAM_TIME, "200ns", "0", "1ms", NULL,
	    "TCP/IP input processing per segment or ACK"),

	P("workload.kind", PARAM_ENUM, "socket-send", NULL, NULL,
	    "socket-send,socket-recv,file-read,file-write,pipe", "what the "
	    "process does: write() to a socket, read() from one, read() or "
	    "write() a file, or write() to a pipe another process reads"),
	P("workload.size", PARAM_SIZE, "16KiB", "1B", "1GiB", NULL,
	    "bytes per write() or read()"),
	P("workload.size_dist", PARAM_DIST_SIZE, "0", NULL, NULL, NULL,
	    "socket-send: each write's size, drawn from this distribution "
	    "(whole bytes, at least 1, at most workload.size, the buffer's "
	    "size); 0: every write is workload.size"),
	P("workload.offset", PARAM_SIZE, "0", "0", "8191B", NULL,
	    "offset of the buffer in its first page"),
	P("workload.messages", PARAM_COUNT, "2000", "1", "1000000000", NULL,
	    "write()s per thread, or read()s"),
	P("workload.buffers", PARAM_COUNT, "16", "1", "4096", NULL,
	    "buffers per thread, used in turn"),
	P("workload.threads", PARAM_COUNT, "1", "1", "64", NULL,
	    "threads of the process, on CPUs 0, 1, ..."),
	P("workload.reuse", PARAM_ENUM, "overwrite", NULL, NULL,
	    "overwrite,async,sendfile",
	    "overwrite: reuse the buffer at will; async: wait for the kernel "
	    "to release it; sendfile: mapped file pages, never written"),
	P("workload.fill", PARAM_BOOL, "true", NULL, NULL, NULL,
	    "the process writes its buffer before each write()"),
	P("workload.rewrite_probability", PARAM_PROBABILITY, "0", NULL, NULL,
	    NULL, "chance that the process writes the buffer again after write()"),
	P("workload.rewrite_delay", PARAM_DIST_TIME, "0", NULL, NULL, NULL,
	    "delay from write() returning to that rewrite"),
	P("workload.rewrite_fraction", PARAM_PROBABILITY, "1", NULL, NULL,
	    NULL, "fraction of the buffer rewritten, from its start"),
	P("workload.gap", PARAM_DIST_TIME, "0", NULL, NULL, NULL,
	    "think time between write()s"),
	P("workload.write_fraction", PARAM_PROBABILITY, "0", NULL, NULL, NULL,
	    "file-read: chance that the process writes each page it read"),
	P("workload.write_delay", PARAM_DIST_TIME, "0", NULL, NULL, NULL,
	    "file-read: the process's work from read() returning to those "
	    "writes (the pages stay on loan meanwhile)"),
	P("workload.replacement", PARAM_ENUM, "zero", NULL, NULL,
	    "zero,zero-cow,stale", "file-write donate: the page given back: "
	    "zeroed at once, the shared zero page copy-on-write, or a stale "
	    "page of the process's own"),
	P("workload.stdio", PARAM_BOOL, "false", NULL, NULL, NULL,
	    "file I/O through a stdio buffer of workload.size bytes"),
	P("workload.record", PARAM_SIZE, "512B", "1B", "1GiB", NULL,
	    "stdio: bytes per fread()/fwrite()"),
	P("workload.file_size", PARAM_SIZE, "64MiB", "1B", "1TiB", NULL,
	    "size of the mapped file (sendfile)"),

	P("socket.loan_threshold", PARAM_SIZE, "4096", "0", "1GiB", NULL,
	    "sock_loan_thresh: loan writes of at least this many bytes"),
	P("socket.loan_chunk", PARAM_SIZE, "64KiB", "4KiB", "16MiB", NULL,
	    "SOCK_LOAN_CHUNK: most bytes loaned at once"),
	P("socket.sndbuf", PARAM_SIZE, "32KiB", "4KiB", "1GiB", NULL,
	    "send buffer high-water mark (tcp_sendspace)"),
	P("socket.lowat", PARAM_SIZE, "2KiB", "1B", "1GiB", NULL,
	    "send buffer low-water mark: a writer sleeps until this fits"),
	P("socket.somaxkva", PARAM_SIZE, "16MiB", "64KiB", "1TiB", NULL,
	    "kernel address space for loans; senders block beyond it"),
	P("socket.mss", PARAM_SIZE, "1448B", "64B", "64KiB", NULL,
	    "TCP maximum segment size"),
	P("socket.cluster_size", PARAM_SIZE, "2KiB", "256B", "64KiB", NULL,
	    "MCLBYTES"),
	P("socket.minclsize", PARAM_SIZE, "437B", "1B", "64KiB", NULL,
	    "MINCLSIZE = MHLEN + MLEN + 1 (i386): below it data is copied into the mbuf itself"),
	P("socket.header_bytes", PARAM_SIZE, "78B", "0", "1KiB", NULL,
	    "bytes on the wire per segment besides its payload"),
	P("socket.loan_partial", PARAM_ENUM, "copy", NULL, NULL, "copy,loan",
	    "partial head and tail pages of a loaned chunk: copied, or loaned "
	    "whole as NetBSD's sosend_loan does"),
	P("socket.ack_every", PARAM_COUNT, "2", "1", "64", NULL,
	    "the receiver ACKs every this many segments"),
	P("socket.delack", PARAM_TIME, "200ms", "0", "10s", NULL,
	    "the receiver's delayed-ACK timer (NetBSD tcp_delack_ticks = "
	    "hz / PR_FASTHZ)"),
	P("socket.ack_on_push", PARAM_BOOL, "false", NULL, NULL, NULL,
	    "the receiver ACKs a PUSH segment at once (NetBSD "
	    "tcp_ack_on_push)"),
	P("socket.nodelay", PARAM_BOOL, "false", NULL, NULL, NULL,
	    "TCP_NODELAY: send a short segment whatever is in flight (no "
	    "Nagle)"),

	P("socket.rcvbuf", PARAM_SIZE, "64KiB", "4KiB", "1GiB", NULL,
	    "receive buffer: the sender's window"),

	P("file.size", PARAM_SIZE, "64MiB", "4KiB", "1TiB", NULL,
	    "size of the file read or written"),
	P("file.residency", PARAM_PROBABILITY, "1", NULL, NULL, NULL,
	    "chance that a file page is in the page cache at the start"),
	P("file.disk_latency", PARAM_TIME, "8ms", "0", "10s", NULL,
	    "disk access time of a page-cache miss"),
	P("file.disk_bw", PARAM_BANDWIDTH, "40MB/s", "1kB/s", "10000GB/s", NULL,
	    "disk transfer rate"),
	P("file.writers", PARAM_COUNT, "0", "0", "64", NULL,
	    "other processes writing random pages of the file"),
	P("file.writer_interval", PARAM_TIME, "1ms", "0", "1000s", NULL,
	    "mean time between their writes (exponential)"),
	P("file.mappers", PARAM_COUNT, "0", "0", "63", NULL,
	    "other processes mapping the file, on the other CPUs"),
	P("file.mapped_writable", PARAM_BOOL, "false", NULL, NULL, NULL,
	    "whether they map it writable (a loan must then protect it)"),
	P("file.access", PARAM_ENUM, "sequential", NULL, NULL,
	    "sequential,random", "the process's reads or writes: in order "
	    "through the file (from the start again at its end), or each at "
	    "a random page-aligned offset"),
	P("file.warmup", PARAM_COUNT, "0", "0", "1000", NULL,
	    "passes over the file (file.size / workload.size operations "
	    "each) before the measurement starts; every metric but the "
	    "peaks and violations leaves them out"),

	P("pipe.mindirect", PARAM_SIZE, "8KiB", "4KiB", "1GiB", NULL,
	    "PIPE_MINDIRECT: writes of at least this go direct (loan, "
	    "exchange; gift with pipe.gift_read = map)"),
	P("pipe.gift_read", PARAM_ENUM, "map", NULL, NULL, "map,copy",
	    "gift: the reader's read() maps the gifted pages in place of its "
	    "buffer's (as exchange), or copies out of them as Linux's "
	    "pipe_read() does after vmsplice(SPLICE_F_GIFT)"),
	P("pipe.slots", PARAM_COUNT, "16", "1", "4096", NULL,
	    "gift: the pipe's slots, a gifted page each (Linux's "
	    "PIPE_DEF_BUFFERS, 16); the writer sleeps only when all are "
	    "taken"),
	P("pipe.lock", PARAM_ENUM, "sleep", NULL, NULL, "sleep,spin",
	    "a side that finds the pipe's lock held: sleeps until it is "
	    "released (BSD lockmgr: two switches and a wakeup) or spins on "
	    "it while the holder runs (Linux's pipe mutex: busy CPU, no "
	    "switch)"),
	P("pipe.writer_rate", PARAM_BANDWIDTH, "1GB/s", "1kB/s", "10000GB/s",
	    NULL, "how fast the writer produces data (its work per byte)"),
	P("pipe.reader_rate", PARAM_BANDWIDTH, "1GB/s", "1kB/s", "10000GB/s",
	    NULL, "how fast the reader consumes data (its work per byte)"),
	P("pipe.writer_gap", PARAM_DIST_TIME, "0", NULL, NULL, NULL,
	    "the writer's think time after each write()"),
	P("pipe.reader_gap", PARAM_DIST_TIME, "0", NULL, NULL, NULL,
	    "the reader's think time after working through each message"),

	P("nic.mtu", PARAM_SIZE, "1500B", "128B", "64KiB", NULL,
	    "MTU: 1500, 9000, or 4168 (4096 of payload plus headers)"),
	P("nic.header_bytes", PARAM_SIZE, "72B", "20B", "1KiB", NULL,
	    "IP and TCP headers within the MTU (72 with options: 4168 - 72 = "
	    "4096)"),
	P("nic.link_header", PARAM_SIZE, "14B", "0", "1KiB", NULL,
	    "link-level header DMA'd before the IP header"),
	P("nic.layout", PARAM_ENUM, "cluster", NULL, NULL,
	    "cluster,page,page-aligned,header-split",
	    "receive buffers: 2 KiB clusters; pages from offset 0; pages with "
	    "the payload page-aligned; headers split from page-aligned "
	    "payload"),
	P("nic.frames_per_interrupt", PARAM_COUNT, "8", "1", "4096", NULL,
	    "interrupt moderation: frames per interrupt"),
	P("nic.interrupt_timer", PARAM_TIME, "50us", "0", "1s", NULL,
	    "interrupt moderation: longest wait after the first frame"),
	P("nic.dca", PARAM_BOOL, "false", NULL, NULL, NULL,
	    "the NIC places received data in the cache (DCA/DDIO)"),

	P("compare.strategies", PARAM_LIST, "copy,loan", NULL, NULL,
	    "copy,loan,gift,zbuf,flip,exchange,donate,mmap",
	    "strategies run side by side"),
};

const struct param_def *
model_registry(size_t *n)
{
	*n = G_N_ELEMENTS(model_params);
	return model_params;
}

struct params *
model_params_new(void)
{
	size_t				 n;
	const struct param_def		*defs = model_registry(&n);

	return params_new(defs, n);
}
