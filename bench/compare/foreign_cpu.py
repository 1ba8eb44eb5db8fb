"""Was the machine shared while a benchmark ran? The rule of bench/compare/lib/foreign_cpu.sh, for Python.

A run is disturbed when other processes took CPU while it ran. The load average cannot tell (a 2-thread run on 2
cores raises it to 2 by itself), so count the machine's busy CPU time (/proc/stat) and subtract this process's
own and its waited-for children's (os.times); what is left belongs to others. Disturbed: others used more than 5%
of the machine's capacity over the run's wall time.

    watch = ForeignCpu()
    ... the run ...
    watch.stop()
    watch.disturbed, watch.sentence()
"""
import os
import time

THRESHOLD_PERCENT = 5.0


def busy_cpu_seconds():
    with open("/proc/stat") as stat:
        fields = stat.readline().split()  # cpu user nice system idle iowait irq softirq steal ...
    ticks = sum(int(fields[i]) for i in (1, 2, 3, 6, 7, 8))
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class ForeignCpu:
    def __init__(self):
        self.busy_start, self.own_start, self.wall_start = busy_cpu_seconds(), own_cpu_seconds(), time.monotonic()
        self.seconds = self.percent = None

    def stop(self):
        foreign = (busy_cpu_seconds() - self.busy_start) - (own_cpu_seconds() - self.own_start)
        wall = max(time.monotonic() - self.wall_start, 1e-9)
        self.seconds = max(foreign, 0.0)
        self.percent = 100.0 * self.seconds / (wall * os.cpu_count())
        return self

    @property
    def disturbed(self):
        return self.percent is not None and self.percent > THRESHOLD_PERCENT

    def sentence(self):
        return (f"CPU used by other processes during the run: {self.seconds:.1f} s, {self.percent:.1f}% of the machine "
                f"(a run is marked disturbed above {THRESHOLD_PERCENT:.0f}%)")
