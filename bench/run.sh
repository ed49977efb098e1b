#!/usr/bin/env bash
# The speed benchmark: generates sites of 1,000 and 10,000 monographs (and the same pages
# as a Hugo site), then reports formulary's full build (wall, CPU, peak memory), Hugo's
# build of the same pages when `hugo` is installed, the floor (the same Markdown read,
# rendered by bare pulldown-cmark and written, on every core: examples/bench_floor.rs), and
# watch's save-to-file times. The floor shows how fast the machine is: figures taken on
# machines of different speeds compare by their ratios to it.
# Outputs go to tmpfs (/dev/shm) unless BENCH_DIR says otherwise; one on-disk build is
# reported beside them. Usage: [BENCH_ROUNDS=4] bench/run.sh [N ...]   (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BENCH_DIR:-/dev/shm/formulary-bench}
sizes=("${@:-1000 10000}")
[ $# -gt 0 ] || sizes=(1000 10000)
mkdir -p "$dir"
# The binary too: building examples alone does not build or refresh it.
cargo build --release --quiet --bin formulary --example gen_corpus --example bench_watch \
  --example bench_floor
release=${CARGO_TARGET_DIR:-target}/release
bin=$release/formulary
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"

# A build moves the output it replaces aside and removes it in the background, off the
# path the user waits on. At N = 10,000 that removal takes about a third of a second of
# kernel time on tmpfs: each command timed here starts once no replaced output is left in
# the folder the last one wrote to, so that it is not charged to the next build (or to
# Hugo's).
settle() { # the folder the outputs are in
  local tries=0
  while compgen -G "$1/.*.old-*" >/dev/null && [ $tries -lt 1200 ]; do
    sleep 0.05
    tries=$((tries + 1))
  done
}

measure() { # label, then the command
  local label=$1; shift
  settle "$dir"
  [ -z "${disk:-}" ] || settle "$disk"
  /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/err.txt" || {
    cat "$dir/err.txt"; return 1; }
  read -r wall user sys rss < "$dir/time.txt"
  printf '%-34s wall %6.2f s  cpu %6.2f s  peak %5d MiB\n' "$label" "$wall" \
    "$(awk "BEGIN {print $user + $sys}")" "$((rss / 1024))"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

for n in "${sizes[@]}"; do
  site="$dir/site-$n"; hugo_site="$dir/hugo-$n"; thin_site="$dir/thin-$n"
  $release/examples/gen_corpus "$n" "$site" --hugo "$hugo_site" --thin "$thin_site" 2>/dev/null
  pages=$(find "$site/content" -name '*.md' | wc -l)
  # The files' bytes: `du` would count the disk blocks they take, a fifth more or over.
  markdown=$(find "$site/content" -name '*.md' -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1e6}')
  echo "== N = $n ($pages pages, $markdown MB of Markdown)"
  rm -rf "$dir/out-$n"
  measure "formulary build (first, tmpfs)" $bin build --root "$site" --output "$dir/out-$n"
  # formulary and Hugo are timed in rounds, one right after the other, taking turns to go
  # first: these machines are shared, and their speed drifts by a fifth from one minute to
  # the next, and the second of two builds in a row tends to be the slower: each goes
  # first in half the rounds (four, or BENCH_ROUNDS). The ratio is the median of the
  # rounds'; more rounds give a steadier one.
  # Each round also builds the same site with the Hugo site's templates (gen_corpus
  # --thin), next to Hugo's build on the other side: the two programs then make the same
  # thin pages, where the built-in theme makes twice the HTML. That ratio is the engines'
  # alone; the target is the built-in theme's.
  walls=(); hugo_walls=(); ratios=(); thin_ratios=(); floor_walls=()
  has_hugo=$(command -v hugo >/dev/null && echo 1 || true)
  ours() {
    measure "formulary build (again, tmpfs)" $bin build --root "$site" --output "$dir/out-$n"
    walls+=("$wall")
  }
  theirs() {
    rm -rf "$dir/hugo-out-$n"
    measure "hugo (same pages, tmpfs)" hugo --quiet -s "$hugo_site" -d "$dir/hugo-out-$n"
    hugo_walls+=("$wall")
  }
  thin() {
    measure "formulary, Hugo's templates" $bin build --root "$thin_site" --output "$dir/thin-out-$n"
    thin_wall=$wall
  }
  floor() {
    rm -rf "$dir/floor-out-$n"
    measure "floor (bare pulldown-cmark)" $release/examples/bench_floor "$site" "$dir/floor-out-$n"
    floor_walls+=("$wall")
  }
  for i in $(seq "${BENCH_ROUNDS:-4}"); do
    if [ -z "$has_hugo" ]; then
      ours; floor
    elif [ $((i % 2)) = 1 ]; then
      ours; theirs; thin; floor
    else
      floor; thin; theirs; ours
    fi
    [ -z "$has_hugo" ] || {
      ratios+=("$(awk "BEGIN {printf \"%.3f\", ${walls[-1]} / ${hugo_walls[-1]}}")")
      thin_ratios+=("$(awk "BEGIN {printf \"%.3f\", $thin_wall / ${hugo_walls[-1]}}")")
    }
  done
  FORMULARY_TIMINGS=1 $bin build --root "$site" --output "$dir/out-$n" 2>&1 | grep '^timing' | tr '\n' ' '
  echo
  wall=$(median "${walls[@]}")
  echo "per page: $(awk "BEGIN {printf \"%.3f\", $wall * 1000 / $pages}") ms"
  floor_wall=$(median "${floor_walls[@]}")
  echo "the floor: median $floor_wall s; formulary's median wall is $(awk "BEGIN {printf \"%.1f\", $wall / $floor_wall}") times it"
  if [ -n "$has_hugo" ]; then
    echo "formulary's wall over Hugo's, round by round: ${ratios[*]}; median $(printf '%.3f' "$(median "${ratios[@]}")") (the target: at most 0.2)"
    echo "the same, both with the Hugo site's thin templates: ${thin_ratios[*]}; median $(printf '%.3f' "$(median "${thin_ratios[@]}")")"
  else
    echo "hugo: not installed (apt-get install hugo) - skipped"
  fi
  if [ "$n" = "${sizes[-1]}" ]; then
    settle "$dir"
    $release/examples/bench_watch "$site" "$dir/watch-$n"
    # The disk last: the kernel goes on writing back what these builds wrote for seconds
    # after they end, which would be charged to whatever is timed next.
    disk_parent=${DISK_DIR:-${CARGO_TARGET_DIR:-$PWD/target}}
    mkdir -p "$disk_parent"
    disk=$(mktemp -d -p "$disk_parent")
    measure "formulary build (first, on disk)" $bin build --root "$site" --output "$disk/out"
    measure "formulary build (again, on disk)" $bin build --root "$site" --output "$disk/out"
    settle "$disk"
    rm -rf "$disk"
  fi
done
