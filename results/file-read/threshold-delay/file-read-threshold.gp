# file-read: workload.write_fraction from which copy is cheaper than exchange (cpu_ns_per_byte): run 'gnuplot file-read-threshold.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'file-read-threshold.png'
set title "file-read: workload.write_fraction from which copy is cheaper than exchange (cpu_ns_per_byte)" noenhanced
set xlabel "workload.write_delay (mean, ns)" noenhanced
set ylabel "workload.write_fraction at break-even" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
plot 'file-read-threshold.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "threshold (mean, 95% CI)"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'file-read-threshold.svg'
replot
