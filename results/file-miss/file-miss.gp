# file-miss: run 'gnuplot file-miss.gp' in this folder to redraw.
set terminal pngcairo size 1000,640 font 'sans,11'
set output 'file-miss.png'
set title "file-miss" noenhanced
set xlabel "file.residency" noenhanced
set ylabel "CPU time per byte delivered (ns/B)" noenhanced
set grid
set key inside right bottom opaque box noenhanced
set yrange [0:*]
set arrow from 0, graph 0 to 0, graph 1 nohead dashtype 2 lw 2 lc rgb 'black'
set label "exchange cheaper than copy from about 0" at 0, graph 0.95 left offset 1,0 noenhanced
plot 'file-miss.dat' using 1:2:3 with yerrorlines lw 2 pt 7 title "copy", \
     'file-miss.dat' using 1:4:5 with yerrorlines lw 2 pt 7 title "exchange"
set terminal svg size 1000,640 dynamic font 'sans,11'
set output 'file-miss.svg'
replot
