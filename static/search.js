/* formulary search: the query side of the index that `formulary build` writes below
 * search/ (see src/search/mod.rs for the format). No dependencies, no framework.
 *
 * The lookups and the ranking mirror src/search/query.rs, which the tests run in Rust;
 * keep the two in step (the browser test compares them on the sample site). */
(function () {
  'use strict';

  var root = document.getElementById('fm-search');
  if (!root || !window.fetch || !window.Promise || !String.prototype.normalize) return;
  var base = root.getAttribute('data-search-index');
  var drugsUrl = root.getAttribute('data-drugs');
  var form = root.querySelector('form');
  var input = document.getElementById('fm-search-q');
  var status = document.getElementById('fm-search-status');
  var list = document.getElementById('fm-search-results');
  var more = document.getElementById('fm-search-more');
  if (!base || !form || !input || !status || !list || !more) return;

  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var VALUE = {};
  for (var a = 0; a < ALPHABET.length; a++) VALUE[ALPHABET.charAt(a)] = a;
  var NAME = 32, TITLE = 16, HEADING = 8, SUMMARY = 4, BODY = 3;
  var EXACT = 10, SHORTER = 8, PREFIX = 5, TYPO = 4;
  var SCAN_SHARDS = 3, PREFIX_KEYS = 50, PAGE = 10;

  var manifest = null;
  var shards = {};
  var chunks = {};

  function getJSON(path, versioned) {
    var url = base + path + (versioned ? '?v=' + manifest.v : '');
    return fetch(url, versioned ? {} : { cache: 'no-cache' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
  }

  function loadManifest() {
    if (!manifest) {
      manifest = getJSON('index.json', false).then(function (m) {
        manifest = m;
        return m;
      }, function (e) {
        manifest = null;
        throw e;
      });
    }
    return Promise.resolve(manifest);
  }

  /* The words of a text: folded like the index's (case, accents, apostrophes). */
  function tokens(text) {
    return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
      .replace(/['\u2019\u02BC]/g, '')
      .split(/[^\p{L}\p{N}]+/u)
      .filter(function (t) { return t.length > 0; });
  }

  function leafFile(leaf) {
    var exact = leaf.charAt(leaf.length - 1) === '$';
    var body = exact ? leaf.slice(0, -1) : leaf;
    var out = '';
    Array.from(body).forEach(function (c) {
      out += /^[a-z0-9]$/.test(c) ? c : '_' + c.codePointAt(0).toString(16) + '_';
    });
    return 'terms-' + out + (exact ? '-' : '') + '.json';
  }

  function loadLeaf(leaf) {
    if (!shards[leaf]) {
      shards[leaf] = getJSON(leafFile(leaf), true).catch(function () { return {}; });
    }
    return shards[leaf];
  }

  function leafOf(key) {
    var best = null;
    manifest.shards.forEach(function (l) {
      var ok = l.charAt(l.length - 1) === '$' ? key === l.slice(0, -1) : key.startsWith(l);
      if (ok && (best === null || l.length > best.length)) best = l;
    });
    return best;
  }

  function entry(key) {
    var leaf = leafOf(key);
    if (leaf === null) return Promise.resolve(undefined);
    return loadLeaf(leaf).then(function (s) {
      return Object.prototype.hasOwnProperty.call(s, key) ? s[key] : undefined;
    });
  }

  /* The key whose postings `key` stands for (itself, or its stem), or null. */
  async function resolve(key) {
    var e = await entry(key);
    if (typeof e !== 'string') return null;
    if (e.charAt(0) !== '=') return key;
    var stem = e.slice(1);
    var p = await entry(stem);
    return typeof p === 'string' && p.charAt(0) !== '=' ? stem : null;
  }

  function decode(s) {
    var out = [];
    var i = 0, doc = 0;
    while (i < s.length) {
      var gap = 0, shift = 0, v;
      do {
        v = VALUE[s.charAt(i++)];
        gap += (v & 31) * Math.pow(2, shift);
        shift += 5;
      } while (v >= 32);
      doc = out.length === 0 ? gap : doc + gap;
      out.push([doc, VALUE[s.charAt(i++)]]);
    }
    return out;
  }

  async function postings(key) {
    var e = await entry(key);
    return typeof e === 'string' && e.charAt(0) !== '=' ? decode(e) : [];
  }

  /* Keys starting with `prefix`, sorted, from the first shards that can hold them. */
  async function scan(prefix) {
    var leaves = manifest.shards.filter(function (l) {
      var exact = l.charAt(l.length - 1) === '$';
      var body = exact ? l.slice(0, -1) : l;
      return body.startsWith(prefix) || (!exact && prefix.startsWith(l));
    }).slice(0, SCAN_SHARDS);
    var keys = [];
    for (var i = 0; i < leaves.length; i++) {
      var s = await loadLeaf(leaves[i]);
      Object.keys(s).forEach(function (k) { if (k.startsWith(prefix)) keys.push(k); });
    }
    return keys.sort(function (x, y) { return x < y ? -1 : x > y ? 1 : 0; });
  }

  function fuzzyKey(chars) {
    if (chars.length < 5) return null;
    return chars[0] + chars[1] + '~' + chars.slice(-3).join('');
  }

  /* Same first two letters, and at most one letter changed, added, left out or swapped. */
  function withinOneTypo(x, y) {
    var a = Array.from(x), b = Array.from(y);
    if (a.length < 2 || b.length < 2 || a[0] !== b[0] || a[1] !== b[1]) return false;
    var s = a.length <= b.length ? a : b, l = a.length <= b.length ? b : a;
    if (l.length - s.length === 0) {
      var diff = [];
      for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
      if (diff.length <= 1) return true;
      return diff.length === 2 && diff[1] === diff[0] + 1 &&
        a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
    }
    if (l.length - s.length !== 1) return false;
    var j = 0;
    while (j < s.length && s[j] === l[j]) j++;
    return s.slice(j).join('') === l.slice(j + 1).join('');
  }

  function weightScore(w) {
    return (w & NAME ? 1000 : 0) + (w & TITLE ? 100 : 0) + (w & HEADING ? 40 : 0) +
      (w & SUMMARY ? 20 : 0) + 2 * (w & BODY);
  }

  /* The keys one query word matches, each with its factor. */
  async function wordMatches(w) {
    var out = [];
    var chars = Array.from(w);
    var n = chars.length;
    var exact = await resolve(w);
    var k, i;
    if (exact !== null) {
      out.push([exact, EXACT]);
    } else if (n >= 5) {
      for (var len = n - 1; len >= Math.max(n - 3, 4); len--) {
        k = await resolve(chars.slice(0, len).join(''));
        if (k !== null) {
          out.push([k, SHORTER]);
          break;
        }
      }
    }
    if (n >= 3) {
      var longer = (await scan(w)).filter(function (x) { return x !== w; }).slice(0, PREFIX_KEYS);
      for (i = 0; i < longer.length; i++) {
        k = await resolve(longer[i]);
        if (k !== null) out.push([k, PREFIX]);
      }
    }
    if (exact === null && n >= 4) {
      var cands = new Set();
      var fk = fuzzyKey(chars);
      if (fk !== null) {
        var e = await entry(fk);
        if (Array.isArray(e)) e.forEach(function (x) { cands.add(x); });
      }
      var head = chars.slice(0, Math.max(n - 5, 2)).join('');
      (await scan(head)).forEach(function (x) {
        if (x.indexOf(' ') < 0 && x.indexOf('~') < 0) cands.add(x);
      });
      var sorted = Array.from(cands).sort();
      for (i = 0; i < sorted.length; i++) {
        var c = sorted[i];
        if (c === w || !withinOneTypo(w, c)) continue;
        k = await resolve(c);
        if (k === null) continue;
        var named = (await postings(k)).some(function (p) { return (p[1] & (NAME | TITLE)) !== 0; });
        if (named) out.push([k, TYPO]);
      }
    }
    return out;
  }

  /* Every result of `q`, best first: [{doc, score, words}]. */
  async function search(q) {
    await loadManifest();
    var words = [];
    tokens(q).forEach(function (t) { if (words.indexOf(t) < 0) words.push(t); });
    var docs = new Map();
    for (var wi = 0; wi < words.length; wi++) {
      var best = new Map();
      var matches = await wordMatches(words[wi]);
      for (var m = 0; m < matches.length; m++) {
        var ps = await postings(matches[m][0]);
        for (var p = 0; p < ps.length; p++) {
          var s = weightScore(ps[p][1]) * matches[m][1];
          if (!(best.get(ps[p][0]) >= s)) best.set(ps[p][0], s);
        }
      }
      best.forEach(function (s, d) {
        var e = docs.get(d) || { doc: d, words: 0, score: 0 };
        e.words += 1;
        e.score += s;
        docs.set(d, e);
      });
    }
    if (words.length > 1) {
      (await postings(words.join(' '))).forEach(function (p) {
        var e = docs.get(p[0]);
        if (e) e.score += weightScore(p[1]) * EXACT;
      });
    }
    var all = Array.from(docs.values());
    var full = all.some(function (e) { return e.words === words.length; });
    return all.filter(function (e) { return !full || e.words === words.length; })
      .sort(function (x, y) { return y.words - x.words || y.score - x.score || x.doc - y.doc; });
  }

  function doc(d) {
    var c = Math.floor(d / manifest.chunk);
    if (!chunks[c]) chunks[c] = getJSON('docs-' + c + '.json', true);
    return chunks[c].then(function (list) { return list[d % manifest.chunk]; });
  }

  /* The page. */
  var results = [];
  var shown = 0;
  var generation = 0;

  /* The status line's words, from the page (data-t-*) in its language; English without. */
  function words(name, fallback, n, q) {
    var w = root.getAttribute('data-t-' + name) || fallback;
    return w.replace('{n}', String(n)).replace('{q}', q);
  }
  var azLink = root.getAttribute('data-t-az') || 'A to Z of medicines.';

  function say(text, link) {
    status.textContent = text;
    if (link) {
      status.appendChild(document.createTextNode(' '));
      var a = document.createElement('a');
      a.href = drugsUrl;
      a.textContent = link;
      status.appendChild(a);
    }
  }

  async function showMore(focusFirst) {
    var mine = generation;
    var next = results.slice(shown, shown + PAGE);
    var data = await Promise.all(next.map(function (r) { return doc(r.doc); }));
    if (mine !== generation) return;
    var first = null;
    data.forEach(function (d) {
      if (!d) return;
      var li = document.createElement('li');
      var link = document.createElement('a');
      link.href = d[1];
      link.textContent = d[0];
      li.appendChild(link);
      if (d[2]) {
        var p = document.createElement('p');
        p.textContent = d[2];
        li.appendChild(p);
      }
      list.appendChild(li);
      if (!first) first = link;
    });
    shown += next.length;
    more.hidden = shown >= results.length;
    if (focusFirst && first) first.focus();
  }

  async function run(q) {
    var mine = ++generation;
    q = q.trim();
    list.textContent = '';
    more.hidden = true;
    results = [];
    shown = 0;
    if (!q) {
      say('');
      return;
    }
    root.setAttribute('aria-busy', 'true');
    try {
      var found = await search(q);
      if (mine !== generation) return;
      results = found;
      await showMore(false);
      if (mine !== generation) return;
      var quoted = '\u201C' + q + '\u201D';
      if (found.length === 0) {
        say(words('none', 'No results for {q}. Check the spelling, or look the medicine up in the', 0, quoted), azLink);
      } else if (found.length === 1) {
        say(words('one', '{n} result for {q}.', 1, quoted));
      } else {
        say(words('many', '{n} results for {q}.', found.length, quoted));
      }
    } catch (e) {
      if (mine === generation) say(words('failed', 'Search could not be loaded. You can find any medicine in the', 0, ''), azLink);
    } finally {
      if (mine === generation) root.removeAttribute('aria-busy');
    }
  }

  function setQuery(q) {
    var url = new URL(window.location.href);
    if (q) url.searchParams.set('q', q); else url.searchParams.delete('q');
    window.history.replaceState(null, '', url.toString());
  }

  var timer = null;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    setQuery(input.value);
    run(input.value);
  });
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      setQuery(input.value);
      run(input.value);
    }, 250);
  });
  more.addEventListener('click', function () { showMore(true); });

  var initial = new URLSearchParams(window.location.search).get('q');
  if (initial) {
    input.value = initial;
    run(initial);
  }
  /* For tests and other scripts: every result of a query, best first, as
   * {doc, score, words}, the first ten with their url. */
  window.formularySearch = function (q) {
    return search(q).then(function (found) {
      return Promise.all(found.map(function (r, i) {
        var row = { doc: r.doc, score: r.score, words: r.words, url: null };
        if (i >= PAGE) return row;
        return doc(r.doc).then(function (d) { row.url = d ? d[1] : null; return row; });
      }));
    });
  };
})();
