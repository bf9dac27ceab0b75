# file-read: workload.write_fraction from which copy is cheaper than exchange (cpu_ns_per_byte)
# Run 'gnuplot file-read-threshold.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'file-read-threshold'
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,656 font 'sans,11' noenhanced
} else {
	set terminal svg size 1000,656 dynamic font 'sans,11' noenhanced
}
set output out.'.'.fmt
set grid
set style textbox opaque noborder
set xrange [-300000:10300000]
set xtics noenhanced ('0ns' 0, '' 100000, '1ms' 1000000, '10ms' 10000000)
set yrange [0:0.13]
set xlabel 'workload.write_delay (mean, ns)' noenhanced offset 0,-1
set title 'file-read: workload.write_fraction from which copy is cheaper than exchange (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9329
set bmargin at screen 0.1250
set ylabel 'workload.write_fraction at break-even, mean and 95% interval' noenhanced
unset arrow
unset label
unset key
set label '100us' at first 100000, graph 0 center offset 0,-2.1 noenhanced
set label 'copy already cheaper than exchange at the low end of the search at workload.write_delay = 1ms, 10ms' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'file-read-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.20 lc rgb '#332288' title 'break-even (mean, 95% interval)' noenhanced
set output
}
