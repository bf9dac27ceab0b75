# pipe-buffers (mean of 5 replications, 95% intervals)
# Run 'gnuplot pipe-buffers.gp' in this folder to redraw the .png and the .svg;
# gnuplot -e "out='NAME'" draws NAME.png and NAME.svg instead.
if (!exists('out')) out = 'pipe-buffers'
do for [fmt in "png svg"] {
if (fmt eq "png") {
	set terminal pngcairo size 1840,1000 font 'sans,11' noenhanced
} else {
	set terminal svg size 1840,1000 dynamic font 'sans,11' noenhanced
}
set output out.'.'.fmt
set grid
set style textbox opaque noborder
set logscale x 10
set xrange [230046912.7:4346939450]
set xtics noenhanced ('250MB/s' 250000000, '500MB/s' 500000000, '1GB/s' 1000000000, '2GB/s' 2000000000, '4GB/s' 4000000000)
set yrange [0:14]
set xlabel 'pipe.reader_rate (bytes/s, log scale)' noenhanced
set multiplot title 'pipe-buffers (mean of 5 replications, 95% intervals)' noenhanced
set lmargin at screen 0.0489
set rmargin at screen 0.2793
set tmargin at screen 0.9120
set bmargin at screen 0.5440
set title 'machine.cpus = 1, pipe.writer_gap = pipe.reader_gap = 0ns' noenhanced
set ylabel 'CPU time per byte delivered (ns/B)' noenhanced
unset arrow
unset label
unset key
set label 'gift cheaper than exchange over the whole range' at graph 0.015, graph 0.9674 left front boxed noenhanced textcolor rgb '#555555'
plot 'pipe-buffers.dat' using 1:($3 > 0 ? $2 : NaN):3 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:2 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'exchange, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($5 > 0 ? $4 : NaN):5 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:4 with linespoints lw 2 dt 2 pt 5 ps 1.51 lc rgb '#332288' title 'gift, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($7 > 0 ? $6 : NaN):7 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:6 with linespoints lw 2 dt 1 pt 7 ps 1.43 lc rgb '#CC6677' title 'exchange, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($9 > 0 ? $8 : NaN):9 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:8 with linespoints lw 2 dt 2 pt 5 ps 1.34 lc rgb '#CC6677' title 'gift, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($11 > 0 ? $10 : NaN):11 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:10 with linespoints lw 2 dt 1 pt 7 ps 1.26 lc rgb '#117733' title 'exchange, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($13 > 0 ? $12 : NaN):13 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:12 with linespoints lw 2 dt 2 pt 5 ps 1.17 lc rgb '#117733' title 'gift, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($15 > 0 ? $14 : NaN):15 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:14 with linespoints lw 2 dt 1 pt 7 ps 1.09 lc rgb '#882255' title 'exchange, 4' noenhanced, \
     'pipe-buffers.dat' using 1:($17 > 0 ? $16 : NaN):17 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:16 with linespoints lw 2 dt 2 pt 5 ps 1.00 lc rgb '#882255' title 'gift, 4' noenhanced
set lmargin at screen 0.3261
set rmargin at screen 0.5674
set tmargin at screen 0.9120
set bmargin at screen 0.5440
set title 'machine.cpus = 1,'."\n".'pipe.writer_gap = pipe.reader_gap = exp(10us)' noenhanced
set ylabel '' noenhanced
unset arrow
unset label
unset key
set label 'gift cheaper than exchange over the whole range' at graph 0.015, graph 0.9674 left front boxed noenhanced textcolor rgb '#555555'
plot 'pipe-buffers.dat' using 1:($19 > 0 ? $18 : NaN):19 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:18 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'exchange, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($21 > 0 ? $20 : NaN):21 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:20 with linespoints lw 2 dt 2 pt 5 ps 1.51 lc rgb '#332288' title 'gift, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($23 > 0 ? $22 : NaN):23 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:22 with linespoints lw 2 dt 1 pt 7 ps 1.43 lc rgb '#CC6677' title 'exchange, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($25 > 0 ? $24 : NaN):25 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:24 with linespoints lw 2 dt 2 pt 5 ps 1.34 lc rgb '#CC6677' title 'gift, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($27 > 0 ? $26 : NaN):27 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:26 with linespoints lw 2 dt 1 pt 7 ps 1.26 lc rgb '#117733' title 'exchange, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($29 > 0 ? $28 : NaN):29 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:28 with linespoints lw 2 dt 2 pt 5 ps 1.17 lc rgb '#117733' title 'gift, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($31 > 0 ? $30 : NaN):31 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:30 with linespoints lw 2 dt 1 pt 7 ps 1.09 lc rgb '#882255' title 'exchange, 4' noenhanced, \
     'pipe-buffers.dat' using 1:($33 > 0 ? $32 : NaN):33 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:32 with linespoints lw 2 dt 2 pt 5 ps 1.00 lc rgb '#882255' title 'gift, 4' noenhanced
set lmargin at screen 0.6141
set rmargin at screen 0.8554
set tmargin at screen 0.9120
set bmargin at screen 0.5440
set title 'machine.cpus = 1,'."\n".'pipe.writer_gap = pipe.reader_gap = exp(30us)' noenhanced
set ylabel '' noenhanced
unset arrow
unset label
unset key
set label 'gift cheaper than exchange over the whole range' at graph 0.015, graph 0.9674 left front boxed noenhanced textcolor rgb '#555555'
plot 'pipe-buffers.dat' using 1:($35 > 0 ? $34 : NaN):35 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:34 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'exchange, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($37 > 0 ? $36 : NaN):37 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:36 with linespoints lw 2 dt 2 pt 5 ps 1.51 lc rgb '#332288' title 'gift, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($39 > 0 ? $38 : NaN):39 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:38 with linespoints lw 2 dt 1 pt 7 ps 1.43 lc rgb '#CC6677' title 'exchange, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($41 > 0 ? $40 : NaN):41 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:40 with linespoints lw 2 dt 2 pt 5 ps 1.34 lc rgb '#CC6677' title 'gift, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($43 > 0 ? $42 : NaN):43 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:42 with linespoints lw 2 dt 1 pt 7 ps 1.26 lc rgb '#117733' title 'exchange, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($45 > 0 ? $44 : NaN):45 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:44 with linespoints lw 2 dt 2 pt 5 ps 1.17 lc rgb '#117733' title 'gift, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($47 > 0 ? $46 : NaN):47 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:46 with linespoints lw 2 dt 1 pt 7 ps 1.09 lc rgb '#882255' title 'exchange, 4' noenhanced, \
     'pipe-buffers.dat' using 1:($49 > 0 ? $48 : NaN):49 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:48 with linespoints lw 2 dt 2 pt 5 ps 1.00 lc rgb '#882255' title 'gift, 4' noenhanced
set lmargin at screen 0.0489
set rmargin at screen 0.2793
set tmargin at screen 0.4340
set bmargin at screen 0.0660
set title 'machine.cpus = 2, pipe.writer_gap = pipe.reader_gap = 0ns' noenhanced
set ylabel 'CPU time per byte delivered (ns/B)' noenhanced
unset arrow
unset label
unset key
set label 'gift cheaper than exchange over the whole range' at graph 0.015, graph 0.9674 left front boxed noenhanced textcolor rgb '#555555'
plot 'pipe-buffers.dat' using 1:($51 > 0 ? $50 : NaN):51 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:50 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'exchange, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($53 > 0 ? $52 : NaN):53 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:52 with linespoints lw 2 dt 2 pt 5 ps 1.51 lc rgb '#332288' title 'gift, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($55 > 0 ? $54 : NaN):55 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:54 with linespoints lw 2 dt 1 pt 7 ps 1.43 lc rgb '#CC6677' title 'exchange, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($57 > 0 ? $56 : NaN):57 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:56 with linespoints lw 2 dt 2 pt 5 ps 1.34 lc rgb '#CC6677' title 'gift, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($59 > 0 ? $58 : NaN):59 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:58 with linespoints lw 2 dt 1 pt 7 ps 1.26 lc rgb '#117733' title 'exchange, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($61 > 0 ? $60 : NaN):61 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:60 with linespoints lw 2 dt 2 pt 5 ps 1.17 lc rgb '#117733' title 'gift, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($63 > 0 ? $62 : NaN):63 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:62 with linespoints lw 2 dt 1 pt 7 ps 1.09 lc rgb '#882255' title 'exchange, 4' noenhanced, \
     'pipe-buffers.dat' using 1:($65 > 0 ? $64 : NaN):65 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:64 with linespoints lw 2 dt 2 pt 5 ps 1.00 lc rgb '#882255' title 'gift, 4' noenhanced
set lmargin at screen 0.3261
set rmargin at screen 0.5674
set tmargin at screen 0.4340
set bmargin at screen 0.0660
set title 'machine.cpus = 2,'."\n".'pipe.writer_gap = pipe.reader_gap = exp(10us)' noenhanced
set ylabel '' noenhanced
unset arrow
unset label
unset key
set label 'gift cheaper than exchange over the whole range' at graph 0.015, graph 0.9674 left front boxed noenhanced textcolor rgb '#555555'
plot 'pipe-buffers.dat' using 1:($67 > 0 ? $66 : NaN):67 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:66 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'exchange, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($69 > 0 ? $68 : NaN):69 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:68 with linespoints lw 2 dt 2 pt 5 ps 1.51 lc rgb '#332288' title 'gift, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($71 > 0 ? $70 : NaN):71 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:70 with linespoints lw 2 dt 1 pt 7 ps 1.43 lc rgb '#CC6677' title 'exchange, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($73 > 0 ? $72 : NaN):73 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:72 with linespoints lw 2 dt 2 pt 5 ps 1.34 lc rgb '#CC6677' title 'gift, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($75 > 0 ? $74 : NaN):75 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:74 with linespoints lw 2 dt 1 pt 7 ps 1.26 lc rgb '#117733' title 'exchange, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($77 > 0 ? $76 : NaN):77 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:76 with linespoints lw 2 dt 2 pt 5 ps 1.17 lc rgb '#117733' title 'gift, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($79 > 0 ? $78 : NaN):79 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:78 with linespoints lw 2 dt 1 pt 7 ps 1.09 lc rgb '#882255' title 'exchange, 4' noenhanced, \
     'pipe-buffers.dat' using 1:($81 > 0 ? $80 : NaN):81 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:80 with linespoints lw 2 dt 2 pt 5 ps 1.00 lc rgb '#882255' title 'gift, 4' noenhanced
set lmargin at screen 0.6141
set rmargin at screen 0.8554
set tmargin at screen 0.4340
set bmargin at screen 0.0660
set title 'machine.cpus = 2,'."\n".'pipe.writer_gap = pipe.reader_gap = exp(30us)' noenhanced
set ylabel '' noenhanced
unset arrow
unset label
set key at screen 0.8685, screen 0.9120 top left Left reverse noenhanced box opaque samplen 2.5 width 9 title 'strategy, workload.buffers' noenhanced
set label 'gift cheaper than exchange over the whole range' at graph 0.015, graph 0.9674 left front boxed noenhanced textcolor rgb '#555555'
plot 'pipe-buffers.dat' using 1:($83 > 0 ? $82 : NaN):83 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:82 with linespoints lw 2 dt 1 pt 7 ps 1.60 lc rgb '#332288' title 'exchange, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($85 > 0 ? $84 : NaN):85 with yerrorbars lw 1.5 ps 0 lc rgb '#332288' notitle, \
     '' using 1:84 with linespoints lw 2 dt 2 pt 5 ps 1.51 lc rgb '#332288' title 'gift, 1' noenhanced, \
     'pipe-buffers.dat' using 1:($87 > 0 ? $86 : NaN):87 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:86 with linespoints lw 2 dt 1 pt 7 ps 1.43 lc rgb '#CC6677' title 'exchange, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($89 > 0 ? $88 : NaN):89 with yerrorbars lw 1.5 ps 0 lc rgb '#CC6677' notitle, \
     '' using 1:88 with linespoints lw 2 dt 2 pt 5 ps 1.34 lc rgb '#CC6677' title 'gift, 2' noenhanced, \
     'pipe-buffers.dat' using 1:($91 > 0 ? $90 : NaN):91 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:90 with linespoints lw 2 dt 1 pt 7 ps 1.26 lc rgb '#117733' title 'exchange, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($93 > 0 ? $92 : NaN):93 with yerrorbars lw 1.5 ps 0 lc rgb '#117733' notitle, \
     '' using 1:92 with linespoints lw 2 dt 2 pt 5 ps 1.17 lc rgb '#117733' title 'gift, 3' noenhanced, \
     'pipe-buffers.dat' using 1:($95 > 0 ? $94 : NaN):95 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:94 with linespoints lw 2 dt 1 pt 7 ps 1.09 lc rgb '#882255' title 'exchange, 4' noenhanced, \
     'pipe-buffers.dat' using 1:($97 > 0 ? $96 : NaN):97 with yerrorbars lw 1.5 ps 0 lc rgb '#882255' notitle, \
     '' using 1:96 with linespoints lw 2 dt 2 pt 5 ps 1.00 lc rgb '#882255' title 'gift, 4' noenhanced
unset multiplot
set output
}
