set terminal pngcairo size 1100,910 font "DejaVu Sans,10"
set output 'bench/results/issue16-r5/timeline.png'
set multiplot layout 5,1 title "Independent writer through each setup's mount (write+fsync every 50 ms): green ok, red failed, orange blocked > 1 s; t = 0 at the fault" font ",11"
set ytics ("ha-mount" 4, "plain" 3, "cron" 2, "keepalived" 1)
set yrange [0.4:4.6]
set xlabel "seconds from the fault"
set grid xtics
set style fill solid 1.0 noborder
set lmargin 12
unset key
set title "FUSE daemon killed (trial 1)"
unset arrow
set arrow from 0, graph 0 to 0, graph 1 nohead front lc rgb "black" lw 1.5 dt 2
plot 'bench/results/issue16-r5/plot/timeline-kill-daemon.dat' using (($1+$2)/2):3:(($2-$1)/2):(0.3):4 with boxxyerror lc rgb variable
set title "VIP holder crashed (trial 1)"
unset arrow
set arrow from 0, graph 0 to 0, graph 1 nohead front lc rgb "black" lw 1.5 dt 2
plot 'bench/results/issue16-r5/plot/timeline-vip-crash.dat' using (($1+$2)/2):3:(($2-$1)/2):(0.3):4 with boxxyerror lc rgb variable
set title "VIP holder partitioned (trial 1)"
unset arrow
set arrow from 0, graph 0 to 0, graph 1 nohead front lc rgb "black" lw 1.5 dt 2
plot 'bench/results/issue16-r5/plot/timeline-vip-partition.dat' using (($1+$2)/2):3:(($2-$1)/2):(0.3):4 with boxxyerror lc rgb variable
set title "MooseFS master crash with standby takeover (trial 1); blue: takeover done"
unset arrow
set arrow from 0, graph 0 to 0, graph 1 nohead front lc rgb "black" lw 1.5 dt 2
set arrow from 5.42, graph 0 to 5.42, graph 1 nohead front lc rgb "blue" lw 3 dt 2
plot 'bench/results/issue16-r5/plot/timeline-moosefs-failover.dat' using (($1+$2)/2):3:(($2-$1)/2):(0.3):4 with boxxyerror lc rgb variable
set title "every server down 30 s then back (trial 1); blue: servers restarted"
unset arrow
set arrow from 0, graph 0 to 0, graph 1 nohead front lc rgb "black" lw 1.5 dt 2
set arrow from 30.00, graph 0 to 30.00, graph 1 nohead front lc rgb "blue" lw 3 dt 2
plot 'bench/results/issue16-r5/plot/timeline-all-down.dat' using (($1+$2)/2):3:(($2-$1)/2):(0.3):4 with boxxyerror lc rgb variable
unset multiplot
