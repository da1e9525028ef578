
(function () {
  'use strict';
  // Problems seen while the page runs; #selftest reports them.
  var problems = [];
  window.addEventListener('error', function (e) {
    problems.push('error: ' + (e.message || (e.target && e.target.tagName) || 'unknown'));
  }, true);
  document.addEventListener('securitypolicyviolation', function (e) {
    problems.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
  });

  var NAMES = { o: 'Open', f: 'Not a finding', a: 'Not applicable', r: 'Not reviewed' };
  var D = null;
  var table = null;
  var sevOn = { h: true, m: true, l: true };
  var stOn = { o: true, f: true, a: true, r: true };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // Hide what the filters exclude: a cell matches when its rule's severity
  // and its status are both selected; a rule column or a node row is shown
  // when at least one of its cells matches.
  function apply() {
    var rows = table.tBodies[0].rows;
    var heads = table.tHead.rows[0].cells;
    var n = D.rules.length;
    var colHit = [];
    var j, i, st, hit, any, tr;
    for (j = 0; j < n; j++) { colHit.push(false); }
    var rowHit = [];
    for (i = 0; i < rows.length; i++) {
      any = false;
      for (j = 0; j < n; j++) {
        st = D.st[j].charAt(i);
        hit = sevOn[D.sev[j]] && stOn[st];
        rows[i].cells[j + 1].classList.toggle('x', !hit);
        if (hit) { any = true; colHit[j] = true; }
      }
      rowHit.push(any);
    }
    var cols = 0;
    for (j = 0; j < n; j++) {
      heads[j + 1].classList.toggle('hc', !colHit[j]);
      if (colHit[j]) { cols++; }
      var rule = document.getElementById('r-' + D.rules[j]);
      if (rule) { rule.hidden = !colHit[j]; }
    }
    var shown = 0;
    var cells = 0;
    for (i = 0; i < rows.length; i++) {
      tr = rows[i];
      tr.hidden = !rowHit[i];
      if (rowHit[i]) { shown++; }
      for (j = 0; j < n; j++) {
        tr.cells[j + 1].classList.toggle('hc', !colHit[j]);
        if (rowHit[i] && colHit[j] && !tr.cells[j + 1].classList.contains('x')) { cells++; }
      }
    }
    var btns = document.querySelectorAll('button.flt');
    for (i = 0; i < btns.length; i++) {
      var b = btns[i];
      var on = b.getAttribute('data-kind') === 'sev' ? sevOn[b.getAttribute('data-val')] : stOn[b.getAttribute('data-val')];
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
    var showing = document.getElementById('showing');
    showing.textContent = 'Showing ' + cols + ' of ' + n + ' rules and ' + shown + ' of ' + rows.length +
      ' rows (nodes and the roll-up); ' + cells + ' matching cells. Click a cell for its evidence.';
    return { rows: shown, cols: cols, cells: cells };
  }

  function onFilter(ev) {
    var b = ev.currentTarget;
    var kind = b.getAttribute('data-kind');
    var val = b.getAttribute('data-val');
    if (kind === 'sev') { sevOn[val] = !sevOn[val]; } else { stOn[val] = !stOn[val]; }
    apply();
  }

  function onPreset(ev) {
    var open = ev.currentTarget.getAttribute('data-preset') === 'open';
    sevOn = { h: true, m: true, l: true };
    stOn = { o: true, f: !open, a: !open, r: !open };
    apply();
  }

  // Evidence of one rule, grouped: rows with the same status, details and
  // comments are listed together.
  function fill(details) {
    var box = details.querySelector('.ev');
    if (!box || box.getAttribute('data-filled')) { return; }
    box.setAttribute('data-filled', '1');
    var j = +details.getAttribute('data-i');
    var st = D.st[j];
    var ev = D.ev[j];
    var groups = [];
    var byKey = {};
    for (var h = 0; h < D.hosts.length; h++) {
      var key = st.charAt(h) + ' ' + ev[3 * h] + ' ' + ev[3 * h + 1] + ' ' + ev[3 * h + 2];
      var g = byKey[key];
      if (!g) {
        g = { st: st.charAt(h), d: ev[3 * h], c: ev[3 * h + 1], x: ev[3 * h + 2], hosts: [] };
        byKey[key] = g;
        groups.push(g);
      }
      g.hosts.push(h);
    }
    groups.forEach(function (g) {
      var div = el('div', 'evg e' + g.st);
      div.setAttribute('data-hosts', ',' + g.hosts.join(',') + ',');
      var head = el('div', 'hosts');
      head.appendChild(el('span', 'key ' + (g.st === 'o' ? 'o ' + D.sev[j] : g.st), NAMES[g.st]));
      var names = g.hosts.map(function (x) { return D.hosts[x]; });
      var shown = names.length > 12 ? names.slice(0, 12).join(', ') + ' and ' + (names.length - 12) + ' more' : names.join(', ');
      head.appendChild(document.createTextNode(' ' + shown));
      if (names.length > 12) { head.title = names.join(', '); }
      div.appendChild(head);
      div.appendChild(el('pre', '', D.strings[g.d] || '(no details)'));
      if (D.strings[g.c]) {
        div.appendChild(el('div', 'cm', 'Comment: ' + D.strings[g.c]));
      }
      if (D.strings[g.x]) {
        div.appendChild(el('div', 'sha', 'evidence_sha256 (for an answers file): ' + D.strings[g.x]));
      }
      box.appendChild(div);
    });
  }

  function showEvidence(j, h) {
    var details = document.getElementById('r-' + D.rules[j]);
    if (!details) { return null; }
    details.hidden = false;
    details.open = true;
    fill(details);
    var groups = details.querySelectorAll('.evg');
    var target = null;
    for (var i = 0; i < groups.length; i++) {
      var mine = groups[i].getAttribute('data-hosts').indexOf(',' + h + ',') >= 0;
      groups[i].classList.toggle('hl', mine);
      if (mine) { target = groups[i]; }
    }
    (target || details).scrollIntoView({ block: 'center' });
    return target;
  }

  function onCell(ev) {
    var td = ev.target.closest('td');
    if (!td || !table.contains(td)) { return; }
    var j = td.cellIndex - 1;
    var h = td.parentNode.sectionRowIndex;
    if (j >= 0) { showEvidence(j, h); }
  }

  // `report.html#r-CNTR-K8-000150` opens that rule (links from the matrix header, bookmarks).
  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf('r-') !== 0) { return; }
    var details = document.getElementById(id);
    if (!details || details.tagName !== 'DETAILS') { return; }
    details.hidden = false;
    details.open = true;
    fill(details);
    details.scrollIntoView({ block: 'start' });
  }

  function selftest() {
    var out = { problems: problems };
    var cells = table.querySelectorAll('tbody td');
    out.cells = cells.length;
    out.rows = table.tBodies[0].rows.length;
    out.cols = table.tHead.rows[0].cells.length - 1;
    var counts = { oh: 0, om: 0, ol: 0, o: 0, f: 0, a: 0, r: 0 };
    for (var i = 0; i < cells.length; i++) {
      var c = cells[i].classList;
      if (c.contains('o')) {
        counts.o++;
        if (c.contains('h')) { counts.oh++; } else if (c.contains('l')) { counts.ol++; } else { counts.om++; }
      } else if (c.contains('f')) { counts.f++; } else if (c.contains('a')) { counts.a++; } else if (c.contains('r')) { counts.r++; }
    }
    out.counts = counts;
    out.initial = apply();
    document.querySelector('button.flt[data-kind="sev"][data-val="h"]').click();
    out.after_cat1_off = apply();
    document.querySelector('button.preset[data-preset="open"]').click();
    out.after_open_only = apply();
    document.querySelector('button.preset[data-preset="all"]').click();
    out.after_all = apply();
    // Click the first cell of the first row: its evidence must appear.
    table.tBodies[0].rows[0].cells[1].click();
    var opened = document.querySelector('details.rule[open]');
    out.opened_rule = opened ? opened.id : '';
    out.evidence_groups = opened ? opened.querySelectorAll('.evg').length : 0;
    out.highlighted = opened ? opened.querySelectorAll('.evg.hl').length : 0;
    out.images = document.images.length;
    out.scripts = document.scripts.length;
    out.injected = !!window.kstigInjected;
    out.problems = problems;
    var pre = document.getElementById('selftest');
    pre.textContent = 'SELFTEST ' + JSON.stringify(out) + ' END';
    pre.hidden = false;
  }

  function init() {
    var data = document.getElementById('kstig-data');
    D = JSON.parse(data.textContent);
    table = document.getElementById('mx');
    var i;
    var btns = document.querySelectorAll('button.flt');
    for (i = 0; i < btns.length; i++) { btns[i].addEventListener('click', onFilter); }
    var presets = document.querySelectorAll('button.preset');
    for (i = 0; i < presets.length; i++) { presets[i].addEventListener('click', onPreset); }
    table.addEventListener('click', onCell);
    var rules = document.querySelectorAll('details.rule');
    for (i = 0; i < rules.length; i++) {
      rules[i].addEventListener('toggle', function (ev) { if (ev.currentTarget.open) { fill(ev.currentTarget); } });
    }
    apply();
    window.addEventListener('hashchange', openFromHash);
    if (location.hash === '#selftest') { selftest(); } else { openFromHash(); }
  }

  document.addEventListener('DOMContentLoaded', function () {
    try {
      init();
    } catch (e) {
      problems.push('exception: ' + e);
      var pre = document.getElementById('selftest');
      if (pre) { pre.textContent = 'SELFTEST ' + JSON.stringify({ problems: problems }) + ' END'; pre.hidden = false; }
    }
  });
}());
