# recv-standard: workload.size from which flip is cheaper than copy (cpu_ns_per_byte): run 'gnuplot recv-standard-threshold.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'recv-standard-threshold.png'
set title "recv-standard: workload.size from which flip is cheaper than copy (cpu_ns_per_byte)" noenhanced
set xlabel "workload.offset (bytes)" noenhanced
set ylabel "workload.size (bytes) at break-even" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
plot 'recv-standard-threshold.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "threshold (mean, 95% CI)"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'recv-standard-threshold.svg'
replot
