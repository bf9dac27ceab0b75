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
tmp=$(mktemp -d "${TMPDIR:-/tmp}/loansim-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
export LOANSIM_GNUPLOT=
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

# expect_status NAME STATUS PATTERN CMD...: exit status and stderr.
expect_status() {
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ] && grep -q -- "$pat" "$tmp/err"; then
		ok "$name"
	else
		ko "$name (status $got, stderr: $(head -c 300 "$tmp/err"))"
	fi
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

# Kill a run once its journal holds some rows; resume it.
for sig in KILL INT; do
	d="$tmp/kill-$sig"
	# A shell starts background jobs with SIGINT ignored: perl puts
	# the default back, as an interactive shell would have it.
	perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' \
	    "$loansim" run "$scen/sosend-mp.ini" -o "$d" -j 1 $big &
	pid=$!
	n=0
	while [ "$n" -lt 12 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.05
		n=$(grep -c '^sosend-mp,' "$d/sosend-mp.csv.partial" 2>/dev/null || echo 0)
	done
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	kept=$(grep -c '^sosend-mp,' "$d/sosend-mp.csv.partial" 2>/dev/null || echo 0)
	check "SIG$sig mid-way keeps the finished runs ($kept rows)" \
	    "[ \"$kept\" -ge 12 ] && [ ! -f \"$d/sosend-mp.csv\" ]"
	"$loansim" run "$scen/sosend-mp.ini" -o "$d" -j 2 \
	    -p workload.messages=2000 --no-plot > "$tmp/resume.out"
	check "after SIG$sig the rerun resumes $kept runs" \
	    "grep -q \"(${kept} more resumed from an interrupted run)\" \"$tmp/resume.out\""
	check "after SIG$sig the result is byte-identical" "same \"$d\""
done

# Shards through GNU parallel, then merge.
if command -v parallel >/dev/null 2>&1; then
	parallel --will-cite -j 2 "$loansim" run "$scen/sosend-mp.ini" \
	    -o "$tmp/shards" --shard {}/4 -j 1 $big ::: 1 2 3 4
	"$loansim" merge "$scen/sosend-mp.ini" -o "$tmp/merged" --no-plot -q \
	    "$tmp"/shards/sosend-mp.shard-*-of-4.csv
	check "4 shards through GNU parallel merge to the same bytes" \
	    "same \"$tmp/merged\""
	"$loansim" merge "$scen/sosend-mp.ini" -o "$tmp/m2" --no-plot -q \
	    "$tmp"/shards/sosend-mp.shard-1-of-4.csv 2> "$tmp/err"
	check "merge with a shard missing fails, saying what is missing" \
	    "grep -q 'the shards hold .* runs; missing' \"$tmp/err\""
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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
