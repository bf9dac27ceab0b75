# stdio-write: workload.size from which donate is cheaper than copy (cpu_ns_per_byte): run 'gnuplot stdio-write-threshold.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'stdio-write-threshold.png'
set title "stdio-write: workload.size from which donate is cheaper than copy (cpu_ns_per_byte)" noenhanced
set xlabel "workload.replacement" noenhanced
set ylabel "workload.size (bytes) at break-even" noenhanced
set grid
set key outside right top opaque box noenhanced
set yrange [0:*]
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set xtics rotate by -30
plot 'stdio-write-threshold.dat' using 2:xtic(1) title "threshold (mean, 95% CI)" lc rgb '#332288'
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'stdio-write-threshold.svg'
replot
