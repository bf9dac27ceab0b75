# Shared by the shell test scripts (sourced, not run): the counts of
# passed and failed cases, the helpers that keep them, a scratch folder
# removed at exit (kept when KEEP is set), and the closing line
# "N passed, N failed" with the script's exit status.
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

# expect_status NAME STATUS PATTERN CMD...: CMD's exit status is STATUS
# and its stderr matches PATTERN (its output kept in $tmp/out, $tmp/err).
expect_status() {
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ] && grep -q -- "$pat" "$tmp/err"; then
		ok "$name"
	else
		ko "$name (status $got, stderr: $(head -c 300 "$tmp/err"))"
	fi
}

# testlib_tmp NAME: a fresh folder in $tmp for the script NAME.
testlib_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/loansim-$1.XXXXXX")
	[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT INT TERM
}

# The closing line; true when nothing failed.
testlib_end() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
