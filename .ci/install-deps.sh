#!/usr/bin/env bash
# Installs the external tools the tests use as oracles (and, on request, what regenerating the
# fixtures needs) on Debian bookworm. Run as root. Idempotent and quiet: it installs only the
# packages that are missing and runs `apt-get update` once, only when something is missing.
#
#   always:                          llvm (llvm-readobj, llvm-pdbutil, llvm-objdump,
#                                    llvm-symbolizer), wine64-tools (winedump),
#                                    gcab (independent cabinet writer for the CAB/MSZIP tests),
#                                    mingw-w64-common (bugcodes.h: bug check names cross-checked),
#                                    fonts-dejavu-core (the perflog charts' text: Skia reads
#                                    /usr/share/fonts), chromium (renders the perflog HTML report)
#   NTDBG_REGENERATE_FIXTURES=1:     clang lld wine wine64 mingw-w64 (fixtures/generate.sh),
#                                    and wine32:i386 for the x86 fixtures (best effort)
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
log() { echo "install-deps: $*"; }

[ "$(id -u)" = 0 ] || { echo "install-deps: run as root (apt-get needs it)" >&2; exit 1; }
command -v apt-get >/dev/null || { echo "install-deps: apt-get not found (Debian/Ubuntu only)" >&2; exit 1; }

installed() { # package[:arch]
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

wanted=(llvm wine64-tools time gcab mingw-w64-common fonts-dejavu-core chromium)
if [ "${NTDBG_REGENERATE_FIXTURES:-0}" = 1 ]; then
    wanted+=(clang lld wine wine64 mingw-w64)
fi

missing=()
for p in "${wanted[@]}"; do installed "$p" || missing+=("$p"); done

want_wine32=0
if [ "${NTDBG_REGENERATE_FIXTURES:-0}" = 1 ] && ! installed wine32:i386; then want_wine32=1; fi

if [ ${#missing[@]} -eq 0 ] && [ $want_wine32 = 0 ] && command -v winedump >/dev/null; then
    exit 0 # everything is there: say nothing
fi

if [ $want_wine32 = 1 ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
    log "enabling the i386 architecture (32-bit Wine for the x86 fixtures)"
    dpkg --add-architecture i386
fi

if [ ${#missing[@]} -gt 0 ] || [ $want_wine32 = 1 ]; then
    log "apt-get update"
    apt-get update -qq >/dev/null 2>&1 || log "apt-get update reported errors; trying with the indexes it has"
fi

if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ $want_wine32 = 1 ]; then
    log "installing wine32:i386"
    if ! apt-get install -y -qq --no-install-recommends wine32:i386 >/dev/null 2>/tmp/install-deps-wine32.log; then
        # A mirror whose i386 and amd64 indexes are out of step makes this unsatisfiable; the
        # x64 fixtures do not need it (NTDBG_FIXTURE_ARCHES=x64 fixtures/generate.sh).
        log "wine32:i386 could not be installed (see /tmp/install-deps-wine32.log); x86 fixtures cannot be regenerated here"
    fi
fi

# wine64-tools ships /usr/bin/winedump-stable; the plain `winedump` name is an alternative that
# only the `wine` package's postinst registers. Tests look for `winedump` on PATH.
if ! command -v winedump >/dev/null; then
    for candidate in /usr/bin/winedump-stable /usr/lib/wine/winedump; do
        if [ -x "$candidate" ]; then ln -sf "$candidate" /usr/local/bin/winedump; log "linked /usr/local/bin/winedump -> $candidate"; break; fi
    done
fi

for tool in llvm-readobj llvm-pdbutil llvm-objdump winedump chromium; do
    command -v "$tool" >/dev/null || { echo "install-deps: $tool is still missing after installing" >&2; exit 1; }
done
