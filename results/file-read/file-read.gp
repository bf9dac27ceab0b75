# file-read (mean of 3 replications, 95% intervals)
# Run 'gnuplot file-read.gp' in this folder to redraw file-read.png and file-read.svg.
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1000,640 font 'sans,11'
} else {
	set terminal svg size 1000,640 dynamic font 'sans,11'
}
set output 'file-read.'.fmt
set grid
set style textbox opaque noborder
set xrange [-0.03:1.03]
set yrange [0:12]
set xlabel 'workload.write_fraction' noenhanced
set title 'file-read (mean of 3 replications, 95% intervals)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.8160
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'CPU time per byte delivered (ns/B)' noenhanced
unset arrow
unset label
set key at screen 0.8400, screen 0.9313 top left Left reverse noenhanced box opaque samplen 2.5 width 2
set arrow from 0.1001969324, graph 0 to 0.1001969324, graph 1 nohead dashtype 2 lw 2 lc rgb '#CC6677' back
set label 'exchange cheaper than copy below about 0.1' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
plot 'file-read.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 pt 7 ps 1.2 lc rgb '#332288' title 'copy', \
     'file-read.dat' using 1:($5 > 0 ? $4 : NaN):5 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:4 with linespoints lw 2 pt 5 ps 1.2 lc rgb '#CC6677' title 'exchange'
set output
}
