#!/usr/bin/env bash
# What the search index adds to a full build: interleaved builds of one generated site with
# the index and without it (FORMULARY_NO_SEARCH_INDEX=1), then the medians and the fastest
# of each, and the differences. Interleaving keeps a busy machine's drift out of the
# comparison; more rounds give steadier figures.
# Usage: bench/search_cost.sh [ROUNDS] [N]   (default: 8 rounds, N = 10000 monographs)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-8}
n=${2:-10000}
dir=${BENCH_DIR:-/dev/shm/formulary-bench}
mkdir -p "$dir"
# The binary too: building examples alone does not build or refresh it.
cargo build --release --quiet --bin formulary --example gen_corpus
release=${CARGO_TARGET_DIR:-target}/release
bin=$release/formulary
site="$dir/site-$n"
[ -d "$site" ] || $release/examples/gen_corpus "$n" "$site" 2>/dev/null
echo "machine: $(nproc) cores; site: $(find "$site/content" -name '*.md' | wc -l) pages; $rounds rounds"
results="$dir/search-cost.txt"
: > "$results"
for _ in $(seq "$rounds"); do
  for mode in with without; do
    rm -rf "$dir/out-search-cost"
    if [ "$mode" = without ]; then export FORMULARY_NO_SEARCH_INDEX=1; else unset FORMULARY_NO_SEARCH_INDEX; fi
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" $bin build --root "$site" \
      --output "$dir/out-search-cost" >/dev/null 2>"$dir/err.txt" || { cat "$dir/err.txt"; exit 1; }
    read -r wall user sys rss < "$dir/time.txt"
    echo "$mode $wall $(awk "BEGIN {print $user + $sys}") $((rss / 1024))" >> "$results"
  done
done
unset FORMULARY_NO_SEARCH_INDEX
awk '
  function median(a, k,   i, j, t) {
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  { n[$1]++; wall[$1, n[$1]] = $2; cpu[$1, n[$1]] = $3; rss[$1, n[$1]] = $4 }
  END {
    for (m in n) {
      k = n[m]; min = 1e9
      for (i = 1; i <= k; i++) { w[i] = wall[m, i]; c[i] = cpu[m, i]; r[i] = rss[m, i]; if (w[i] < min) min = w[i] }
      mw[m] = median(w, k); mc[m] = median(c, k); mr[m] = median(r, k); fw[m] = min
      printf "%-8s wall median %5.2f s  fastest %5.2f s  cpu median %5.2f s  peak median %4d MiB\n", m, mw[m], fw[m], mc[m], mr[m]
    }
    printf "the index adds: wall %+.1f%% (medians), %+.1f%% (fastest), cpu %+.1f%%, peak %+d MiB\n",
      100 * (mw["with"] / mw["without"] - 1), 100 * (fw["with"] / fw["without"] - 1),
      100 * (mc["with"] / mc["without"] - 1), mr["with"] - mr["without"]
  }' "$results"
