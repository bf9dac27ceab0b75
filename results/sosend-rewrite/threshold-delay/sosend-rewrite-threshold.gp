# sosend-rewrite: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)
# Run 'gnuplot sosend-rewrite-threshold.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'sosend-rewrite-threshold'
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,640 font 'sans,11' noenhanced
} else {
	set terminal svg size 1000,640 dynamic font 'sans,11' noenhanced
}
set output out.'.'.fmt
set grid
set style textbox opaque noborder
set logscale x 10
set xrange [8128.305162:12302687.71]
set xtics noenhanced ('10us' 10000, '30us' 30000, '100us' 100000, '300us' 300000, '1ms' 1000000, '3ms' 3000000, '10ms' 10000000)
set yrange [0:490]
set xlabel 'workload.rewrite_delay (mean, ns, log scale)' noenhanced
set title 'sosend-rewrite: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'workload.size at break-even (KiB), mean and 95% interval' noenhanced
unset arrow
unset label
unset key
plot 'sosend-rewrite-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.20 lc rgb '#332288' title 'break-even (mean, 95% interval)' noenhanced
set output
}
