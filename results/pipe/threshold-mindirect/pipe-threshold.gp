# pipe: workload.size from which loan is cheaper than copy (cpu_ns_per_byte): run 'gnuplot pipe-threshold.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'pipe-threshold.png'
set title "pipe: workload.size from which loan is cheaper than copy (cpu_ns_per_byte)" noenhanced
set xlabel "machine.cpus" noenhanced
set ylabel "workload.size (bytes) at break-even" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
plot 'pipe-threshold.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "threshold (mean, 95% CI)"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'pipe-threshold.svg'
replot
