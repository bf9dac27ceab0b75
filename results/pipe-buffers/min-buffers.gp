# min-buffers: run 'gnuplot min-buffers.gp' in this folder to redraw.
# Page exchange on a pipe (scenarios/pipe-buffers.ini, 2002 machine):
# the fewest buffers the writer must rotate among for no loan to break,
# against the reader's speed, one panel per CPU count, one line per think
# time (lines drawn 0.05 apart where they would coincide).
set terminal pngcairo size 1100,560 font 'sans,11'
set output 'min-buffers.png'
set style line 1 lw 2 dt 1 pt 7 lc rgb '#1f77b4'
set style line 2 lw 2 dt 2 pt 5 lc rgb '#d62728'
set style line 3 lw 2 dt 3 pt 9 lc rgb '#2ca02c'
set logscale x 2
set xrange [0.2:5]
set yrange [0.5:4.5]
set ytics 1
set grid
set xlabel "reader speed / writer speed (reader_rate / 1 GB/s)" noenhanced
set ylabel "fewest buffers with no loan break (count)" noenhanced
set key bottom left box noenhanced title "think time after each message"
set multiplot layout 1,2 title "pipe, page exchange of 64 KiB messages, writer at 1 GB/s: fewest writer buffers with no loan break" noenhanced
set title "1 CPU" noenhanced
plot 'min-buffers.dat' index 0 using 1:($2 - 0.05) with linespoints ls 1 title "none", \
     '' index 1 using 1:2 with linespoints ls 2 title "exp(10 us)", \
     '' index 2 using 1:($2 + 0.05) with linespoints ls 3 title "exp(30 us)"
set title "2 CPUs" noenhanced
plot 'min-buffers.dat' index 3 using 1:($2 - 0.05) with linespoints ls 1 title "none", \
     '' index 4 using 1:2 with linespoints ls 2 title "exp(10 us)", \
     '' index 5 using 1:($2 + 0.05) with linespoints ls 3 title "exp(30 us)"
unset multiplot
set terminal svg size 1100,560 dynamic font 'sans,11'
set output 'min-buffers.svg'
set multiplot layout 1,2 title "pipe, page exchange of 64 KiB messages, writer at 1 GB/s: fewest writer buffers with no loan break" noenhanced
set title "1 CPU" noenhanced
plot 'min-buffers.dat' index 0 using 1:($2 - 0.05) with linespoints ls 1 title "none", \
     '' index 1 using 1:2 with linespoints ls 2 title "exp(10 us)", \
     '' index 2 using 1:($2 + 0.05) with linespoints ls 3 title "exp(30 us)"
set title "2 CPUs" noenhanced
plot 'min-buffers.dat' index 3 using 1:($2 - 0.05) with linespoints ls 1 title "none", \
     '' index 4 using 1:2 with linespoints ls 2 title "exp(10 us)", \
     '' index 5 using 1:($2 + 0.05) with linespoints ls 3 title "exp(30 us)"
unset multiplot
