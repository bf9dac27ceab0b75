#!/bin/sh
# loansim calibrate: --quick writes a profile that has every [machine] key
# of the registry and that a scenario includes as it is; a probe made to
# fail (LOANSIM_CALIBRATE_FAIL) leaves the base's value and says so; bad
# options are exit 2.  No timing is checked.  Ends with "N passed, N
# failed".
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
loansim="$top_builddir/loansim"
base="$top_srcdir/scenarios/machines/x86-64-current.ini"
. "$top_srcdir/tests/testlib.sh"
testlib_tmp calibrate
export LOANSIM_GNUPLOT=
unset LOANSIM_CALIBRATE_FAIL

# The [machine] keys of the registry, from 'loansim params'.
"$loansim" params | awk '/^\[/ { g = $0; next }
    g == "[machine]" && /^  [a-z_]/ { print $1 }' > "$tmp/keys"
check "the registry has machine keys" "[ \$(wc -l < '$tmp/keys') -ge 30 ]"

"$loansim" calibrate --quick --base "$base" -o "$tmp/m.ini" \
    > "$tmp/cal.out" 2> "$tmp/cal.err"
check "calibrate --quick succeeds" "[ $? -eq 0 ]"
check "it says where it wrote" \
    "grep -q '^profile: $tmp/m.ini ' '$tmp/cal.out'"
check "it lists what it did not measure" \
    "grep -q '^  link_bw  *no probe measures it' '$tmp/cal.out'"
missing=""
while read -r k; do
	grep -q "^$k=" "$tmp/m.ini" || missing="$missing $k"
done < "$tmp/keys"
check "the profile has every [machine] key (missing:$missing)" \
    "[ -z '$missing' ]"
# The comment above a key: its first line.
above() {	# file key
	awk -v k="$2" '/^\[machine\]/ { on = 1; next }
	    on && /^#/ { if (!c) first = $0; c = 1; next }
	    on && index($0, k "=") == 1 { print first; exit }
	    { c = 0 }' "$1"
}
bad=""
while read -r k; do
	above "$tmp/m.ini" "$k" |
	    grep -q '^# \(MEASURED\|DERIVED\|NOT MEASURED\|This host\|Where the\)' ||
	    bad="$bad $k"
done < "$tmp/keys"
check "every key says how it was found (not:$bad)" "[ -z '$bad' ]"
check "the shootdown's slope per page is in the header" \
    "grep -q '^#   TLB shootdown, target, per round and further page  *[0-9n]' '$tmp/m.ini'"
# tlb_local from the target's slope, or (no second CPU, a loaded
# machine) the one-thread slope split, saying why.
check "tlb_local says where it comes from" \
    "above '$tmp/m.ini' tlb_local | grep -q '^# \\(MEASURED: TLB shootdown, target, per round and further page\\|DERIVED: the mprotect(PROT_READ), per further page\\)'"
check "no difference of timings is shown below 0" \
    "! grep -E '^#   (munmap|mprotect|TLB shootdown).*(IQR|range) -' '$tmp/m.ini'"
check "no temporary file is left beside it" \
    "[ \$(ls '$tmp' | grep -c '^m\.ini.') -eq 0 ]"

cat > "$tmp/s.ini" <<EOS
[scenario]
name = host-check
replications = 1
[machine]
include = m.ini
[workload]
kind = file-read
size = 8KiB
messages = 50
[compare]
strategies = copy, exchange
EOS
"$loansim" run "$tmp/s.ini" -q --no-plot -o "$tmp/run" 2> "$tmp/run.err"
check "a scenario including the profile runs" \
    "[ $? -eq 0 ] && [ \$(wc -l < '$tmp/run/host-check.csv') -eq 3 ]"

# A probe that fails: the base's value, and why.
want=$(sed -n 's/^tlb_shootdown=//p' "$base")
LOANSIM_CALIBRATE_FAIL=shootdown,first-touch "$loansim" calibrate --quick \
    --base "$base" -o "$tmp/f.ini" > "$tmp/f.out" 2>&1
check "calibrate with failing probes succeeds" "[ $? -eq 0 ]"
check "a failed shootdown probe leaves the base's tlb_shootdown ($want)" \
    "grep -q '^tlb_shootdown=$want\$' '$tmp/f.ini'"
check "and the profile says why" \
    "above '$tmp/f.ini' tlb_shootdown | grep -q '^# NOT MEASURED (no figure for the TLB shootdown, initiator, per round: simulated failure'"
check "and so does stdout" \
    "grep -q '^  tlb_shootdown .*simulated failure' '$tmp/f.out'"
check "without the shootdown, tlb_local is the mprotect slope split" \
    "above '$tmp/f.ini' tlb_local | grep -q '^# DERIVED: the mprotect(PROT_READ), per further page'"
check "and the slope's probe says why" \
    "grep -q '^#   TLB shootdown, target, per round and further page  *not measured (simulated failure' '$tmp/f.ini'"
check "a failed first-touch probe leaves the base's fault_trap" \
    "grep -q \"^fault_trap=\$(sed -n 's/^fault_trap=//p' '$base')\$\" '$tmp/f.ini'"

expect_status "--trials 0 is exit 2" 2 "expected 1 to 1000" \
    "$loansim" calibrate --trials 0 -o "$tmp/x.ini"
expect_status "--trials abc is exit 2" 2 "trials" \
    "$loansim" calibrate --trials abc -o "$tmp/x.ini"
expect_status "an unknown option is exit 2" 2 "Unknown option" \
    "$loansim" calibrate --frobnicate
expect_status "an extra argument is exit 2" 2 "unexpected argument" \
    "$loansim" calibrate extra
expect_status "a missing base is exit 2" 2 "cannot read" \
    "$loansim" calibrate --quick --base "$tmp/none.ini" -o "$tmp/x.ini"
expect_status "a missing output folder is exit 2" 2 "no folder" \
    "$loansim" calibrate --quick -o "$tmp/no/such/x.ini"
check "nothing was written for bad options" "[ ! -e '$tmp/x.ini' ]"
check "calibrate --help" \
    "\"$loansim\" calibrate --help | grep -q 'NOT MEASURED'"

testlib_end
