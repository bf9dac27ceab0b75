# stdio-write: run 'gnuplot stdio-write.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'stdio-write.png'
set title "stdio-write" noenhanced
set xlabel "workload.size (bytes)" noenhanced
set ylabel "CPU time per byte delivered (ns/B)" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
set logscale x 2
set arrow from 4096, graph 0 to 4096, graph 1 nohead dashtype 2 lw 2 lc rgb 'black'
set label "donate cheaper than copy from about 4096" at 4096, graph 0.95 left offset 1,0 noenhanced
plot 'stdio-write.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "copy", \
     'stdio-write.dat' using 1:4:5 with yerrorlines lw 2 pt 7 title "donate"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'stdio-write.svg'
replot
