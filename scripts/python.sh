#!/usr/bin/env bash
# Print the Python interpreter to build the virtualenv with.
#
#   python.sh           the newest supported interpreter on PATH (python3.13, python3.12, python3.11,
#                       then python3 when it is one of those); PYTHON=<command> overrides the search
#   python.sh --other   a supported interpreter of another version than that one, also looking under
#                       pyenv's versions (for CI's second run); prints nothing when there is none
#
# A candidate counts only when it runs (a pyenv shim for a version that is not selected exits 127)
# and can create a virtualenv (Debian and Ubuntu ship `venv` in a separate python3.X-venv package).
# When only interpreters without venv are found, as root with apt-get it installs python3.X-venv for
# the newest of them (python3-venv when the release has no such name) and looks again; otherwise,
# and when nothing fits, one line on stderr names what was looked for, and the exit status is 1.
set -uo pipefail

SUPPORTED=(3.13 3.12 3.11)
PROBE='import sys, importlib.util as u; print("%d.%d" % sys.version_info[:2], "venv" if u.find_spec("ensurepip") else "no-venv")'

probe() {  # probe CMD -> "3.13 venv" | "3.12 no-venv" | "" (does not run)
  "$1" -c "$PROBE" 2>/dev/null | tail -n1
}

supported() {
  local v
  for v in "${SUPPORTED[@]}"; do [ "$v" = "$1" ] && return 0; done
  return 1
}

path_candidates() {
  local v
  for v in "${SUPPORTED[@]}"; do command -v "python$v" 2>/dev/null; done
  command -v python3 2>/dev/null
}

# pick CANDIDATE... -> the first that runs a supported version and can make a virtualenv.
# A supported one without venv is remembered, to name its package when nothing better exists.
NO_VENV=""
pick() {
  local cand answer version
  for cand in "$@"; do
    answer=$(probe "$cand")
    version=${answer% *}
    [ -n "$answer" ] && supported "$version" || continue
    if [ "${answer#* }" = venv ]; then
      echo "$cand"
      return 0
    fi
    [ -n "$NO_VENV" ] || NO_VENV="$version"
  done
  return 1
}

# install_venv: as root with apt-get, install the venv package of Python $NO_VENV (apt's output on
# stderr, stdout carries only the interpreter); fails without root or apt-get.
install_venv() {
  [ -n "$NO_VENV" ] && [ "$(id -u 2>/dev/null)" = 0 ] && command -v apt-get >/dev/null || return 1
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -qq -o DPkg::Lock::Timeout=600) name="python$NO_VENV-venv"
  "${apt[@]}" update >&2 || return 1
  apt-cache show "$name" >/dev/null 2>&1 || name=python3-venv
  echo "Python $NO_VENV is installed without its venv module: installing $name" >&2
  "${apt[@]}" install -y --no-install-recommends "$name" >&2
}

refuse() {
  if [ -n "$NO_VENV" ]; then
    echo "Python $NO_VENV is installed without its venv module: install the Debian/Ubuntu package python$NO_VENV-venv (as root: apt-get install python$NO_VENV-venv), or set PYTHON=<interpreter>" >&2
  else
    echo "No supported Python found: looked for python${SUPPORTED[0]}, python${SUPPORTED[1]}, python${SUPPORTED[2]} and python3 on PATH (Django 5.2 here needs 3.11, 3.12 or 3.13); install one or set PYTHON=<interpreter>" >&2
  fi
  exit 1
}

default_python() {
  if [ -n "${PYTHON:-}" ]; then
    if [ -z "$(probe "$PYTHON")" ]; then
      echo "PYTHON=$PYTHON does not run" >&2
      exit 1
    fi
    echo "$PYTHON"
    return
  fi
  mapfile -t found < <(path_candidates)
  pick "${found[@]}" && return
  install_venv && pick "${found[@]}" || refuse
}

if [ "${1:-}" = --other ]; then
  default=$(default_python) || exit 1
  mine=$(probe "$default")
  mine=${mine% *}
  # The version farthest from the default one (3.13 for 3.11, 3.11 for 3.13 or 3.12).
  if [ "$mine" = "${SUPPORTED[-1]}" ]; then order=("${SUPPORTED[@]}"); else order=("${SUPPORTED[-1]}" "${SUPPORTED[@]}"); fi
  root=${PYENV_ROOT:-$(echo ~)/.pyenv}  # ~ is the passwd entry when HOME is unset
  for v in "${order[@]}"; do
    [ "$v" = "$mine" ] && continue
    mapfile -t found < <(command -v "python$v" 2>/dev/null; ls -d "$root"/versions/"$v".*/bin/"python$v" 2>/dev/null | sort -rV)
    [ ${#found[@]} -gt 0 ] && pick "${found[@]}" && exit 0
  done
  exit 0
fi

default_python
