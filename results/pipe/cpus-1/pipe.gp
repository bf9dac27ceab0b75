# pipe: run 'gnuplot pipe.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'pipe.png'
set title "pipe" noenhanced
set xlabel "workload.size (bytes)" noenhanced
set ylabel "CPU time per byte delivered (ns/B)" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
set logscale x 2
set arrow from 13751.14479, graph 0 to 13751.14479, graph 1 nohead dashtype 2 lw 2 lc rgb 'black'
set label "loan cheaper than copy from about 13751" at 13751.14479, graph 0.95 left offset 1,0 noenhanced
plot 'pipe.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "copy", \
     'pipe.dat' using 1:4:5 with yerrorlines lw 2 pt 7 title "loan", \
     'pipe.dat' using 1:6:7 with yerrorlines lw 2 pt 7 title "exchange", \
     'pipe.dat' using 1:8:9 with yerrorlines lw 2 pt 7 title "gift"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'pipe.svg'
replot
