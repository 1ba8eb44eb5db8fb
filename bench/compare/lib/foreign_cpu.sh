# Was the machine shared while a benchmark ran? Sourced by the bench/compare shell scripts.
#
# A run is disturbed when other processes took CPU while it ran. The load average cannot tell: a 2-thread run on
# 2 cores raises it to 2 by itself. So count the machine's busy CPU time (/proc/stat) and subtract the run's own
# (the calling shell's and its children's, from `times`); what is left belongs to others. A run is marked
# disturbed when others used more than 5% of the machine's capacity over its wall time. Python scripts use
# foreign_cpu.py, which applies the same rule.
#
#   foreign_cpu_start DIR   # DIR keeps the `times` snapshots
#   ... the run ...
#   foreign_cpu_stop DIR    # sets foreign_seconds, foreign_percent, disturbed (0/1), foreign_cpu_sentence

_foreign_busy_seconds() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }
_foreign_own_seconds() { awk '{ for (i = 1; i <= NF; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } } END { print s }' "$1"; }

# `times` must run in the calling shell, not in a $(...) subshell, which would report the subshell's children:
# these are functions (run in the caller's shell), and they write the snapshot to a file.
foreign_cpu_start() {
  mkdir -p "$1"
  times > "$1/times.start"
  _foreign_busy_start=$(_foreign_busy_seconds)
  _foreign_own_start=$(_foreign_own_seconds "$1/times.start")
  _foreign_wall_start=$(date +%s.%N)
}

foreign_cpu_stop() {
  times > "$1/times.end"
  local busy_end own_end wall_end result
  busy_end=$(_foreign_busy_seconds)
  own_end=$(_foreign_own_seconds "$1/times.end")
  wall_end=$(date +%s.%N)
  result=$(awk -v b0="$_foreign_busy_start" -v b1="$busy_end" -v o0="$_foreign_own_start" -v o1="$own_end" \
    -v t0="$_foreign_wall_start" -v t1="$wall_end" -v n="$(nproc)" \
    'BEGIN { f = (b1 - b0) - (o1 - o0); if (f < 0) f = 0; t = t1 - t0; if (t <= 0) t = 1
             printf "%.1f %.1f %d", f, 100 * f / (t * n), (100 * f / (t * n) > 5) ? 1 : 0 }')
  read -r foreign_seconds foreign_percent disturbed <<< "$result"
  foreign_cpu_sentence="CPU used by other processes during the run: $foreign_seconds s, $foreign_percent% of the machine (a run is marked disturbed above 5%)"
}
