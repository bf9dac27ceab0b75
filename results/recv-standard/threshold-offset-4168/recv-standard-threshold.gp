# recv-standard: workload.size from which flip is cheaper than copy (cpu_ns_per_byte)
# Run 'gnuplot recv-standard-threshold.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'recv-standard-threshold'
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,656 font 'sans,11' noenhanced
} else {
	set terminal svg size 1000,656 dynamic font 'sans,11' noenhanced
}
set output out.'.'.fmt
set grid
set style textbox opaque noborder
set xrange [-120.96:4152.96]
set xtics noenhanced ('0B' 0, '' 64, '512B' 512, '2KiB' 2048, '4032B' 4032)
set yrange [0:4.3]
set xlabel 'workload.offset (bytes)' noenhanced offset 0,-1
set title 'recv-standard: workload.size from which flip is cheaper than copy (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9329
set bmargin at screen 0.1250
set ylabel 'workload.size at break-even (KiB), mean and 95% interval' noenhanced
unset arrow
unset label
unset key
set label '64B' at first 64, graph 0 center offset 0,-2.1 noenhanced
set label 'flip never cheaper than copy in the searched range at workload.offset = 64B, 512B, 2KiB, 4032B' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'recv-standard-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.20 lc rgb '#332288' title 'break-even (mean, 95% interval)' noenhanced
set output
}
