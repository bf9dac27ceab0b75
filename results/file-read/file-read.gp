# file-read (mean of 3 replications, 95% intervals)
# Run 'gnuplot file-read.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'file-read'
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,640 font 'sans,11' noenhanced
} else {
	set terminal svg size 1000,640 dynamic font 'sans,11' noenhanced
}
set output out.'.'.fmt
set grid
set style textbox opaque noborder
set xrange [-0.03:1.03]
set xtics noenhanced ('0' 0, '0.1' 0.1, '0.2' 0.2, '0.3' 0.3, '0.4' 0.4, '0.5' 0.5, '0.6' 0.6, '0.7' 0.7, '0.8' 0.8, '0.9' 0.9, '1' 1)
set yrange [0:12]
set xlabel 'workload.write_fraction' noenhanced
set title 'file-read (mean of 3 replications, 95% intervals)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.8260
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'CPU time per byte delivered (ns/B)' noenhanced
unset arrow
unset label
set key at screen 0.8500, screen 0.9313 top left Left reverse noenhanced box opaque samplen 2.5 width 2
set arrow from 0.1001969324, graph 0 to 0.1001969324, graph 1 nohead dashtype 2 lw 2 lc rgb '#CC6677' back
set label 'exchange cheaper than copy below about 0.1 (between 0.1 and 0.2, within the 95%' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
set label 'intervals)' at graph 0.035, graph 0.9396 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'file-read.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'copy' noenhanced, \
     'file-read.dat' using 1:($5 > 0 ? $4 : NaN):5 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:4 with linespoints lw 2 dt 1 pt 5 ps 1.00 lc rgb '#CC6677' title 'exchange' noenhanced
set output
}
