#!/usr/bin/env bash
# Pack a .app into a compressed, read-only DMG with a link to /Applications for drag-and-drop install.
# Usage: packaging/macos/make-dmg.sh "dist/Scan Station.app" dist/ScanStation-1.2.3.dmg
# Needs macOS (hdiutil). packaging/sign.py macos-dmg signs and notarises the result.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 APP DMG" >&2
    exit 2
fi
app=$1
dmg=$2
if [[ ! -d "$app" ]]; then
    echo "error: app bundle not found: $app" >&2
    exit 1
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
# ditto keeps symlinks, extended attributes and code signatures intact, unlike cp -R.
ditto "$app" "$staging/$(basename "$app")"
ln -s /Applications "$staging/Applications"

rm -f "$dmg"
hdiutil create -volname "Scan Station" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"
echo "wrote $dmg"
