#!/bin/sh
# Figures and the command line around them: hostile text in result
# tables never becomes gnuplot code; break-even marks say the right
# direction for lower- and higher-is-better metrics, for every strategy
# against the first, with units, inside the plot; categorical and
# multi-axis figures; single replications; exit statuses of drawing;
# help text.  Ends with "N passed, N failed".
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
loansim=$(cd "$top_builddir" && pwd)/loansim
scen=$(cd "$top_srcdir/scenarios" && pwd)
. "$top_srcdir/tests/testlib.sh"
testlib_tmp fig

# expect NAME STATUS CMD...: exit status; stdout and stderr kept.
expect() {
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$name"
	else
		ko "$name (status $got, stderr: $(head -c 300 "$tmp/err"))"
	fi
}

# A summary table: scenario, strategies, one axis and two metrics.
summary() {	# name axis "x,strategy,cpu,cpu_ci,tp,tp_ci" lines...
	n=$1 a=$2
	shift 2
	echo "scenario,run_id,seed,strategy,$a,replications,cpu_ns_per_byte_mean,cpu_ns_per_byte_ci95,throughput_MBps_mean,throughput_MBps_ci95"
	for l in "$@"; do
		echo "$l" | awk -F, -v n="$n" '{ printf "%s,0,1,%s,%s,3,%s,%s,%s,%s\n", n, $2, $1, $3, $4, $5, $6 }'
	done
}

# gnuplot as loansim finds it: LOANSIM_GNUPLOT (set and empty: none),
# else the one configure found, else PATH's; "LOANSIM_GNUPLOT= make
# check" runs these tests without it.  plot exits 0 once it has drawn,
# 1 when there is no gnuplot (the data and the script still written).
summary probe workload.size "1024,copy,1,0,1,0" "2048,copy,2,0,1,0" \
    > "$tmp/probe-summary.csv"
"$loansim" plot "$tmp/probe-summary.csv" >/dev/null 2>"$tmp/probe.err"
case $? in
0)	have_gnuplot=yes drawn=0 ;;
1)	have_gnuplot=no drawn=1
	grep -q 'gnuplot was not found' "$tmp/probe.err" ||
	    ko "plot exits 1 only for want of gnuplot ($(cat "$tmp/probe.err"))" ;;
*)	have_gnuplot=no drawn=1
	ko "plot of a plain table ($(cat "$tmp/probe.err"))" ;;
esac
echo "gnuplot: $have_gnuplot"

# expect_plot NAME CMD...: a plot command exits 0 with gnuplot, 1 saying
# why without it; either way it wrote the script.
expect_plot() {
	name=$1
	shift
	expect "$name (exit $drawn)" "$drawn" "$@"
	if [ "$have_gnuplot" = no ] && ! grep -q 'gnuplot was not found' "$tmp/err"; then
		ko "$name: no word of the missing gnuplot"
	fi
}

# --- 1. Hostile text in tables and scenario names ---------------------
mkdir -p "$tmp/h" && cd "$tmp/h" || exit 1
# Closes the title, runs a command, opens another title: valid gnuplot
# if pasted into a double-quoted string, as it once was.
evil='q" noenhanced; system "touch PWN1"; set title "q'
{
	echo "scenario,run_id,seed,strategy,workload.size\`touch PWN2\`,replications,cpu_ns_per_byte_mean,cpu_ns_per_byte_ci95"
	for s in copy "l'oan'; system('touch PWN3'); '" "@x \\\" \`touch PWN4\`"; do
		for x in 1024 4096 16384; do
			printf '"%s",0,1,"%s",%s,3,%s,0.1\n' \
			    "$(printf '%s' "$evil" | sed 's/"/""/g')" \
			    "$(printf '%s' "$s" | sed 's/"/""/g')" "$x" \
			    "$(awk -v x="$x" -v s="${#s}" 'BEGIN { print 10 + s / 10 - x / 4096 }')"
		done
	done
} > evil-summary.csv
expect_plot "plot of a table with hostile names" \
    "$loansim" plot evil-summary.csv
check "no command in the table ran" \
    "[ -z \"\$(find \"$tmp\" -name 'PWN*')\" ] && ! ls / | grep -q PWN"
check "the hostile title is one single-quoted gnuplot string" \
    "grep -qF \"set title 'q\\\" noenhanced; system \\\"touch PWN1\\\"; set title \\\"q (mean of 3 replications, 95% intervals)' noenhanced\" evil-summary.gp"
check "a quote in a strategy name is doubled" \
    "grep -qF \"title 'l''oan''; system(''touch PWN3''); '''\" evil-summary.gp"
# Outside single-quoted strings: no quote, backquote or macro but the
# script's own "png svg" loop.
unquoted() {	# script: its commands with single-quoted strings taken out
	grep -v '^#' "$1" | grep -v 'fmt' | sed "s/'\([^']\|''\)*'//g" |
	    sed 's/\."\\n"\.//g'	# the newline joining a long text's lines
}
if unquoted evil-summary.gp | grep -q '["`@]'; then
	ko "table text appears only inside single-quoted strings"
else
	ok "table text appears only inside single-quoted strings"
fi
check "the data file holds numbers only" \
    "! grep -v '^#' evil-summary.dat | tr '\\t' ' ' | grep -q '[^0-9NaEe.+ -]'"
if [ "$have_gnuplot" = yes ]; then
	check "the hostile figure was drawn" "[ -s evil-summary.png ] && [ -s evil-summary.svg ]"
fi
# A threshold table whose --over values are hostile.
{
	echo "scenario,seed,base,candidate,metric,vary,workload.reuse,threshold_mean,threshold_ci95,threshold_min,threshold_max,replications,found,wins_below_range,never_wins_in_range"
	echo "t,1,copy,loan,cpu_ns_per_byte,workload.size,\"a'); system('touch PWN5\",4096,0,4096,4096,3,3,0,0"
	echo "t,1,copy,loan,cpu_ns_per_byte,workload.size,\`touch PWN6\`,8192,1024,4096,4096,3,3,0,0"
} > evil-threshold.csv
expect_plot "plot of a threshold table with hostile values" \
    "$loansim" plot evil-threshold.csv
check "no command in the threshold table ran" \
    "[ -z \"\$(find \"$tmp\" -name 'PWN*')\" ] && ! ls / | grep -q PWN"
check "hostile categories are quoted tick labels" \
    "grep -qF \"set xtics noenhanced ('a''); system(''touch PWN5' 0, '\\\`touch PWN6\\\`' 1)\" evil-threshold.gp"
printf '[scenario]\nname = %s\n' "$evil" > evil.ini
expect "a hostile scenario name is exit 2" 2 "$loansim" run evil.ini -o out
check "... naming file, line and the rule" \
    "grep -qF 'evil.ini:2: [scenario] name = \"q\" noenhanced; system \"touch PWN1\"; set title \"q\": expected a name of 1 to 100 letters, digits' \"$tmp/err\""
expect "a name climbing out of -o is exit 2" 2 "$loansim" run \
    "$scen/default.ini" -p scenario.name=../../x -o out -q
check "... and nothing was written" "[ ! -e out ] && [ ! -e ../x.csv ]"
cd "$tmp" || exit 1

# --- 2. Break-even: direction, every strategy, units ------------------
# exchange is cheaper below the crossing (at x = 0.25 by interpolation).
summary fr workload.write_fraction \
    "0,copy,1,0.01,100,1" "0,exchange,0.5,0.01,100,1" \
    "0.5,copy,1,0.01,100,1" "0.5,exchange,1.5,0.01,100,1" \
    "1,copy,1,0.01,100,1" "1,exchange,2.5,0.01,100,1" > fr-summary.csv
expect_plot "plot of a crossing from below" "$loansim" plot fr-summary.csv
check "the cheaper side below the crossing is said so" \
    "grep -qF \"set label 'exchange cheaper than copy below about 0.25 (between 0 and 0.5)'\" fr-summary.gp"
check "... and marked at the crossing" \
    "grep -q '^set arrow from 0.25, graph 0 to 0.25, graph 1' fr-summary.gp"
# Sizes: loan ties copy at 1KiB and 2KiB (both copy), wins from 4KiB;
# gift wins above a crossing half-way between 1KiB and 2KiB on the log
# axis: sqrt(1024 * 2048) = 1.414KiB, said to three digits with the two
# points around it (no interval: nothing said of one).
summary sz workload.size \
    "1024,copy,10,0,10,0" "1024,loan,10,0,10,0" "1024,gift,12,0,5,0" \
    "2048,copy,10,0,10,0" "2048,loan,10,0,10,0" "2048,gift,8,0,15,0" \
    "4096,copy,10,0,10,0" "4096,loan,9,0,12,0" "4096,gift,8,0,15,0" \
    "8192,copy,10,0,10,0" "8192,loan,8,0,13,0" "8192,gift,8,0,15,0" \
    "16384,copy,10,0,10,0" "16384,loan,8,0,13,0" "16384,gift,8,0,15,0" \
    > sz-summary.csv
expect_plot "plot of three strategies over sizes" "$loansim" plot sz-summary.csv
check "loan marked from the first size it wins at, with units" \
    "grep -qF \"set label 'loan cheaper than copy from 4KiB'\" sz-summary.gp"
check "gift (the third strategy) is marked against the first too" \
    "grep -qF \"set label 'gift cheaper than copy above about 1.41KiB (between 1KiB and 2KiB)'\" sz-summary.gp"
check "both crossings are drawn" "[ \$(grep -c '^set arrow' sz-summary.gp) -eq 2 ]"
check "size ticks carry units" \
    "grep -qF \"set xtics noenhanced ('1KiB' 1024, '2KiB' 2048, '4KiB' 4096, '8KiB' 8192, '16KiB' 16384)\" sz-summary.gp"
check "... and the x label the unit and the log scale" \
    "grep -qxF \"set xlabel 'workload.size (bytes, log scale)' noenhanced\" sz-summary.gp"
# Throughput: higher is better.
expect_plot "plot -m throughput_MBps" "$loansim" plot -m throughput_MBps \
    -o tp sz-summary.csv
check "throughput: loan faster (not cheaper) from 4KiB" \
    "grep -qF \"set label 'loan faster than copy from 4KiB'\" tp.gp"
check "throughput: gift faster above the interpolated crossing" \
    "grep -qF \"set label 'gift faster than copy above about 1.41KiB (between 1KiB and 2KiB)'\" tp.gp"
# Notes sit in a band above the data: the y range leaves room for them.
check "notes are inside the plot, at graph coordinates" \
    "[ \$(grep -c \"^set label '.*' at graph 0.015, graph 0.9[0-9]* left\" sz-summary.gp) -eq 2 ]"
check "the y range leaves the notes' band above the data" \
    "sed -n 's/^set yrange \\[0:\\(.*\\)\\]$/\\1/p' sz-summary.gp | awk '{ exit !(\$1 >= 12 / (1 - 54 / 530.0)) }'"
# A candidate never better, and one better everywhere.
summary nv workload.size "1024,copy,1,0,1,0" "1024,loan,2,0,1,0" \
    "1024,zbuf,0.5,0,1,0" "2048,copy,1,0,1,0" "2048,loan,2,0,1,0" \
    "2048,zbuf,0.5,0,1,0" > nv-summary.csv
expect_plot "plot with no crossing" "$loansim" plot nv-summary.csv
check "never better is said so, without a mark" \
    "grep -qF \"'loan cheaper than copy nowhere in this range'\" nv-summary.gp && ! grep -q '^set arrow' nv-summary.gp"
check "better everywhere is said so" \
    "grep -qF \"'zbuf cheaper than copy over the whole range'\" nv-summary.gp"

# --- 3. Categories, several axes, one replication ---------------------
cat > thr-summary.csv <<'EOF'
scenario,seed,base,candidate,metric,vary,workload.reuse,threshold_mean,threshold_ci95,threshold_min,threshold_max,replications,found,wins_below_range,never_wins_in_range
d,1,copy,loan,cpu_ns_per_byte,workload.size,overwrite,38570.66667,11937.88938,33024,41472,3,3,0,0
d,1,copy,loan,cpu_ns_per_byte,workload.size,async,4096,0,4096,4096,3,3,0,0
d,1,copy,loan,cpu_ns_per_byte,workload.size,sendfile,,,,,3,0,0,3
EOF
expect_plot "plot of a threshold over categories" "$loansim" plot thr-summary.csv
check "categories are points with error bars, not bars" \
    "grep -q 'with yerrorbars' thr-summary.gp && grep -q 'with points' thr-summary.gp && ! grep -q histogram thr-summary.gp"
check "... labelled by category" \
    "grep -qF \"set xtics noenhanced ('overwrite' 0, 'async' 1, 'sendfile' 2)\" thr-summary.gp && grep -qxF \"set xlabel 'workload.reuse' noenhanced\" thr-summary.gp"
check "... in KiB" "grep -qF \"workload.size at break-even (KiB)\" thr-summary.gp"
check "... with the value lacking a threshold said so" \
    "grep -qF \"'loan never cheaper than copy in the searched range at workload.reuse = sendfile'\" thr-summary.gp"
check "... and its interval in KiB in the data" \
    "grep -q '^0	37.66666667	11.6580951\$' thr-summary.dat"
# Three axes: x the one with most values, a panel per CPU count, a curve
# per buffer count.
{
	echo "scenario,run_id,seed,strategy,machine.cpus,pipe.reader_rate,workload.buffers,replications,cpu_ns_per_byte_mean,cpu_ns_per_byte_ci95"
	for c in 1 2; do for r in 250000000 500000000 1000000000 2000000000; do
		for b in 1 2 3; do
			echo "pb,0,1,exchange,$c,$r,$b,3,$(awk -v r=$r -v b=$b -v c=$c 'BEGIN { print 1e9 / r + 1 / b + c }'),0.05"
		done
	done; done
} > pb-summary.csv
expect_plot "plot of a sweep over three axes" "$loansim" plot pb-summary.csv
check "small multiples: one panel per CPU count" \
    "grep -q '^set multiplot' pb-summary.gp && grep -qF \"set title 'machine.cpus = 1'\" pb-summary.gp && grep -qF \"set title 'machine.cpus = 2'\" pb-summary.gp"
# 250MB/s and 500MB/s are 30 pixels apart on the linear axis: the
# second label goes a line lower, in both panels.
check "the reader rate on x, with units, no two labels touching" \
    "grep -qF \"set xtics noenhanced ('250MB/s' 250000000, '' 500000000, '1GB/s' 1000000000, '2GB/s' 2000000000)\" pb-summary.gp && [ \$(grep -c \"^set label '500MB/s' at first 500000000, graph 0 center offset 0,-2.1\" pb-summary.gp) -eq 2 ] && grep -qxF \"set xlabel 'pipe.reader_rate (bytes/s)' noenhanced offset 0,-1\" pb-summary.gp"
check "a curve per buffer count, with a legend heading" \
    "grep -qF \"title 'workload.buffers'\" pb-summary.gp && [ \$(grep -c \"with linespoints.*title '[123]'\" pb-summary.gp) -eq 6 ]"
check "no stacked bars" "! grep -q histogram pb-summary.gp"
# One replication: the interval is empty or nan; no bars, no crash.
summary one workload.size "1024,copy,1,,1,nan" "1024,loan,2,nan,1," \
    "2048,copy,1,,1,nan" "2048,loan,0.5,nan,1," | sed 's/,3,/,1,/' > one-summary.csv
expect_plot "plot of single replications (empty and nan intervals)" \
    "$loansim" plot one-summary.csv
check "... drawn without error bars" \
    "awk 'NR > 1 && (\$3 != 0 || \$5 != 0) { bad = 1 } END { exit bad }' one-summary.dat"
check "... and said so in the title" "grep -qF '(one replication: no intervals)' one-summary.gp"
# Two points, a linear axis: adv -1 then +0.5, two thirds of the way.
check "... the crossing still marked" \
    "grep -qF \"'loan cheaper than copy above about 1.67KiB (between 1KiB and 2KiB)'\" one-summary.gp"

# --- 3b. Text as written, many curves, break-even in every panel -------
# No enhanced text anywhere ("_" is no subscript): the terminals say so,
# and so does every title, label and legend text after its string.
check "both terminals draw plain text" \
    "[ \$(grep -c '^	set terminal .* noenhanced\$' pb-summary.gp) -eq 2 ]"
check "every title, label and legend heading is plain text" \
    "! grep -hE \"^set (title|xlabel|ylabel|label|multiplot title|key .* title) \" pb-summary.gp sz-summary.gp thr-summary.gp | grep -v \"' .*noenhanced\" && grep -qF \"title 'workload.buffers' noenhanced\" pb-summary.gp"
check "every curve's title is plain text" \
    "! grep -h ' title ' pb-summary.gp sz-summary.gp | grep -v \"title '[^']*' noenhanced\""
# pipe-buffers in small: two strategies, the CPUs, think times tied by a
# "where" (writer and reader the same), buffers and the reader's speed:
# 2 x 3 x 4 = 24 curves a panel by CPUs alone.  The think times make
# panels too, and name them once ("a = b = v"); 8 curves a panel remain.
# gift - exchange changes sign half-way between 500MB/s and 1GB/s on the
# linear axis, cheaper above it with 1 or 2 buffers, below it with 3 or
# 4; the intervals, 0.02, are apart there.
{
	echo "scenario,point,seed,strategy,machine.cpus,pipe.writer_gap,pipe.reader_gap,pipe.reader_rate,workload.buffers,replications,cpu_ns_per_byte_mean,cpu_ns_per_byte_ci95"
	for c in 1 2; do for gap in 0 'exp(10us)' 'exp(30us)'; do
	for r in 250000000 500000000 1000000000 2000000000; do
	for b in 1 2 3 4; do
		awk -v c=$c -v r=$r -v b=$b -v gap="$gap" 'BEGIN {
		    e = 1e9 / r + 1 / b + c; d = (b - 2.5) * (log(r / 250e6) / log(2) - 1.5)
		    printf "mc,0,1,exchange,%s,%s,%s,%s,%s,5,%.6f,0.02\n", c, gap, gap, r, b, e
		    printf "mc,0,1,gift,%s,%s,%s,%s,%s,5,%.6f,0.02\n", c, gap, gap, r, b, e + d }'
	done; done; done; done
} > mc-summary.csv
expect_plot "plot of 48 curves" "$loansim" plot mc-summary.csv
check "... in six panels: CPUs by think time" \
    "[ \$(grep -c '^plot ' mc-summary.gp) -eq 6 ] && grep -qxF \"set title 'machine.cpus = 1, pipe.writer_gap = pipe.reader_gap = 0ns' noenhanced\" mc-summary.gp && grep -qxF \"set title 'machine.cpus = 2,'.\\\"\\\\n\\\".'pipe.writer_gap = pipe.reader_gap = exp(30us)' noenhanced\" mc-summary.gp"
# Per panel (a plot command and the lines continuing it), the curves
# drawn and how: colour, dash and point shape.
styles() {	# script: "panel colour dash point" for every titled curve
	awk '/^plot / { p++ } /with linespoints/ {
	    for (i = 1; i < NF; i++) { if ($i == "dt") d = $(i + 1); if ($i == "pt") t = $(i + 1); if ($i == "rgb") c = $(i + 1) }
	    print p, c, d, t }' "$1"
}
check "... 8 curves a panel, a strategy and a buffer count each" \
    "[ \"\$(styles mc-summary.gp | cut -d' ' -f1 | uniq -c | awk '{ print \$1 }' | sort -u)\" = 8 ] && grep -qF \"set key at screen\" mc-summary.gp && grep -qF \"title 'strategy, workload.buffers' noenhanced\" mc-summary.gp && grep -qF \"title 'gift, 4' noenhanced\" mc-summary.gp"
check "... no two curves of a panel drawn alike" \
    "[ -z \"\$(styles mc-summary.gp | sort | uniq -d)\" ] && [ \$(styles mc-summary.gp | awk '{ print \$3 }' | sort -u | wc -l) -eq 2 ]"
# Each note's text, its lines (a longer one is wrapped) joined again.
notes() {	# script
	sed -n "s/^set label '\\(.*\\)' at graph \\(0.0[13]5\\), graph .*/\\2 \\1/p" "$1" |
	    awk '$1 == "0.015" { if (n) print t; t = substr($0, 7); n = 1; next }
		{ t = t " " substr($0, 7) } END { if (n) print t }'
}
check "the break-even is marked in every panel, for each buffer count" \
    "[ \$(grep -c '^set arrow from 750000000, graph 0' mc-summary.gp) -eq 24 ] && [ \$(grep -c \"^set arrow from 750000000, .*'#117733' back\$\" mc-summary.gp) -eq 6 ]"
check "... said once for the buffer counts that say the same" \
    "[ \$(notes mc-summary.gp | grep -cxF 'workload.buffers = 1, 2: gift cheaper than exchange above about 750MB/s (between 500MB/s and 1GB/s)') -eq 6 ] && [ \$(notes mc-summary.gp | grep -cxF 'workload.buffers = 3, 4: gift cheaper than exchange below about 750MB/s (between 500MB/s and 1GB/s)') -eq 6 ] && [ \$(notes mc-summary.gp | wc -l) -eq 12 ]"
check "... a note for several curves in grey" \
    "[ \$(grep -c \"^set label 'workload.buffers = .*'#555555'\$\" mc-summary.gp) -eq 12 ]"
# The same, gift 0.5 below exchange everywhere: one note for all buffer
# counts, in no curve's colour.
awk -F, 'BEGIN { OFS = "," } NR > 1 && $4 == "gift" { $11 = $11 - 0.5 - ($11 - 0) + 0 } { print }' mc-summary.csv |
    awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } $4 == "exchange" { e = $11; print; next } { $11 = e - 0.5; print }' > all-summary.csv
expect_plot "plot where one strategy wins everywhere" "$loansim" plot all-summary.csv
check "... says so once a panel, in grey" \
    "[ \$(grep -c \"^set label 'gift cheaper than exchange over the whole range' at graph 0.015, .*'#555555'\$\" all-summary.gp) -eq 6 ] && [ \$(grep -c '^set label .*cheaper' all-summary.gp) -eq 6 ]"
# Twelve curves that no further axis can split: every one still drawn
# apart from the others.
{
	echo "scenario,point,seed,strategy,workload.buffers,workload.size,replications,cpu_ns_per_byte_mean,cpu_ns_per_byte_ci95"
	for b in 1 2 3 4 5 6 7 8 9 10 11 12; do for x in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
		echo "tw,0,1,copy,$b,$((x * 1024)),3,$b,0.1"
	done; done
} > tw-summary.csv
expect_plot "plot of twelve curves" "$loansim" plot tw-summary.csv
check "... each drawn its own way" \
    "[ \$(styles tw-summary.gp | wc -l) -eq 12 ] && [ -z \"\$(styles tw-summary.gp | sort | uniq -d)\" ]"
# A long legend heading is wrapped, not cut: lines of 40 characters at
# most, that together say it all; the key is widened for it.
sed '1s/workload.buffers/workload.a_rather_long_name_of_an_axis_for_the_legend/' \
    pb-summary.csv | sed '1s/pipe.reader_rate/pipe.reader_rate_with_a_long_name_too/' > ln-summary.csv
expect_plot "plot with a long legend heading" "$loansim" plot ln-summary.csv
heading=$(grep '^set key ' ln-summary.gp | sed -n "s/.* title \\(.*\\) noenhanced\$/\\1/p")
check "... wrapped into lines of at most 40 characters" \
    "[ \"\$(printf '%s' \"\$heading\" | sed 's/\\.\"\\\\n\"\\./|/g' | tr '|' '\\n' | awk '{ if (length(\$0) > 42) bad = 1; n++ } END { print n, bad + 0 }')\" = '2 0' ]"
printf '%s\n' "$heading" | sed "s/'\.\"\\\\n\"\.'//g; s/^'//; s/'\$//" > heading.txt
check "... that together say it all" \
    "grep -qx 'workload.a_rather_long_name_of_an_axis_for_the_legend' heading.txt"
check "... with the legend widened to hold it" \
    "grep '^set key ' ln-summary.gp | grep -q ' width [1-9][0-9] '"
# Sizes: each in the largest unit it is a whole number of (an MTU of
# 1500 is 1500B, not 1.465KiB); x labels that would touch are put a line
# lower; the unit in the x label.
{
	echo "scenario,seed,base,candidate,metric,vary,nic.mtu,threshold_mean,threshold_ci95,threshold_min,threshold_max,replications,found,wins_below_range,never_wins_in_range"
	for m in 1500 2120 4168 6216 8264 9000 10312 12360 16456; do
		echo "j,1,copy,flip,cpu_ns_per_byte,workload.size,$m,4096,0,4096,4096,3,3,0,0"
	done
} > mtu-threshold.csv
expect_plot "plot of a threshold over the MTU" "$loansim" plot mtu-threshold.csv
check "... the MTUs as given, in bytes, none touching the next" \
    "grep -qF \"set xtics noenhanced ('1500B' 1500, '' 2120, '4168B' 4168, '6216B' 6216, '8264B' 8264, '' 9000, '10312B' 10312, '12360B' 12360, '16456B' 16456)\" mtu-threshold.gp && grep -q \"^set label '2120B' at first 2120, graph 0 center\" mtu-threshold.gp && grep -q \"^set label '9000B' at first 9000, graph 0 center\" mtu-threshold.gp && ! grep -q 'KiB.*[0-9]\\.[0-9]*KiB' mtu-threshold.gp"
check "... under the parameter and its unit" \
    "grep -qxF \"set xlabel 'nic.mtu (bytes)' noenhanced offset 0,-1\" mtu-threshold.gp"
summary by workload.size "1500,copy,1,0,1,0" "3072,copy,1,0,1,0" \
    "65536,copy,1,0,1,0" "1048576,copy,1,0,1,0" > by-summary.csv
expect_plot "plot of sizes not all whole KiB" "$loansim" plot by-summary.csv
check "... shows each in the unit it is whole in" \
    "grep -qF \"set xtics noenhanced ('1500B' 1500, '3KiB' 3072, '64KiB' 65536, '1MiB' 1048576)\" by-summary.gp"
# The break-even's word: within the intervals where they overlap on a
# side of the crossing (at 2KiB, 9.95 +- 0.1 against 10 +- 0.1), not
# where they are apart (+- 0.01); linear interpolation (x spans 4x).
summary ov workload.size "1024,copy,10,0.1,1,0" "1024,loan,11,0.1,1,0" \
    "2048,copy,10,0.1,1,0" "2048,loan,9.95,0.1,1,0" \
    "4096,copy,10,0.1,1,0" "4096,loan,9,0.1,1,0" > ov-summary.csv
sed 's/,0.1,1,0$/,0.01,1,0/' ov-summary.csv > ap-summary.csv
expect_plot "plot of a crossing the intervals do not settle" "$loansim" plot ov-summary.csv
expect_plot "plot of a crossing they do" "$loansim" plot ap-summary.csv
check "... said to be within the 95% intervals where they overlap" \
    "notes ov-summary.gp | grep -qxF 'loan cheaper than copy above about 1.95KiB (between 1KiB and 2KiB, within the 95% intervals)'"
check "... and not where they are apart" \
    "notes ap-summary.gp | grep -qxF 'loan cheaper than copy above about 1.95KiB (between 1KiB and 2KiB)'"

# --- 4. Bad tables, folders, exit statuses ----------------------------
{
	head -3 fr-summary.csv
	echo
	sed -n 4p fr-summary.csv | sed 's/,1,0.01,100,1$/,1,0.01,fast,1/'
} > bad-summary.csv
expect "a non-numeric metric value is exit 2" 2 "$loansim" plot -m \
    throughput_MBps bad-summary.csv
check "... naming file, line and column" \
    "grep -qF 'loansim: bad-summary.csv:5: column throughput_MBps_mean: \"fast\" is not a number' \"$tmp/err\""
expect_plot "plot -o into folders that do not exist" "$loansim" plot \
    -o "$tmp/new/deeper/fig" fr-summary.csv
check "... creates them" "[ -s \"$tmp/new/deeper/fig.gp\" ]"
expect "a directory as the scenario is exit 2" 2 "$loansim" run "$scen"
check "... saying so" "grep -qF \"loansim: $scen is a directory, not a scenario file\" \"$tmp/err\""
mkdir -p "$tmp/inc/sub"
printf '[scenario]\nname = i\n[machine]\ninclude = sub\n' > "$tmp/inc/a.ini"
expect "a directory as an include is exit 2" 2 "$loansim" run "$tmp/inc/a.ini"
check "... naming the including file, line and group" \
    "grep -qF \"loansim: $tmp/inc/a.ini:4: [machine] include = \\\"sub\\\": $tmp/inc/sub is a directory, not a scenario file\" \"$tmp/err\""
printf '[scenario]\nname = i\n[machine]\ninclude = nope.ini\n' > "$tmp/inc/b.ini"
expect "a missing include is exit 2" 2 "$loansim" run "$tmp/inc/b.ini"
check "... naming the including file, line and group" \
    "grep -qF \"loansim: $tmp/inc/b.ini:4: [machine] include = \\\"nope.ini\\\": cannot read $tmp/inc/nope.ini: No such file or directory\" \"$tmp/err\""
small="-p workload.messages=200 -r 2 -s workload.size=4KiB,8KiB -q"
LOANSIM_GNUPLOT=/bin/false expect "run whose figure fails exits 1" 1 \
    "$loansim" run "$scen/default.ini" -o "$tmp/f1" $small
check "... after writing its tables, saying why" \
    "[ -s \"$tmp/f1/default-summary.csv\" ] && grep -q 'gnuplot failed on' \"$tmp/err\""
LOANSIM_GNUPLOT= expect "run without gnuplot exits 0" 0 \
    "$loansim" run "$scen/default.ini" -o "$tmp/f2" $small
check "... with a warning and the script kept" \
    "grep -q 'gnuplot was not found' \"$tmp/err\" && [ -s \"$tmp/f2/default-summary.gp\" ] || [ -s \"$tmp/f2/default.gp\" ]"
LOANSIM_GNUPLOT= expect "plot without gnuplot exits 1" 1 \
    "$loansim" plot fr-summary.csv

# Pictures drawn under a temporary name, renamed once gnuplot exits 0: a
# stand-in gnuplot (given -e "out = 'NAME'" SCRIPT) that writes half a
# picture and fails leaves the old pictures and no temporary; one that
# succeeds replaces them.
mkdir -p "$tmp/at" && cd "$tmp/at" || exit 1
cp ../fr-summary.csv .
cat > gnuplot-fake <<'EOF'
#!/bin/sh
[ "$1" = -e ] || exit 3
out=$(printf '%s\n' "$2" | sed -n "s/^out = '\(.*\)'$/\1/p")
[ -n "$out" ] && [ -f "$3" ] || exit 3
printf 'new %s' "$out" > "$out.png"
[ "${FAKE_FAIL:-}" ] && exit 1
printf 'new' > "$out.svg"
EOF
chmod +x gnuplot-fake
echo old > fr-summary.png
echo old > fr-summary.svg
FAKE_FAIL=1 LOANSIM_GNUPLOT=$tmp/at/gnuplot-fake expect \
    "a drawing that fails half-way exits 1" 1 "$loansim" plot fr-summary.csv
unset FAKE_FAIL
check "... keeps the old pictures and leaves no temporary" \
    "[ \"\$(cat fr-summary.png fr-summary.svg | tr -d '\\n')\" = oldold ] && [ -z \"\$(ls -A | grep '^\\.')\" ]"
LOANSIM_GNUPLOT=$tmp/at/gnuplot-fake expect \
    "a drawing that succeeds exits 0" 0 "$loansim" plot fr-summary.csv
check "... renames its temporary pictures over the old ones" \
    "grep -q '^new \\.fr-summary-......\$' fr-summary.png && [ \"\$(cat fr-summary.svg)\" = new ] && [ -z \"\$(ls -A | grep '^\\.')\" ]"
check "the script draws its own name by default, the name in out if set" \
    "grep -qx \"if (!exists('out')) out = 'fr-summary'\" fr-summary.gp && grep -qx \"set output out.'.'.fmt\" fr-summary.gp"
cd "$tmp" || exit 1
expect "plot of a missing table is exit 2" 2 "$loansim" plot "$tmp/none.csv"

# --- 5. Help -------------------------------------------------------------
for c in run sweep threshold merge plot regress; do
	check "$c --help shows [OPTION...]" \
	    "\"$loansim\" $c --help | grep -q '^  loansim $c \\[OPTION\\.\\.\\.\\]'"
done
check "threshold --help lists --factor and --resolution" \
    "\"$loansim\" threshold --help | grep -q -- '--factor=F' && \"$loansim\" threshold --help | grep -q -- '--resolution=R'"

testlib_end
