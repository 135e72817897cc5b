#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret
# Service for keytar). Where no keyring daemon is installed, runs the command directly and tells
# the keychain tests why through NEBULA_KEYRING_UNAVAILABLE, so they report themselves skipped.
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
# A throwaway keyring home, so tests never touch a developer's real keyring.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data"
mkdir -p "$XDG_DATA_HOME"
NEBULA_IN_KEYRING_SESSION=1 dbus-run-session -- bash -c '
  echo -n nebula-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' bash "$@"
