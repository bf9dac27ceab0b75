# stdio-read: workload.size from which exchange is cheaper than copy (cpu_ns_per_byte)
# Run 'gnuplot stdio-read-threshold.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'stdio-read-threshold'
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,640 font 'sans,11' noenhanced
} else {
	set terminal svg size 1000,640 dynamic font 'sans,11' noenhanced
}
set output out.'.'.fmt
set grid
set style textbox opaque noborder
set logscale x 2
set xrange [56.49299176:4640.292394]
set xtics noenhanced ('64B' 64, '512B' 512, '4KiB' 4096)
set yrange [0:1.1]
set xlabel 'workload.record (bytes, log scale)' noenhanced
set title 'stdio-read: workload.size from which exchange is cheaper than copy (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'workload.size at break-even (B), mean and 95% interval' noenhanced
unset arrow
unset label
unset key
set label 'exchange already cheaper than copy at the low end of the search at workload.record = 64B, 512B, 4KiB' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'stdio-read-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.20 lc rgb '#332288' title 'break-even (mean, 95% interval)' noenhanced
set output
}
