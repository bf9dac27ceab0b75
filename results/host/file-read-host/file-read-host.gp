# file-read-host: run 'gnuplot file-read-host.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'file-read-host.png'
set title "file-read-host" noenhanced
set xlabel "workload.size (bytes)" noenhanced
set ylabel "CPU time per byte delivered (ns/B)" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
set logscale x 2
set label "exchange never cheaper than copy here" at graph 0.02, graph 0.95 left noenhanced
plot 'file-read-host.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "copy", \
     'file-read-host.dat' using 1:4:5 with yerrorlines lw 2 pt 7 title "exchange"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'file-read-host.svg'
replot
