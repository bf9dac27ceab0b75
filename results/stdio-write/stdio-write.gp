# stdio-write (mean of 3 replications, 95% intervals)
# Run 'gnuplot stdio-write.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'stdio-write'
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
set xrange [3769.088617:71220.25595]
set xtics noenhanced ('4KiB' 4096, '8KiB' 8192, '16KiB' 16384, '32KiB' 32768, '64KiB' 65536)
set yrange [0:7.8]
set xlabel 'workload.size (bytes, log scale)' noenhanced
set title 'stdio-write (mean of 3 replications, 95% intervals)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.8450
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'CPU time per byte delivered (ns/B)' noenhanced
unset arrow
unset label
set key at screen 0.8690, screen 0.9313 top left Left reverse noenhanced box opaque samplen 2.5 width 2
set label 'donate cheaper than copy over the whole range' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'stdio-write.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'copy' noenhanced, \
     'stdio-write.dat' using 1:($5 > 0 ? $4 : NaN):5 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:4 with linespoints lw 2 dt 1 pt 5 ps 1.00 lc rgb '#CC6677' title 'donate' noenhanced
set output
}
