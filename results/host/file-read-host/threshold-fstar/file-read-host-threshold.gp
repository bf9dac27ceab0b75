# file-read-host: workload.write_fraction from which copy is cheaper than exchange (cpu_ns_per_byte)
# Run 'gnuplot file-read-host-threshold.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'file-read-host-threshold'
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
set xrange [3468.268799:1238360.561]
set xtics noenhanced ('4KiB' 4096, '16KiB' 16384, '64KiB' 65536, '256KiB' 262144, '1MiB' 1048576)
set yrange [0:0.062]
set xlabel 'workload.size (bytes, log scale)' noenhanced
set title 'file-read-host: workload.write_fraction from which copy is cheaper than exchange (cpu_ns_per_byte)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.9600
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'workload.write_fraction at break-even, mean and 95% interval' noenhanced
unset arrow
unset label
unset key
plot 'file-read-host-threshold.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.20 lc rgb '#332288' title 'break-even (mean, 95% interval)' noenhanced
set output
}
