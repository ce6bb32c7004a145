/** Charts as inline SVG for the benchmark's HTML report (no scripts, no external assets). Pure functions. */

export const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

interface Line {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

/** A line chart as inline SVG with axes, ticks and a legend. */
export function lineChart(title: string, xLabel: string, yLabel: string, lines: readonly Line[]): string {
  const W = 720;
  const H = 300;
  const L = 60;
  const B = 40;
  const all = lines.flatMap((l) => l.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1])) * 1.1;
  const x = (v: number): number => L + (v / xMax) * (W - L - 20);
  const y = (v: number): number => H - B - (v / yMax) * (H - B - 30);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const paths = lines
    .map(
      (l) =>
        `<polyline fill="none" stroke="${l.color}" stroke-width="2"${l.dashed ? ' stroke-dasharray="6 4"' : ""} points="${l.points
          .map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
          .join(" ")}"/>`,
    )
    .join("");
  const legend = lines
    .map((l, i) => `<text x="${L + 10 + i * 200}" y="18" fill="${l.color}" font-size="12">— ${esc(l.label)}</text>`)
    .join("");
  const grid = ticks
    .map(
      (f) =>
        `<line x1="${L}" x2="${W - 20}" y1="${y(f * yMax)}" y2="${y(f * yMax)}" stroke="#eee"/>` +
        `<text x="${L - 6}" y="${y(f * yMax) + 4}" font-size="11" text-anchor="end">${Math.round(f * yMax)}</text>` +
        `<text x="${x(f * xMax)}" y="${H - B + 16}" font-size="11" text-anchor="middle">${Math.round(f * xMax)}</text>`,
    )
    .join("");
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${grid}
<line x1="${L}" y1="${H - B}" x2="${W - 20}" y2="${H - B}" stroke="#333"/><line x1="${L}" y1="30" x2="${L}" y2="${H - B}" stroke="#333"/>
<text x="${(W + L) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>
<text x="14" y="${H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(yLabel)}</text>
${paths}${legend}</svg></figure>`;
}

/** Horizontal bars (throughput and latency side by side). */
export function barChart(
  title: string,
  unit: string,
  bars: readonly { readonly label: string; readonly value: number }[],
): string {
  const W = 720;
  const rowH = 26;
  const L = 200;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const body = bars
    .map((b, i) => {
      const w = (b.value / max) * (W - L - 90);
      return `<text x="${L - 8}" y="${i * rowH + 18}" font-size="12" text-anchor="end">${esc(b.label)}</text><rect x="${L}" y="${i * rowH + 5}" width="${w.toFixed(1)}" height="18" fill="#4472c4"/><text x="${L + w + 6}" y="${i * rowH + 18}" font-size="12">${b.value} ${esc(unit)}</text>`;
    })
    .join("");
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${bars.length * rowH + 10}" role="img" aria-label="${esc(title)}">${body}</svg></figure>`;
}
