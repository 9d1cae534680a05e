# harness.sh — sourced by the scripts that run things in the sandbox (test-host.sh, e2e.sh, with-sandbox.sh):
# the one lock that serializes them in a checkout, timed phases, and the power-down at the end. Expects $state (the
# sandbox's state folder), $label (the name its messages start with) and $sandbox (sandbox.sh).

# tells sandbox.sh that its down/destroy come from the run holding test-host.lock (see wait_for_harness there)
export QUADLETMAN_SANDBOX_HARNESS=1

# take_sandbox_lock: hold $state/test-host.lock on descriptor 8 for the rest of the run, waiting up to 30 min
# for another run (it would power the sandbox down under this one). Children must not inherit descriptor 8
# (a booted nspawn would hold the lock forever): run them with `8>&-`, as `phase` does.
take_sandbox_lock() {
  mkdir -p "$state/logs"
  exec 8>"$state/test-host.lock"
  if ! flock -n 8; then
    echo "$label: another sandbox run holds $state/test-host.lock; waiting for it (up to 30 min)" >&2
    flock -w 1800 8 || {
      echo "$label: gave up waiting for $state/test-host.lock" >&2
      exit 1
    }
  fi
}

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
t_all=$(now_ms)
report=()

# phase NAME CMD...: run a phase, remember its duration and result
phase() {
  local name=$1 t0 rc
  shift
  echo "=== $label: $name" >&2
  t0=$(now_ms)
  "$@" 8>&-
  rc=$?
  local ms=$(($(now_ms) - t0))
  report+=("$(printf '%-8s %6d.%01ds  exit %d' "$name" $((ms / 1000)) $((ms % 1000 / 100)) "$rc")")
  return "$rc"
}

# print_timings RC: the phases' durations and the total, also appended to the sandbox's timings log
print_timings() {
  local rc=$1 ms=$(($(now_ms) - t_all))
  {
    echo "=== $label: timings"
    printf '  %s\n' "${report[@]}"
    printf '  %-8s %6d.%01ds  exit %d\n' total $((ms / 1000)) $((ms % 1000 / 100)) "$rc"
  } | tee -a "$state/logs/timings.txt" >&2
}

# power_down_on_exit [CMD...]: however the run ends (a signal exits with 128+N), run CMD first when given, then
# power the sandbox down (unless QUADLETMAN_SANDBOX_KEEP=1) and print the timings; the run's exit code is kept
power_down_on_exit() {
  before_down=("$@")
  trap _harness_finish EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

_harness_finish() {
  local rc=$?
  trap - EXIT INT TERM
  if [ ${#before_down[@]} -gt 0 ]; then "${before_down[@]}" || true; fi
  if [ "${QUADLETMAN_SANDBOX_KEEP:-0}" = 1 ]; then
    echo "=== $label: QUADLETMAN_SANDBOX_KEEP=1: the sandbox stays up (scripts/sandbox/sandbox.sh down)" >&2
  else
    phase down "$sandbox" down || true
  fi
  print_timings "$rc"
  exit "$rc"
}
