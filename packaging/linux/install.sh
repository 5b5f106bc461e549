#!/usr/bin/env sh
# Adds Maestrale to the desktop's application menu for the current user: the desktop
# entry, the icon and the AppStream metadata. Run it after `pip install .`, e.g.
# `.venv/bin/python -m pip install . && packaging/linux/install.sh`. Usage:
#   install.sh [VENV | PATH/TO/maestrale-gui]
# Without an argument the menu runs the active virtual environment's Maestrale, else the
# clone's .venv, else the maestrale-gui found on PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
data="${XDG_DATA_HOME:-$HOME/.local/share}"

# Which Maestrale the menu runs: the one named (a virtual environment's folder or a
# maestrale-gui), else the active virtual environment's, else the clone's own .venv
# (another maestrale-gui on PATH, an older install or another clone's, would be what
# the menu starts), else the one found on PATH.
if [ $# -gt 0 ]; then
    if [ -d "$1" ]; then bin="$1/bin/maestrale-gui"; else bin="$1"; fi
    if [ ! -x "$bin" ]; then
        echo "No maestrale-gui at $bin: name a virtual environment Maestrale is installed in (pip install .), or its maestrale-gui" >&2
        exit 1
    fi
    bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
elif [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/maestrale-gui" ]; then
    bin="$VIRTUAL_ENV/bin/maestrale-gui"
elif [ -x "$repo/.venv/bin/maestrale-gui" ]; then
    bin="$repo/.venv/bin/maestrale-gui"
else
    bin=$(command -v maestrale-gui || true)
fi
if [ -z "$bin" ]; then
    echo "maestrale-gui was not found: install Maestrale first (pip install .)" >&2
    exit 1
fi
cli=$(dirname "$bin")/maestrale
case $bin in *'
'*)
    echo "The path of maestrale-gui has a line break in it, which a menu entry cannot hold: install Maestrale in a folder without one" >&2
    exit 1
esac

# A path as the desktop entry's Exec needs it: in double quotes (with \ " ` $ escaped)
# when it has a space or another character the entry's own quoting rules reserve, with
# each \ doubled (the rule of all its strings) and each % doubled (%f and such are
# field codes). Then as sed's replacement needs it: \ & | escaped.
exec_arg() {
    case $1 in
        *[!A-Za-z0-9/._+,:@=-]*) printf '"%s"\n' "$(printf '%s\n' "$1" | sed 's/[\\"`$]/\\&/g')" ;;
        *) printf '%s\n' "$1" ;;
    esac | sed -e 's/\\/\\\\/g' -e 's/%/%%/g'
}
replacement() {
    printf '%s\n' "$1" | sed 's/[\\&|]/\\&/g'
}
gui_arg=$(replacement "$(exec_arg "$bin")")
cli_arg=$(replacement "$(exec_arg "$cli")")
try_exec=$(replacement "$(printf '%s\n' "$bin" | sed 's/\\/\\\\/g')")  # a string: \ doubled

mkdir -p "$data/applications" "$data/icons/hicolor/scalable/apps" \
    "$data/icons/hicolor/16x16/apps" "$data/metainfo"
sed -e "s|^Exec=maestrale-gui|Exec=$gui_arg|" -e "s|^TryExec=maestrale-gui|TryExec=$try_exec|" \
    -e "s|^Exec=maestrale quick|Exec=$cli_arg quick|" \
    "$here/maestrale.desktop" > "$data/applications/maestrale.desktop"
cp "$repo/resources/icons/app.svg" "$data/icons/hicolor/scalable/apps/maestrale.svg"
# Drawn on the 16 px grid, for the menus and panels that show it at 16 px.
cp "$repo/resources/icons/16/app.svg" "$data/icons/hicolor/16x16/apps/maestrale.svg"
cp "$here/io.github.maestrale.Maestrale.metainfo.xml" "$data/metainfo/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
# A user's icon folder has no index.theme unless a theme put one there: the cache is
# then neither needed nor possible (it said "No theme index file." twice).
if [ -f "$data/icons/hicolor/index.theme" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q "$data/icons/hicolor" || true
fi
echo "Installed: $data/applications/maestrale.desktop (runs $bin)"
