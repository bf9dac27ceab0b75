# pipe-buffers: run 'gnuplot pipe-buffers.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'pipe-buffers.png'
set title "pipe-buffers" noenhanced
set xlabel "strategy" noenhanced
set ylabel "CPU time per byte delivered (ns/B), by category" noenhanced
set grid
set key outside right top opaque box noenhanced
set yrange [0:*]
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set xtics rotate by -30
plot 'pipe-buffers.dat' using 2:xtic(1) title "app" lc rgb '#332288', \
     'pipe-buffers.dat' using 4 title "syscall" lc rgb '#88CCEE', \
     'pipe-buffers.dat' using 6 title "copy" lc rgb '#44AA99', \
     'pipe-buffers.dat' using 8 title "cksum" lc rgb '#117733', \
     'pipe-buffers.dat' using 10 title "fault" lc rgb '#999933', \
     'pipe-buffers.dat' using 12 title "pmap" lc rgb '#DDCC77', \
     'pipe-buffers.dat' using 14 title "tlb" lc rgb '#CC6677', \
     'pipe-buffers.dat' using 16 title "alloc" lc rgb '#882255', \
     'pipe-buffers.dat' using 18 title "loan" lc rgb '#AA4499', \
     'pipe-buffers.dat' using 20 title "sched" lc rgb '#DDDDDD', \
     'pipe-buffers.dat' using 22 title "interrupt" lc rgb '#4477AA', \
     'pipe-buffers.dat' using 24 title "protocol" lc rgb '#EE6677'
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'pipe-buffers.svg'
replot
