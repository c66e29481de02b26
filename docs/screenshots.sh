#!/usr/bin/env bash
# Takes the pictures under docs/ that the README shows: the Olist monthly report as HTML,
# opened in headless Chromium. Needs ../shared/data and chromium; run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
D=../shared/data/olist-marketing-funnel
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --quiet --release -p funnel-cli
funnel=target/release/funnel
"$funnel" join "$D/olist_marketing_qualified_leads_dataset.csv" "$D/olist_closed_deals_dataset.csv" --on mql_id 2>/dev/null \
  | "$funnel" report policies/olist --input-format csv --at 2018-12-01T00:00:00-02:00 \
      --table spend=policies/olist/spend/illustrative_spend.csv --format html --output "$out/olist.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$out/profile" \
  --window-size=1280,2200 --screenshot=docs/olist-report.png "file://$out/olist.html" 2>/dev/null
echo "wrote docs/olist-report.png"
