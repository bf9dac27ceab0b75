# pipe-buffers (mean of 3 replications, 95% intervals)
# Run 'gnuplot pipe-buffers.gp' in this folder to redraw pipe-buffers.png and pipe-buffers.svg.
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1274,640 font 'sans,11'
} else {
	set terminal svg size 1274,640 dynamic font 'sans,11'
}
set output 'pipe-buffers.'.fmt
set grid
set style textbox opaque noborder
set logscale x 10
set xrange [230046912.7:4346939450]
set xtics ('250MB/s' 250000000, '500MB/s' 500000000, '1GB/s' 1000000000, '2GB/s' 2000000000, '4GB/s' 4000000000)
set yrange [0:7.4]
set xlabel 'pipe.reader_rate' noenhanced
set multiplot title 'pipe-buffers (mean of 3 replications, 95% intervals)' noenhanced
set lmargin at screen 0.0706
set rmargin at screen 0.4152
set tmargin at screen 0.8875
set bmargin at screen 0.1031
set title 'machine.cpus = 1' noenhanced
set ylabel 'CPU time per byte delivered (ns/B)' noenhanced
unset arrow
unset label
unset key
plot 'pipe-buffers.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 pt 7 ps 1.2 lc rgb '#332288' title '1', \
     'pipe-buffers.dat' using 1:($5 > 0 ? $4 : NaN):5 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:4 with linespoints lw 2 pt 5 ps 1.2 lc rgb '#CC6677' title '2', \
     'pipe-buffers.dat' using 1:($7 > 0 ? $6 : NaN):7 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:6 with linespoints lw 2 pt 9 ps 1.2 lc rgb '#117733' title '3', \
     'pipe-buffers.dat' using 1:($9 > 0 ? $8 : NaN):9 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:8 with linespoints lw 2 pt 11 ps 1.2 lc rgb '#882255' title '4', \
     'pipe-buffers.dat' using 1:($11 > 0 ? $10 : NaN):11 with yerrorbars lw 1.5 ps 0 lc rgb '#44AA99' notitle, \
     '' using 1:10 with linespoints lw 2 pt 13 ps 1.2 lc rgb '#44AA99' title '5'
set lmargin at screen 0.4827
set rmargin at screen 0.8430
set tmargin at screen 0.8875
set bmargin at screen 0.1031
set title 'machine.cpus = 2' noenhanced
set ylabel '' noenhanced
unset arrow
unset label
set key at screen 0.8619, screen 0.8875 top left Left reverse noenhanced box opaque samplen 2.5 width 2 title 'workload.buffers'
plot 'pipe-buffers.dat' using 1:($13 > 0 ? $12 : NaN):13 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:12 with linespoints lw 2 pt 7 ps 1.2 lc rgb '#332288' title '1', \
     'pipe-buffers.dat' using 1:($15 > 0 ? $14 : NaN):15 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:14 with linespoints lw 2 pt 5 ps 1.2 lc rgb '#CC6677' title '2', \
     'pipe-buffers.dat' using 1:($17 > 0 ? $16 : NaN):17 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:16 with linespoints lw 2 pt 9 ps 1.2 lc rgb '#117733' title '3', \
     'pipe-buffers.dat' using 1:($19 > 0 ? $18 : NaN):19 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:18 with linespoints lw 2 pt 11 ps 1.2 lc rgb '#882255' title '4', \
     'pipe-buffers.dat' using 1:($21 > 0 ? $20 : NaN):21 with yerrorbars lw 1.5 ps 0 lc rgb '#44AA99' notitle, \
     '' using 1:20 with linespoints lw 2 pt 13 ps 1.2 lc rgb '#44AA99' title '5'
unset multiplot
set output
}
