// streamsim race report: the page's script. Inlined into the HTML by html.ts; it only
// draws the layout computed in layout.ts (which lane, which arrow, which mark) and runs the
// inspector, search and collapsing. Every text from the trace goes in through textContent,
// never innerHTML, so a label cannot inject markup.
(() => {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const { layout, trace } = data;
  const ROW = 28;
  const HEAD = 40;
  const GUTTER = 76;
  const LANE_W = 206;
  const BOX_W = 168;
  const BOX_X = 10;
  const LINK_BULGE = 60;
  /** Longer object states are cut in the inspector, with a button to show all. */
  const STATE_PREVIEW_CHARS = 1200;
  const SVG_NS = "http://www.w3.org/2000/svg";
  /** Collapse by default only when the trace is long enough for it to help. */
  const COLLAPSE_BY_DEFAULT_STEPS = 200;

  const timeline = document.getElementById("timeline");
  const inspector = document.getElementById("inspector");
  const search = document.getElementById("search");
  const matchCount = document.getElementById("match-count");
  const collapseBox = document.getElementById("collapse");

  const laneByColumn = new Map(layout.lanes.map((l) => [l.column, l]));
  const marksByStep = new Map();
  for (const m of layout.marks) {
    if (!marksByStep.has(m.step)) marksByStep.set(m.step, []);
    marksByStep.get(m.step).push(m);
  }
  const ui = {
    collapsed: trace.steps.length > COLLAPSE_BY_DEFAULT_STEPS,
    expandedRuns: new Set(),
    selected: null,
    matches: [],
    matchPos: -1,
  };
  collapseBox.checked = ui.collapsed;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** Row of every step, given what is collapsed: a collapsed run takes its first step's row. */
  function computeRows() {
    const rowOf = new Int32Array(layout.boxes.length);
    const rows = [];
    for (const box of layout.boxes) {
      const run = box.run >= 0 ? layout.runs[box.run] : null;
      const folded = run !== null && ui.collapsed && !ui.expandedRuns.has(box.run);
      if (folded && box.step !== run.first) {
        rowOf[box.step] = rowOf[run.first];
        continue;
      }
      rowOf[box.step] = rows.length;
      rows.push({ step: box.step, run: folded ? box.run : -1 });
    }
    return { rowOf, rows };
  }

  function laneX(column) {
    return GUTTER + column * LANE_W;
  }

  function marksOfRow(row) {
    if (row.run < 0) return marksByStep.get(row.step) || [];
    const run = layout.runs[row.run];
    const out = [];
    for (let i = run.first; i <= run.last; i++) out.push(...(marksByStep.get(i) || []));
    return out;
  }

  let rowsNow = null;

  function draw() {
    rowsNow = computeRows();
    const { rowOf, rows } = rowsNow;
    timeline.textContent = "";
    const width = GUTTER + layout.lanes.length * LANE_W + 40;
    const height = HEAD + rows.length * ROW + 24;
    const canvas = el("div");
    canvas.id = "canvas";
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;

    const heads = el("div", "lane-heads");
    heads.style.width = `${width}px`;
    const corner = el("div", "lane-head", "step");
    corner.style.left = "4px";
    corner.style.width = `${GUTTER - 8}px`;
    corner.style.color = "#5f6b7a";
    heads.append(corner);
    for (const lane of layout.lanes) {
      const h = el("div", `lane-head ${lane.kind}`, lane.name);
      h.dataset.lane = lane.name;
      h.dataset.kind = lane.kind;
      h.style.left = `${laneX(lane.column) + BOX_X}px`;
      h.style.width = `${BOX_W}px`;
      const sub = lane.blocked
        ? `${lane.kind} · ${lane.blocked}`
        : `${lane.kind} · ${lane.steps} steps`;
      const small = el("small", "", sub);
      h.title = `${lane.name} (${sub})`;
      h.append(small);
      heads.append(h);
      const bg = el("div", "lane-bg");
      bg.style.left = `${laneX(lane.column) + 4}px`;
      bg.style.top = `${HEAD}px`;
      canvas.append(bg);
    }
    canvas.append(heads);

    let lastT = null;
    for (const [r, row] of rows.entries()) {
      const box = layout.boxes[row.step];
      const y = HEAD + r * ROW;
      if (box.t !== lastT) {
        if (lastT !== null) {
          const rule = el("div", "time-rule");
          rule.style.top = `${y}px`;
          canvas.append(rule);
        }
      }
      const g = el("div", "gutter-row");
      g.style.top = `${y}px`;
      g.append(el("span", "", `#${row.step} `));
      if (box.t !== lastT) g.append(el("b", "", `${box.t} ms`));
      canvas.append(g);
      lastT = box.t;

      const lane = laneByColumn.get(box.column);
      const b = el("div", `box ${lane ? lane.kind : "other"}`);
      b.dataset.step = String(row.step);
      b.style.left = `${laneX(box.column) + BOX_X}px`;
      b.style.top = `${y + 3}px`;
      b.style.width = `${BOX_W}px`;
      if (box.timer) b.classList.add("fired");
      let text = box.label;
      if (row.run >= 0) {
        const run = layout.runs[row.run];
        const n = run.last - run.first + 1;
        text = `${box.label} … ${layout.boxes[run.last].label} ×${n}`;
        b.classList.add("run");
        b.dataset.run = String(row.run);
      } else {
        const sent = box.frames.filter((f) => f.verb === "send" || f.verb === "render");
        if (sent.length > 0) text = `${box.label}: ${sent.map((f) => f.fields.event).join(", ")}`;
      }
      b.textContent = text;
      const marks = marksOfRow(row);
      for (const m of marks) b.classList.add(`mark-${m.kind}`);
      b.title = [
        `#${row.step} ${trace.steps[row.step].name}: ${text}`,
        ...marks.map((m) => m.text),
      ].join("\n");
      canvas.append(b);
      drawTags(canvas, marks, box, y, row.step);
    }

    canvas.append(drawArrows(rowOf, width, height));
    timeline.append(canvas);
    applyMatches();
    if (ui.selected !== null) highlight(ui.selected);
  }

  /** Short text next to a marked box, so the picture reads without hovering. */
  function drawTags(canvas, marks, box, y, step) {
    const shown = new Set();
    const v = layout.violation;
    // Leave room for the dashed link that the red frame draws to its earlier twin.
    let dx = v?.frame && v.duplicate_of !== null && v.frame.step === step ? LINK_BULGE + 8 : 0;
    for (const m of marks) {
      if (shown.has(m.kind)) continue;
      shown.add(m.kind);
      let text = "";
      if (m.kind === "violation")
        text = `✖ ${layout.violation ? layout.violation.property : "violation"}`;
      else if (m.kind === "lost") text = "✖ never rendered";
      else if (m.kind === "preemption") text = `⚡ preempts ${m.preempted}`;
      else if (m.kind === "duplicate") text = "duplicate";
      else if (m.kind === "skip") text = `⊘ ${m.text}`;
      else continue;
      const tag = el("div", `tag ${m.kind === "lost" ? "violation" : m.kind}`, text);
      tag.style.left = `${laneX(box.column) + BOX_X + BOX_W + 6 + dx}px`;
      tag.style.top = `${y + 7}px`;
      canvas.append(tag);
      dx += text.length * 6.5 + 8;
    }
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  }

  function rowCenter(rowOf, step) {
    return HEAD + rowOf[step] * ROW + ROW / 2;
  }

  function drawArrows(rowOf, width, height) {
    const s = svg("svg", { id: "arrows", width, height });
    const defs = svg("defs", {});
    for (const [id, color] of [
      ["head-ok", "#6b7a8c"],
      ["head-duplicate", "#c97a00"],
      ["head-violation", "#d0222f"],
      ["head-link", "#d0222f"],
      ["head-hot", "#1a73e8"],
    ]) {
      const m = svg("marker", {
        id,
        viewBox: "0 0 10 10",
        refX: 9,
        refY: 5,
        markerWidth: 9,
        markerHeight: 9,
        markerUnits: "userSpaceOnUse",
        orient: "auto-start-reverse",
      });
      // Inline style: the sheet's `svg#arrows path { fill: none }` would hollow the head.
      m.append(svg("path", { d: "M0,0 L10,5 L0,10 z", style: `fill:${color};stroke:none` }));
      defs.append(m);
    }
    s.append(defs);
    for (const [k, a] of layout.arrows.entries()) {
      if (a.from === null && a.to === null) continue;
      let d;
      let labelAt;
      if (a.from !== null && a.to !== null) {
        const y1 = rowCenter(rowOf, a.from);
        const y2 = rowCenter(rowOf, a.to);
        const rightward = a.to_column >= a.from_column;
        const x1 = laneX(a.from_column) + BOX_X + (rightward ? BOX_W : 0);
        const x2 = laneX(a.to_column) + BOX_X + (rightward ? 0 : BOX_W);
        const bend = Math.max(30, Math.abs(x2 - x1) / 2);
        const c1 = rightward ? x1 + bend : x1 - bend;
        const c2 = rightward ? x2 - bend : x2 + bend;
        d = `M${x1},${y1} C${c1},${y1} ${c2},${y2} ${x2},${y2}`;
        labelAt = rightward ? [x1 + 4, y1 - 4] : [x1 - 4, y1 - 4];
      } else if (a.from !== null) {
        const y1 = rowCenter(rowOf, a.from);
        const x1 = laneX(a.from_column) + BOX_X + BOX_W;
        d = `M${x1},${y1} L${x1 + 36},${y1 + 8}`;
        labelAt = [x1 + 4, y1 - 4];
      } else {
        continue; // a render with no recorded send: its box says it, no arrow to draw
      }
      const p = svg("path", {
        d,
        class: `arrow ${a.tone}${a.to === null ? " dangling" : ""}`,
        "marker-end": `url(#head-${a.tone === "ok" ? "ok" : a.tone})`,
        "data-arrow": k,
        "data-frame": a.frame,
        "data-from": a.from === null ? "" : a.from,
        "data-to": a.to === null ? "" : a.to,
      });
      const title = svg("title", {});
      title.textContent = `${a.event} ${a.frame}: step ${a.from} → ${a.to === null ? "never rendered" : `step ${a.to}`}`;
      p.append(title);
      s.append(p);
      // Only the frames the reader must notice get a label (the red one, the lost ones);
      // every arrow's frame is in its tooltip and in the boxes' inspector.
      if (a.tone !== "violation" && a.to !== null) continue;
      const label = svg("text", {
        x: labelAt[0],
        y: labelAt[1],
        "text-anchor":
          labelAt[0] < (a.from_column === null ? 0 : laneX(a.from_column) + BOX_X)
            ? "end"
            : "start",
        class: a.tone,
      });
      const what = `${a.event} ${a.frame}${a.via ? ` (${a.via})` : ""}`;
      label.textContent = a.to === null ? `${what} not rendered` : what;
      s.append(label);
    }
    const v = layout.violation;
    if (v?.frame && v.duplicate_of !== null) {
      // The red frame's twin: a dashed link to the earlier render of the same frame.
      const x = laneX(layout.boxes[v.frame.step].column) + BOX_X + BOX_W;
      const y1 = rowCenter(rowOf, v.frame.step);
      const y2 = rowCenter(rowOf, v.duplicate_of);
      const bulge = LINK_BULGE;
      const link = svg("path", {
        d: `M${x},${y1} C${x + bulge},${y1} ${x + bulge},${y2} ${x},${y2}`,
        class: "link",
        "marker-end": "url(#head-link)",
        "data-link": "duplicate-of",
      });
      s.append(link);
      const t = svg("text", { x: x + bulge * 0.75 + 6, y: (y1 + y2) / 2 + 3, class: "link" });
      t.textContent = `same ${v.frame.id} as #${v.duplicate_of}`;
      s.append(t);
    }
    return s;
  }

  // ---- inspector ---------------------------------------------------------------------

  function stateAfter(step) {
    const state = Object.assign({}, layout.initial_state);
    for (let i = 0; i <= step && i < trace.steps.length; i++) {
      for (const [name, d] of Object.entries(data.deltas[i]))
        state[name] = applyDelta(state[name], d);
    }
    return state;
  }

  /** Mirrors applyDelta in deltas.ts: a whole value, or drop k from the head and push. */
  function applyDelta(prev, d) {
    if (Object.hasOwn(d, "set")) return d.set;
    const items = Array.isArray(prev) ? prev : [];
    return items.slice(d.drop).concat(d.push);
  }

  function goLink(step, text) {
    const a = el("a", "", text);
    a.href = `#step-${step}`;
    a.addEventListener("click", (e) => {
      e.preventDefault();
      reveal(step);
      select(step);
    });
    return a;
  }

  function select(step) {
    ui.selected = step;
    highlight(step);
    const s = trace.steps[step];
    inspector.textContent = "";
    inspector.scrollTop = 0;
    inspector.dataset.step = String(step);
    inspector.append(el("h2", "", `#${step} · ${s.name} · ${s.label}`));
    const when = el(
      "div",
      "hint",
      `t = ${s.t} ms${s.kind === "timer" ? " · ran because its timer fired" : ""}`,
    );
    inspector.append(when);

    const marks = marksByStep.get(step) || [];
    if (marks.length > 0) {
      inspector.append(el("h3", "", "Marks"));
      const ul = el("ul");
      for (const m of marks) {
        const li = el("li", `mark-line ${m.kind}`, m.text);
        if (m.link !== null) {
          li.append(" ");
          li.append(goLink(m.link, `→ step ${m.link}`));
        }
        ul.append(li);
      }
      inspector.append(ul);
    }
    if (s.notes.length > 0 || s.spawned.length > 0) {
      inspector.append(el("h3", "", "Notes"));
      const ul = el("ul", "mono");
      for (const n of s.notes) ul.append(el("li", "", n));
      for (const a of s.spawned) ul.append(el("li", "", `spawned ${a}`));
      inspector.append(ul);
    }
    inspector.append(el("h3", "", "Read and wrote"));
    if (s.accesses.length === 0) inspector.append(el("div", "hint", "no shared object"));
    else {
      const table = el("table", "accesses");
      for (const [name, mode] of s.accesses) {
        const tr = el("tr");
        const td1 = el("td");
        td1.append(el("span", `acc ${mode}`, mode));
        tr.append(td1, el("td", "mono", name));
        table.append(tr);
      }
      inspector.append(table);
    }
    inspector.append(el("h3", "", "Objects after this step"));
    const state = stateAfter(step);
    // The objects this step touched come first: they are what the reader clicked for.
    const touched = new Set(s.accesses.map(([name]) => name));
    const ordered = [
      ...layout.objects.filter((o) => touched.has(o.name)),
      ...layout.objects.filter((o) => !touched.has(o.name)),
    ];
    for (const o of ordered) {
      const written = Object.hasOwn(data.deltas[step], o.name);
      const box = el("div", `obj${written ? " written" : ""}`);
      box.dataset.object = o.name;
      const head = el("div", "obj-head");
      head.append(
        el("span", "mono", o.name),
        el("span", "hint", written ? `${o.kind} · written here` : o.kind),
      );
      box.append(head);
      const known = Object.hasOwn(state, o.name);
      const full = known
        ? formatState(state[o.name])
        : "not yet written (initial state not recorded)";
      const cut = full.length > STATE_PREVIEW_CHARS;
      const pre = el("pre", known ? "" : "hint", cut ? full.slice(0, STATE_PREVIEW_CHARS) : full);
      box.append(pre);
      if (cut) {
        const rest = full.length - STATE_PREVIEW_CHARS;
        const more = el("button", "more", `show all (${rest} more characters)`);
        more.type = "button";
        more.addEventListener("click", () => {
          pre.textContent = full;
          more.remove();
        });
        box.append(more);
      }
      inspector.append(box);
    }
  }

  /** One line per item of a list or entry of a map: a journal reads row by row. */
  function formatState(value) {
    if (Array.isArray(value)) {
      if (value.length === 0) return "[]";
      return `[\n${value.map((v) => `  ${JSON.stringify(v)}`).join(",\n")}\n]`;
    }
    if (value !== null && typeof value === "object") {
      const entries = Object.entries(value);
      if (entries.length === 0) return "{}";
      return `{\n${entries.map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n")}\n}`;
    }
    return JSON.stringify(value);
  }

  function highlight(step) {
    for (const e of timeline.querySelectorAll(".box.selected")) e.classList.remove("selected");
    for (const e of timeline.querySelectorAll("path.hot")) e.classList.remove("hot");
    const target = boxElementOf(step);
    if (target) target.classList.add("selected");
    for (const p of timeline.querySelectorAll("path.arrow")) {
      // The red frame stays red when selected: it is the one thing the page must show.
      if (p.classList.contains("violation")) continue;
      if (p.dataset.from === String(step) || p.dataset.to === String(step)) p.classList.add("hot");
    }
  }

  function boxElementOf(step) {
    const row = rowsNow.rows[rowsNow.rowOf[step]];
    return row ? timeline.querySelector(`.box[data-step="${row.step}"]`) : null;
  }

  /** Expands the collapsed run holding `step`, if any, and scrolls to it. */
  function reveal(step) {
    const run = layout.boxes[step].run;
    if (ui.collapsed && run >= 0 && !ui.expandedRuns.has(run)) {
      ui.expandedRuns.add(run);
      draw();
    }
    const e = boxElementOf(step);
    if (e) e.scrollIntoView({ block: "center", inline: "nearest" });
  }

  timeline.addEventListener("click", (e) => {
    const b = e.target.closest(".box[data-step]");
    if (!b) return;
    const step = Number(b.dataset.step);
    if (b.dataset.run !== undefined) {
      ui.expandedRuns.add(Number(b.dataset.run));
      draw();
    }
    select(step);
  });

  // ---- search and collapsing --------------------------------------------------------

  function matchesOf(query) {
    const q = query.trim().toLowerCase();
    if (q === "") return [];
    const out = [];
    for (const s of trace.steps) {
      const hay = `${s.label}\n${s.name}\n${s.notes.join("\n")}`.toLowerCase();
      if (hay.includes(q)) out.push(s.i);
    }
    return out;
  }

  function applyMatches() {
    for (const e of timeline.querySelectorAll(".box.match")) e.classList.remove("match");
    for (const step of ui.matches) {
      const e = boxElementOf(step);
      if (e) e.classList.add("match");
    }
    const n = ui.matches.length;
    if (search.value.trim() === "") matchCount.textContent = "";
    else if (ui.matchPos < 0) matchCount.textContent = `${n} match${n === 1 ? "" : "es"}`;
    else matchCount.textContent = `${ui.matchPos + 1} of ${n}`;
  }

  function step(delta) {
    if (ui.matches.length === 0) return;
    ui.matchPos = (ui.matchPos + delta + ui.matches.length) % ui.matches.length;
    const target = ui.matches[ui.matchPos];
    reveal(target);
    select(target);
    applyMatches();
  }

  search.addEventListener("input", () => {
    ui.matches = matchesOf(search.value);
    ui.matchPos = -1; // Enter goes to the first match
    applyMatches();
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    }
  });
  document.getElementById("next-match").addEventListener("click", () => step(1));
  document.getElementById("prev-match").addEventListener("click", () => step(-1));
  collapseBox.addEventListener("change", () => {
    ui.collapsed = collapseBox.checked;
    ui.expandedRuns.clear();
    draw();
  });
  for (const a of document.querySelectorAll("a[data-step]")) {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      const s = Number(a.dataset.step);
      reveal(s);
      select(s);
    });
  }

  draw();
  const v = layout.violation;
  const first = v ? (v.frame ? v.frame.step : v.lost_row ? v.lost_row.step : v.step) : null;
  if (first !== null && first !== undefined) select(first);
  document.body.dataset.ready = "true";
})();
