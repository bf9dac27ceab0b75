# sosend-async: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)
# Run 'gnuplot sosend-async-threshold.gp' in this folder to redraw sosend-async-threshold.png and sosend-async-threshold.svg.
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,640 font 'sans,11'
} else {
	set terminal svg size 1000,640 dynamic font 'sans,11'
}
set output 'sosend-async-threshold.'.fmt
set grid
set style textbox opaque noborder
set xrange [3.88:8.12]
set yrange [0:8.4]
set xlabel 'workload.buffers' noenhanced
set title 'sosend-async: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'workload.size at break-even (KiB), mean and 95% interval' noenhanced
unset arrow
unset label
unset key
plot 'sosend-async-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 pt 7 ps 1.2 lc rgb '#332288' title 'break-even (mean, 95% interval)'
set output
}
