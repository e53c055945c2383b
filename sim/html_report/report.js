// report.js: draws report.html from the JSON document in #report-data
// (sim/html_report/html_report.cc writes it; report_data.h says what each
// field means). Hand-written, no library, inline SVG only, so the page
// works offline. Each view sets data-* attributes on its <svg> (points,
// intervals, rects drawn, ops highlighted) so that a headless browser test
// can check what a person would see; <body data-errors> counts script
// errors and <body data-ready="1"> says the whole script ran.
'use strict';

(function () {
  const body = document.body;
  const errors = [];
  window.addEventListener('error', (event) => {
    errors.push(String(event.message));
    body.setAttribute('data-errors', String(errors.length));
    body.setAttribute('data-error-text', errors.join(' | '));
  });

  const D = JSON.parse(document.getElementById('report-data').textContent);
  const app = document.getElementById('app');
  const SVG = 'http://www.w3.org/2000/svg';
  const OUTCOMES = D.outcomes;
  // Colour by f and outcome (Maelstrom's latency-raw): ok in blues and
  // greens, fail in reds (square marks), info in ambers (large round marks).
  const COLORS = {
    ok: ['#1565c0', '#00897b', '#6a1b9a', '#2e7d32', '#283593', '#00838f', '#4e342e'],
    fail: ['#c62828', '#d81b60', '#b71c1c', '#e64a19', '#880e4f', '#ff5252', '#6d1b1b'],
    info: ['#f9a825', '#ef6c00', '#8d6e63', '#ffb300', '#a1887f', '#ff8f00', '#795548'],
    pending: ['#9e9e9e'] };
  const seriesColor = (f, outcome) => COLORS[outcome][f % COLORS[outcome].length];
  const NEMESIS_COLORS = { partition: '#e53935', pause: '#8e24aa', crash: '#212121',
    'one-way': '#fb8c00', 'partition-leader': '#d81b60', 'crash-leader': '#3e2723',
    'churn-leader': '#6d4c41' };
  const ops = D.ops;
  const opCount = ops.p.length;
  const selection = { ops: new Set(), anomaly: -1 };

  // ---- small DOM helpers ----
  function el(tag, attrs, parent, text) {
    const node = document.createElement(tag);
    for (const k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function svgEl(tag, attrs, parent, text) {
    const node = document.createElementNS(SVG, tag);
    for (const k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function fmt(x, digits) { return Number(x).toFixed(digits); }
  function seconds(us) { return fmt(us / 1e6, us < 10e6 ? 3 : 2) + ' s'; }
  function opLabel(id) {
    return 'op ' + id + ' (p' + ops.p[id] + ', ' + D.fs[ops.f[id]] + ' ' + OUTCOMES[ops.o[id]] + ')';
  }
  function opLink(id, parent) {
    const a = el('a', { href: '#op=' + id, class: 'op-link' }, parent, '#' + id);
    a.title = opLabel(id) + ': ' + ops.t[id];
    return a;
  }

  // ---- header: verdict, replay ----
  el('h1', {}, app, D.title);
  const head = el('div', {}, app);
  el('span', { class: 'verdict ' + D.verdict, id: 'verdict' }, head, D.verdict);
  if (D.problem) el('span', {}, head, '  ' + D.problem);
  if (D.replay) {
    const p = el('p', {}, app, 'Replay: ');
    el('code', { id: 'replay' }, p, D.replay);
  }

  // ---- statistics ----
  el('h2', {}, app, 'Statistics');
  if (D.stats) {
    const table = el('table', { id: 'stats' }, app);
    const hr = el('tr', {}, table);
    for (const h of ['f', 'invoke', 'ok', 'fail', 'info', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']) {
      el('th', { class: h === 'f' ? 'l' : '' }, hr, h);
    }
    for (const s of D.stats) {
      const tr = el('tr', {}, table);
      el('td', { class: 'l' }, tr, s.f);
      for (const k of ['invoke', 'ok', 'fail', 'info']) el('td', {}, tr, String(s[k]));
      for (const k of ['p50_ms', 'p95_ms', 'p99_ms', 'max_ms']) el('td', {}, tr, fmt(s[k], 2));
    }
    el('p', { class: 'note' }, app, 'availability ' + fmt(D.availability, 4) +
      ' (ok completions / client invocations); latencies over every completion.');
  }

  if (D.net && D.net.all) {
    // Maelstrom's net stats (results.json's "net").
    const table = el('table', { id: 'net-stats' }, app);
    const hr = el('tr', {}, table);
    for (const h of ['messages', 'sent', 'received', 'dropped', 'msgs-per-op']) {
      el('th', { class: h === 'messages' ? 'l' : '' }, hr, h);
    }
    for (const k of ['all', 'clients', 'servers']) {
      const c = D.net[k];
      if (!c) continue;
      const tr = el('tr', {}, table);
      el('td', { class: 'l' }, tr, k);
      for (const v of [c.sent, c.received, c.dropped]) el('td', {}, tr, String(v));
      el('td', {}, tr, c.msgs_per_op === undefined ? '' : fmt(c.msgs_per_op, 3));
    }
    const extra = [];
    for (const [k, label] of [['duplicated', 'duplicated'], ['to_closed_client', 'replies to closed clients'],
      ['to_crashed_node', 'lost with crashed nodes']]) {
      if (D.net[k]) extra.push(label + ' ' + D.net[k]);
    }
    if (extra.length) el('p', { class: 'note' }, app, extra.join('; '));
  }

  // ---- anomalies ----
  el('h2', {}, app, 'Anomalies');
  const anomalyList = el('ol', { class: 'anomalies', id: 'anomalies', start: '0' }, app);
  if (D.anomalies.length === 0) el('p', { class: 'note' }, app, 'None found.');
  D.anomalies.forEach((a, i) => {
    const li = el('li', {}, anomalyList);
    const text = a.type + (a.key ? ' on key ' + a.key : '') + ': ' + a.ops.length +
      (a.ops.length === 1 ? ' op' : ' ops');
    el('a', { href: '#anomaly=' + i, class: 'anomaly-link', 'data-anomaly': String(i) }, li, text);
  });
  const detail = el('div', { id: 'detail' }, app);

  // ---- time axis and shading, shared by the two plots ----
  const W = 1100, H = 300, M = { l: 64, r: 16, t: 22, b: 34 };
  const endUs = Math.max(D.end_us, 1);
  function xOf(us) { return M.l + (us / endUs) * (W - M.l - M.r); }
  function timeAxis(svg) {
    const g = svgEl('g', { class: 'axis' }, svg);
    svgEl('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }, g);
    const step = niceStep(endUs / 1e6 / 10);
    for (let s = 0; s * 1e6 <= endUs; s += step) {
      const x = xOf(s * 1e6);
      svgEl('line', { x1: x, x2: x, y1: H - M.b, y2: H - M.b + 4 }, g);
      svgEl('text', { x: x, y: H - M.b + 16, 'text-anchor': 'middle' }, g, String(+fmt(s, 3)));
    }
    svgEl('text', { x: (W + M.l) / 2, y: H - 4, 'text-anchor': 'middle' }, g, 'time (s)');
  }
  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-6))));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }
  function shadeNemesis(svg) {
    const g = svgEl('g', { class: 'nemesis' }, svg);
    for (const n of D.nemesis) {
      const x0 = xOf(n.start_us), x1 = Math.max(xOf(n.end_us), x0 + 1);
      const color = NEMESIS_COLORS[n.kind] || '#757575';
      const r = svgEl('rect', { x: x0, y: M.t, width: x1 - x0, height: H - M.t - M.b, fill: color }, g);
      svgEl('title', {}, r, n.label + ' (' + seconds(n.start_us) + ' - ' + seconds(n.end_us) + ')');
      // The fault's shape when it fits ("partition majority [n0 n3] | ..."), else its kind.
      const text = n.label.replace(/^start-/, '');
      const fits = Math.max(Math.floor((x1 - x0) / 6), (n.kind || '').length);
      svgEl('text', { x: x0 + 2, y: M.t - 6 }, g,
        text.length <= fits ? text : text.slice(0, Math.max(fits - 1, 1)) + '\u2026');
    }
    svg.setAttribute('data-shaded', String(D.nemesis.length));
  }
  function legend(parent, items) {
    const div = el('div', { class: 'legend' }, parent);
    for (const [label, color] of items) el('span', { style: '--c:' + color }, div, label);
  }

  // ---- latency over time (Maelstrom's latency-raw) ----
  el('h2', {}, app, 'Latency over time');
  const lat = D.latency;
  el('p', { class: 'note', id: 'latency-note' }, app, (lat.plotted === lat.completed
    ? 'Every completed op: ' + lat.completed + ' points.'
    : lat.plotted + ' of ' + lat.completed + ' completed ops plotted: every fail and info op, ' +
      'every op an anomaly names, each bin\'s slowest ok op per f, and one ok op in ' + lat.stride +
      ' of each f.') + ' Click a point for its op.');
  const latSvg = svgEl('svg', { id: 'latency-plot', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H }, app);
  const latencyMs = (id) => (ops.e[id] - ops.s[id]) / 1000;
  const FLOOR_MS = 0.001;  // a latency of 0 (clients have none) sits on the floor
  let maxMs = FLOOR_MS, minMs = Infinity;
  for (const id of lat.ids) {
    const ms = Math.max(latencyMs(id), FLOOR_MS);
    maxMs = Math.max(maxMs, ms);
    minMs = Math.min(minMs, ms);
  }
  if (!isFinite(minMs)) minMs = FLOOR_MS;
  const loExp = Math.floor(Math.log10(minMs)), hiExp = Math.max(Math.ceil(Math.log10(maxMs)), loExp + 1);
  function yLat(ms) {
    const v = Math.log10(Math.max(ms, FLOOR_MS));
    return H - M.b - ((v - loExp) / (hiExp - loExp)) * (H - M.t - M.b);
  }
  shadeNemesis(latSvg);
  timeAxis(latSvg);
  {
    const g = svgEl('g', { class: 'axis' }, latSvg);
    for (let e = loExp; e <= hiExp; ++e) {
      const y = yLat(Math.pow(10, e));
      svgEl('line', { x1: M.l, x2: W - M.r, y1: y, y2: y, class: 'grid' }, g);
      svgEl('text', { x: M.l - 6, y: y + 4, 'text-anchor': 'end' }, g, String(Math.pow(10, e)));
    }
    svgEl('text', { x: 14, y: H / 2, transform: 'rotate(-90 14 ' + H / 2 + ')',
      'text-anchor': 'middle' }, g, 'latency (ms, log scale)');
  }
  // One <path> per (f, outcome): a zero-length segment per point, drawn
  // with round (ok, info) or square (fail) caps: 20,000 points stay fast.
  const latSeries = new Map();
  for (const id of lat.ids) {
    const key = ops.f[id] * 4 + ops.o[id];
    if (!latSeries.has(key)) latSeries.set(key, []);
    latSeries.get(key).push(id);
  }
  const latLegend = [];
  [...latSeries.keys()].sort((a, b) => a - b).forEach((key) => {
    const f = Math.floor(key / 4), o = key % 4, outcome = OUTCOMES[o];
    let d = '';
    for (const id of latSeries.get(key)) {
      d += 'M' + xOf(ops.e[id]).toFixed(1) + ' ' + yLat(latencyMs(id)).toFixed(1) + 'h0';
    }
    const color = seriesColor(f, outcome);
    svgEl('path', { d: d, stroke: color, 'stroke-width': outcome === 'ok' ? 3 : 5,
      'stroke-linecap': outcome === 'fail' ? 'square' : 'round', fill: 'none',
      opacity: outcome === 'info' ? 0.7 : 0.85, class: 'points',
      'data-f': D.fs[f], 'data-outcome': outcome, 'data-count': latSeries.get(key).length }, latSvg);
    latLegend.push([D.fs[f] + ' ' + outcome + ' (' + latSeries.get(key).length + ')', color]);
  });
  latSvg.setAttribute('data-count', String(lat.ids.length));
  if (minMs <= FLOOR_MS) {
    el('p', { class: 'note' }, app, 'Latencies of 1 \u00b5s or less (0 where clients have no ' +
      'network latency, as in the simulator) sit on the bottom line.');
  }
  const latHighlight = svgEl('g', { class: 'highlight' }, latSvg);
  // A click selects the nearest plotted op (within 8 px), as an anomaly does.
  latSvg.addEventListener('click', (event) => {
    const box = latSvg.getBoundingClientRect();
    const x = (event.clientX - box.left) * (W / box.width), y = (event.clientY - box.top) * (H / box.height);
    let best = -1, bestD = 64;
    for (const id of lat.ids) {
      const dx = xOf(ops.e[id]) - x, dy = yLat(latencyMs(id)) - y, d = dx * dx + dy * dy;
      if (d < bestD) { best = id; bestD = d; }
    }
    if (best >= 0) location.hash = 'op=' + best;
  });
  legend(app, latLegend);

  // ---- throughput (Maelstrom's rate) ----
  el('h2', {}, app, 'Throughput over time');
  const tp = D.throughput;
  el('p', { class: 'note' }, app, 'Completions per second in bins of ' + tp.bin_us / 1000 +
    ' ms, by f and outcome.');
  const rateSvg = svgEl('svg', { id: 'rate-plot', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H }, app);
  shadeNemesis(rateSvg);
  timeAxis(rateSvg);
  let maxRate = 1;
  const binS = tp.bin_us / 1e6;
  for (const s of tp.series) for (const c of s.counts) maxRate = Math.max(maxRate, c / binS);
  const rateStep = niceStep(maxRate / 5);
  const yRate = (r) => H - M.b - (r / (Math.ceil(maxRate / rateStep) * rateStep)) * (H - M.t - M.b);
  {
    const g = svgEl('g', { class: 'axis' }, rateSvg);
    for (let r = 0; r <= maxRate + rateStep / 2; r += rateStep) {
      svgEl('line', { x1: M.l, x2: W - M.r, y1: yRate(r), y2: yRate(r), class: 'grid' }, g);
      svgEl('text', { x: M.l - 6, y: yRate(r) + 4, 'text-anchor': 'end' }, g, String(+fmt(r, 1)));
    }
    svgEl('text', { x: 14, y: H / 2, transform: 'rotate(-90 14 ' + H / 2 + ')',
      'text-anchor': 'middle' }, g, 'completions / s');
  }
  const rateLegend = [];
  tp.series.forEach((s) => {
    const outcome = OUTCOMES[s.o];
    const color = seriesColor(s.f, outcome);
    let points = '';
    s.counts.forEach((c, b) => {
      points += xOf((b + 0.5) * tp.bin_us).toFixed(1) + ',' + yRate(c / binS).toFixed(1) + ' ';
    });
    svgEl('polyline', { points: points, fill: 'none', stroke: color, 'stroke-width': 1.5,
      'stroke-dasharray': s.o === 0 ? '' : '4 2', class: 'series',
      'data-bins': s.counts.length }, rateSvg);
    rateLegend.push([D.fs[s.f] + ' ' + outcome, color]);
  });
  rateSvg.setAttribute('data-series', String(tp.series.length));
  legend(app, rateLegend);

  // ---- timeline of ops per process (Jepsen's timeline.html) ----
  el('h2', {}, app, 'Timeline');
  el('p', { class: 'note' }, app, 'One column per process, time downwards; an op spans its ' +
    'invocation to its completion (grey: never completed). Shows a window of time; click an op ' +
    'for its details.');
  const tlControls = el('div', { class: 'controls' }, app);
  el('label', {}, tlControls, 'from (s) ');
  const tlFrom = el('input', { type: 'number', step: 'any', min: '0', value: '0', id: 'timeline-from' }, tlControls);
  el('label', {}, tlControls, '  span (s) ');
  const tlSpan = el('select', { id: 'timeline-span' }, tlControls);
  for (const s of [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300]) el('option', { value: s }, tlSpan, String(s));
  // The whole run when it is small; else 2 s, which stays readable.
  const wholeS = Math.max(endUs / 1e6, 0.1);
  if (opCount <= 3000) {
    el('option', { value: wholeS, selected: '' }, tlSpan, 'all (' + fmt(wholeS, 1) + ')');
  } else {
    tlSpan.value = '2';
    el('option', { value: wholeS }, tlSpan, 'all (' + fmt(wholeS, 1) + ')');
  }
  const tlNote = el('span', { class: 'note', id: 'timeline-note' }, tlControls);
  const tlScroll = el('div', { class: 'scroll' }, app);
  const TL_RECTS_MAX = 5000;
  const processIndex = new Map(D.processes.map((p, i) => [p, i]));
  let tlSvg = null;
  function drawTimeline() {
    const t0 = Math.max(0, Number(tlFrom.value) || 0) * 1e6;
    const t1 = t0 + Number(tlSpan.value) * 1e6;
    const colW = Math.max(14, Math.min(80, 1000 / Math.max(D.processes.length, 1)));
    const TH = 700, top = 30, left = 60;
    const width = left + colW * D.processes.length + 10;
    if (tlSvg) tlSvg.remove();
    tlSvg = svgEl('svg', { id: 'timeline', width: width, height: TH + top + 10 }, tlScroll);
    const yT = (us) => top + ((Math.min(Math.max(us, t0), t1) - t0) / (t1 - t0)) * TH;
    const g = svgEl('g', { class: 'axis' }, tlSvg);
    const step = niceStep((t1 - t0) / 1e6 / 10);
    for (let s = Math.ceil(t0 / 1e6 / step) * step; s * 1e6 <= t1; s += step) {
      svgEl('line', { x1: left, x2: width, y1: yT(s * 1e6), y2: yT(s * 1e6), class: 'grid' }, g);
      svgEl('text', { x: left - 4, y: yT(s * 1e6) + 4, 'text-anchor': 'end' }, g, fmt(s, 3));
    }
    D.processes.forEach((p, i) => {
      if (colW >= 20 || i % Math.ceil(20 / colW) === 0) {
        svgEl('text', { x: left + i * colW + colW / 2, y: top - 8, 'text-anchor': 'middle' }, g, 'p' + p);
      }
    });
    for (const n of D.nemesis) {
      if (n.end_us < t0 || n.start_us > t1) continue;
      const r = svgEl('rect', { x: 0, width: left - 40, y: yT(n.start_us),
        height: Math.max(yT(n.end_us) - yT(n.start_us), 1),
        fill: NEMESIS_COLORS[n.kind] || '#757575', opacity: 0.4 }, tlSvg);
      svgEl('title', {}, r, n.label);
    }
    let drawn = 0, inWindow = 0, selected = 0;
    // Selected ops last, so that no neighbour covers them.
    const order = [];
    for (let id = 0; id < opCount; ++id) if (!selection.ops.has(id)) order.push(id);
    for (const id of [...selection.ops].sort((a, b) => a - b)) order.push(id);
    for (const id of order) {
      const s = ops.s[id], e = ops.e[id] < 0 ? endUs : ops.e[id];
      if (e < t0 || s > t1) continue;
      ++inWindow;
      const isSelected = selection.ops.has(id);
      if (drawn >= TL_RECTS_MAX && !isSelected) continue;
      ++drawn;
      const y0 = yT(s);
      const r = svgEl('rect', { x: left + processIndex.get(ops.p[id]) * colW + 1, y: y0,
        width: colW - 2, height: Math.max(yT(e) - y0, 2),
        class: 'op ' + OUTCOMES[ops.o[id]] + (isSelected ? ' selected' : ''), 'data-op': id }, tlSvg);
      svgEl('title', {}, r, opLabel(id) + ' ' + seconds(s) + ': ' + ops.t[id]);
      // As Jepsen's timeline: the op's text in its box, where it fits.
      const h = yT(e) - y0;
      if (h >= 12 && colW >= 50) {
        const label = svgEl('text', { x: left + processIndex.get(ops.p[id]) * colW + 3, y: y0 + 10,
          'font-size': 9, 'pointer-events': 'none' }, tlSvg);
        label.textContent = ops.t[id].slice(0, Math.floor(colW / 5));
      }
      if (isSelected) ++selected;
    }
    tlSvg.setAttribute('data-count', String(drawn));
    tlSvg.setAttribute('data-selected', String(selected));
    tlNote.textContent = '  ' + inWindow + ' ops in this window' +
      (drawn < inWindow ? ', the first ' + drawn + ' drawn (narrow the span to see all)' : '');
  }
  tlFrom.addEventListener('change', drawTimeline);
  tlSpan.addEventListener('change', drawTimeline);
  tlScroll.addEventListener('click', (event) => {
    const id = event.target.getAttribute && event.target.getAttribute('data-op');
    if (id !== null && id !== undefined) location.hash = 'op=' + id;
  });

  // ---- kafka: per-key view of an anomalous key ----
  const keyView = el('div', { id: 'key-view' }, app);
  function drawKey(key) {
    keyView.textContent = '';
    const view = D.keys.find((k) => k.key === key);
    if (!view) return;
    el('h2', {}, keyView, 'Key ' + key + ': offsets, senders and pollers');
    const table = el('table', { id: 'key-table' }, keyView);
    const hr = el('tr', {}, table);
    for (const h of ['offset', 'values', 'sent by (ok)', 'polled by']) el('th', { class: 'l' }, hr, h);
    for (const [offset, values, senders, pollers, pollCount] of view.rows) {
      const tr = el('tr', { class: values.length > 1 || senders.length > 1 ? 'bad' : '' }, table);
      el('td', {}, tr, String(offset));
      el('td', { class: 'l' }, tr, values.join(', '));
      const sent = el('td', { class: 'l' }, tr);
      senders.forEach((id) => { opLink(id, sent); sent.append(' '); });
      const polled = el('td', { class: 'l' }, tr);
      pollers.forEach((id) => { opLink(id, polled); polled.append(' '); });
      if (pollCount > pollers.length) polled.append('(' + pollCount + ' polls in all)');
    }
    if (view.unacknowledged.length) {
      const p = el('p', { class: 'note' }, keyView, 'Sends of this key that were not ok: ');
      view.unacknowledged.slice(0, 64).forEach((id) => { opLink(id, p); p.append(' '); });
    }
  }

  // ---- Lamport diagram of the journal ----
  el('h2', {}, app, 'Messages (Lamport diagram)');
  const dg = D.diagram;
  const dgScroll = el('div', { class: 'scroll', id: 'diagram-box' }, app);
  let drawDiagram = () => {};
  if (!dg) {
    el('p', { class: 'note', id: 'diagram-none' }, dgScroll,
      'The run kept no journal: run eddy-sim test with --journal to see every message.');
  } else {
    const m = dg.m, count = m.a.length;
    const note = el('p', { class: 'note' }, app, count + ' messages' + (dg.total > count
      ? ' (the first ' + count + ' of ' + dg.total + ' by send time)' : '') +
      '; one lane per endpoint, time downwards (a row per distinct instant, not to scale), red dashed: never delivered.');
    dgScroll.before(note);
    const controls = el('div', { class: 'controls' }, app);
    dgScroll.before(controls);
    el('label', {}, controls, 'first message ');
    const from = el('input', { type: 'number', min: '0', value: '0', id: 'diagram-from' }, controls);
    el('label', {}, controls, '  messages ');
    const size = el('select', { id: 'diagram-size' }, controls);
    for (const s of [50, 100, 200, 500, 1000, 2000]) {
      el('option', s === 200 ? { value: s, selected: '' } : { value: s }, size, String(s));
    }
    const prev = el('button', {}, controls, '\u2190 earlier');
    const next = el('button', {}, controls, 'later \u2192');
    el('label', {}, controls, '  go to time (s) ');
    const at = el('input', { type: 'number', step: 'any', min: '0', id: 'diagram-time' }, controls);
    let svg = null;
    drawDiagram = function () {
      const n = Number(size.value);
      const first = Math.max(0, Math.min(Number(from.value) || 0, Math.max(count - 1, 0)));
      const last = Math.min(first + n, count);
      // Time runs downwards by rank, not in proportion: every distinct send
      // or receive instant of the window gets its own row, so a burst is as
      // legible as a lull and the order of events (Lamport's) is exact.
      const instants = [];
      for (let i = first; i < last; ++i) {
        instants.push(m.s[i]);
        if (m.r[i] >= 0) instants.push(m.r[i]);
      }
      instants.sort((x, y) => x - y);
      const rows = instants.filter((t, k) => k === 0 || t !== instants[k - 1]);
      const ROW = 12;
      const laneW = Math.max(40, Math.min(120, 1040 / Math.max(dg.lanes.length, 1)));
      const top = 30, height = Math.max(rows.length, 1) * ROW, left = 80;
      const width = left + laneW * dg.lanes.length;
      if (svg) svg.remove();
      svg = svgEl('svg', { id: 'diagram', width: width, height: top + height + 20 }, dgScroll);
      const laneX = (l) => left + l * laneW + laneW / 2;
      const yD = (us) => {
        let lo = 0, hi = rows.length - 1;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (rows[mid] < us) lo = mid + 1; else hi = mid; }
        return top + lo * ROW + ROW / 2;
      };
      const defs = svgEl('defs', {}, svg);
      const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
        markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, defs);
      svgEl('path', { d: 'M0 0L10 5L0 10z', fill: '#1565c0' }, marker);
      dg.lanes.forEach((name, l) => {
        svgEl('line', { x1: laneX(l), x2: laneX(l), y1: top, y2: top + height, class: 'lane' }, svg);
        svgEl('text', { x: laneX(l), y: top - 10, 'text-anchor': 'middle' }, svg, name);
      });
      const g = svgEl('g', { class: 'axis' }, svg);
      rows.forEach((t, k) => {
        if (k % 5 === 0) svgEl('text', { x: 4, y: top + k * ROW + ROW / 2 + 4 }, g, fmt(t / 1000, 3) + ' ms');
      });
      let dropped = 0;
      const labels = last - first <= 500;
      for (let i = first; i < last; ++i) {
        const x0 = laneX(m.a[i]), x1 = laneX(m.b[i]), y0 = yD(m.s[i]);
        const lost = m.r[i] < 0;
        const type = dg.types[m.t[i]];
        // A message never delivered stops halfway, at its send time, with an X.
        const xe = lost ? (x0 + x1) / 2 : x1, ye = lost ? y0 + ROW / 2 : yD(m.r[i]);
        const line = svgEl('line', { x1: x0, y1: y0, x2: xe, y2: ye,
          class: 'msg' + (lost ? ' dropped' : ''), 'marker-end': lost ? '' : 'url(#arrow)' }, svg);
        svgEl('title', {}, line, dg.lanes[m.a[i]] + ' \u2192 ' + dg.lanes[m.b[i]] + ' ' + type +
          ' sent ' + seconds(m.s[i]) + (lost ? ', never delivered' : ', received ' + seconds(m.r[i])));
        if (lost) {
          ++dropped;
          svgEl('text', { x: xe, y: ye + 4, 'text-anchor': 'middle', fill: '#c62828' }, svg, '\u00d7');
        }
        if (labels) {
          svgEl('text', { x: (x0 + xe) / 2, y: (y0 + ye) / 2 - 2, 'text-anchor': 'middle',
            'font-size': 9 }, svg, type);
        }
      }
      svg.setAttribute('data-count', String(last - first));
      svg.setAttribute('data-dropped', String(dropped));
      svg.setAttribute('data-lanes', String(dg.lanes.length));
    };
    from.addEventListener('change', drawDiagram);
    size.addEventListener('change', drawDiagram);
    prev.addEventListener('click', () => {
      from.value = Math.max(0, Number(from.value) - Number(size.value));
      drawDiagram();
    });
    next.addEventListener('click', () => {
      from.value = Math.min(Math.max(count - 1, 0), Number(from.value) + Number(size.value));
      drawDiagram();
    });
    at.addEventListener('change', () => {
      const us = Number(at.value) * 1e6;
      let lo = 0, hi = count;  // the first message sent at or after `us`
      while (lo < hi) { const mid = (lo + hi) >> 1; if (m.s[mid] < us) lo = mid + 1; else hi = mid; }
      from.value = Math.min(lo, Math.max(count - 1, 0));
      drawDiagram();
    });
  }

  // ---- selection: an anomaly (or one op) highlights its ops everywhere ----
  function select(ids, anomaly) {
    selection.ops = new Set(ids);
    selection.anomaly = anomaly;
    for (const a of document.querySelectorAll('a.anomaly-link')) {
      a.classList.toggle('selected', Number(a.getAttribute('data-anomaly')) === anomaly);
    }
    latHighlight.textContent = '';
    let marked = 0;
    for (const id of ids) {
      if (ops.e[id] < 0) continue;
      svgEl('circle', { cx: xOf(ops.e[id]), cy: yLat(latencyMs(id)), r: 7, class: 'hl', 'data-op': id }, latHighlight);
      ++marked;
    }
    latSvg.setAttribute('data-highlighted', String(marked));
    if (ids.length > 0) {
      // Move the timeline's window onto the ops, with a margin.
      let s = Infinity, e = -Infinity;
      for (const id of ids) {
        s = Math.min(s, ops.s[id]);
        e = Math.max(e, ops.e[id] < 0 ? endUs : ops.e[id]);
      }
      const span = Math.max((e - s) * 1.2, 0.05e6);
      tlFrom.value = Math.max(0, (s - span * 0.1) / 1e6).toFixed(6);
      let option = [...tlSpan.options].find((o) => Number(o.value) * 1e6 >= span);
      if (!option) option = el('option', { value: span / 1e6 }, tlSpan, fmt(span / 1e6, 1));
      tlSpan.value = option.value;
    }
    drawTimeline();
    detail.textContent = '';
    const box = el('div', { id: 'selection', 'data-ops': ids.join(','), 'data-anomaly': String(anomaly) }, detail);
    if (anomaly >= 0) {
      const a = D.anomalies[anomaly];
      el('h2', {}, box, 'Anomaly ' + anomaly + ': ' + a.type + (a.key ? ' on key ' + a.key : ''));
      el('pre', { class: 'wrap' }, box, a.detail);
      drawKey(a.key);
    }
    if (ids.length) {
      const list = el('table', { id: 'selected-ops' }, box);
      const hr = el('tr', {}, list);
      for (const h of ['op', 'history index', 'process', 'f', 'outcome', 'invoked', 'completed', 'what']) {
        el('th', { class: 'l' }, hr, h);
      }
      for (const id of ids.slice(0, 200)) {
        const tr = el('tr', {}, list);
        opLink(id, el('td', { class: 'l' }, tr));
        for (const v of [ops.i[id], 'p' + ops.p[id], D.fs[ops.f[id]], OUTCOMES[ops.o[id]],
          seconds(ops.s[id]), ops.e[id] < 0 ? 'never' : seconds(ops.e[id]), ops.t[id]]) {
          el('td', { class: 'l' }, tr, String(v));
        }
      }
    }
  }
  function onHash() {
    const hash = location.hash.slice(1);
    const [kind, value] = hash.split('=');
    const n = Number(value);
    if (kind === 'anomaly' && n >= 0 && n < D.anomalies.length) select(D.anomalies[n].ops, n);
    else if (kind === 'op' && n >= 0 && n < opCount) select([n], -1);
  }
  window.addEventListener('hashchange', onHash);

  drawTimeline();
  drawDiagram();
  onHash();
  body.setAttribute('data-ready', '1');
})();
