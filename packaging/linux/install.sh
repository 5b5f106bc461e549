#!/usr/bin/env sh
# Adds Maestrale to the desktop's application menu for the current user: the desktop
# entry, the icon and the AppStream metadata. Run it after `pip install .` (in the same
# environment), e.g. `.venv/bin/python -m pip install . && packaging/linux/install.sh`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"

bin=$(command -v maestrale-gui || true)
if [ -z "$bin" ] && [ -x "$repo/.venv/bin/maestrale-gui" ]; then
    bin="$repo/.venv/bin/maestrale-gui"
fi
if [ -z "$bin" ]; then
    echo "maestrale-gui was not found: install Maestrale first (pip install .)" >&2
    exit 1
fi
cli=$(dirname "$bin")/maestrale

mkdir -p "$data/applications" "$data/icons/hicolor/scalable/apps" "$data/metainfo"
sed -e "s|^Exec=maestrale-gui|Exec=$bin|" -e "s|^TryExec=maestrale-gui|TryExec=$bin|" \
    -e "s|^Exec=maestrale quick|Exec=$cli quick|" \
    "$here/maestrale.desktop" > "$data/applications/maestrale.desktop"
cp "$repo/resources/icons/app.svg" "$data/icons/hicolor/scalable/apps/maestrale.svg"
cp "$here/io.github.maestrale.Maestrale.metainfo.xml" "$data/metainfo/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q "$data/icons/hicolor" || true
echo "Installed: $data/applications/maestrale.desktop (runs $bin)"
