# recv-jumbo: workload.size from which flip is cheaper than copy (cpu_ns_per_byte)
# Run 'gnuplot recv-jumbo-threshold.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'recv-jumbo-threshold'
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,656 font 'sans,11' noenhanced
} else {
	set terminal svg size 1000,656 dynamic font 'sans,11' noenhanced
}
set output out.'.'.fmt
set grid
set style textbox opaque noborder
set xrange [1051.32:16904.68]
set xtics noenhanced ('1500B' 1500, '' 2120, '4168B' 4168, '6216B' 6216, '8264B' 8264, '' 9000, '10312B' 10312, '12360B' 12360, '16456B' 16456)
set yrange [0:280]
set xlabel 'nic.mtu (bytes)' noenhanced offset 0,-1
set title 'recv-jumbo: workload.size from which flip is cheaper than copy (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9329
set bmargin at screen 0.1250
set ylabel 'workload.size at break-even (KiB), mean and 95% interval' noenhanced
unset arrow
unset label
unset key
set label '2120B' at first 2120, graph 0 center offset 0,-2.1 noenhanced
set label '9000B' at first 9000, graph 0 center offset 0,-2.1 noenhanced
set label 'flip never cheaper than copy in the searched range at nic.mtu = 1500B, 2120B, 9000B' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'recv-jumbo-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.20 lc rgb '#332288' title 'break-even (mean, 95% interval)' noenhanced
set output
}
