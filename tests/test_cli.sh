#!/bin/sh
# Command-line tests: exit statuses and messages for bad input, help for
# every command, a study killed (SIGKILL, SIGINT) and resumed, threads,
# and shards run through GNU parallel then merged, each compared byte
# for byte with one plain run.  Ends with "N passed, N failed".
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
loansim="$top_builddir/loansim"
scen="$top_srcdir/scenarios"
. "$top_srcdir/tests/testlib.sh"
testlib_tmp cli
export LOANSIM_GNUPLOT=

# rows NAME FILE: how many rows of scenario NAME the file holds; 0 when
# it has none or does not exist (grep -c prints 0 and fails then).
rows() {
	c=$(grep -c "^$1," "$2" 2>/dev/null)
	echo "${c:-0}"
}

# wait_rows NAME FILE N PID: until FILE holds N rows of NAME, PID has
# ended, or 120 s have passed.
wait_rows() {
	i=0
	while [ "$(rows "$1" "$2")" -lt "$3" ] && kill -0 "$4" 2>/dev/null &&
	    [ "$i" -lt 2400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# bg CMD...: start CMD in the background with SIGINT as an interactive
# shell would have it (a shell starts background jobs with it ignored).
bg() {
	perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' "$@" &
	pid=$!
}

printf '[workload]\nsise = 4KiB\n' > "$tmp/typo.ini"
printf '[workload]\nsize = 4KQ\n' > "$tmp/unit.ini"
head -c 3000 /dev/urandom > "$tmp/noise.ini"
expect_status "missing scenario is exit 2" 2 "cannot read" \
    "$loansim" run "$tmp/none.ini"
expect_status "unknown key is exit 2 with a suggestion" 2 \
    "typo.ini:2: unknown key \[workload\] sise; did you mean \[workload\] size?" \
    "$loansim" run "$tmp/typo.ini"
expect_status "bad unit is exit 2" 2 \
    'unit.ini:2: \[workload\] size = "4KQ": expected a size' \
    "$loansim" run "$tmp/unit.ini"
expect_status "random bytes are exit 2" 2 "noise.ini" \
    "$loansim" run "$tmp/noise.ini"
expect_status "bad override is exit 2" 2 "command line: unknown parameter" \
    "$loansim" run "$scen/default.ini" -p workload.sizes=1KiB
expect_status "bad shard is exit 2" 2 "expected K/N" \
    "$loansim" run "$scen/default.ini" --shard 4/3
expect_status "unknown command is exit 2" 2 "unknown command" \
    "$loansim" frobnicate
expect_status "threshold needs two strategies" 2 "exactly two" \
    "$loansim" threshold "$scen/sosend-rewrite.ini"
for c in run sweep threshold merge; do
	check "$c --help" "\"$loansim\" $c --help | grep -q 'Usage:'"
done
check "--version" "\"$loansim\" --version | grep -q '^loansim '"
check "params lists workload.size" \
    "\"$loansim\" params | grep -q '^  size  *size  *16KiB'"
check "dry run lists 9 x 2 x 3 runs" \
    "\"$loansim\" sweep \"$scen/default.ini\" --dry-run | head -1 | grep -q '^9 points x 2 strategies x 3 replications = 54 runs'"
"$loansim" sweep "$scen/default.ini" --dry-run --shard 2/4 > "$tmp/dry"
check "dry run with --shard 2/4 lists only its 14 runs" \
    "head -1 \"$tmp/dry\" | grep -q '= 54 runs; shard 2 of 4 does 14 of them' && [ \$(grep -c '^run ' \"$tmp/dry\") -eq 14 ] && ! grep '^run ' \"$tmp/dry\" | awk '{ exit (\$2 + 0) % 4 == 1 }'"
check "dry run lists number, point, strategy, replication, seed" \
    "grep -qx 'run 5: point 0, loan, replication 2, seed 1, workload.size=1024B' \"$tmp/dry\""
check "-s replaces the [sweep] axis of the same parameter" \
    "\"$loansim\" sweep \"$scen/default.ini\" --dry-run -s workload.size=4KiB,8KiB | head -2 | tr '\\n' '|' | grep -qx '2 points x 2 strategies x 3 replications = 12 runs|run 0: point 0, copy, replication 0, seed 1, workload.size=4KiB|'"
check "-p on a swept parameter fixes it: one point" \
    "\"$loansim\" sweep \"$scen/default.ini\" --dry-run -p workload.size=4KiB | head -1 | grep -qx '1 point x 2 strategies x 3 replications = 6 runs'"
printf '[scenario]\nname = e\n[sweep]\nworkload.size =\n' > "$tmp/empty.ini"
expect_status "a [sweep] key with no values is exit 2" 2 \
    'empty.ini:4: \[sweep\] workload.size: no values' \
    "$loansim" run "$tmp/empty.ini" -o "$tmp/x"
expect_status "-s with no values is exit 2" 2 \
    'command line: \[sweep\] workload.size: no values' \
    "$loansim" run "$scen/default.ini" -o "$tmp/x" -s 'workload.size='
expect_status "sweeping scenario.seed is exit 2" 2 \
    'scenario.seed: the study itself reads this parameter' \
    "$loansim" run "$scen/default.ini" -o "$tmp/x" -s scenario.seed=1,2

# One plain run as the reference.
big="-p workload.messages=2000 --no-plot -q"
"$loansim" run "$scen/sosend-mp.ini" -o "$tmp/ref" -j 1 $big
check "plain run wrote rows and summary" \
    "[ -s \"$tmp/ref/sosend-mp.csv\" ] && [ -s \"$tmp/ref/sosend-mp-summary.csv\" ]"

same() {	# dir: rows and summary equal to the reference's
	cmp -s "$1/sosend-mp.csv" "$tmp/ref/sosend-mp.csv" &&
	    cmp -s "$1/sosend-mp-summary.csv" "$tmp/ref/sosend-mp-summary.csv"
}

"$loansim" run "$scen/sosend-mp.ini" -o "$tmp/j3" -j 3 $big
check "-j 3 gives the same bytes as -j 1" "same \"$tmp/j3\""
# A short option's value may be glued to it, as getopt(3) takes it.
"$loansim" run "$scen/sosend-mp.ini" -o"$tmp/glued" -j2 \
    -pworkload.messages=2000 --no-plot -q
check "-j2 -pK=V -oDIR: the same bytes as -j 1 -p K=V -o DIR" \
    "same \"$tmp/glued\""

"$loansim" run "$scen/sosend-mp.ini" -o "$tmp/ref" -j 1 \
    -p workload.messages=2000 --no-plot > "$tmp/again.out"
check "a finished study run again does nothing" \
    "grep -q '^nothing to do' \"$tmp/again.out\" && grep -q '^summary: ' \"$tmp/again.out\" && same \"$tmp/ref\""

# Kill a run once its journal holds some rows; resume it.
for sig in KILL INT; do
	d="$tmp/kill-$sig"
	bg "$loansim" run "$scen/sosend-mp.ini" -o "$d" -j 1 $big
	wait_rows sosend-mp "$d/sosend-mp.csv.partial" 12 "$pid"
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	kept=$(rows sosend-mp "$d/sosend-mp.csv.partial")
	check "SIG$sig mid-way keeps the finished runs ($kept rows)" \
	    "[ \"$kept\" -ge 12 ] && [ ! -f \"$d/sosend-mp.csv\" ]"
	"$loansim" run "$scen/sosend-mp.ini" -o "$d" -j 2 \
	    -p workload.messages=2000 --no-plot > "$tmp/resume.out"
	check "after SIG$sig the rerun resumes $kept runs" \
	    "grep -q \"(${kept} more resumed from an interrupted run)\" \"$tmp/resume.out\""
	check "after SIG$sig the result is byte-identical" "same \"$d\""
done

# millis: a clock in milliseconds.
millis() {
	echo $(($(date +%s%N) / 1000000))
}

# int_wait DIR N: wait until DIR's journal holds N rows, then a second
# into the long runs send SIGINT; sets st (the exit status), ms (from
# the signal to the exit) and n (the rows then in the journal).
int_wait() {
	wait_rows default "$1/default.csv.partial" "$2" "$pid"
	sleep 1
	t0=$(millis)
	kill -s INT "$pid"
	wait "$pid"
	st=$?
	ms=$(($(millis) - t0))
	n=$(rows default "$1/default.csv.partial")
}

# SIGINT during a run of some seconds (the third, after two short ones):
# the engine notices it within 65536 events, so the study exits 130 at
# once, the two finished rows kept and nothing of the long run; run
# again, it does the long run and writes what a study never interrupted
# writes (that one runs meanwhile).
long="--no-plot -c copy -r 1 -s workload.size=1KiB,2KiB,64KiB -p workload.messages=400000"
"$loansim" run "$scen/default.ini" -o "$tmp/long-ref" -j 1 -q $long &
refpid=$!
d="$tmp/int-long"
bg "$loansim" run "$scen/default.ini" -o "$d" -j 1 -q $long
int_wait "$d" 2
check "SIGINT in a long run exits 130 at once ($ms ms), keeping the 2 runs finished ($n rows)" \
    "[ $st -eq 130 ] && [ $ms -lt 3000 ] && [ $n -eq 2 ] && [ ! -f \"$d/default.csv\" ]"
"$loansim" run "$scen/default.ini" -o "$d" -j 1 $long > "$tmp/long.out"
wait "$refpid"
check "after SIGINT in a long run the rerun resumes 2 runs, to the same bytes" \
    "grep -q '(2 more resumed from an interrupted run)' \"$tmp/long.out\" && cmp -s \"$d/default.csv\" \"$tmp/long-ref/default.csv\" && cmp -s \"$d/default-summary.csv\" \"$tmp/long-ref/default-summary.csv\""

# SIGINT while two long runs are under way on two threads: both are
# abandoned, no other run starts.
d="$tmp/int-busy"
bg "$loansim" run "$scen/default.ini" -o "$d" -j 2 -q --no-plot -c copy -r 2 \
    -s workload.size=1KiB,64KiB -p workload.messages=400000
int_wait "$d" 2
check "SIGINT with 2 long runs under way exits 130 at once ($ms ms), journaling neither ($n of 4 rows)" \
    "[ $st -eq 130 ] && [ $ms -lt 3000 ] && [ $n -eq 2 ]"

# A kill at any write of the journal's rewrite on resuming (strace
# injects SIGKILL into the Nth write) loses no finished row.
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null
then
	d="$tmp/kill-rewrite"
	bg "$loansim" run "$scen/sosend-mp.ini" -o "$d" -j 1 $big
	wait_rows sosend-mp "$d/sosend-mp.csv.partial" 12 "$pid"
	kill -s KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	k=$(rows sosend-mp "$d/sosend-mp.csv.partial")
	lost=""
	for w in 3 2 1; do
		strace -f -o /dev/null -e trace=write \
		    -e inject=write:signal=SIGKILL:when=$w \
		    "$loansim" run "$scen/sosend-mp.ini" -o "$d" -j 1 $big \
		    2>/dev/null
		n=$(rows sosend-mp "$d/sosend-mp.csv.partial")
		[ "$n" -ge "$k" ] || lost="$lost $w:$k->$n"
		k=$n
	done
	check "a kill during the journal rewrite loses no row (${lost:-none lost})" \
	    "[ -z \"$lost\" ] && [ $k -ge 12 ]"
	ls -A "$d" > "$tmp/killed.ls"
	# What older loansims left (g_file_set_contents' PATH.XXXXXX), and
	# a file of the user's that only looks like it.
	: > "$d/sosend-mp.csv.partial.BF71Z3"
	: > "$d/sosend-mp.csv.partial.backup1"
	"$loansim" run "$scen/sosend-mp.ini" -o "$d" -j 2 $big
	check "after kills in the rewrite the result is byte-identical" \
	    "same \"$d\""
	check "... and nothing else is left (after the kills: $(grep -v '^sosend-mp.csv.partial$' "$tmp/killed.ls" | tr '\n' ' '))" \
	    "[ \"\$(ls -A \"$d\" | tr '\\n' ' ')\" = 'sosend-mp-summary.csv sosend-mp.csv sosend-mp.csv.done sosend-mp.csv.partial.backup1 ' ]"
else
	ko "strace is not installed or cannot trace (tools/setup installs it)"
fi

# --ci-target killed after its first round (54 runs): the rerun does
# the later rounds and writes what the run not killed wrote.
ci="--ci-target 0.002 --max-replications 60 --no-plot -q"
"$loansim" run "$scen/default.ini" -o "$tmp/ci-ref" -j 2 $ci
d="$tmp/ci-kill"
bg "$loansim" run "$scen/default.ini" -o "$d" -j 2 $ci
wait_rows default "$d/default.csv.partial" 60 "$pid"
kill -s KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
k=$(rows default "$d/default.csv.partial")
"$loansim" run "$scen/default.ini" -o "$d" -j 2 $ci
check "--ci-target killed after $k runs resumes to the same bytes" \
    "[ $k -ge 54 ] && cmp -s \"$d/default.csv\" \"$tmp/ci-ref/default.csv\" && cmp -s \"$d/default-summary.csv\" \"$tmp/ci-ref/default-summary.csv\""

# --ci-target as a fraction or a percentage, of the metric --ci-metric
# names; after the study, the cells that stopped at the cap short of it.
expect_status "--ci-metric names a metric, or is exit 2" 2 \
    "--ci-metric cpu_ns: unknown metric; the metrics are cpu_ns_per_byte, throughput_MBps, " \
    "$loansim" run "$scen/default.ini" -o "$tmp/x" --ci-target 0.02 --ci-metric cpu_ns
expect_status "--ci-metric without --ci-target is exit 2" 2 \
    "--ci-metric throughput_MBps: only with --ci-target" \
    "$loansim" run "$scen/default.ini" -o "$tmp/x" --ci-metric throughput_MBps
for bad in 2x 0 100% -1%; do
	expect_status "--ci-target $bad is exit 2" 2 \
	    "--ci-target $bad: expected a fraction above 0 and below 1, such as 0.02 or 2%" \
	    "$loansim" run "$scen/default.ini" -o "$tmp/x" --ci-target "$bad"
done
cim="-p workload.messages=400 --max-replications 8 --no-plot -j 2"
"$loansim" run "$scen/default.ini" -o "$tmp/cip" $cim --ci-target 1% \
    --ci-metric throughput_MBps > /dev/null 2> "$tmp/cip.err"
"$loansim" run "$scen/default.ini" -o "$tmp/cif" $cim --ci-target 0.01 \
    --ci-metric throughput_MBps -q 2> "$tmp/cif.err"
check "--ci-target 1% is --ci-target 0.01" \
    "cmp -s \"$tmp/cip/default.csv\" \"$tmp/cif/default.csv\" && cmp -s \"$tmp/cip/default-summary.csv\" \"$tmp/cif/default-summary.csv\""
# The cells at the cap (8) whose throughput interval is still wider than
# 1% of its mean, counted in the summary.
capped=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { m = $c["throughput_MBps_mean"]; h = $c["throughput_MBps_ci95"]
      if ($c["replications"] == 8 && !(h <= 0.01 * (m < 0 ? -m : m))) n++ }
    END { print n + 0 }' "$tmp/cip/default-summary.csv")
check "the study says how many cells stopped at the cap short of the target ($capped)" \
    "[ \$capped -gt 0 ] && grep -qx \"loansim: --ci-target 1% of throughput_MBps: $capped of 18 cells (point, strategy) stopped at --max-replications 8 with the 95% interval still wider\" \"$tmp/cip.err\""
check "... and which metric decided: cpu_ns_per_byte's would take other runs" \
    "\"$loansim\" run \"$scen/default.ini\" -o \"$tmp/cic\" $cim --ci-target 1% > /dev/null 2> \"$tmp/cic.err\" && ! cmp -s \"$tmp/cic/default.csv\" \"$tmp/cip/default.csv\" && grep -q '^loansim: --ci-target 1% of cpu_ns_per_byte: ' \"$tmp/cic.err\""

# The progress line on a terminal (script gives one) under --ci-target:
# never more runs done than the total, which grows with the rounds.
if command -v script >/dev/null 2>&1; then
	script -qefc "'$loansim' run '$scen/default.ini' -o '$tmp/tty' -j 2 --ci-target 0.002 --max-replications 60 --no-plot" /dev/null \
	    > "$tmp/tty.out" 2>&1
	total=$(($(wc -l < "$tmp/tty/default.csv") - 1))
	tr '\r' '\n' < "$tmp/tty.out" | grep ' runs/s, ' > "$tmp/tty.lines"
	check "the progress line counts every round ($(tail -1 "$tmp/tty.lines" | cut -d, -f1))" \
	    "[ -s \"$tmp/tty.lines\" ] && awk -v t=$total '{ split(\$2, a, \"/\"); if (a[1] + 0 > a[2] + 0 || \$6 + 0 > 100000) bad++; last = \$2 } END { exit !(bad == 0 && last == t \"/\" t) }' \"$tmp/tty.lines\""
else
	ko "script (util-linux) is not installed"
fi

# Shards through GNU parallel, then merge.
if command -v parallel >/dev/null 2>&1; then
	parallel --will-cite -j 2 "$loansim" run "$scen/sosend-mp.ini" \
	    -o "$tmp/shards" --shard {}/4 -j 1 $big ::: 1 2 3 4
	"$loansim" merge "$scen/sosend-mp.ini" -o "$tmp/merged" $big \
	    "$tmp"/shards/sosend-mp.shard-*-of-4.csv
	check "4 shards through GNU parallel merge to the same bytes" \
	    "same \"$tmp/merged\""
	"$loansim" merge "$scen/sosend-mp.ini" -o "$tmp/m2" $big \
	    "$tmp"/shards/sosend-mp.shard-1-of-4.csv 2> "$tmp/err"
	check "merge with a shard missing fails, saying what is missing" \
	    "grep -q 'the shards hold .* runs; missing' \"$tmp/err\""
	"$loansim" run "$scen/sosend-mp.ini" -o "$tmp/shp" --shard 2/4 -j 1 \
	    $big -p machine.tlb_shootdown=7us
	expect_status "merge refuses a shard run with other -p" 2 \
	    "shp/sosend-mp.shard-2-of-4.csv: its runs were made with other parameters" \
	    "$loansim" merge "$scen/sosend-mp.ini" -o "$tmp/m3" $big \
	    "$tmp/shards/sosend-mp.shard-1-of-4.csv" \
	    "$tmp/shp/sosend-mp.shard-2-of-4.csv" \
	    "$tmp/shards/sosend-mp.shard-3-of-4.csv" \
	    "$tmp/shards/sosend-mp.shard-4-of-4.csv"
	f="$tmp/shards/sosend-mp.shard-3-of-4.csv"
	head -c -5 "$f" > "$tmp/cut.csv"
	expect_status "merge refuses a shard whose last line is cut off" 2 \
	    "cut.csv:$(wc -l < "$f"): the last line is cut off" \
	    "$loansim" merge "$scen/sosend-mp.ini" -o "$tmp/m4" $big \
	    "$tmp/shards/sosend-mp.shard-1-of-4.csv" \
	    "$tmp/shards/sosend-mp.shard-2-of-4.csv" "$tmp/cut.csv" \
	    "$tmp/shards/sosend-mp.shard-4-of-4.csv"
else
	ko "GNU parallel is not installed (tools/setup installs it)"
fi

# Regression: a reference that moved is reported as a table, exit 1.
mkdir -p "$tmp/refs/default"
awk -F, 'BEGIN { OFS = "," } NR == 2 { $7 = $7 * 1.5 } { print }' \
    "$top_srcdir/results/default/default.csv" > "$tmp/refs/default/default.csv"
"$loansim" regress --results "$tmp/refs" "$scen/default.ini" > "$tmp/reg.out"
st=$?
check "regress reports a moved metric with exit 1" \
    "[ $st -eq 1 ] && grep -q '^MOVED default: 1 values differ' \"$tmp/reg.out\" && grep -q 'run 0, copy, replication 0 *cpu_ns_per_byte .* -33.3%' \"$tmp/reg.out\""
"$loansim" regress --results "$top_srcdir/results" "$scen/default.ini" > "$tmp/reg.out"
check "regress of the shipped reference is the same" \
    "grep -q '^same default: 54 rows' \"$tmp/reg.out\""

testlib_end
