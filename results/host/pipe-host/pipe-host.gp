# pipe-host (mean of 3 replications, 95% intervals)
# Run 'gnuplot pipe-host.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'pipe-host'
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
set xrange [407.3146797:1318074.056]
set xtics noenhanced ('512B' 512, '1KiB' 1024, '2KiB' 2048, '4KiB' 4096, '8KiB' 8192, '16KiB' 16384, '32KiB' 32768, '64KiB' 65536, '128KiB' 131072, '256KiB' 262144, '512KiB' 524288, '1MiB' 1048576)
set yrange [0:10]
set xlabel 'workload.size (bytes, log scale)' noenhanced
set title 'pipe-host (mean of 3 replications, 95% intervals)' noenhanced
set lmargin at screen 0.0900
set rmargin at screen 0.8630
set tmargin at screen 0.9313
set bmargin at screen 0.1031
set ylabel 'CPU time per byte delivered (ns/B)' noenhanced
unset arrow
unset label
set key at screen 0.8870, screen 0.9313 top left Left reverse noenhanced box opaque samplen 2.5 width 2
set arrow from 1457.595449, graph 0 to 1457.595449, graph 1 nohead dashtype 2 lw 2 lc rgb '#117733' back
set arrow from 62408.62623, graph 0 to 62408.62623, graph 1 nohead dashtype 2 lw 2 lc rgb '#117733' back
set label 'loan cheaper than copy nowhere in this range' at graph 0.015, graph 0.9774 left front boxed noenhanced textcolor rgb '#CC6677'
set label 'gift cheaper than copy from about 1.42KiB (between 1KiB and 2KiB) to about 60.9KiB (between' at graph 0.015, graph 0.9396 left front boxed noenhanced textcolor rgb '#117733'
set label '32KiB and 64KiB)' at graph 0.035, graph 0.9019 left front boxed noenhanced textcolor rgb '#117733'
plot 'pipe-host.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'copy' noenhanced, \
     'pipe-host.dat' using 1:($5 > 0 ? $4 : NaN):5 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:4 with linespoints lw 2 dt 1 pt 5 ps 1.30 lc rgb '#CC6677' title 'loan' noenhanced, \
     'pipe-host.dat' using 1:($7 > 0 ? $6 : NaN):7 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:6 with linespoints lw 2 dt 1 pt 9 ps 1.00 lc rgb '#117733' title 'gift' noenhanced
set output
}
