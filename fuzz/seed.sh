#!/bin/sh
# Seeds the fuzz corpora from the repository's .tir files (parse) and their JSON form (json).
# Run from anywhere; needs a built `tirscript` on PATH or TIRSCRIPT=/path/to/tirscript for JSON seeds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$here/corpus/parse" "$here/corpus/json" "$here/corpus/roundtrip"
find "$root/tests" "$root/examples" -name '*.tir' 2>/dev/null | while read -r f; do
    name=$(printf '%s' "$f" | cksum | cut -d' ' -f1)
    cp "$f" "$here/corpus/parse/$name.tir"
    if [ -n "${TIRSCRIPT:-}" ]; then
        "$TIRSCRIPT" json "$f" > "$here/corpus/json/$name.json" 2>/dev/null || rm -f "$here/corpus/json/$name.json"
    fi
done
find "$root/tests" -name '*.json' | while read -r f; do
    cp "$f" "$here/corpus/json/$(printf '%s' "$f" | cksum | cut -d' ' -f1).json"
done
# The round-trip target reads generator choices, not text: a few random byte strings start it.
for i in 1 2 3 4 5 6 7 8; do
    head -c 256 /dev/urandom > "$here/corpus/roundtrip/seed$i"
done
echo "corpora: $(ls "$here/corpus/parse" | wc -l) parse, $(ls "$here/corpus/json" | wc -l) json, $(ls "$here/corpus/roundtrip" | wc -l) roundtrip"
