#!/usr/bin/env bash
# Cross-checks the synthetic kernel dumps with Volatility 3, an independent reader.
# usage: tools/volatility-validate.sh <volatility3 checkout> [output folder]
# Writes basic-<build>-<format>-<kdbg>.dmp for the 7 builds x full/bitmap x KDBG plain/encoded
# (encoded from 9600 on, as Windows 8+ keeps it) with ./ntdbg-synth, runs
# windows.info, windows.pslist, windows.modules and windows.threads on each; then pool-pages-<build>-<format>.dmp
# with windows.bigpools --tag Leak against ntdbg's !poolfind Leak (Volatility is only invoked, from the
# checkout you give; nothing of it is part of this repository), keeps each plugin's output in the
# output folder and prints one summary line per dump. Needs python3 with pefile
# (Debian: python3-pefile); PYTHON overrides the interpreter, NTDBG_ISF the ISF folder.
set -euo pipefail
if [ $# -lt 1 ] || [ ! -f "$1/vol.py" ]; then
  echo "usage: $0 <volatility3 checkout (the folder with vol.py)> [output folder]" >&2
  exit 2
fi
vol="$(cd "$1" && pwd)/vol.py"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${2:-$(mktemp -d)}"
isf="${NTDBG_ISF:-$root/../shared/testdata/kernel/isf}"
python="${PYTHON:-python3}"
mkdir -p "$out/cache"
echo "volatility: $vol ($(git -C "$(dirname "$vol")" rev-parse HEAD 2>/dev/null || echo 'commit unknown'))"
echo "output: $out"
status=0
for build in 7601 9600 14393 17763 19041 20348 22000; do
  kdbgs="plain"; [ "$build" -ge 9600 ] && kdbgs="plain encoded"
  for format in full bitmap; do
    for kdbg in $kdbgs; do
      name="basic-$build-$format-$kdbg"
      "$root/ntdbg-synth" basic --build "$build" --format "$format" --kdbg "$kdbg" --isf "$isf" -o "$out/$name.dmp" > /dev/null
      for plugin in windows.info windows.pslist windows.modules windows.threads; do
        if ! "$python" "$vol" -q --offline --cache-path "$out/cache" -s "$isf" -f "$out/$name.dmp" -r csv "$plugin" > "$out/$name.$plugin.csv" 2> "$out/$name.$plugin.err"; then
          status=1
        fi
      done
      processes=$(tail -n +2 "$out/$name.windows.pslist.csv" | grep -c . || true)
      modules=$(tail -n +2 "$out/$name.windows.modules.csv" | grep -c . || true)
      threads=$(tail -n +2 "$out/$name.windows.threads.csv" | grep -c . || true)
      symbols=$(grep -o '[0-9A-F]\{32\}-[0-9]*' "$out/$name.windows.info.csv" | head -1 || true)
      printf '%-6s %-7s %-8s symbols %-36s processes %2s modules %2s threads %2s\n' "$build" "$format" "$kdbg" "${symbols:-none}" "$processes" "$modules" "$threads"
    done
  done
done
# Big pool allocations: the pool-pages scenario's nt!PoolBigPageTable, read by Volatility's windows.bigpools
# and by ntdbg's !poolfind (every pool's big allocations are listed whatever the pool type asked for).
for build in 7601 9600 14393 17763 19041 20348 22000; do
  for format in full bitmap; do
    name="pool-pages-$build-$format"
    "$root/ntdbg-synth" pool-pages --build "$build" --format "$format" --isf "$isf" -o "$out/$name.dmp" > /dev/null
    if ! "$python" "$vol" -q --offline --cache-path "$out/cache" -s "$isf" -f "$out/$name.dmp" -r json windows.bigpools --tag Leak > "$out/$name.windows.bigpools.json" 2> "$out/$name.windows.bigpools.err"; then
      status=1
    fi
    # Volatility prints addresses without their sign extension; ntdbg's are 16 hex digits.
    vol_big=$("$python" -c 'import json,sys; t=open(sys.argv[1]).read(); print(" ".join(sorted("%x" % (r["Allocation"] | 0xffff000000000000) for r in json.loads(t[t.index("["):]))))' "$out/$name.windows.bigpools.json")
    "$root/ntdbg" -q -z "$out/$name.dmp" -y "$isf" -c '!poolfind Leak 0; q' > "$out/$name.poolfind.txt" 2>&1 || status=1
    ntdbg_big=$(grep -o '^[0-9a-f]\{16\} : tag Leak' "$out/$name.poolfind.txt" | cut -d' ' -f1 | sort | tr '\n' ' ' | sed 's/ $//')
    verdict="agree"; [ "$vol_big" = "$ntdbg_big" ] || { verdict="DIFFER"; status=1; }
    printf '%-6s %-7s bigpools Leak: volatility %s | ntdbg !poolfind %s | %s\n' "$build" "$format" "${vol_big:-none}" "${ntdbg_big:-none}" "$verdict"
  done
done
exit $status
