import type { Overview } from '../../services/console';
import { html, type Html } from '../html';

const W = 640;
const H = 200;
const PAD = 40;

/** The latest mails' request → mail latency as a server-rendered SVG, p50 and p95 drawn across it. */
export function latencyChart(l: Overview['latency']): Html {
  if (l.samplesMs.length === 0) return html`<p>No mail sent yet.</p>`;
  const max = Math.max(...l.samplesMs, 1);
  const x = (i: number) => PAD + (l.samplesMs.length === 1 ? 0 : (i * (W - 2 * PAD)) / (l.samplesMs.length - 1));
  const y = (ms: number) => H - PAD + ((PAD * 2 - H) * ms) / max;
  const points = l.samplesMs.map((ms, i) => `${x(i).toFixed(1)},${y(ms).toFixed(1)}`).join(' ');
  const line = (ms: number | null, label: string, colour: string) =>
    ms === null
      ? ''
      : html`<line
            x1="${PAD}"
            x2="${W - PAD}"
            y1="${y(ms).toFixed(1)}"
            y2="${y(ms).toFixed(1)}"
            stroke="${colour}"
            stroke-dasharray="4 3"
          />
          <text x="${W - PAD + 2}" y="${(y(ms) + 4).toFixed(1)}" font-size="11" fill="${colour}">${label}</text>`;
  const summary = `p50 ${l.p50} ms, p95 ${l.p95} ms over the latest ${l.samplesMs.length} mails`;
  return html`<p>${summary}.</p>
    <svg
      role="img"
      aria-label="${summary}"
      width="${W}"
      height="${H}"
      viewBox="0 0 ${W} ${H}"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>${summary}</title>
      <line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#555" />
      <line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#555" />
      <text x="2" y="${PAD + 4}" font-size="11">${max} ms</text>
      <text x="2" y="${H - PAD}" font-size="11">0</text>
      <text x="${PAD}" y="${H - PAD + 16}" font-size="11">older</text>
      <text x="${W - PAD - 30}" y="${H - PAD + 16}" font-size="11">newest</text>
      <polyline points="${points}" fill="none" stroke="#1a73e8" stroke-width="1.5" />
      ${line(l.p50, 'p50', '#188038')}${line(l.p95, 'p95', '#b00020')}
    </svg>`;
}
