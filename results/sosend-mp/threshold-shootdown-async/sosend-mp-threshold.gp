# sosend-mp: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)
# Run 'gnuplot sosend-mp-threshold.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'sosend-mp-threshold'
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
set xrange [889.2643864:56226.24808]
set xtics noenhanced ('1us' 1000, '5us' 5000, '20us' 20000, '50us' 50000)
set yrange [0:56]
set xlabel 'machine.tlb_shootdown (ns, log scale)' noenhanced
set title 'sosend-mp: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'workload.size at break-even (KiB), mean and 95% interval' noenhanced
unset arrow
unset label
unset key
set label 'loan never cheaper than copy in the searched range at machine.tlb_shootdown = 5us, 20us, 50us' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'sosend-mp-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.20 lc rgb '#332288' title 'break-even (mean, 95% interval)' noenhanced
set output
}
