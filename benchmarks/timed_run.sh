# Sourced by the run_*_bench.sh scripts (POSIX sh). Prints the TSV header, and defines
#   timed LABEL BUILD CMD...
# which runs CMD (output discarded) under /usr/bin/time and prints one line:
# label, build, wall s, user s, sys s, peak KiB, the 1-min load before the run.
# Needs OUT (a directory for the time file).
printf 'case\tbuild\twall_s\tuser_s\tsys_s\tpeak_kb\tload1\n'
timed() {
    label=$1 build=$2
    shift 2
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -o "$OUT/time" -f '%e\t%U\t%S\t%M' "$@" >/dev/null 2>&1
    printf '%s\t%s\t%s\t%s\n' "$label" "$build" "$(tail -1 "$OUT/time")" "$load"
}
