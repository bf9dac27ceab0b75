# recv-jumbo: workload.size from which flip is cheaper than copy (cpu_ns_per_byte)
# Run 'gnuplot recv-jumbo-threshold.gp' in this folder to redraw recv-jumbo-threshold.png and recv-jumbo-threshold.svg.
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,640 font 'sans,11'
} else {
	set terminal svg size 1000,640 dynamic font 'sans,11'
}
set output 'recv-jumbo-threshold.'.fmt
set grid
set style textbox opaque noborder
set xrange [1051.32:16904.68]
set xtics ('1.465KiB' 1500, '2.07KiB' 2120, '4.07KiB' 4168, '6.07KiB' 6216, '8.07KiB' 8264, '8.789KiB' 9000, '10.07KiB' 10312, '12.07KiB' 12360, '16.07KiB' 16456)
set yrange [0:280]
set xlabel 'nic.mtu' noenhanced
set title 'recv-jumbo: workload.size from which flip is cheaper than copy (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'workload.size at break-even (KiB), mean and 95% interval' noenhanced
unset arrow
unset label
unset key
set label 'flip never cheaper than copy in the searched range at nic.mtu = 1.465KiB, 2.07KiB, 8.789KiB' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'recv-jumbo-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 pt 7 ps 1.2 lc rgb '#332288' title 'break-even (mean, 95% interval)'
set output
}
