set terminal pngcairo size 1100,230 font "DejaVu Sans,10"
set output 'bench/results/partition/timeline.png'
set multiplot layout 1,1 title "Independent writer through each setup's mount (write+fsync every 50 ms): green ok, red failed, orange blocked > 1 s; t = 0 at the fault" font ",11"
set ytics ("ha-mount" 4, "plain" 3, "cron" 2, "keepalived" 1)
set yrange [0.4:4.6]
set xlabel "seconds from the fault"
set grid xtics
set style fill solid 1.0 noborder
set lmargin 12
unset key
set title "VIP holder partitioned (trial 11)"
unset arrow
set arrow from 0, graph 0 to 0, graph 1 nohead front lc rgb "black" lw 1.5 dt 2
plot 'bench/results/partition/plot/timeline-vip-partition.dat' using (($1+$2)/2):3:(($2-$1)/2):(0.3):4 with boxxyerror lc rgb variable
unset multiplot
