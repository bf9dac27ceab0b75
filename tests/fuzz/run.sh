#!/bin/sh
# Fuzz loansim's input readers with libFuzzer (clang, with AddressSanitizer
# and UndefinedBehaviorSanitizer): the scenario reader, the unit parsers,
# the distribution parser and the empirical-table reader.
#
#   sh tests/fuzz/run.sh [SECONDS] [WORKDIR]
#
# SECONDS (default 60) is the whole budget, shared by the harnesses
# (60% to the scenario reader, 25% distributions, 15% units).  The
# seed corpora are scenarios/ and tests/fuzz/corpus/; what the fuzzer
# learns stays in WORKDIR (default tests/fuzz/work in the build folder),
# so a later run starts from it.  An input that crashes is kept as
# WORKDIR/crash-HARNESS-*; copy it into tests/fuzz/corpus/HARNESS/ once
# fixed, and `make check` replays it for ever.  Exit status 1 on a crash.
set -eu
secs=${1:-60}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(pwd)
work=${2:-$builddir/tests/fuzz/work}
cc=${FUZZ_CC:-clang}
harnesses="scenario units dist"

command -v "$cc" >/dev/null 2>&1 || {
	echo "fuzz: $cc not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
}
[ -f "$builddir/config.h" ] || {
	echo "fuzz: run from a configured build folder (config.h missing)" >&2
	exit 2
}
mkdir -p "$work/obj"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
    -fno-sanitize-recover=undefined -I$srcdir -I$builddir
    -DFUZZ_SRCDIR=\"$srcdir\" -DLOANSIM_DATADIR=\"$srcdir\"
    $(pkg-config --cflags glib-2.0)"
libs="$(pkg-config --libs glib-2.0) -lm"

# The library, instrumented for coverage, built once per source change.
objs=""
for src in "$srcdir"/sim/*.c "$srcdir"/models/*.c "$srcdir"/tests/fuzz/fuzz_util.c; do
	case $src in */sim/main.c) continue ;; esac
	obj="$work/obj/$(echo "$src" | sed "s|$srcdir/||; s|/|_|g; s|\.c$|.o|")"
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
		# shellcheck disable=SC2086
		$cc $flags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
	fi
	objs="$objs $obj"
done

status=0
for h in $harnesses; do
	# The scenario reader is the largest and slowest target: it gets
	# 60% of the budget, the distribution parser 25%, the units 15%.
	case $h in
	scenario) per=$((secs * 60 / 100)) ;;
	dist) per=$((secs * 25 / 100)) ;;
	*) per=$((secs * 15 / 100)) ;;
	esac
	[ "$per" -ge 1 ] || per=1
	bin="$work/fuzz_$h"
	# shellcheck disable=SC2086
	$cc $flags -fsanitize=fuzzer "$srcdir/tests/fuzz/fuzz_$h.c" $objs \
	    $libs -o "$bin"
	mkdir -p "$work/corpus-$h"
	case $h in
	scenario) seeds="$srcdir/scenarios $srcdir/scenarios/machines $srcdir/tests/fuzz/corpus/scenario" ;;
	*) seeds="$srcdir/tests/fuzz/corpus/$h" ;;
	esac
	dict=""
	[ -f "$srcdir/tests/fuzz/$h.dict" ] && dict="-dict=$srcdir/tests/fuzz/$h.dict"
	echo "fuzz: $h for $per s"
	# shellcheck disable=SC2086
	if ! LOANSIM_SRCDIR="$srcdir" "$bin" -max_total_time="$per" \
	    -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
	    -artifact_prefix="$work/crash-$h-" $dict "$work/corpus-$h" \
	    $(for s in $seeds; do [ -d "$s" ] && echo "$s"; done) \
	    >"$work/$h.log" 2>&1; then
		echo "fuzz: $h FOUND A CRASH; see $work/$h.log and $work/crash-$h-*" >&2
		tail -n 40 "$work/$h.log" >&2
		status=1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h.log")
	cov=$(grep -o 'cov: [0-9]*' "$work/$h.log" | tail -n 1)
	echo "fuzz: $h: ${runs:-?} inputs, $cov, corpus $(ls "$work/corpus-$h" | wc -l) files"
done
exit $status
