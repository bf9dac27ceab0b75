# pipe-host: run 'gnuplot pipe-host.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'pipe-host.png'
set title "pipe-host" noenhanced
set xlabel "workload.size (bytes)" noenhanced
set ylabel "CPU time per byte delivered (ns/B)" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
set logscale x 2
set label "loan never cheaper than copy here" at graph 0.02, graph 0.95 left noenhanced
plot 'pipe-host.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "copy", \
     'pipe-host.dat' using 1:4:5 with yerrorlines lw 2 pt 7 title "loan", \
     'pipe-host.dat' using 1:6:7 with yerrorlines lw 2 pt 7 title "gift"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'pipe-host.svg'
replot
