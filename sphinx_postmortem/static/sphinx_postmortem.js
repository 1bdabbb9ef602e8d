/* sphinx-postmortem: a filter bar for roll-ups written with :filter:, and sortable tables.
 *
 * Plain JavaScript, no framework. With JavaScript off the page shows the whole
 * list and no bar. The filter lives in the URL fragment
 * ("#filter=tag:deploy;kind:went-wrong"), so a filtered view can be shared and
 * survives a reload; any other fragment ("#lessons-deploy") is an anchor as usual.
 * The words come from the script tag (data-words), translated by the build.
 */
(() => {
  "use strict";
  const script = document.currentScript;
  const words = JSON.parse((script && script.dataset.words) || "{}");
  const PREFIX = "#filter=";
  const LESSON_FACETS = ["kind", "tag", "service", "severity", "project"];
  const TABLE_FACETS = {
    "pm-incident-table": ["severity", "status", "services", "project"],
    "pm-action-table": ["status", "priority", "owner", "project"],
  };
  const DURATIONS = new Set(["duration", "ttd", "tta", "ttn", "ttm", "ttr"]);
  const bars = [];
  let state = readState();

  const say = (key, fallback) => words[key] || fallback;
  const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");
  const firstLine = (cell) => text(cell && (cell.querySelector("p") || cell));

  function readState() {
    const found = {};
    if (!location.hash.startsWith(PREFIX)) return found;
    for (const part of location.hash.slice(PREFIX.length).split(";")) {
      const at = part.indexOf(":");
      if (at > 0) {
        try {
          found[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1));
        } catch (error) {
          /* a damaged value filters nothing */
        }
      }
    }
    return found;
  }

  function writeState() {
    const parts = Object.entries(state).map(([f, v]) => `${f}:${encodeURIComponent(v)}`);
    const hash = parts.length ? PREFIX + parts.join(";") : "";
    history.replaceState(history.state, "", location.pathname + location.search + hash);
  }

  /* Items: {element, values: {facet: Set of keys}}; facets: [{name, label, options: Map}]. */
  function lessonItems(rollup) {
    const items = [...rollup.querySelectorAll(".pm-lesson-entry")].map((element) => {
      const values = {};
      const texts = {};
      for (const cls of element.classList) {
        const match = /^pm-f-([a-z]+)-(.+)$/.exec(cls);
        if (!match) continue;
        (values[match[1]] = values[match[1]] || new Set()).add(match[2]);
        texts[match[1] + ":" + match[2]] = text(element.querySelector("." + cls)) || match[2];
      }
      /* A lesson under several groups is counted once: by the link to it. */
      const link = element.querySelector(".pm-lesson-heading a");
      return { element, values, texts, key: link ? link.href : element };
    });
    const labels = words.labels || {};
    return { items, facets: facetsOf(items, LESSON_FACETS, (name) => labels[name] || name) };
  }

  function tableItems(rollup, table, names) {
    const items = [...table.tBodies].flatMap((body) => [...body.rows]).map((element) => {
      const values = {};
      const texts = {};
      for (const name of names) {
        let value = firstLine(element.querySelector(`td.pm-col-${name}`));
        /* Without a Project column, the project is named under the title. */
        if (!value && name === "project") value = text(element.querySelector(".pm-project"));
        const parts = name === "services" ? value.split(/,\s*/) : [value];
        values[name] = new Set(parts.filter(Boolean));
        for (const part of values[name]) texts[name + ":" + part] = part;
      }
      return { element, values, texts, key: element };
    });
    const labels = words.labels || {};
    const label = (name) =>
      text(table.querySelector(`thead th.pm-col-${name}`)) || labels[name] || name;
    return { items, facets: facetsOf(items, names, label) };
  }

  function facetsOf(items, names, label) {
    return names
      .map((name) => {
        const options = new Map();
        for (const item of items) {
          for (const key of item.values[name] || []) options.set(key, item.texts[name + ":" + key]);
        }
        const sorted = [...options].sort((a, b) => compareText(a[1], b[1]));
        return { name, label: label(name), options: new Map(sorted) };
      })
      .filter((facet) => facet.options.size > 1);
  }

  function buildBar(rollup, { items, facets }) {
    if (!facets.length) return;
    const bar = document.createElement("div");
    bar.className = "pm-filter-bar";
    bar.setAttribute("role", "search");
    bar.setAttribute("aria-label", say("filter", "Filter"));
    const selects = facets.map((facet) => {
      const label = document.createElement("label");
      const select = document.createElement("select");
      select.dataset.facet = facet.name;
      select.add(new Option(say("all", "All"), ""));
      for (const [key, shown] of facet.options) select.add(new Option(shown, key));
      select.addEventListener("change", () => {
        if (select.value) state[facet.name] = select.value;
        else delete state[facet.name];
        writeState();
        applyAll();
      });
      label.append(facet.label + " ", select);
      bar.append(label);
      return select;
    });
    const clear = document.createElement("button");
    clear.type = "button";
    clear.className = "pm-filter-clear";
    clear.textContent = say("clear", "Clear");
    clear.addEventListener("click", () => {
      for (const select of selects) delete state[select.dataset.facet];
      writeState();
      applyAll();
    });
    const count = document.createElement("p");
    count.className = "pm-filter-count";
    count.setAttribute("role", "status");
    bar.append(clear, count);
    rollup.prepend(bar);
    bars.push({ rollup, items, selects, count });
  }

  function apply({ rollup, items, selects, count }) {
    const chosen = [];
    for (const select of selects) {
      const wanted = state[select.dataset.facet] || "";
      const known = [...select.options].some((option) => option.value === wanted);
      select.value = known ? wanted : "";
      if (select.value) chosen.push([select.dataset.facet, select.value]);
    }
    const shown = new Set();
    for (const item of items) {
      const match = chosen.every(([f, v]) => item.values[f] && item.values[f].has(v));
      item.element.hidden = !match;
      if (match) shown.add(item.key);
    }
    updateGroups(rollup);
    const total = new Set(items.map((item) => item.key)).size;
    const template = say("shown", "{shown} of {total} shown");
    count.textContent = template.replace("{shown}", shown.size).replace("{total}", total);
  }

  /* Group sections: hidden when empty, their count the entries shown. */
  function updateGroups(rollup) {
    for (const group of rollup.querySelectorAll("section.pm-group")) {
      const entries = group.querySelectorAll(".pm-lesson-entry");
      const shown = [...entries].filter((entry) => !entry.hidden).length;
      group.hidden = shown === 0;
      const counter = group.querySelector(".pm-group-count");
      if (counter) counter.textContent = `(${shown})`;
    }
    for (const rubric of rollup.querySelectorAll("p.pm-group")) {
      let empty = true;
      for (let next = rubric.nextElementSibling; next; next = next.nextElementSibling) {
        if (next.classList.contains("pm-group")) break;
        if (!next.hidden) empty = false;
      }
      rubric.hidden = empty;
    }
  }

  function applyAll() {
    bars.forEach(apply);
  }

  /* -- sorting ------------------------------------------------------------------ */

  function compareText(a, b) {
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function duration(value) {
    let seconds = 0;
    let found = false;
    const units = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
    for (const [, number, unit] of value.matchAll(/(\d+(?:\.\d+)?)\s*([wdhms])/g)) {
      seconds += parseFloat(number) * units[unit];
      found = true;
    }
    return found ? seconds : null;
  }

  /* A function giving the sort key of a cell's text in ``column``: a number or text. */
  function keyOf(column) {
    const ranked = { severity: words.severities, priority: words.priorities }[column];
    if (ranked) {
      const order = ranked.map((name) => name.toLowerCase());
      return (value) => {
        const rank = order.indexOf(value.toLowerCase());
        return rank < 0 ? value : rank;
      };
    }
    if (DURATIONS.has(column)) return (value) => duration(value) ?? value;
    return (value) => value;
  }

  function compareKeys(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1;
    if (typeof b === "number") return 1;
    return compareText(a, b);
  }

  function makeSortable(table) {
    const head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    [...head.cells].forEach((th, index) => {
      const column = [...th.classList].find((c) => c.startsWith("pm-col-"));
      const button = document.createElement("button");
      button.type = "button";
      button.className = "pm-sort";
      button.append(...th.childNodes);
      th.append(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        for (const other of head.cells) other.removeAttribute("aria-sort");
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortRows(table, index, keyOf(column ? column.slice(7) : ""), ascending);
      });
    });
  }

  function sortRows(table, index, key, ascending) {
    const body = table.tBodies[0];
    const rows = [...body.rows].map((row, position) => {
      const value = firstLine(row.cells[index]);
      return { row, position, empty: !value, key: value ? key(value) : "" };
    });
    rows.sort((a, b) => {
      if (a.empty !== b.empty) return a.empty ? 1 : -1; /* empty cells last, either way */
      const order = a.empty ? 0 : compareKeys(a.key, b.key);
      return (ascending ? order : -order) || a.position - b.position;
    });
    rows.forEach(({ row }, position) => {
      if (row.classList.contains("row-odd") || row.classList.contains("row-even")) {
        row.classList.toggle("row-odd", position % 2 === 0);
        row.classList.toggle("row-even", position % 2 === 1);
      }
      body.append(row);
    });
  }

  /* -- start ---------------------------------------------------------------------- */

  function revealTarget() {
    if (location.hash.length < 2 || location.hash.startsWith(PREFIX)) return;
    let target = null;
    try {
      target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    } catch (error) {
      return;
    }
    if (!target) return;
    if (target.closest("[hidden]")) {
      state = {};
      applyAll();
    }
    target.scrollIntoView({ block: "start", behavior: "instant" }); /* not a smooth scroll */
  }

  for (const rollup of document.querySelectorAll(".pm-rollup.pm-filter")) {
    if (rollup.classList.contains("pm-lesson-list")) {
      buildBar(rollup, lessonItems(rollup));
      continue;
    }
    for (const table of rollup.querySelectorAll("table")) {
      const kind = Object.keys(TABLE_FACETS).find((name) => table.classList.contains(name));
      if (!kind) continue;
      buildBar(rollup, tableItems(rollup, table, TABLE_FACETS[kind]));
      makeSortable(table);
    }
  }
  applyAll();
  revealTarget(); /* the bar moved the page: go back to the anchor */
  window.addEventListener("hashchange", () => {
    if (location.hash.startsWith(PREFIX)) {
      state = readState();
      applyAll();
    } else {
      revealTarget();
    }
  });
})();
