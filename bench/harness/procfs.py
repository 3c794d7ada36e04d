"""What the OS says about a process and the machine (Linux /proc)."""

import os
import platform

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """user+sys CPU seconds of a live process, all its threads (fields 14 and 15 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds_precise(pid):
    """On-CPU seconds of the live threads, in nanoseconds resolution (first field of
    /proc/<pid>/task/*/schedstat): idle shippers use well under one 10 ms tick a second, so
    /proc/<pid>/stat is too coarse for them. Falls back to cpu_seconds without schedstats."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except FileNotFoundError:
                pass  # the thread ended meanwhile
    except FileNotFoundError:
        return cpu_seconds(pid)
    return total / 1e9


def context_switches(pid):
    """Voluntary + involuntary context switches over all threads: how often the process woke up."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass  # the thread ended meanwhile
    return total


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {model}, {mem_gib:.0f} GiB, Linux {platform.release()}"


def peak_rss_kib(pid):
    """VmHWM: the high-water mark of the process's own memory. Not ru_maxrss from wait4: Linux
    carries the forking parent's RSS (here the Python driver's) into the child's ru_maxrss
    across fork and exec, so small shippers would look as big as the driver. 0 once it exited."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0
