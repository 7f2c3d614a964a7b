/**
 * A small SVG of latency distributions (cumulative, log-scaled time axis): one line per series. Series
 * come in pairs (request → response, dashed; request → mail, solid) and each pair has its colour.
 */
export function latencyChart(title: string, series: { name: string; samples: number[] }[]): string {
  const W = 760;
  const legendRows = Math.ceil(series.length / 2);
  const H = 330 + legendRows * 18;
  const m = { left: 60, right: 20, top: 40, bottom: 50 + legendRows * 18 };
  const all = series.flatMap((s) => s.samples).filter((v) => v > 0);
  const lo = Math.max(1, Math.min(...all));
  const hi = Math.max(...all);
  const lx = (v: number) =>
    m.left +
    ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * (W - m.left - m.right);
  const ly = (q: number) => H - m.bottom - q * (H - m.top - m.bottom);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const lines = series.map((s, i) => {
    const colour = colours[Math.floor(i / 2) % colours.length];
    const dash = i % 2 === 0 ? ' stroke-dasharray="5,3"' : '';
    const sorted = [...s.samples].sort((a, b) => a - b);
    const points = sorted.map((v, k) => `${lx(v).toFixed(1)},${ly((k + 1) / sorted.length).toFixed(1)}`).join(' ');
    const y = H - m.bottom + 35 + Math.floor(i / 2) * 18;
    const x = 10 + (i % 2) * 375;
    return `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points}"/>
<line x1="${x}" x2="${x + 14}" y1="${y - 4}" y2="${y - 4}" stroke="${colour}" stroke-width="3"${dash}/><text x="${x + 18}" y="${y}" font-size="11">${s.name}</text>`;
  });
  const ticks: string[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const f of [1, 2, 5]) {
      const v = f * 10 ** e;
      if (v < lo || v > hi) continue;
      ticks.push(
        `<line x1="${lx(v)}" x2="${lx(v)}" y1="${m.top}" y2="${H - m.bottom}" stroke="#eee"/><text x="${lx(v)}" y="${H - m.bottom + 15}" font-size="11" text-anchor="middle">${v >= 1000 ? `${v / 1000}s` : `${v}ms`}</text>`,
      );
    }
  }
  for (const q of [0, 0.5, 0.95, 0.99, 1]) {
    ticks.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${ly(q)}" y2="${ly(q)}" stroke="#eee"/><text x="${m.left - 6}" y="${ly(q) + 4}" font-size="11" text-anchor="end">p${Math.round(q * 100)}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${m.left}" y="24" font-size="15" font-weight="bold">${title}</text>
${ticks.join('\n')}
<rect x="${m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="none" stroke="#999"/>
${lines.join('\n')}
</svg>
`;
}
