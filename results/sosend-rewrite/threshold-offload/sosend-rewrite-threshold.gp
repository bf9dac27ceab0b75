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
set xrange [-0.6:1.4]
set xtics noenhanced ('false' 0, 'true' 1)
set yrange [0:460]
set xlabel 'machine.checksum_offload' noenhanced
set title 'sosend-rewrite: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'workload.size at break-even (KiB), mean and 95% interval' noenhanced
unset arrow
unset label
unset key
plot 'sosend-rewrite-threshold.dat' using ($1+0.000):($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using ($1+0.000):2 with points lw 2 dt 1 pt 7 ps 1.20 lc rgb '#332288' title 'break-even (mean, 95% interval)' noenhanced
set output
}
