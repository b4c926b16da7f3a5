#!/usr/bin/env bash
# The tour: runs each chapter's tour.sh in order, each in a fresh scratch
# directory, with narration. Usage: run_tour.sh BIN_DIR CHAPTER_TOUR_SCRIPT...
#
# A tour script is plain bash that uses four helpers:
#   say TEXT...      narration, wrapped to 80 columns
#   show PROG ARG... prints "$ PROG ARG..." and runs bin/PROG; a failure stops the tour
#   show_failing PROG ARG...  the same, for a command that is meant to fail;
#                    it says how it ended ("killed by SIGBUS, as expected")
#   show_shell COMMAND...     a plain shell command, shown and run
set -euo pipefail

bin_dir=$(realpath "$1")
shift
export PATH="$bin_dir:$PATH"  # show_shell commands name the programs plainly

say() { printf '%s\n' "$*" | fold -s -w 80; }
print_command() {  # "$ prog 'an argument with spaces'"
  local line='$' arg
  for arg in "$@"; do
    if [[ $arg == *[[:space:]]* ]]; then line+=" '$arg'"; else line+=" $arg"; fi
  done
  printf '\n%s\n' "$line"
}

# Each helper exits on failure itself: `set -e` is ignored inside `if ! (...)`.
show() {
  print_command "$@"
  local program=$1
  shift
  "$bin_dir/$program" "$@" || { echo "tour: '$program' failed (exit status $?)" >&2; exit 1; }
}
# Runs a command with the shell's own job messages ("line 31: 6283 Killed")
# sent nowhere; the command's standard error still reaches the terminal.
run_quietly() { { "$@" 2>&3 3>&-; } 3>&2 2>/dev/null; }
show_failing() {
  print_command "$@"
  local program=$1
  shift
  local status=0
  run_quietly "$bin_dir/$program" "$@" || status=$?
  if ((status == 0)); then
    echo "tour: '$program' was expected to fail but succeeded" >&2
    exit 1
  fi
  if ((status > 128)); then
    printf '(killed by SIG%s, as expected)\n' "$(kill -l "$((status - 128))")"
  else
    printf '(exit status %s, as expected)\n' "$status"
  fi
}
show_shell() {  # a plain shell command, shown and run
  printf '\n$ %s\n' "$*"
  eval "$@" || { echo "tour: '$*' failed" >&2; exit 1; }
}

scratch_root=${MBE_SCRATCH_DIR:-${TMPDIR:-/var/tmp}}
for script in "$@"; do
  script=$(realpath "$script")
  chapter=$(basename "$(dirname "$script")")
  if [[ -t 1 ]]; then
    printf '\n\033[1m======== %s ========\033[0m\n' "$chapter"
  else
    printf '\n======== %s ========\n' "$chapter"
  fi
  scratch=$(mktemp -d "$scratch_root/msync-tour.XXXXXX")
  if ! (cd "$scratch" && source "$script"); then
    rm -rf "$scratch"
    echo "tour: the stop '$chapter' failed" >&2
    exit 1
  fi
  rm -rf "$scratch"
done
printf '\nTour complete: %d chapter(s).\n' "$#"
