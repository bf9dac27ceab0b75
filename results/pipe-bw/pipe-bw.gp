# pipe-bw: run 'gnuplot pipe-bw.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'pipe-bw.png'
set title "pipe-bw" noenhanced
set xlabel "workload.size (bytes)" noenhanced
set ylabel "CPU time per byte delivered (ns/B)" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
set logscale x 2
set arrow from 8192, graph 0 to 8192, graph 1 nohead dashtype 2 lw 2 lc rgb 'black'
set label "loan cheaper than copy from about 8192" at 8192, graph 0.95 left offset 1,0 noenhanced
plot 'pipe-bw.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "copy", \
     'pipe-bw.dat' using 1:4:5 with yerrorlines lw 2 pt 7 title "loan"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'pipe-bw.svg'
replot
