#!/bin/sh
# Try the editor set-ups of docs/howto.md ("Editor support") against the language
# server of this checkout: each editor, without a screen, opens a page of a copy of
# tests/roots/test-basic (RST) and test-basic-myst (MyST), asks for hover, definition
# and completion, edits a link to an unknown ID and waits for designdoc.dangling.
#
#   benchmarks/editors/try.sh [nvim] [nvim-lspconfig] [emacs] [vscode] [helix]
#
# (default: all).  NVIM (default nvim, 0.11+ for "nvim"), LSPCONFIG (a checkout of
# nvim-lspconfig, for "nvim-lspconfig"), EMACS (default emacs, with eglot), CODE_SERVER
# and CODE_SERVER_EXTENSIONS (code-server, and its extensions folder holding the
# generic LSP client; NODE_PATH must hold playwright-core) and HX (default hx) name the
# editors; one that is missing is skipped.  README.md says how to get each.  Exits 1
# when a check failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the server of this checkout, started as the snippets say: `designdoc lsp`
export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"
export XDG_CACHE_HOME="$work/cache"
command -v designdoc >/dev/null || { echo "designdoc is not on PATH"; exit 2; }

# a repository with an RST and a MyST project in it
mkdir -p "$work/repo" && git -C "$work/repo" init -q
cp -r "$repo/tests/roots/test-basic" "$work/repo/docs"
cp -r "$repo/tests/roots/test-basic-myst" "$work/repo/myst"
git -C "$work/repo" add -A && git -C "$work/repo" -c user.name=try -c user.email=try@localhost \
  commit -q -m "the test projects"

status=0
run() {  # run NAME PAGE COMMAND...: in the repository, report the outcome
  name=$1 page=$2; shift 2
  echo "== $name: $page"
  case $name in vscode) set -- "$@" ;; *) set -- "$@" "$page" ;; esac
  if (cd "$work/repo" && timeout 180 "$@"); then
    echo "== $name: $page: passed"
  else
    echo "== $name: $page: FAILED"; status=1
  fi
}

editors=${*:-nvim nvim-lspconfig emacs helix}
for editor in $editors; do
  case $editor in
  nvim)
    nvim=${NVIM:-nvim}
    if ! command -v "$nvim" >/dev/null; then echo "== nvim: $nvim not found, skipped"; continue; fi
    for page in docs/decisions.rst myst/decisions.md; do
      run nvim "$page" "$nvim" --headless --clean -u "$here/nvim_try.lua"
    done ;;
  nvim-lspconfig)
    nvim=${NVIM:-nvim}
    if ! command -v "$nvim" >/dev/null || [ -z "${LSPCONFIG:-}" ]; then
      echo "== nvim-lspconfig: needs $nvim and LSPCONFIG, skipped"; continue
    fi
    for page in docs/decisions.rst myst/decisions.md; do
      run nvim-lspconfig "$page" "$nvim" --headless --clean --cmd "set rtp+=$LSPCONFIG" \
        -u "$here/nvim_lspconfig_try.lua"
    done ;;
  emacs)
    emacs=${EMACS:-emacs}
    if ! command -v "$emacs" >/dev/null; then echo "== emacs: $emacs not found, skipped"; continue; fi
    for page in docs/decisions.rst myst/decisions.md; do
      run emacs "$page" "$emacs" --batch -l "$here/emacs_try.el"
    done ;;
  vscode)
    if [ -z "${CODE_SERVER:-}" ] || [ -z "${CODE_SERVER_EXTENSIONS:-}" ]; then
      echo "== vscode: needs CODE_SERVER and CODE_SERVER_EXTENSIONS, skipped"; continue
    fi
    mkdir -p "$work/repo/.vscode" "$work/vscode/User"
    cp "$here/vscode-settings.json" "$work/repo/.vscode/settings.json"
    printf '{"workbench.startupEditor": "none", "files.hotExit": "off"}\n' \
      >"$work/vscode/User/settings.json"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    setsid "$CODE_SERVER" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry \
      --disable-update-check --disable-workspace-trust --user-data-dir "$work/vscode" \
      --extensions-dir "$CODE_SERVER_EXTENSIONS" "$work/repo" >"$work/code-server.log" 2>&1 &
    server=$!
    sleep 5
    for page in docs/decisions.rst myst/decisions.md; do
      run vscode "$page" node "$here/vscode_try.js" \
        "http://127.0.0.1:$port/?folder=$work/repo" "$page" "$work/repo/$page"
      git -C "$work/repo" checkout -q -- . 2>/dev/null || true
    done
    kill -- "-$server" ;;  # code-server and the processes it started
  helix)
    hx=${HX:-hx}
    if ! command -v "$hx" >/dev/null; then echo "== helix: $hx not found, skipped"; continue; fi
    mkdir -p "$work/config/helix"
    cp "$here/helix-languages.toml" "$work/config/helix/languages.toml"
    for language in rst markdown; do
      echo "== helix: hx --health $language"
      out=$(cd "$work/repo" && XDG_CONFIG_HOME="$work/config" "$hx" --health "$language" 2>&1)
      echo "$out"
      echo "$out" | grep -q "designdoc" || { echo "== helix: $language: FAILED"; status=1; }
    done ;;
  *) echo "unknown editor: $editor"; exit 2 ;;
  esac
done
exit $status
