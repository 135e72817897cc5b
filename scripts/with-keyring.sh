#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret
# Service for keytar). Where no keyring daemon is installed, runs the command directly and tells
# the keychain tests why through NEBULA_KEYRING_UNAVAILABLE, so they report themselves skipped.
#
# Everything the daemon writes (the throwaway "login" keyring, its control socket) lives in a
# temporary directory that is removed afterwards; the developer's own keyring is never touched.
# The keychain tests read NEBULA_KEYRING_DATA_DIR to check that no token is stored in plaintext.
set -euo pipefail

if [ "${NEBULA_IN_KEYRING_SESSION:-}" = 1 ]; then
  exec "$@"
fi
missing=()
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus-run-session)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring-daemon)
if [ ${#missing[@]} -gt 0 ]; then
  reason="no Secret Service here: ${missing[*]} not installed (Debian: apt-get install dbus gnome-keyring)"
  echo "with-keyring: $reason; keychain tests will be skipped" >&2
  NEBULA_KEYRING_UNAVAILABLE="$reason" exec "$@"
fi

keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
# XDG_RUNTIME_DIR must exist and be private (0700); without it the
# daemon falls back to ~/.cache for its control socket.
mkdir -p "$keyring_home/data" "$keyring_home/cache" "$keyring_home/runtime"
chmod 700 "$keyring_home/runtime"
export XDG_DATA_HOME="$keyring_home/data"
export XDG_CACHE_HOME="$keyring_home/cache"
export XDG_RUNTIME_DIR="$keyring_home/runtime"
export NEBULA_KEYRING_DATA_DIR="$XDG_DATA_HOME/keyrings"
# No display: keep libsecret from trying X11 autolaunch or a graphical prompt.
unset DISPLAY WAYLAND_DISPLAY

set +e
NEBULA_IN_KEYRING_SESSION=1 dbus-run-session -- bash -c '
  # --unlock reads the password from stdin and, on a fresh home, creates the "login" collection
  # with it (the default collection keytar writes to), already unlocked. It daemonizes and
  # returns once the daemon is up.
  if ! printf %s nebula-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; then
    echo "with-keyring: gnome-keyring-daemon failed to start; keychain tests will fail" >&2
  fi
  owner_pid() {
    dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
      awk "{ print \$2 }"
  }
  # The name is claimed a moment after --unlock returns: wait for it (up to 10 s), or the first
  # keytar call would D-Bus-activate a second, locked daemon.
  daemon_pid=
  for _ in $(seq 100); do
    daemon_pid=$(owner_pid)
    [ -n "$daemon_pid" ] && break
    sleep 0.1
  done
  if [ -z "$daemon_pid" ]; then
    echo "with-keyring: no process owns org.freedesktop.secrets on the session bus; keychain tests will fail" >&2
  fi
  "$@"
  status=$?
  # The daemon would exit with the bus anyway; stop it explicitly so nothing outlives the run.
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null; fi
  exit $status
' bash "$@"
status=$?
exit $status
