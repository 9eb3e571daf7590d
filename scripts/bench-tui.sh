#!/bin/sh
# Measures the wizard as a process in a real terminal (tmux): time from
# launch to the first frame, CPU while idle, CPU per keystroke, and memory.
# The in-process numbers (update+draw time, bytes per frame) come from
# `cargo bench --bench tui`.
#
# Usage: scripts/bench-tui.sh [path/to/ddecs-wizard]   (default: release build)
set -eu

bin=${1:-target/release/ddecs-wizard}
[ -x "$bin" ] || { echo "bench-tui: $bin not found; run cargo build --release" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
command -v tmux >/dev/null || { echo "bench-tui: tmux is needed (apt-get install -y tmux)" >&2; exit 2; }

dir=$(mktemp -d)
sock=$dir/tmux0.sock
t() { tmux -S "$sock" "$@"; }
cleanup() {
	for s in "$dir"/tmux*.sock; do tmux -S "$s" kill-server 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
clk=$(getconf CLK_TCK)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_for() {
	until t capture-pane -p | grep -qF -- "$1"; do sleep 0.002; done
}
# The wizard's pid: the pane's process, or its child if a shell is between.
wizard_pid() {
	pane=$(t display -p '#{pane_pid}')
	if [ "$(cat "/proc/$pane/comm")" = ddecs-wizard ]; then echo "$pane"; return; fi
	for stat in /proc/[0-9]*/stat; do
		set -- $(cat "$stat" 2>/dev/null || true)
		[ "${4:-}" = "$pane" ] && [ "${2:-}" = "(ddecs-wizard)" ] && { echo "$1"; return; }
	done
	echo "bench-tui: wizard process not found" >&2
	exit 1
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Context switches of every thread: a process that polls shows them even
# when its CPU time rounds to zero.
switches() { cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ { n += $2 } END { print n }'; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

best=999999
for run in 1 2 3 4 5; do
	# A fresh server each run: one that is still exiting holds its socket.
	sock=$dir/tmux$run.sock
	start=$(now_ms)
	t -f /dev/null new-session -d -x 100 -y 30 -c "$dir" "exec $bin"
	wait_for "1/9 Launch type"
	ms=$(( $(now_ms) - start ))
	[ "$ms" -lt "$best" ] && best=$ms
	[ "$run" -lt 5 ] && t kill-server
done
echo "launch to first frame (tmux start and 2 ms polling included): best of 5 = ${best} ms"

pid=$(wizard_pid)
echo "RSS after first frame: $(status_kb "$pid" VmRSS) kB"

before=$(cpu_ticks "$pid")
woke=$(switches "$pid")
sleep 5
after=$(cpu_ticks "$pid")
echo "idle over 5 s: $(( after - before )) CPU ticks of 1/$clk s ($(( (after - before) * 100 / (5 * clk) ))%), $(( $(switches "$pid") - woke )) context switches"

# 600 keystrokes into the startup command (each re-renders the preview
# and draws a frame), then arrows through the languages and all the tabs.
t send-keys 5
wait_for "5/9 Startup command"
t send-keys End
before=$(cpu_ticks "$pid")
i=0
while [ $i -lt 20 ]; do
	t send-keys -l "abcdefghijklmnopqrstuvwxyz0123"
	i=$((i + 1))
done
wait_for "xyz0123"
sleep 1
after=$(cpu_ticks "$pid")
ticks=$(( after - before ))
echo "600 keystrokes in the startup command: $ticks ticks = $(( ticks * 1000000 / clk / 600 )) µs of CPU per keystroke (update + draw + write)"

t send-keys Escape
wait_for "4/9 Connection"
t send-keys 3
wait_for "3/9 Language"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	t send-keys Down Down Down Down Down Down Up Up Up Up Up Up Right Right Right Right Right Right Right
done
sleep 1
echo "RSS after typing, 120 language changes, 70 tab switches: $(status_kb "$pid" VmRSS) kB (peak $(status_kb "$pid" VmHWM) kB)"
t send-keys C-c
