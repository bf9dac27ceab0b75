# sosend-rewrite: workload.size from which loan is cheaper than copy (cpu_ns_per_byte): run 'gnuplot sosend-rewrite-threshold.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'sosend-rewrite-threshold.png'
set title "sosend-rewrite: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)" noenhanced
set xlabel "workload.rewrite_delay (mean, ns)" noenhanced
set ylabel "workload.size (bytes) at break-even" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
set logscale x 10
set format x "%g"
plot 'sosend-rewrite-threshold.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "threshold (mean, 95% CI)"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'sosend-rewrite-threshold.svg'
replot
