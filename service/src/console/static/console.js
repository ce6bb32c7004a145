// Progressive enhancement only: every page works without this file.
// 1. A bill being delivered refreshes its status block until it settles (no full reload, no
//    meta refresh): the status region is aria-live, so screen readers hear the change.
// 2. Failed bills: a "select all" box for the bulk actions.

function followStatus(el) {
  const every = Number(el.dataset.live) || 3000;
  const tick = async () => {
    try {
      const res = await fetch(location.pathname, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const fresh = doc.getElementById("bill-status");
      if (!fresh) return;
      if (!fresh.hasAttribute("data-live")) {
        // Settled: swap the whole main so the timeline and comparison show the outcome too.
        const main = doc.getElementById("main");
        if (main) document.getElementById("main").replaceWith(main);
        return;
      }
    } catch {
      // Network blip: try again next tick.
    }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
}

function selectAll(form) {
  const boxes = form.querySelectorAll('input[type="checkbox"][name="ids"]');
  if (boxes.length < 2) return;
  const head = form.querySelector("thead th");
  const all = document.createElement("input");
  all.type = "checkbox";
  all.checked = true;
  all.setAttribute("aria-label", "Select all bills");
  all.addEventListener("change", () => {
    for (const b of boxes) b.checked = all.checked;
  });
  head.textContent = "";
  head.append(all);
}

document.addEventListener("DOMContentLoaded", () => {
  const live = document.getElementById("bill-status");
  if (live?.dataset.live) followStatus(live);
  const bulk = document.getElementById("bulk");
  if (bulk) selectAll(bulk);
});
