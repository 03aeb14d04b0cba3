#!/bin/sh
# Runs the release arx on each ERP sample: ingest --dry-run, ingest, export invoices. Usage: erp_corpus_run.sh DIR
ARX=${ARX:-/tmp/arx-base/arx}
for f in "$1"/*/*; do
  p=$(basename "$(dirname "$f")")
  W=$(mktemp -d); "$ARX" init "$W" --currency USD >/dev/null 2>&1
  echo "=== $p $(basename "$f")"
  "$ARX" --workspace "$W" ingest --profile "$p" --dry-run "$f"; echo "dry-run exit=$?"
  "$ARX" --workspace "$W" ingest --profile "$p" "$f"; echo "ingest exit=$?"
  "$ARX" --workspace "$W" export invoices | head -5
done
