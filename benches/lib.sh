# Shared by the benchmark scripts (sourced): reading GNU time's -v output, medians.
secs() { awk -F': ' '/Elapsed/ {split($2,t,":"); print (length(t)==3 ? t[1]*3600+t[2]*60+t[3] : t[1]*60+t[2])}' "$1"; }
mib() { awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
