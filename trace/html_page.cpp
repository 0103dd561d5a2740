// The swimlane page: plain HTML, CSS and a canvas-drawing script written for tilegraph.
// No network, no libraries: the page opens from disk. The script draws only what is in
// view and merges slices narrower than a pixel, so a run of 10^5 tasks stays responsive.
#include "trace/html_page.hpp"

namespace tg::detail {

std::string_view swimlane_page_head() {
  return R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tilegraph swimlane</title>
<style>
  html, body { margin: 0; height: 100%; font: 12px sans-serif; color: #222; }
  body { display: flex; flex-direction: column; }
  #bar { padding: 4px 8px; background: #f0f0f0; border-bottom: 1px solid #ccc; white-space: nowrap; overflow: hidden; }
  #bar b { margin-right: 12px; }
  #hint { color: #666; margin-left: 12px; }
  #main { flex: 1; display: flex; min-height: 0; }
  #swimlane { flex: 1; min-width: 0; display: block; cursor: crosshair; }
  #details { width: 340px; overflow: auto; border-left: 1px solid #ccc; padding: 6px 8px; background: #fafafa; }
  #details h3 { margin: 2px 0 6px; font-size: 13px; word-break: break-all; }
  #details table { border-collapse: collapse; margin-bottom: 6px; }
  #details td { padding: 0 8px 0 0; vertical-align: top; }
  #details td.num { text-align: right; font-family: monospace; }
  #details ul { margin: 2px 0 8px; padding-left: 16px; }
  #details li { word-break: break-all; }
  #details a { color: #1f5fbf; cursor: pointer; text-decoration: underline; }
  .muted { color: #888; }
  .tg-section { max-height: 30vh; overflow: auto; border-top: 1px solid #ccc; padding: 4px 8px; }
  .tg-section h3 { margin: 2px 0 6px; font-size: 13px; }
  .tg-section td, .tg-section th { padding: 0 10px 0 0; text-align: left; vertical-align: top; }
  #controls { margin-left: 12px; }
  #controls label { margin-right: 10px; cursor: pointer; }
  #legend { padding: 2px 8px; background: #f7f7f7; border-bottom: 1px solid #ddd; white-space: nowrap; overflow: hidden; color: #444; }
  #legend .legend-item { margin-right: 12px; }
  #legend .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; border: 1px solid #999; }
</style>
</head>
<body>
<div id="bar"><b id="title"></b><span id="status"></span><span id="controls"><label><input type="checkbox" id="hide-idle"> hide idle lanes</label><label><input type="checkbox" id="collapse-groups"> one row per core group</label></span><span id="hint">wheel: zoom · drag: pan · wheel on lane names: scroll · click: details · click a group's name: collapse it · 0: reset</span></div>
<div id="legend"></div>
<div id="main"><canvas id="swimlane"></canvas><div id="details"><span class="muted">Click a slice to see its task, arguments, edges and timestamps.</span></div></div>
<div id="tg-summary" hidden></div>
<script id="tg-data" type="application/json">)HTML";
}

std::string_view swimlane_page_tail() {
  return R"HTML(</script>
<script>
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("tg-data").textContent);
  const S = D.strings, T = D.tasks, E = D.edges, R = D.rows, P = D.spans;
  const KIND_COLOR = ["#fd8d3c", "#6baed6", "#9e9ac8", "#74c476"];  // cube, vector, mix, host
  const MIXED = "#969696", SCHED = "#525252", COUNTER_COLOR = ["#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  const GUTTER = 150, AXIS = 22, LANE_H = 16, COUNTER_H = 30, GAP = 2;
  const nRows = R.task.length, nTasks = T.kind.length, span = Math.max(D.makespan_ns, 1);
  // Slices: timeline rows 0..nRows-1, then the scheduler spans (dispatch work on "sched" lanes).
  const nSlices = nRows + P.task.length;
  const start = Float64Array.from(R.start.concat(P.begin)), end = Float64Array.from(R.end.concat(P.end));
  const sliceTask = R.task.concat(P.task), sliceLane = R.lane.concat(P.lane);

  // Slices of each lane ordered by start, with the running maximum of their ends: the
  // first slice that can reach into the view is a binary search on that maximum.
  const laneRows = D.lanes.map(() => []);
  for (let i = 0; i < nSlices; i++) laneRows[sliceLane[i]].push(i);
  const laneMaxEnd = laneRows.map(rows => {
    rows.sort((a, b) => start[a] - start[b] || a - b);
    const m = new Float64Array(rows.length);
    let x = -Infinity;
    for (let k = 0; k < rows.length; k++) { x = Math.max(x, end[rows[k]]); m[k] = x; }
    return m;
  });
  // Arrows leave a task's last-ending row (what releases its successors) and arrive at the
  // first-starting row of the successor.
  const firstRow = new Int32Array(nTasks).fill(-1), lastRow = new Int32Array(nTasks).fill(-1);
  for (let i = 0; i < nRows; i++) {
    const t = R.task[i];
    if (firstRow[t] < 0 || start[i] < start[firstRow[t]]) firstRow[t] = i;
    if (lastRow[t] < 0 || end[i] > end[lastRow[t]]) lastRow[t] = i;
  }
  const inEdges = new Map(), outEdges = new Map();  // filled for the selected task only
  function edgesOf(t) {
    if (!inEdges.has(t)) {
      const ins = [], outs = [];
      for (let e = 0; e < E.from.length; e++) {
        if (E.to[e] === t) ins.push(e);
        if (E.from[e] === t) outs.push(e);
      }
      inEdges.set(t, ins); outEdges.set(t, outs);
    }
    return [inEdges.get(t), outEdges.get(t)];
  }

  // A counter is drawn in the colour of the core type it counts (idle AIC in the cube
  // colour, ready MIX in the MIX colour); "idle" series lighter than "ready" ones.
  const TYPE_COLOR = { AIC: KIND_COLOR[0], AIV: KIND_COLOR[1], MIX: KIND_COLOR[2], host: KIND_COLOR[3] };
  const counterColor = (c, i) => TYPE_COLOR[c.name.split(" ").pop()] || COUNTER_COLOR[i % COUNTER_COLOR.length];
  const IDLE_ALPHA = 0.5;

  // Tracks: counters first, then one per lane, or one per core group while that group is
  // collapsed (its lanes share the row in bands); lanes without a slice can be hidden.
  // laneY / laneH: where each lane is drawn (laneY -1: hidden).
  const laneGroup = D.lanes.map(lane => lane.length > 2 ? lane[2] : -1);
  const groupLanes = new Map();
  laneGroup.forEach((g, l) => { if (g >= 0) { if (!groupLanes.has(g)) groupLanes.set(g, []); groupLanes.get(g).push(l); } });
  const laneIdle = laneRows.map(rows => rows.length === 0);
  const options = { hideIdle: false, collapsed: new Set() };
  let tracks = [], laneY = [], laneH = [], contentH = 0, lanesShown = 0, laneTracks = 0;
  function layout() {
    tracks = []; laneY = new Array(D.lanes.length).fill(-1); laneH = new Array(D.lanes.length).fill(0);
    contentH = 0; lanesShown = 0; laneTracks = 0;
    D.counters.forEach((c, i) => {
      let max = 0;
      for (const v of c.value) max = Math.max(max, v);
      tracks.push({ counter: c, color: counterColor(c, i), idle: c.name.startsWith("idle"), max, y: contentH, h: COUNTER_H });
      contentH += COUNTER_H + GAP;
    });
    const placedGroups = new Set();
    D.lanes.forEach((lane, l) => {
      const g = laneGroup[l];
      if (g >= 0 && options.collapsed.has(g)) {
        if (placedGroups.has(g)) return;
        placedGroups.add(g);
        const members = groupLanes.get(g).filter(m => !(options.hideIdle && laneIdle[m]));
        if (members.length === 0) return;
        const band = LANE_H / members.length;
        members.forEach((m, k) => { laneY[m] = contentH + k * band; laneH[m] = band; });
        tracks.push({ group: g, lanes: members, y: contentH, h: LANE_H });
        lanesShown += members.length; laneTracks++;
        contentH += LANE_H + GAP;
        return;
      }
      if (options.hideIdle && laneIdle[l]) return;
      laneY[l] = contentH; laneH[l] = LANE_H;
      tracks.push({ lane: l, y: contentH, h: LANE_H });
      lanesShown++; laneTracks++;
      contentH += LANE_H + GAP;
    });
  }
  layout();

  const canvas = document.getElementById("swimlane"), ctx = canvas.getContext("2d");
  const details = document.getElementById("details"), summary = document.getElementById("tg-summary");
  const view = { t0: 0, nsPerPx: 1, scrollY: 0 };
  let selected = -1, selectedRows = [], drawn = 0, labels = 0, pending = false;

  const label = t => S[T.name[t]] + "#" + t;
  const plotWidth = () => Math.max(canvas.clientWidth - GUTTER, 1);
  const xOf = t => GUTTER + (t - view.t0) / view.nsPerPx;
  const tOf = x => view.t0 + (x - GUTTER) * view.nsPerPx;
  const maxScroll = () => Math.max(0, contentH - (canvas.clientHeight - AXIS));
  function resetView() { view.t0 = 0; view.nsPerPx = span / plotWidth() * 1.02; view.scrollY = 0; }
  function clampView() {
    view.nsPerPx = Math.min(Math.max(view.nsPerPx, 0.01), span / plotWidth() * 4);
    view.scrollY = Math.min(Math.max(view.scrollY, 0), maxScroll());
  }
  function lowerBound(a, x) {  // first k with a[k] >= x
    let lo = 0, hi = a.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function fmt(ns) {
    const a = Math.abs(ns);
    const [unit, div] = a >= 1e9 ? ["s", 1e9] : a >= 1e6 ? ["ms", 1e6] : a >= 1e3 ? ["us", 1e3] : ["ns", 1];
    return Number((ns / div).toPrecision(6)) + " " + unit;
  }

  // Cost per lane: O(log n + slices at least a pixel wide + pixels), not O(slices in view):
  // inside a merged run, whole stretches of slices that end within it are skipped by a
  // binary search on the running maximum of ends (their kinds are sampled, not all read).
  function drawLane(l, y, h, t0, t1, w) {
    const rows = laneRows[l], maxEnd = laneMaxEnd[l];
    let runX0 = 0, runX1 = -1, runColor = null;
    const flush = () => {
      if (runColor !== null) { ctx.fillStyle = runColor; ctx.fillRect(runX0, y, runX1 - runX0, h); drawn++; }
      runColor = null;
    };
    ctx.font = "10px sans-serif";
    ctx.textBaseline = "middle";
    for (let k = lowerBound(maxEnd, t0); k < rows.length; k++) {
      const r = rows[k];
      if (start[r] > t1) break;
      if (end[r] < t0) continue;
      const x0 = Math.max(xOf(start[r]), GUTTER), x1 = Math.min(xOf(end[r]), w);
      const color = r < nRows ? KIND_COLOR[T.kind[R.task[r]]] : SCHED;
      if (x1 - x0 < 1) {  // narrower than a pixel: merged with its neighbours
        if (runColor !== null && x0 <= runX1 + 0.5) {
          runX1 = Math.max(runX1, x0 + 1);
          if (runColor !== color) runColor = MIXED;
        } else {
          flush();
          runX0 = x0; runX1 = x0 + 1; runColor = color;
        }
        const skipTo = lowerBound(maxEnd, tOf(runX1 + 0.5)) - 1;  // these all end inside the run
        if (skipTo > k + 1) {
          const last = rows[skipTo];
          if ((last < nRows ? KIND_COLOR[T.kind[R.task[last]]] : SCHED) !== runColor) runColor = MIXED;
          runX1 = Math.max(runX1, xOf(start[last]) + 1);  // as if each skipped slice was merged
          k = skipTo;
        }
        continue;
      }
      flush();
      ctx.fillStyle = color;
      ctx.fillRect(x0, y, x1 - x0, h);
      drawn++;
      if (x1 - x0 > 3) { ctx.fillStyle = "rgba(255,255,255,0.8)"; ctx.fillRect(x0, y, 1, h); }
      // A label once at least two characters fit at this zoom (10 px sans: ~6 px a character).
      const room = Math.floor((x1 - x0 - 4) / 6);
      if (room >= 2 && h >= 9) {
        const text = S[T.name[sliceTask[r]]];
        ctx.fillStyle = "#000";
        ctx.fillText(text.length > room ? text.slice(0, room - 1) + "…" : text, x0 + 3, y + h / 2);
        labels++;
      }
    }
    flush();
  }

  // A step function drawn as its time-weighted mean per pixel column (a peak shorter than
  // a pixel does not fill the column; zoom in to see it). With the running integral of the
  // function, a column costs two binary searches: O(pixels · log points) per frame.
  function counterIntegral(c) {
    if (!c.integral) {
      c.integral = new Float64Array(c.ts.length + 1);
      for (let k = 0; k < c.ts.length; k++)
        c.integral[k + 1] = c.integral[k] + c.value[k] * ((k + 1 < c.ts.length ? c.ts[k + 1] : span) - c.ts[k]);
    }
    return c.integral;
  }
  function integralAt(c, t) {  // ∫ value from 0 to t
    const k = lowerBound(c.ts, t + 1e-9) - 1;  // last point at or before t
    if (k < 0) return 0;
    return c.integral[k] + c.value[k] * (t - c.ts[k]);
  }
  function drawCounter(track, y, h, t0, t1, w) {
    const c = track.counter, max = Math.max(track.max, 1);
    counterIntegral(c);
    ctx.fillStyle = track.color;
    ctx.globalAlpha = track.idle ? IDLE_ALPHA : 1;
    for (let x = GUTTER; x < w; x++) {
      const ta = Math.max(tOf(x), 0), tb = Math.min(tOf(x + 1), span);
      if (tb <= ta) continue;
      const mean = (integralAt(c, tb) - integralAt(c, ta)) / view.nsPerPx;
      if (mean <= 0) continue;
      const bar = Math.min(mean / max, 1) * (h - 3);
      ctx.fillRect(x, y + h - bar, 1, bar);
      drawn++;
    }
    ctx.globalAlpha = 1;
  }

  function drawArrow(fromRow, toRow, color) {
    const la = R.lane[fromRow], lb = R.lane[toRow];
    if (laneY[la] < 0 || laneY[lb] < 0) return;  // a hidden lane
    const xa = xOf(end[fromRow]), ya = AXIS + laneY[la] - view.scrollY + laneH[la] / 2;
    const xb = xOf(start[toRow]), yb = AXIS + laneY[lb] - view.scrollY + laneH[lb] / 2;
    ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(xa, ya); ctx.lineTo(xb, yb); ctx.stroke();
    const angle = Math.atan2(yb - ya, xb - xa);
    ctx.beginPath(); ctx.moveTo(xb, yb);
    ctx.lineTo(xb - 7 * Math.cos(angle - 0.4), yb - 7 * Math.sin(angle - 0.4));
    ctx.lineTo(xb - 7 * Math.cos(angle + 0.4), yb - 7 * Math.sin(angle + 0.4));
    ctx.fill();
  }

  function drawSelection() {
    if (selected < 0) return;
    ctx.strokeStyle = "#000"; ctx.lineWidth = 2;
    for (const r of selectedRows) {
      const l = sliceLane[r];
      if (laneY[l] < 0) continue;
      const x0 = xOf(start[r]), x1 = Math.max(xOf(end[r]), x0 + 2);
      ctx.strokeRect(x0, AXIS + laneY[l] - view.scrollY, x1 - x0, laneH[l]);
    }
    const [ins, outs] = edgesOf(selected);
    for (const e of ins)
      if (E.reduced[e] && lastRow[E.from[e]] >= 0 && firstRow[selected] >= 0) drawArrow(lastRow[E.from[e]], firstRow[selected], "#1f5fbf");
    for (const e of outs)
      if (E.reduced[e] && lastRow[selected] >= 0 && firstRow[E.to[e]] >= 0) drawArrow(lastRow[selected], firstRow[E.to[e]], "#d62728");
  }

  function drawAxis(w, t0, t1) {
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, w, AXIS);
    ctx.strokeStyle = "#999"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(0, AXIS - 0.5); ctx.lineTo(w, AXIS - 0.5); ctx.stroke();
    const target = view.nsPerPx * 100, p = Math.pow(10, Math.floor(Math.log10(target)));
    const step = [1, 2, 5, 10].map(m => m * p).find(s => s >= target);
    ctx.fillStyle = "#444"; ctx.font = "10px sans-serif"; ctx.textBaseline = "middle";
    for (let t = Math.ceil(Math.max(t0, 0) / step) * step; t <= t1; t += step) {
      const x = Math.round(xOf(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, AXIS - 6); ctx.lineTo(x, AXIS); ctx.stroke();
      ctx.fillText(fmt(t), x + 2, AXIS / 2 - 2);
    }
  }

  function draw() {
    const began = performance.now();
    const dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    }
    clampView();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    drawn = 0; labels = 0;
    const t0 = tOf(GUTTER), t1 = tOf(w);
    let lanesDrawn = 0;
    ctx.save();
    ctx.beginPath(); ctx.rect(0, AXIS, w, h - AXIS); ctx.clip();
    for (const track of tracks) {
      const y = AXIS + track.y - view.scrollY;
      if (y + track.h < AXIS || y > h) continue;
      ctx.fillStyle = "#f4f4f4"; ctx.fillRect(GUTTER, y, w - GUTTER, track.h);
      ctx.save();
      ctx.beginPath(); ctx.rect(GUTTER, y, w - GUTTER, track.h); ctx.clip();
      if (track.counter) drawCounter(track, y, track.h, t0, t1, w);
      else if (track.lanes) {
        for (const m of track.lanes) drawLane(m, AXIS + laneY[m] - view.scrollY, laneH[m], t0, t1, w);
        lanesDrawn += track.lanes.length;
      } else { drawLane(track.lane, y, track.h, t0, t1, w); lanesDrawn++; }
      ctx.restore();
      ctx.fillStyle = "#222"; ctx.font = "11px sans-serif"; ctx.textBaseline = "middle";
      const clip = s => s.length > 25 ? s.slice(0, 24) + "…" : s;
      if (track.counter) {
        ctx.fillText(clip(track.counter.name), 4, y + 8);
        ctx.fillStyle = "#777";
        ctx.fillText("max " + track.max + " " + track.counter.unit, 4, y + 21);
      } else if (track.lanes) {
        ctx.fillText(clip("▸ g" + track.group + " (" + track.lanes.map(m => D.lanes[m][0].split(".").pop()).join(" ") + ")"), 4, y + track.h / 2);
      } else {
        ctx.fillText(clip((laneGroup[track.lane] >= 0 ? "▾ " : "") + D.lanes[track.lane][0]), 4, y + track.h / 2);
      }
    }
    ctx.save();
    ctx.beginPath(); ctx.rect(GUTTER, AXIS, w - GUTTER, h - AXIS); ctx.clip();
    drawSelection();
    ctx.restore();
    ctx.restore();
    drawAxis(w, t0, t1);
    summary.dataset.lanes = D.lanes.length;
    summary.dataset.lanesDrawn = lanesDrawn;
    summary.dataset.lanesShown = lanesShown;    // lanes on screen or scrolled away, not hidden
    summary.dataset.laneTracks = laneTracks;    // rows they take (a collapsed group is one)
    summary.dataset.labels = labels;
    summary.dataset.counters = D.counters.length;
    summary.dataset.rows = nRows;
    summary.dataset.slices = nSlices;
    summary.dataset.drawn = drawn;
    summary.dataset.drawMs = (performance.now() - began).toFixed(1);  // cost of this frame
  }
  function requestDraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  }

  // The slice under (x, y), allowing 3 px of slack for slices narrower than that.
  function rowAt(x, y) {
    const yy = y - AXIS + view.scrollY;
    const l = laneY.findIndex((top, k) => top >= 0 && yy >= top && yy < top + laneH[k]);
    if (l < 0 || x < GUTTER) return -1;
    const rows = laneRows[l], t = tOf(x), slack = 3 * view.nsPerPx;
    let best = -1, bestDistance = Infinity;
    for (let k = lowerBound(laneMaxEnd[l], t - slack); k < rows.length && start[rows[k]] <= t + slack; k++) {
      const r = rows[k], distance = t < start[r] ? start[r] - t : t > end[r] ? t - end[r] : 0;
      if (distance <= slack && distance < bestDistance) { best = r; bestDistance = distance; }
    }
    return best;
  }

  function add(parent, tag, text, cls) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (cls) el.className = cls;
    parent.appendChild(el);
    return el;
  }
  function edgeList(title, edges, incoming) {
    add(details, "b", title + " (" + edges.length + ")");
    const ul = add(details, "ul");
    for (const e of edges) {
      const other = incoming ? E.from[e] : E.to[e];
      const li = add(ul, "li");
      add(li, "span", D.edge_kinds[E.kind[e]] + (E.desc[e] >= 0 ? " " + S[E.desc[e]] : "") + (incoming ? " from " : " to "));
      add(li, "a", label(other)).onclick = () => select(other, -1, true);
      if (!E.reduced[e]) add(li, "span", " (implied by a longer path)", "muted");
    }
  }
  function showDetails(t, row, slice) {
    details.textContent = "";
    add(details, "h3", label(t));
    const info = add(details, "table");
    const line = (k, v, cls) => { const tr = add(info, "tr"); add(tr, "td", k); add(tr, "td", v, cls); };
    line("kind", D.kinds[T.kind[t]]);
    line("blocks", String(T.blocks[t]));
    if (row >= 0) {
      line("block", String(R.block[row]) + (D.kinds[T.kind[t]] === "mix" ? " (" + ["AIC", "AIV0", "AIV1"][R.sub[row]] + ")" : ""));
      line("lane", D.lanes[R.lane[row]][0]);
      if (R.tile[row] >= 0) line("writes", S[R.tile[row]]);
      for (const k of ["submit", "ready", "dispatch", "start", "end", "finish"]) line(k + " ns", String(R[k][row]), "num");
      line("waited", fmt(R.dispatch[row] - R.ready[row]), "num");
      line("pickup", fmt(R.start[row] - R.dispatch[row]), "num");
      line("ran", fmt(R.end[row] - R.start[row]), "num");
      line("FIN after", fmt(R.finish[row] - R.end[row]), "num");
    } else {
      add(details, "div", "no timeline row for this task", "muted");
    }
    if (slice >= nRows) {
      const p = slice - nRows;
      add(details, "div", "scheduler " + D.lanes[P.lane[p]][0] + " dispatching block " + P.block[p] + ": " +
          P.begin[p] + " .. " + P.end[p] + " ns (" + fmt(P.end[p] - P.begin[p]) + ")");
    }
    add(details, "b", "args (" + T.args[t].length + ")");
    const ul = add(details, "ul");
    for (const a of T.args[t]) add(ul, "li", S[a]);
    const [ins, outs] = edgesOf(t);
    edgeList("in edges", ins, true);
    edgeList("out edges", outs, false);
  }
  // Selects task t; `slice` is the slice clicked (-1: none). Details show the clicked row,
  // or the task's first row when a scheduler span or an edge link was clicked.
  function select(t, slice, center) {
    selected = t;
    const row = slice >= 0 && slice < nRows ? slice : firstRow[t];
    selectedRows = [];
    for (let i = 0; i < nSlices; i++) if (sliceTask[i] === t) selectedRows.push(i);
    showDetails(t, row, slice);
    summary.dataset.selected = label(t);
    if (center && row >= 0) {
      view.t0 = (start[row] + end[row]) / 2 - plotWidth() / 2 * view.nsPerPx;
      if (laneY[R.lane[row]] >= 0) view.scrollY = laneY[R.lane[row]] - (canvas.clientHeight - AXIS) / 2;
    }
    requestDraw();
  }

  canvas.addEventListener("wheel", ev => {
    ev.preventDefault();
    if (ev.offsetX < GUTTER) view.scrollY += ev.deltaY;
    else {
      const t = tOf(ev.offsetX);
      view.nsPerPx *= Math.exp(Math.max(-5, Math.min(5, ev.deltaY * 0.0015)));
      clampView();
      view.t0 = t - (ev.offsetX - GUTTER) * view.nsPerPx;
    }
    requestDraw();
  }, { passive: false });
  let drag = null;
  canvas.addEventListener("mousedown", ev => { drag = { x: ev.clientX, y: ev.clientY, moved: 0 }; });
  window.addEventListener("mousemove", ev => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    drag.moved += Math.abs(dx) + Math.abs(dy);
    drag.x = ev.clientX; drag.y = ev.clientY;
    view.t0 -= dx * view.nsPerPx; view.scrollY -= dy;
    requestDraw();
  });
  // A click on a core group's lane name collapses the group into one row, or expands it.
  function toggleGroupAt(y) {
    const yy = y - AXIS + view.scrollY;
    const track = tracks.find(t => !t.counter && yy >= t.y && yy < t.y + t.h);
    if (!track) return;
    const g = track.lanes ? track.group : laneGroup[track.lane];
    if (g < 0) return;
    if (options.collapsed.has(g)) options.collapsed.delete(g); else options.collapsed.add(g);
    layout();
    requestDraw();
  }
  window.addEventListener("mouseup", ev => {
    if (drag && drag.moved < 4 && ev.target === canvas) {
      if (ev.offsetX < GUTTER) toggleGroupAt(ev.offsetY);
      else {
        const r = rowAt(ev.offsetX, ev.offsetY);
        if (r >= 0) select(sliceTask[r], r, false);
      }
    }
    drag = null;
  });
  const hideIdleBox = document.getElementById("hide-idle"), collapseBox = document.getElementById("collapse-groups");
  function applyControls() {
    options.hideIdle = hideIdleBox.checked;
    options.collapsed = new Set(collapseBox.checked ? groupLanes.keys() : []);
    layout();
    requestDraw();
  }
  hideIdleBox.addEventListener("change", applyControls);
  collapseBox.addEventListener("change", applyControls);
  if (groupLanes.size === 0) collapseBox.disabled = true;

  // The legend: what each colour means, slices and counter tracks.
  function legendItem(color, text, alpha, counter) {
    const item = add(document.getElementById("legend"), "span", undefined, "legend-item");
    const swatch = add(item, "span", undefined, "swatch");
    swatch.style.background = color;
    swatch.style.opacity = alpha;
    add(item, "span", text);
    item.dataset.color = color;
    if (counter) item.dataset.counter = counter;
  }
  ["cube (AIC)", "vector (AIV)", "mix (core group)", "host"].forEach((k, i) => legendItem(KIND_COLOR[i], k, 1));
  legendItem(SCHED, "scheduler dispatch", 1);
  legendItem(MIXED, "slices under a pixel, of several kinds", 1);
  tracks.filter(t => t.counter).forEach(t => legendItem(t.color, t.counter.name + " (" + t.counter.unit + ")", t.idle ? IDLE_ALPHA : 1, t.counter.name));
  window.addEventListener("keydown", ev => {
    const mid = tOf(GUTTER + plotWidth() / 2);
    if (ev.key === "0") resetView();
    else if (ev.key === "+" || ev.key === "=") { view.nsPerPx /= 1.5; view.t0 = mid - plotWidth() / 2 * view.nsPerPx; }
    else if (ev.key === "-") { view.nsPerPx *= 1.5; view.t0 = mid - plotWidth() / 2 * view.nsPerPx; }
    else if (ev.key === "ArrowLeft") view.t0 -= 50 * view.nsPerPx;
    else if (ev.key === "ArrowRight") view.t0 += 50 * view.nsPerPx;
    else return;
    requestDraw();
  });
  window.addEventListener("resize", requestDraw);

  document.title = D.graph + " · tilegraph swimlane";
  document.getElementById("title").textContent = D.graph + " on " + D.source;
  document.getElementById("status").textContent = nTasks + " tasks · " + nRows + " rows · " + D.lanes.length +
      " lanes · makespan " + fmt(D.makespan_ns) + " · arrows: " + D.flow_edges;
  resetView();
  // The fragment sets the view on load: #task=N selects task N, hide-idle=1 and collapse=1
  // tick the controls, window=A-B zooms to A..B ns (e.g. #collapse=1&window=0-5000).
  const param = key => { const m = new RegExp("[#&]" + key + "=([^&]*)").exec(location.hash); return m ? m[1] : null; };
  if (param("hide-idle") === "1") hideIdleBox.checked = true;
  if (param("collapse") === "1") collapseBox.checked = true;
  options.hideIdle = hideIdleBox.checked;
  options.collapsed = new Set(collapseBox.checked ? groupLanes.keys() : []);
  layout();
  const win = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(param("window") || "");
  if (win && Number(win[2]) > Number(win[1])) {
    view.t0 = Number(win[1]);
    view.nsPerPx = (Number(win[2]) - Number(win[1])) / plotWidth();
  }
  const wanted = /^(\d+)$/.exec(param("task") || "");
  if (wanted && Number(wanted[1]) < nTasks) select(Number(wanted[1]), -1, false);
  // Tables the writer was given (HtmlSection), below the swimlane; text only, never markup.
  for (const sec of D.sections || []) {
    const box = document.createElement("section"), h = document.createElement("h3"), table = document.createElement("table");
    box.className = "tg-section";
    h.textContent = sec.title;
    const head = table.insertRow();
    for (const c of sec.columns) head.appendChild(document.createElement("th")).textContent = c;
    for (const row of sec.rows) {
      const tr = table.insertRow();
      for (const cell of row) tr.insertCell().textContent = cell;
    }
    box.append(h, table);
    document.body.appendChild(box);
  }
  draw();  // synchronously, so the summary is in the DOM when the page has loaded
})();
</script>
</body>
</html>
)HTML";
}

}  // namespace tg::detail
