#!/bin/sh
# Absurd inputs get a clear error (exit 2, the message naming the limit
# or parameter and what to change) or a run bounded by --max-events or
# --max-sim-time, never a crash for want of memory or a hang; and
# --check-invariants checks every event of a run without changing its
# rows.  Each case is quick.  Ends with "N passed, N failed".
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
loansim="$top_builddir/loansim"
scen="$top_srcdir/scenarios"
. "$top_srcdir/tests/testlib.sh"
testlib_tmp limits
export LOANSIM_GNUPLOT=

# The address space a run may take: 2 GB, so that a run that would take
# the machine's memory fails here instead; none under AddressSanitizer,
# which reserves terabytes for its shadow (CI sets ASAN_OPTIONS).
vlimit=2000000
[ -n "${ASAN_OPTIONS:-}" ] && vlimit=unlimited

# expect NAME STATUS MESSAGE ARGS...: loansim run ARGS on one thread, its
# exit status, and the message as the whole of stderr (one line), within
# 60 s and the address space above.
expect() {
	name=$1 want=$2 msg=$3
	shift 3
	rm -rf "$tmp/o"
	(ulimit -v $vlimit; timeout 60 "$loansim" run "$@" -o "$tmp/o" -q \
	    --no-plot -j 1) >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ] && [ "$(cat "$tmp/err")" = "$msg" ]; then
		ok "$name"
	else
		ko "$name (status $got, stderr: $(head -c 400 "$tmp/err"))"
	fi
}

expect "--max-events stops a run: exit 2 naming the limit" 2 \
    "loansim: run 0 (point 0, copy, replication 0): run stopped at scenario.max_events = 2000 (--max-events), 0.011403 s of simulated time, after 60 of 300 writes" \
    "$scen/default.ini" --max-events 2000 -s workload.size=16KiB -c copy -r 1
expect "--max-sim-time stops a run: exit 2 naming the limit" 2 \
    "loansim: run 0 (point 0, copy, replication 0): run stopped at scenario.max_sim_time = 0.001000 s (--max-sim-time), 110 events, after 26 of 300 writes" \
    "$scen/default.ini" --max-sim-time 1ms
expect "--max-events 0 is bad input" 2 \
    'loansim: --max-events: command line: [scenario] max_events = "0": expected a whole number from 1 to 100000000000' \
    "$scen/default.ini" --max-events 0
expect "--max-sim-time without a unit is bad input" 2 \
    'loansim: --max-sim-time: command line: [scenario] max_sim_time = "1": expected a time such as 200us (units ns, us, ms, s)' \
    "$scen/default.ini" --max-sim-time 1
expect "10^18 messages: out of range" 2 \
    'loansim: command line: [workload] messages = "1000000000000000000": expected a whole number from 1 to 1000000000' \
    "$scen/default.ini" -p workload.messages=1000000000000000000
expect "a petabyte file: out of range" 2 \
    'loansim: command line: [file] size = "1000TB": expected a size from 4KiB to 1TiB' \
    "$scen/file-read.ini" -p file.size=1000TB
expect "a 1 TiB file is refused before its page cache is built" 2 \
    "loansim: point 0 (workload.write_fraction=0): a run would need about 37GiB of memory (268435460 simulated pages), more than scenario.max_memory = 4GiB: lower file.size, or raise scenario.max_memory" \
    "$scen/file-read.ini" -p file.size=1TiB -s workload.write_fraction=0
expect "a 1 TiB sendfile is refused" 2 \
    "loansim: point 0 (workload.size=1KiB): a run would need about 232GiB of memory (1073741824 simulated pages), more than scenario.max_memory = 4GiB: lower workload.file_size and workload.threads, or raise scenario.max_memory" \
    "$scen/sosend-sendfile.ini" -p workload.file_size=1TiB -s workload.size=1KiB
expect "4096 buffers of 1 GiB are refused" 2 \
    "loansim: point 0 (workload.size=1GiB): a run would need about 136GiB of memory (1074003968 simulated pages), more than scenario.max_memory = 4GiB: lower workload.size and workload.buffers, or raise scenario.max_memory" \
    "$scen/pipe.ini" -p workload.buffers=4096 -s workload.size=1GiB
# Under the address-space limit above, the bound is half of it, however
# high scenario.max_memory: a 100 GiB file's 3.6 GiB of pages is refused
# with a message, not killed by a failed allocation.
if [ "$vlimit" != unlimited ]; then
	expect "a run above half of ulimit -v is refused, not aborted" 2 \
	    "loansim: point 0 (workload.write_fraction=0): a run would need about 3.614GiB of memory (26214404 simulated pages), more than half of the 1.907GiB of address space this process may take (ulimit -v): lower file.size, or raise the limit" \
	    "$scen/file-read.ini" -p file.size=100GiB -s workload.write_fraction=0
fi
expect "a lower scenario.max_memory refuses a smaller file" 2 \
    "loansim: point 0 (workload.write_fraction=0): a run would need about 9.5MiB of memory (65540 simulated pages), more than scenario.max_memory = 8MiB: lower file.size, or raise scenario.max_memory" \
    "$scen/file-read.ini" -p file.size=256MiB -p scenario.max_memory=8MiB -s workload.write_fraction=0
expect "a zero link rate: out of range" 2 \
    'loansim: command line: [machine] link_bw = "0bit/s": expected a bandwidth from 1kbit/s to 10000Gbit/s' \
    "$scen/default.ini" -p machine.link_bw=0bit/s
expect "a 1 kbit/s link: bounded by scenario.max_sim_time" 2 \
    "loansim: run 0 (point 0, copy, replication 0): run stopped at scenario.max_sim_time = 3600.000000 s (--max-sim-time), 1771 events, after 2 of 300 writes" \
    "$scen/default.ini" -p machine.link_bw=1kbit/s -s workload.size=256KiB -c copy -r 1
expect "a billion values on an axis" 2 \
    'loansim: command line: [sweep] workload.messages: "1..1000000000+1": more than 100000 values on one axis' \
    "$scen/default.ini" -s workload.messages=1..1000000000+1
expect "a billion points over several axes" 2 \
    "loansim: command line: [sweep] has more than 10000000 points" \
    "$scen/default.ini" -s workload.messages=1..100000+1 \
    -s workload.buffers=1..4000+1
expect "90 million runs: their results alone exceed scenario.max_memory" 2 \
    "loansim: 900000 points x 2 strategies x 50 replications = 90000000 runs would need 20.88GiB for their results alone, more than scenario.max_memory = 4GiB: fewer sweep points, strategies or replications" \
    "$scen/default.ini" -r 50 -s workload.messages=1..100000+1
expect "a run that could only stop at --max-events is refused at once" 2 \
    "loansim: point 0 (workload.size=256KiB): a run would take about 5.5e+11 events, more than 10 times scenario.max_events = 1000000000 (--max-events), so that it could only stop there: lower workload.messages, or raise scenario.max_events" \
    "$scen/default.ini" -p workload.messages=1000000000 -s workload.size=256KiB
expect "a study of 10^13 events is refused" 2 \
    "loansim: the study would take about 1.1e+13 events (200 runs of up to 5.5e+10 events), more than 1e+12 (over a day of one CPU): lower workload.messages or scenario.max_events, sweep fewer points, or split the runs with --shard" \
    "$scen/default.ini" -p workload.messages=100000000 \
    -s workload.size=256KiB -p scenario.max_events=100000000000 -r 100

# --check-invariants: every scenario kind, small, the same rows.
for s in default recv-standard file-read file-write pipe; do
	args="-p workload.messages=40 -r 1"
	"$loansim" run "$scen/$s.ini" $args -o "$tmp/plain" -q --no-plot -j 2
	"$loansim" run "$scen/$s.ini" $args -o "$tmp/checked" -q --no-plot \
	    -j 2 --check-invariants
	st=$?
	if [ $st -eq 0 ] && cmp -s "$tmp/plain/$s.csv" "$tmp/checked/$s.csv"
	then
		ok "--check-invariants on $s: exit 0, the same rows"
	else
		ko "--check-invariants on $s (status $st)"
	fi
done
"$loansim" threshold "$scen/sosend-rewrite.ini" -c copy,loan -r 2 \
    -p workload.messages=40 --to 64KiB -o "$tmp/thr" -q --no-plot \
    --check-invariants > "$tmp/out" 2>&1
if [ $? -eq 0 ] && grep -q '^break-even' "$tmp/out"; then
	ok "threshold --check-invariants"
else
	ko "threshold --check-invariants ($(head -c 300 "$tmp/out"))"
fi

testlib_end
