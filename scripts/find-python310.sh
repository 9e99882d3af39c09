#!/usr/bin/env bash
# Print the path of a working Python 3.10 (Rasa 3.6 runs on 3.8-3.10 only).
# Looks on PATH first, then in pyenv's versions folder, because these machines
# ship 3.10 there without making it the default python3.
set -u
try() { "$1" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$1"; exit 0; }; }
command -v python3.10 >/dev/null 2>&1 && try "$(command -v python3.10)"
for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
  [ -x "$candidate" ] && try "$candidate"
done
cat >&2 <<'MSG'
Veiviser needs Python 3.10 (Rasa 3.6 supports 3.8-3.10 only), and none was found.
Install it, for example with one of:
  pyenv install 3.10            (then run make again)
  apt-get install python3.10 python3.10-venv
MSG
exit 1
